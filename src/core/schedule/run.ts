/**
 * Runs a plan: every lane of every resource at once, each at its own rate; a
 * prefetch batch waits until the purges that clear its paths are done; and
 * whatever happens (a refused key, an unreachable API, a cancel, the time
 * budget) every batch ends with an outcome, so nothing goes unreported.
 *
 * Time comes from a Clock, so tests run hour-long schedules in milliseconds.
 */
import type { PurgeCompletion } from '../gcore/purge-status.js'
import type { Batch } from '../plan/batches.js'
import { intervalOf, type LaneIntervals } from '../plan/estimate.js'
import type { Plan, ResourcePlan } from '../plan/plan.js'
import type { Clock, GcoreApi, Logger } from '../ports.js'
import { RateLane, type BatchResult, type Stop } from './lane.js'

export type { BatchResult, Outcome } from './lane.js'

export interface ScheduleOptions {
  intervals: LaneIntervals
  maxAttempts: number
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  /** [0, 1); injectable so backoff jitter is reproducible in tests. */
  random?: () => number
  /** The latest time a request may start (a time budget); Infinity by default. */
  sendBy?: number
  /**
   * Called when a purge was accepted; the prefetches it covers wait until this
   * resolves (its lane does not). A failed completion fails the purge and its paths.
   */
  afterPurge?: (batch: Batch, sentAt: number) => Promise<PurgeCompletion>
}

function plannedResult(batch: Batch): BatchResult {
  return {
    batch,
    items: batch.items,
    outcome: 'planned',
    status: null,
    attempts: 0,
    error: null,
    started: null,
    finished: null,
    completed: null
  }
}

/** What the schedule needs of a plan: each resource's batches. */
type Schedulable = Pick<Plan, 'batches'> & { resources: readonly Pick<ResourcePlan, 'batches'>[] }

export function plannedResults(plan: Pick<Plan, 'batches'>): BatchResult[] {
  return plan.batches.map(plannedResult)
}

export async function runSchedule(plan: Schedulable, api: GcoreApi, options: ScheduleOptions): Promise<BatchResult[]> {
  const { clock, logger, signal } = options
  const results = new Map<Batch, BatchResult>(plan.batches.map(batch => [batch, plannedResult(batch)]))
  let runStop: Stop | null = null
  const resourceStops = new Map<number, Stop>()
  // Until the API has answered anything, an unreachable API is a configuration
  // problem, not a reason to grind through every batch.
  let reachedApi = false

  const stopped = (resource: number): Stop | null => {
    if (!runStop && signal?.aborted) runStop = { outcome: 'cancelled', error: 'cancelled before it was sent' }
    return runStop ?? resourceStops.get(resource) ?? null
  }
  const context = {
    api,
    clock,
    logger,
    signal,
    policy: { maxAttempts: options.maxAttempts, random: options.random ?? Math.random },
    sendBy: options.sendBy ?? Infinity,
    stopped,
    stop(scope: 'resource' | 'run', resource: number, why: Stop) {
      if (scope === 'run') runStop ??= why
      else if (!resourceStops.has(resource)) resourceStops.set(resource, why)
    },
    answered() {
      reachedApi = true
    }
  }

  // Every batch has its "done" promise before any lane starts, so a prefetch
  // can wait for a purge that has not begun yet.
  const done = new Map<Batch, { promise: Promise<void>; resolve: () => void }>()
  for (const batch of plan.batches) {
    let resolve!: () => void
    done.set(batch, { promise: new Promise<void>(r => (resolve = r)), resolve })
  }

  async function runBatch(batch: Batch, lane: RateLane): Promise<void> {
    const result = results.get(batch)!
    await Promise.all(batch.after.map(purge => done.get(purge)!.promise))
    if (!stopped(batch.resource)) {
      if (batch.operation === 'prefetch') {
        // Never prefetch a path whose purge failed: that would re-cache the old file.
        const unpurged = new Set(batch.after.filter(purge => results.get(purge)!.outcome !== 'succeeded').flatMap(purge => purge.covers))
        const purged = batch.items.filter(path => !unpurged.has(path))
        if (purged.length === 0) {
          // Nothing sent: the batch keeps its paths, so the report says which they were.
          result.outcome = 'not-attempted'
          result.error = 'not attempted: the purge of these paths failed'
          return
        }
        result.items = purged
      }
      await lane.send(result)
      if (result.outcome === 'failed' && result.status === null && !reachedApi) {
        runStop ??= { outcome: 'not-attempted', error: `not attempted: the API could not be reached (${result.error})` }
      }
    }
    if (result.outcome === 'planned') {
      const why = stopped(batch.resource)!
      result.outcome = why.outcome
      result.error = why.error
    }
  }

  async function complete(batch: Batch): Promise<void> {
    const result = results.get(batch)!
    try {
      if (batch.operation === 'purge' && result.outcome === 'succeeded') {
        const completion = options.afterPurge ? await options.afterPurge(batch, result.started!) : { ok: true as const }
        if (completion.ok) result.completed = clock.now()
        else Object.assign(result, { outcome: 'failed', error: completion.error })
      }
    } finally {
      done.get(batch)!.resolve()
    }
  }

  const completions: Promise<void>[] = []
  const lanes = plan.resources.flatMap(resource =>
    (['purge-pattern', 'purge-url', 'prefetch'] as const)
      .map(name => ({
        lane: new RateLane(intervalOf(name, options.intervals), context),
        batches: resource.batches.filter(batch => batch.lane === name)
      }))
      .filter(({ batches }) => batches.length > 0)
  )
  await Promise.all(
    lanes.map(async ({ lane, batches }) => {
      for (const batch of batches) {
        try {
          await runBatch(batch, lane)
        } finally {
          completions.push(complete(batch))
        }
      }
    })
  )
  await Promise.all(completions)
  return plan.batches.map(batch => results.get(batch)!)
}
