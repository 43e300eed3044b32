/**
 * What the CDN holds: resources, the origin and its groups, one edge cache
 * per resource, and purges waiting to take effect. The API server changes it
 * (accepted purges and prefetches); the edge servers read and fill it; tests
 * read it.
 *
 * The CDN fetches like Gcore's nginx with the slice module: a prefetch fills
 * every part of a file that is not cached, and so does an edge request for
 * the parts it needs ("Gcore's CDN caches files on the first request"): the
 * first request of a part answers MISS (or BYPASS after a pattern purge or
 * purge all) and caches it, the next one is a HIT. Part 0 always comes first,
 * as it gives the file's size. Each part comes from the resource's origin
 * group, its enabled primary sources in turn, at the path the resource's
 * rewrite option makes; so a source that lags behind the others leaves a
 * cached file made of parts of two versions.
 *
 * Deterministic on purpose: a prefetch fills the cache the moment it is
 * accepted, and a purge clears it the moment its status turns `Successful`
 * (at once by default). The CDN's own fetches are in-process: an origin's ACL
 * and virtual host, which are about who asks over HTTP, do not stop them.
 */
import { parseRange } from './byte-range.js'
import { EdgeCache, type CachedPart, type CacheState, type CacheVerdict } from './cache.js'
import { cacheKey, effectiveOptions, isOn, patternPrefix, splitRequestPath, type RequestPath } from './cache-key.js'
import type { Origin } from './origin.js'
import type { OriginGroups } from './origin-groups.js'
import type { HeadersHidingPolicy, Resource, ResourceCatalog } from './resources.js'
import { rewritePath } from './rewrite.js'

/** What an edge server answers for one request on one resource. */
export interface EdgeView {
  resource: number | null
  /** The Cache verdict of the part that answers, as it stood before this request filled it; null when the cache was not asked (no resource, a redirect). */
  verdict: CacheVerdict | null
  /** Whether the resource slices the path (Gcore then conceals the ETag). */
  sliced: boolean
  hiding: HeadersHidingPolicy | null | undefined
  answer: EdgeAnswer
}

type EdgeAnswer =
  /** The file (200, Content-Length: the size part 0 was cached from) or a range of it (206), told by the part that answers. */
  | { kind: 'file'; part: CachedPart; length: number; range: { start: number; end: number; total: number } | null }
  /** A range past the end of the file as part 0 describes it. */
  | { kind: 'unsatisfiable'; size: number }
  /** The resource's rewrite option redirects. */
  | { kind: 'redirect'; status: 301 | 302; location: string }
  /** No resource, or the origin has no such file (404); no source could give a part (502). */
  | { kind: 'error'; status: 404 | 502 }

export type PurgeAction =
  { kind: 'purge_by_url'; urls: string[] } | { kind: 'purge_by_pattern'; patterns: string[] } | { kind: 'purge_all' }

/** A request path on one resource, with what its options make of it. */
interface Located {
  resource: Resource
  cache: EdgeCache
  key: string
  sliced: boolean
  hiding: HeadersHidingPolicy | null | undefined
  /** The path the CDN asks the origin for, or the redirect the rewrite option answers instead. */
  target: ReturnType<typeof rewritePath>
}

/** Why part 0 could not be had: the source has no such file, or the group has no host source to ask. */
type FetchFailure = 'not-found' | 'no-source'

export class CdnModel {
  private readonly caches = new Map<number, EdgeCache>()
  private pending: { at: number; order: number; apply: () => void }[] = []
  private scheduled = 0

  constructor(
    readonly catalog: ResourceCatalog,
    readonly origin: Origin,
    readonly groups: OriginGroups,
    private readonly sliceBytes: number,
    private readonly now: () => number
  ) {}

  /** Fill every uncached part of each path, as a GET through the CDN would. */
  prefetch(resource: Resource, paths: string[]): void {
    this.settle()
    for (const raw of paths) this.fill(this.locate(resource, splitRequestPath(raw)), count => indices(0, count - 1))
  }

