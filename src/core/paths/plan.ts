/**
 * Batches each resource's paths into requests, one lane per rate limit, and
 * estimates how long the run takes.
 *
 * A resource has three lanes: prefetch; purge by URL; purge by pattern, which
 * purge-all shares (Gcore counts both against `purge_request_limit`). Purge
 * batches follow the prefetch batches' boundaries, and every prefetch batch
 * knows the purges that clear its paths (`after`), so batch 1 is prefetched as
 * soon as its own purges are done while later purges go on.
 */
import type { PurgeKind, RequestKind } from '../ports.js'

export type Lane = 'prefetch' | 'purge-url' | 'purge-pattern'

export interface Batch {
  operation: 'purge' | 'prefetch'
  kind: RequestKind
  lane: Lane
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

export interface ResourcePlanInput {
  resource: number
  /** Unique paths as they will be sent to this resource. */
  paths: string[]
  /** Per path, when purging; absent: no purge. */
  purge?: Map<string, PathPurge>
  /** `purge-patterns`: purged first, by pattern. */
  userPatterns?: string[]
}

export interface BatchSizes {
  prefetch: number
  purgeUrl: number
  purgePattern: number
}

export interface ResourcePlan {
  resource: number
  paths: string[]
  batches: Batch[]
}

export interface Plan {
  /** Every unique path of the run, in order (a path sent to several resources counts once). */
  paths: string[]
  resources: ResourcePlan[]
  /** In a stable order: per resource, its purge batches, then its prefetch batches. */
  batches: Batch[]
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size))
  return chunks
}

/** The pattern that purges exactly one path and what shares its prefix: the path without its query. */
function patternOf(path: string): string {
  const query = path.indexOf('?')
  return query === -1 ? path : path.slice(0, query)
}

/** Whether a Gcore pattern (recursive prefix, `*` only at the end) clears `path`. */
export function patternCovers(pattern: string, path: string): boolean {
  return patternOf(path).startsWith(pattern.endsWith('*') ? pattern.slice(0, -1) : pattern)
}

function planResource(input: ResourcePlanInput, sizes: BatchSizes): ResourcePlan {
  const { resource } = input
  const groups = chunk(input.paths, sizes.prefetch)
  const purge = input.purge
  const userPatterns = purge ? (input.userPatterns ?? []) : []
  const lanes: Record<Lane, Batch[]> = { 'purge-url': [], 'purge-pattern': [], prefetch: [] }
  const batch = (lane: Lane, kind: RequestKind, items: string[], covers: string[], after: Batch[] = []): Batch => {
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

  const purgeAll =
    purge && [...purge.values()].includes('all')
      ? batch(
          'purge-pattern',
          'all',
          [],
          input.paths.filter(path => purge.get(path) === 'all')
        )
      : null
  const userBatches = chunk(userPatterns, sizes.purgePattern).map(patterns => {
    const covers = input.paths.filter(path => patterns.some(pattern => patternCovers(pattern, path)))
    return Object.assign(batch('purge-pattern', 'pattern', patterns, covers), { fromInput: true })
  })

  for (const group of groups) {
    const after: Batch[] = []
    if (purge) {
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
  return { resource, paths: input.paths, batches: [...lanes['purge-pattern'], ...lanes['purge-url'], ...lanes.prefetch] }
}

export function buildPlan(inputs: ResourcePlanInput[], sizes: BatchSizes): Plan {
  const resources = inputs.map(input => planResource(input, sizes))
  let paths = inputs[0]?.paths ?? []
  if (inputs.length > 1) {
    const union = new Set<string>()
    for (const input of inputs) for (const path of input.paths) union.add(path)
    paths = [...union]
  }
  return { paths, resources, batches: resources.flatMap(resource => resource.batches) }
}

export interface LaneIntervals {
  prefetchMs: number
  purgeUrlMs: number
  purgePatternMs: number
}

export function intervalOf(lane: Lane, intervals: LaneIntervals): number {
  return lane === 'prefetch' ? intervals.prefetchMs : lane === 'purge-url' ? intervals.purgeUrlMs : intervals.purgePatternMs
}

/**
 * The fastest schedule the rate limits allow, ignoring request time: each lane
 * sends one interval apart, and prefetch k starts once its purges are sent and
 * one prefetch interval has passed since prefetch k-1. Resources run in parallel.
 */
export function estimateMs(plan: Plan, intervals: LaneIntervals): number {
  let longest = 0
  for (const resource of plan.resources) {
    const sentAt = new Map<Batch, number>()
    for (const lane of ['purge-url', 'purge-pattern'] as const) {
      resource.batches.filter(batch => batch.lane === lane).forEach((batch, i) => sentAt.set(batch, i * intervalOf(lane, intervals)))
    }
    let previous = -Infinity
    for (const batch of resource.batches.filter(b => b.lane === 'prefetch')) {
      const purged = Math.max(0, ...batch.after.map(purge => sentAt.get(purge) ?? 0))
      previous = Math.max(purged, previous + intervals.prefetchMs)
    }
    longest = Math.max(longest, previous, ...sentAt.values())
  }
  return longest
}

/**
 * Among the run's paths, those a pattern of this plan clears besides its own:
 * Gcore's pattern is a recursive prefix, so `/a.iso` also clears `/a.iso.sig`.
 * User patterns are left out: clearing a folder is what they are for.
 */
export function patternOverlaps(resource: ResourcePlan): { pattern: string; alsoClears: string[] }[] {
  if (!resource.batches.some(batch => batch.kind === 'pattern' && !batch.fromInput)) return []
  const sorted = resource.paths.map(path => [patternOf(path), path] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const keys = sorted.map(([key]) => key)
  const overlaps: { pattern: string; alsoClears: string[] }[] = []
  for (const batch of resource.batches) {
    if (batch.kind !== 'pattern' || batch.fromInput) continue
    for (const pattern of batch.items) {
      const alsoClears: string[] = []
      for (let i = lowerBound(keys, pattern); i < keys.length && keys[i].startsWith(pattern); i++) {
        if (keys[i] !== pattern) alsoClears.push(sorted[i][1])
      }
      if (alsoClears.length) overlaps.push({ pattern, alsoClears })
    }
  }
  return overlaps
}

function lowerBound(sorted: string[], value: string): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (sorted[mid] < value) low = mid + 1
    else high = mid
  }
  return low
}
