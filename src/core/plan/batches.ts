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

/**
 * Makes one resource's batches, group by group: the batches every group waits
 * for (a purge all, the purge-patterns) once, up front; then, for each group
 * of at most `sizes.prefetch` paths, the purges that clear its paths and its
 * prefetch. The schedule forms groups as paths become ready at the origin; the
 * plan forms them all at once (`batchesOf`), which is the same when every path
 * is ready from the start.
 */
export class BatchMaker {
  private readonly lanes: Record<LaneName, Batch[]> = { 'purge-url': [], 'purge-pattern': [], prefetch: [] }
  /** A purge all and the purge-patterns: they clear paths of many groups. */
  readonly upfront: Batch[]

  constructor(
    private readonly input: BatchInput,
    private readonly sizes: BatchSizes,
    /** How many batches each lane is expected to have, for "2/3" before the last group is formed. */
    private readonly expected: Partial<Record<LaneName, number>> = {}
  ) {
    const { purge } = input
    const purgeAll = [...purge.values()].includes('all')
      ? [
          this.batch(
            'purge-pattern',
            'all',
            [],
            input.paths.filter(path => purge.get(path) === 'all')
          )
        ]
      : []
    const user = chunk(purge.size > 0 ? input.userPatterns : [], sizes.purgePattern).map(patterns => {
      const covers = input.paths.filter(path => patterns.some(pattern => patternCovers(pattern, path)))
      return Object.assign(this.batch('purge-pattern', 'pattern', patterns, covers), { fromInput: true })
    })
    this.upfront = [...purgeAll, ...user]
  }

  /** The batches of one group of paths: its own purges, then its prefetch, which waits for them. */
  group(paths: string[]): Batch[] {
    const { purge } = this.input
    const made: Batch[] = []
    const after: Batch[] = []
    if (purge.size > 0) {
      after.push(
        ...this.upfront.filter(
          batch => batch.kind === 'all' || batch.items.some(pattern => paths.some(path => patternCovers(pattern, path)))
        )
      )
      const byUrl = paths.filter(path => purge.get(path) === 'url')
      for (const part of chunk(byUrl, this.sizes.purgeUrl)) made.push(this.batch('purge-url', 'url', part, part))
      // Paths that differ only in their query share one pattern.
      const byPattern = new Map<string, string[]>()
      for (const path of paths.filter(path => purge.get(path) === 'pattern')) {
        const pattern = patternOf(path)
        byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), path])
      }
      for (const part of chunk([...byPattern.keys()], this.sizes.purgePattern)) {
        made.push(
          this.batch(
            'purge-pattern',
            'pattern',
            part,
            part.flatMap(pattern => byPattern.get(pattern)!)
          )
        )
      }
      after.push(...made)
    }
    made.push(this.batch('prefetch', 'prefetch', paths, paths, after))
    return made
  }

  /** How many batches a lane has so far: "batch 2/3" in the log. */
  count(lane: LaneName): number {
    return this.lanes[lane].length
  }

  /** Every batch made, in the report's order: pattern purges (and all), URL purges, prefetches. */
  all(): Batch[] {
    return [...this.lanes['purge-pattern'], ...this.lanes['purge-url'], ...this.lanes.prefetch]
  }

  private batch(lane: LaneName, kind: RequestKind, items: string[], covers: string[], after: Batch[] = []): Batch {
    const created: Batch = {
      operation: kind === 'prefetch' ? 'prefetch' : 'purge',
      kind,
      lane,
      resource: this.input.resource,
      index: this.lanes[lane].length + 1,
      of: Math.max(this.expected[lane] ?? 0, this.lanes[lane].length + 1),
      items,
      covers,
      after
    }
    this.lanes[lane].push(created)
    return created
  }
}

/** A resource's batches with every path ready: its purge batches (pattern lane, then URL lane), then its prefetches. */
export function batchesOf(input: BatchInput, sizes: BatchSizes): Batch[] {
  const maker = new BatchMaker(input, sizes)
  for (const group of chunk(input.paths, sizes.prefetch)) maker.group(group)
  const batches = maker.all()
  for (const batch of batches) batch.of = maker.count(batch.lane)
  return batches
}