  /**
   * Apply a purge at `at` (null: never). Purge by URL removes the key exactly as
   * sent, query included: a query the cache key drops makes the purge miss,
   * which is why Gcore says which parameters to send for each query option.
   * With proxy_cache_key on, a pattern purge is accepted but clears nothing.
   */
  schedulePurge(resource: Resource, action: PurgeAction, at: number | null): void {
    if (at === null) return
    const cache = this.cacheOf(resource.id)
    const apply = (): void => {
      if (action.kind === 'purge_all') return cache.purgePrefix('/')
      if (action.kind === 'purge_by_pattern') {
        if (isOn(resource.options?.proxy_cache_key)) return
        for (const pattern of action.patterns) cache.purgePrefix(patternPrefix(pattern))
        return
      }
      for (const url of action.urls) {
        const request = splitRequestPath(url)
        const key = request.query ? `${request.path}?${request.query}` : request.path
        cache.purgeUrl(key, isOn(effectiveOptions(resource, request.path).slice))
      }
    }
    this.pending.push({ at, order: this.scheduled++, apply })
    this.settle()
  }

  cacheState(resource: number, rawPath: string): CacheState {
    this.settle()
    const found = this.catalog.get(resource)
    const request = splitRequestPath(rawPath)
    const key = found ? cacheKey(request, effectiveOptions(found, request.path)) : request.path
    return this.cacheOf(resource).state(key)
  }

  /** Whether any cached part of the path is from a version other than the newest one the origin serves. */
  isStale(resource: number, rawPath: string): boolean {
    const found = this.catalog.get(resource)
    const request = splitRequestPath(rawPath)
    const target = found ? this.locate(found, request).target : { path: request.path }
    if (!('path' in target)) return false
    const current = this.origin.newest(target.path)
    return [...this.cacheState(resource, rawPath).versions].some(version => version !== current)
  }

  /**
   * An edge server's answer to a GET or HEAD with an optional Range header, on
   * one resource, on whichever resource has the path cached ('any'), or on a
   * resource that does not exist ('none'). HEAD and GET answer about part 0,
   * a range about the part holding its first byte; a HEAD fills only that
   * part, a GET every part it returns (nginx's slice module fetches part 0
   * first in every case, to learn the size).
   */
  edgeView(target: Resource | 'any' | 'none', rawPath: string, method: string, rangeHeader: string | undefined): EdgeView {
    this.settle()
    const request = splitRequestPath(rawPath)
    const resource = this.pick(target, request)
    if (!resource) return { resource: null, verdict: null, sliced: false, hiding: undefined, answer: { kind: 'error', status: 404 } }
    const at = this.locate(resource, request)
    const view = (verdict: CacheVerdict | null, answer: EdgeAnswer): EdgeView => ({
      resource: resource.id,
      verdict,
      sliced: at.sliced,
      hiding: at.hiding,
      answer
    })
    if ('redirect' in at.target) return view(null, { kind: 'redirect', ...at.target.redirect })
    const missed = at.cache.missVerdict(at.key)
    const firstCached = at.cache.part(at.key, 0) !== undefined
    const failure = this.fill(at, () => [])
    if (failure) return view(missed, { kind: 'error', status: failure === 'no-source' ? 502 : 404 })
    const size = at.cache.part(at.key, 0)!.fileSize
    const range = parseRange(rangeHeader, size)
    if (range === 'unsatisfiable') return view(firstCached ? 'HIT' : missed, { kind: 'unsatisfiable', size })
    const partSize = at.sliced ? this.sliceBytes : Math.max(size, 1)
    const index = range ? Math.floor(range.start / partSize) : 0
    const wasCached = index === 0 ? firstCached : at.cache.part(at.key, index) !== undefined
    const lastWanted = range ? Math.floor(range.end / partSize) : method === 'HEAD' ? 0 : Infinity
    this.fill(at, count => indices(index, Math.min(lastWanted, count - 1)))
    const part = at.cache.part(at.key, index)
    const verdict = wasCached ? 'HIT' : missed
    // A source whose version is shorter than part 0 says has no such range: nginx caches nothing and fails.
    if (!part) return view(verdict, { kind: 'error', status: 502 })
    if (!range) return view(verdict, { kind: 'file', part, length: size, range: null })
    // The part's own version decides where its bytes end: its Content-Range ends in the size it was cached from.
    const end = Math.min(range.end, part.fileSize - 1)
    const start = Math.min(range.start, end)
    return view(verdict, { kind: 'file', part, length: end - start + 1, range: { start, end, total: part.fileSize } })
  }

