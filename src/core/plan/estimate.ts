/** How long a plan takes at best: the bound the rate limits set, ignoring request time. */
import type { Batch, LaneName } from './batches.js'

/** Milliseconds between two requests of a lane, per resource. */
export interface LaneIntervals {
  prefetchMs: number
  purgeUrlMs: number
  purgePatternMs: number
}

export function intervalOf(lane: LaneName, intervals: LaneIntervals): number {
  return lane === 'prefetch' ? intervals.prefetchMs : lane === 'purge-url' ? intervals.purgeUrlMs : intervals.purgePatternMs
}

/**
 * The fastest schedule the rate limits allow: each lane sends one interval
 * apart, and prefetch k starts once its purges are sent and one prefetch
 * interval has passed since prefetch k-1. Resources run in parallel.
 */
export function estimateMs(resources: readonly { batches: readonly Batch[] }[], intervals: LaneIntervals): number {
  let longest = 0
  for (const resource of resources) {
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
