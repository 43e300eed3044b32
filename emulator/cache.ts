/**
 * One resource's edge cache, modelled on nginx with the slice module.
 *
 * An entry (one cache key) holds parts. With slice on, part i covers bytes
 * [i × sliceBytes, (i + 1) × sliceBytes) of the version it was fetched from;
 * without slice the one part is the whole file. Each part keeps its own
 * version, ETag and cache time, since nginx caches each slice as its own
 * object: a fill fetches only the parts that are missing and leaves cached
 * parts alone, so after a purge by URL, which removes only part 0 of a sliced
 * file, a prefetch gives a file stitched from two versions.
 */
import { keyPath } from './cache-key.js'
import type { Version } from './origin.js'

export interface CachedPart {
  index: number
  version: Version
  etag: string
  /** The Last-Modified of the version it came from (ms). */
  modifiedAt: number
  /** The bytes of this part. */
  bytes: number
  /** The size of the version this part came from: nginx learns the file size from part 0. */
  fileSize: number
  /** When the part was cached (ms): its X-Cached-Since. */
  cachedAt: number
  /** The origin source it was fetched from. */
  source: number
}

export interface CacheState {
  key: string
  parts: CachedPart[]
  versions: Set<Version>
  /** Bytes the edge holds for this key: the sum of its parts, each in its own version's length. */
  bytes: number
  /** Every part of the file (as part 0 describes it) is cached. */
  complete: boolean
}

/** Gcore's `Cache` header: HIT from cache; MISS after a purge by URL; BYPASS after a pattern purge or purge all. */
export type CacheVerdict = 'HIT' | 'MISS' | 'BYPASS'

interface Entry {
  sliced: boolean
  parts: Map<number, CachedPart>
}

export class EdgeCache {
  private readonly entries = new Map<string, Entry>()
  /** When each key was last purged by URL, and each pattern purge: to tell MISS from BYPASS. */
  private readonly urlPurges = new Map<string, number>()
  private readonly patternPurges: { prefix: string; sequence: number }[] = []
  private sequence = 0

  constructor(readonly sliceBytes: number) {}

  part(key: string, index: number): CachedPart | undefined {
    return this.entries.get(key)?.parts.get(index)
  }

  /** Cache one part; the entry's slicing is fixed by its first part, as nginx's cache key is. */
  store(key: string, sliced: boolean, part: CachedPart): void {
    const entry = this.entries.get(key) ?? { sliced, parts: new Map<number, CachedPart>() }
    this.entries.set(key, entry)
    entry.parts.set(part.index, part)
  }

  /** How many parts the file has, as cached part 0 describes it; undefined without part 0. */
  partCount(key: string): number | undefined {
    const entry = this.entries.get(key)
    const first = entry?.parts.get(0)
    if (!entry || !first) return undefined
    return entry.sliced ? Math.max(1, Math.ceil(first.fileSize / this.sliceBytes)) : 1
  }

  /** Purge by URL: the whole entry, or only part 0 of a sliced one (Gcore: "only the first slice"). */
  purgeUrl(key: string, sliced: boolean): void {
    this.urlPurges.set(key, ++this.sequence)
    const entry = this.entries.get(key)
    if (!entry) return
    if (sliced && entry.sliced) entry.parts.delete(0)
    else this.entries.delete(key)
  }

  /** Purge by pattern (a path prefix) or all (the prefix '/'): every part of every matching key. */
  purgePrefix(prefix: string): void {
    this.patternPurges.push({ prefix, sequence: ++this.sequence })
    for (const key of this.entries.keys()) if (keyPath(key).startsWith(prefix)) this.entries.delete(key)
  }

  state(key: string): CacheState {
    const parts = [...(this.entries.get(key)?.parts.values() ?? [])].sort((a, b) => a.index - b.index)
    const count = this.partCount(key)
    return {
      key,
      parts: parts.map(part => ({ ...part })),
      versions: new Set(parts.map(part => part.version)),
      bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
      complete: count !== undefined && parts.length >= count && parts.slice(0, count).every((part, index) => part.index === index)
    }
  }

  /**
   * What a request for a part that is not cached answers: BYPASS when the
   * latest purge that reached the key was by pattern or all, MISS otherwise
   * (never purged, or purged by URL). Either way the request fills the part.
   */
  missVerdict(key: string): Exclude<CacheVerdict, 'HIT'> {
    const byUrl = this.urlPurges.get(key) ?? 0
    const byPattern = Math.max(0, ...this.patternPurges.filter(purge => keyPath(key).startsWith(purge.prefix)).map(purge => purge.sequence))
    return byPattern > byUrl ? 'BYPASS' : 'MISS'
  }

  /** Whether the cache holds anything for the key. */
  has(key: string): boolean {
    return (this.entries.get(key)?.parts.size ?? 0) > 0
  }
}
