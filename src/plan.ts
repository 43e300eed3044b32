/**
 * Batches paths per resource and operation, and estimates how long the run takes.
 *
 * With purge on, every prefetch batch knows the purge batches that cover its paths
 * (`after`), so the scheduler can start prefetching batch 1 as soon as its own
 * purge was accepted while later purges go on.
 */
import type { Operation } from './gcore-client.js'

export interface Batch {
  operation: Operation
  resource: number
  /** 1-based within its resource and operation. */
  index: number
  /** How many batches its resource and operation has, for "batch 2/3" in logs. */
  of: number
  paths: string[]
  /** Purge batches that must be accepted before this prefetch batch may be sent. */
  after: Batch[]
}

export interface PlanOptions {
  resources: number[]
  purge: boolean
  batchSize: number
  /** Most URLs one purge request may carry (Gcore: 100). */
  purgeBatchSize: number
}

export interface Plan {
  paths: string[]
  resources: number[]
  /** In a stable order: per resource, its purge batches, then its prefetch batches. */
  batches: Batch[]
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size))
  return chunks
}

export function buildPlan(paths: string[], options: PlanOptions): Plan {
  const batches: Batch[] = []
  const groups = chunk(paths, options.batchSize)
  for (const resource of options.resources) {
    // Purge batches follow the prefetch batches' boundaries, so each prefetch
    // waits only for the purges of its own paths.
    const purgeGroups = options.purge ? groups.map(group => chunk(group, options.purgeBatchSize)) : []
    const purgeCount = purgeGroups.reduce((sum, parts) => sum + parts.length, 0)
    let purgeIndex = 0
    const purgeBatches = purgeGroups.map(parts =>
      parts.map(part => ({ operation: 'purge', resource, index: ++purgeIndex, of: purgeCount, paths: part, after: [] }) as Batch)
    )
    const prefetchBatches = groups.map(
      (group, i): Batch => ({
        operation: 'prefetch',
        resource,
        index: i + 1,
        of: groups.length,
        paths: group,
        after: purgeBatches[i] ?? []
      })
    )
    batches.push(...purgeBatches.flat(), ...prefetchBatches)
  }
  return { paths, resources: options.resources, batches }
}

/**
 * The fastest schedule the rate limits allow, ignoring request time: purges go
 * out one purge interval apart, and prefetch k starts once its purges are in
 * and one prefetch interval has passed since prefetch k-1. Resources run in parallel.
 */
export function estimateMs(plan: Plan, intervals: { prefetchMs: number; purgeMs: number }): number {
  let longest = 0
  for (const resource of plan.resources) {
    const batches = plan.batches.filter(batch => batch.resource === resource)
    const purgeAccepted = new Map<Batch, number>()
    batches
      .filter(batch => batch.operation === 'purge')
      .forEach((batch, i) => purgeAccepted.set(batch, i * intervals.purgeMs))
    let previous = -Infinity
    for (const batch of batches.filter(b => b.operation === 'prefetch')) {
      const purged = Math.max(0, ...batch.after.map(purge => purgeAccepted.get(purge) ?? 0))
      previous = Math.max(purged, previous + intervals.prefetchMs)
    }
    longest = Math.max(longest, previous, ...purgeAccepted.values())
  }
  return longest
}

export function formatDuration(ms: number): string {
  if (ms > 0 && ms < 1000) return `${Math.round(ms)} ms`
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  const rest = seconds % 60
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