  /** The resource an edge request is about: the given one, or for 'any' the one that has part 0 cached, else any part, else the first. */
  private pick(target: Resource | 'any' | 'none', request: RequestPath): Resource | undefined {
    if (target !== 'any') return target === 'none' ? undefined : target
    const located = this.catalog.list().map(resource => this.locate(resource, request))
    const chosen = located.find(at => at.cache.part(at.key, 0) !== undefined) ?? located.find(at => at.cache.has(at.key)) ?? located[0]
    return chosen?.resource
  }

  private locate(resource: Resource, request: RequestPath): Located {
    const options = effectiveOptions(resource, request.path)
    return {
      resource,
      cache: this.cacheOf(resource.id),
      key: cacheKey(request, options),
      sliced: isOn(options.slice),
      hiding: options.response_headers_hiding_policy,
      target: rewritePath(options.rewrite, request.path)
    }
  }

  /**
   * Fetch what is missing, as nginx's slice module does: part 0 first (it
   * gives the file's size, so how many parts there are), then each part that
   * `wanted` names for that count and that is not cached. Returns why part 0
   * could not be had, if it could not; a later part that cannot be had is
   * left uncached.
   */
  private fill(at: Located, wanted: (count: number) => number[]): FetchFailure | undefined {
    if (!('path' in at.target)) return 'not-found'
    if (!at.cache.part(at.key, 0)) {
      const first = this.fetch(at, at.target.path, 0)
      if (typeof first === 'string') return first
      at.cache.store(at.key, at.sliced, first)
    }
    for (const index of wanted(at.cache.partCount(at.key)!)) {
      if (at.cache.part(at.key, index)) continue
      const part = this.fetch(at, at.target.path, index)
      if (typeof part !== 'string') at.cache.store(at.key, at.sliced, part)
    }
    return undefined
  }

  /** One part from the group's next source, or why not (a version too short to have the part counts as not found). */
  private fetch(at: Located, originPath: string, index: number): CachedPart | FetchFailure {
    const source = this.groups.nextSource(at.resource.originGroup)
    if (source === undefined) return 'no-source'
    const file = this.origin.file(source, originPath)
    if (!file) return 'not-found'
    const partSize = at.sliced ? this.sliceBytes : Math.max(file.size, 1)
    const offset = index * partSize
    if (index > 0 && offset >= file.size) return 'not-found'
    return {
      index,
      version: file.version,
      etag: file.etag,
      modifiedAt: file.modifiedAt,
      bytes: Math.max(0, Math.min(partSize, file.size - offset)),
      fileSize: file.size,
      cachedAt: this.now(),
      source
    }
  }

  /** Apply the purges whose time has come, in the order they were accepted. */
  private settle(): void {
    const now = this.now()
    const due = this.pending.filter(purge => purge.at <= now).sort((a, b) => a.at - b.at || a.order - b.order)
    if (!due.length) return
    this.pending = this.pending.filter(purge => purge.at > now)
    for (const purge of due) purge.apply()
  }

  private cacheOf(resource: number): EdgeCache {
    let cache = this.caches.get(resource)
    if (!cache) this.caches.set(resource, (cache = new EdgeCache(this.sliceBytes)))
    return cache
  }
}

/** from, from + 1, …, to (none when to < from). */
function indices(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, offset) => from + offset)
}
