/**
 * What the CDN holds: resources, the origin, one edge cache per resource, and
 * purges waiting to take effect. The API server changes it (accepted purges
 * and prefetches); the edge server and tests read it.
 *
 * Deterministic on purpose: a prefetch fills the cache the moment it is
 * accepted, a purge clears it the moment its status turns `Successful` (at
 * once by default), and edge requests never fill the cache.
 */
import { EdgeCache, type CacheState, type CacheVerdict } from './cache.js'
import { cacheKey, effectiveOptions, isHeaderHidden, isOn, patternPrefix, splitRequestPath } from './cache-key.js'
import type { Origin } from './origin.js'
import type { Resource, ResourceCatalog } from './resources.js'

/** What an edge server answers for one path on one resource. */
export interface EdgeView {
  resource: number | null
  verdict: CacheVerdict
  /** Content-Length: the bytes cached (in their own versions' sizes), or the origin's size when nothing is. */
  bytes: number
  /** Headers the resource's hiding policy removes from this answer (lower case). */
  hidden: Set<string>
}

export type PurgeAction =
  { kind: 'purge_by_url'; urls: string[] } | { kind: 'purge_by_pattern'; patterns: string[] } | { kind: 'purge_all' }

export class CdnModel {
  private readonly caches = new Map<number, EdgeCache>()
  private pending: { at: number; order: number; apply: () => void }[] = []
  private scheduled = 0

  constructor(
    readonly catalog: ResourceCatalog,
    readonly origin: Origin,
    private readonly sliceBytes: number
  ) {}

  /** Fill every uncached part of each path from the origin's current version. */
  prefetch(resource: Resource, paths: string[]): void {
    this.settle()
    for (const raw of paths) {
      const request = splitRequestPath(raw)
      const options = effectiveOptions(resource, request.path)
      this.cacheOf(resource.id).fill(cacheKey(request, options), this.origin.file(request.path), isOn(options.slice))
    }
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

  /** Whether any cached part of the path is from a version other than the origin's current one. */
  isStale(resource: number, rawPath: string): boolean {
    const current = this.origin.file(rawPath).version
    return [...this.cacheState(resource, rawPath).versions].some(version => version !== current)
  }

  /**
   * The edge's answer for a path: on one resource, on whichever resource has
   * it cached ('any'), or on a resource that does not exist ('none': MISS).
   */
  edgeView(target: Resource | 'any' | 'none', rawPath: string): EdgeView {
    this.settle()
    const request = splitRequestPath(rawPath)
    const candidates = target === 'none' ? [] : target === 'any' ? this.catalog.list() : [target]
    const views = candidates.map(candidate => this.viewOn(candidate, request))
    const best = views.find(view => view.verdict === 'HIT') ?? views.find(view => view.cached) ?? views[0]
    if (best) return best
    return { resource: null, verdict: 'MISS', bytes: this.origin.file(request.path).size, hidden: new Set() }
  }

  private viewOn(resource: Resource, request: ReturnType<typeof splitRequestPath>): EdgeView & { cached: boolean } {
    const options = effectiveOptions(resource, request.path)
    const key = cacheKey(request, options)
    const cache = this.cacheOf(resource.id)
    const state = cache.state(key)
    const policy = options.response_headers_hiding_policy
    return {
      resource: resource.id,
      verdict: cache.verdict(key),
      bytes: state.parts.length ? state.bytes : this.origin.file(request.path).size,
      hidden: new Set(['cache', 'x-id'].filter(header => isHeaderHidden(policy, header))),
      cached: cache.has(key)
    }
  }

  /** Apply the purges whose time has come, in the order they were accepted. */
  private settle(now = Date.now()): void {
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
