/**
 * One resource's edge cache, modelled on nginx with the slice module.
 *
 * An entry (one cache key) holds parts. With slice on, part i covers bytes
 * [i × sliceBytes, (i + 1) × sliceBytes) of the version it was fetched from;
 * without slice the one part is the whole file. Filling (a prefetch) fetches
 * only the parts that are missing, from the origin's current version, and
 * leaves cached parts alone: so after a purge by URL, which removes only part 0
 * of a sliced file, a prefetch gives a file stitched from two versions.
 */
import { keyPath } from './cache-key.js'
import type { OriginFile, Version } from './origin.js'

interface CachedPart {
  index: number
  version: Version
  bytes: number
  /** The size of the version this part came from: nginx learns the file size from part 0. */
  fileSize: number
}

export interface CacheState {
  key: string
  parts: { index: number; version: Version; bytes: number }[]
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

  constructor(private readonly sliceBytes: number) {}

  /** Fetch the parts of `key` that are not cached, from `file` (the origin's current version). */
  fill(key: string, file: OriginFile, sliced: boolean): void {
    const entry = this.entries.get(key) ?? { sliced, parts: new Map<number, CachedPart>() }
    this.entries.set(key, entry)
    const partSize = entry.sliced ? this.sliceBytes : Math.max(file.size, 1)
    const count = Math.max(1, Math.ceil(file.size / partSize))
    for (let index = 0; index < count; index++) {
      if (entry.parts.has(index)) continue
      const bytes = Math.max(0, Math.min(partSize, file.size - index * partSize))
      entry.parts.set(index, { index, version: file.version, bytes, fileSize: file.size })
    }
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
    return {
      key,
      parts: parts.map(({ index, version, bytes }) => ({ index, version, bytes })),
      versions: new Set(parts.map(part => part.version)),
      bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
      complete: this.isComplete(key)
    }
  }

  verdict(key: string): CacheVerdict {
    if (this.isComplete(key)) return 'HIT'
    const byUrl = this.urlPurges.get(key) ?? 0
    const byPattern = Math.max(0, ...this.patternPurges.filter(purge => keyPath(key).startsWith(purge.prefix)).map(purge => purge.sequence))
    return byPattern > byUrl ? 'BYPASS' : 'MISS'
  }

  /** Whether the cache holds anything for the key. */
  has(key: string): boolean {
    return (this.entries.get(key)?.parts.size ?? 0) > 0
  }

  private isComplete(key: string): boolean {
    const entry = this.entries.get(key)
    const first = entry?.parts.get(0)
    if (!entry || !first) return false
    const count = entry.sliced ? Math.max(1, Math.ceil(first.fileSize / this.sliceBytes)) : 1
    for (let index = 1; index < count; index++) if (!entry.parts.has(index)) return false
    return true
  }
}
