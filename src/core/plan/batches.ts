/**
 * A resource's paths as requests, one lane per rate limit.
 *
 * A resource has three lanes: prefetch; purge by URL; purge by pattern, which
 * purge-all shares (Gcore counts both against `purge_request_limit`). Purge
 * batches follow the prefetch batches' boundaries, and every prefetch batch
 * knows the purges that clear its paths (`after`), so batch 1 is prefetched as
 * soon as its own purges are done while later purges go on.
 */
import type { PurgeKind, RequestKind } from '../ports.js'

/** The rate limit a request counts against. */
export type LaneName = 'prefetch' | 'purge-url' | 'purge-pattern'

export interface Batch {
  operation: 'purge' | 'prefetch'
  kind: RequestKind
  lane: LaneName
  resource: number
  /** 1-based within its resource and lane. */
  index: number
  /** How many batches its resource and lane has, for "batch 2/3" in logs. */
  of: number
  /** What the request carries: paths, URLs or patterns (none for purge all). */
  items: string[]
  /** The run's paths this batch prefetches, or clears. */
  covers: string[]
  /** Purge batches that must be done before this prefetch batch may be sent. */
  after: Batch[]
  /** Its patterns come from the `purge-patterns` input. */
  fromInput?: boolean
}

/** A request kind in words, for the log and the summary: `prefetch`, `purge by URL`, `purge by pattern`, `purge all`. */
export function describeRequest(kind: RequestKind): string {
  return kind === 'prefetch' ? 'prefetch' : kind === 'url' ? 'purge by URL' : kind === 'pattern' ? 'purge by pattern' : 'purge all'
}

/** How one path of a resource is purged: by kind, or not at all because a user pattern covers it. */
export type PathPurge = PurgeKind | 'covered'

/** Items per request, by lane. */
export interface BatchSizes {
  prefetch: number
  purgeUrl: number
  purgePattern: number
}

/** What batching needs of a resource's plan. */
export interface BatchInput {
  resource: number
  /** Unique paths as they will be sent to this resource. */
  paths: string[]
  /** Per path, when purging; empty: no purge. */
  purge: ReadonlyMap<string, PathPurge>
  /** `purge-patterns`: purged first, by pattern. */
  userPatterns: string[]
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size))
  return chunks
}

/** The pattern that purges exactly one path and what shares its prefix: the path without its query. */
export function patternOf(path: string): string {
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
}

/** Whether a Gcore pattern (recursive prefix, `*` only at the end) clears `path`. */
export function patternCovers(pattern: string, path: string): boolean {
  return patternOf(path).startsWith(pattern.endsWith('*') ? pattern.slice(0, -1) : pattern)
}

/** A resource's batches: its purge batches (pattern lane, then URL lane), then its prefetch batches. */
export function batchesOf(input: BatchInput, sizes: BatchSizes): Batch[] {
  const { resource, purge } = input
  const purging = purge.size > 0
  const lanes: Record<LaneName, Batch[]> = { 'purge-url': [], 'purge-pattern': [], prefetch: [] }
  const batch = (lane: LaneName, kind: RequestKind, items: string[], covers: string[], after: Batch[] = []): Batch => {
    const created: Batch = {
      operation: kind === 'prefetch' ? 'prefetch' : 'purge',
      kind,
      lane,
      resource,
      index: lanes[lane].length + 1,
      of: 0,
      items,
      covers,
      after
    }
    lanes[lane].push(created)
    return created
  }

  const purgeAll = [...purge.values()].includes('all')
    ? batch(
        'purge-pattern',
        'all',
        [],
        input.paths.filter(path => purge.get(path) === 'all')
      )
    : null
  const userBatches = chunk(purging ? input.userPatterns : [], sizes.purgePattern).map(patterns => {
    const covers = input.paths.filter(path => patterns.some(pattern => patternCovers(pattern, path)))
    return Object.assign(batch('purge-pattern', 'pattern', patterns, covers), { fromInput: true })
  })

  for (const group of chunk(input.paths, sizes.prefetch)) {
    const after: Batch[] = []
    if (purging) {
      if (purgeAll) after.push(purgeAll)
      after.push(...userBatches.filter(user => user.items.some(pattern => group.some(path => patternCovers(pattern, path)))))
      const byUrl = group.filter(path => purge.get(path) === 'url')
      for (const part of chunk(byUrl, sizes.purgeUrl)) after.push(batch('purge-url', 'url', part, part))
      // Paths that differ only in their query share one pattern.
      const byPattern = new Map<string, string[]>()
      for (const path of group.filter(path => purge.get(path) === 'pattern')) {
        const pattern = patternOf(path)
        byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), path])
      }
      for (const part of chunk([...byPattern.keys()], sizes.purgePattern)) {
        after.push(
          batch(
            'purge-pattern',
            'pattern',
            part,
            part.flatMap(pattern => byPattern.get(pattern)!)
          )
        )
      }
    }
    batch('prefetch', 'prefetch', group, group, after)
  }
  for (const lane of Object.values(lanes)) for (const created of lane) created.of = lane.length
  return [...lanes['purge-pattern'], ...lanes['purge-url'], ...lanes.prefetch]
}
