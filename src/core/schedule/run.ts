/**
 * Runs the plan: every lane of every resource at once, each at its own rate.
 * Each lane, at its turn, takes its next batch from its resource's feed, which
 * forms batches from the paths ready at the origin (feed.ts); a prefetch batch
 * waits until the purges that clear its paths are done; and whatever happens
 * (a refused key, an unreachable API, a cancel, the time budget) every batch
 * ends with an outcome, so nothing goes unreported.
 *
 * Time comes from a Clock, so tests run hour-long schedules in milliseconds.
 */
import type { PurgeCompletion } from '../gcore/purge-status.js'
import { ALL_READY, type Readiness } from '../origin/check.js'
import { describeRequest, type Batch, type BatchSizes, type LaneName, type PathPurge } from '../plan/batches.js'
import { intervalOf, type LaneIntervals } from '../plan/estimate.js'
import type { Clock, GcoreApi, Logger } from '../ports.js'
import { BatchFeed } from './feed.js'
import { labelOf, RateLane, type BatchResult, type Stop } from './lane.js'

export type { BatchResult, Outcome } from './lane.js'

/** What the schedule needs of a resource's plan record. */
export interface ScheduledResource {
  id: number
  /** Nothing is sent to a resource that failed before sending. */
  failure: string | null
  paths: string[]
  purge: ReadonlyMap<string, PathPurge>
  userPatterns: string[]
  /** The plan's batches with every path ready: which lanes are used, and how many batches to expect. */
  batches: readonly Batch[]
}

export interface ScheduleOptions {
  intervals: LaneIntervals
  sizes: BatchSizes
  /** Which paths the origin has ready; every path by default. */
  readiness?: Readiness
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
  /** What the user should read in the summary too (a purge that clears paths not ready at the origin). */
  warn?: (text: string) => void
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
    completed: null,
    acceptedAt: null,
    purgeId: null,
    purgeCreatedAt: null
  }
}

export function plannedResults(batches: readonly Batch[]): BatchResult[] {
  return batches.map(plannedResult)
}

const LANES: readonly LaneName[] = ['purge-pattern', 'purge-url', 'prefetch']

export async function runSchedule(
  resources: readonly ScheduledResource[],
  api: GcoreApi,
  options: ScheduleOptions
): Promise<BatchResult[]> {
  const { clock, logger, signal } = options
  const readiness = options.readiness ?? ALL_READY
  const results = new Map<Batch, BatchResult>()
  const resultOf = (batch: Batch): BatchResult => {
    let result = results.get(batch)
    if (!result) results.set(batch, (result = plannedResult(batch)))
    return result
  }
  let runStop: Stop | null = null
  const resourceStops = new Map<number, Stop>()
  // Until the API has answered anything, an unreachable API is a configuration
  // problem, not a reason to grind through every batch.
  let reachedApi = false
  // Per resource, aborted when it (or the run) sends nothing more: every wait (for a slot, for the origin) ends then.
  const stops = new Map(resources.map(resource => [resource.id, new AbortController()]))
  const stopped = (resource: number): Stop | null => {
    if (!runStop && signal?.aborted) runStop = { outcome: 'cancelled', error: 'cancelled before it was sent' }
    return runStop ?? resourceStops.get(resource) ?? null
  }
  const stop = (scope: 'resource' | 'run', resource: number, why: Stop): void => {
    if (scope === 'run') runStop ??= why
    else if (!resourceStops.has(resource)) resourceStops.set(resource, why)
    for (const [id, controller] of stops) if (scope === 'run' || id === resource) controller.abort()
  }
  const onCancel = (): void => stop('run', 0, { outcome: 'cancelled', error: 'cancelled before it was sent' })
  signal?.addEventListener('abort', onCancel, { once: true })
  const context = {
    api,
    clock,
    logger,
    signal,
    policy: { maxAttempts: options.maxAttempts, random: options.random ?? Math.random },
    sendBy: options.sendBy ?? Infinity,
    stopped,
    stop,
    answered() {
      reachedApi = true
    }
  }

  // A batch's "done" promise exists from the moment anyone waits for it, so a
  // prefetch can wait for a purge that has not begun yet.
  const done = new Map<Batch, { promise: Promise<void>; resolve: () => void }>()
  const doneOf = (batch: Batch) => {
    let entry = done.get(batch)
    if (!entry) done.set(batch, (entry = deferred()))
    return entry
  }

  async function runBatch(batch: Batch, feed: BatchFeed, lane: RateLane): Promise<void> {
    const result = resultOf(batch)
    await Promise.all(batch.after.map(purge => doneOf(purge).promise))
    if (!stopped(batch.resource) && batch.operation === 'purge' && (batch.kind === 'all' || batch.fromInput)) {
      // A purge all or a purge-patterns pattern clears paths of many groups: it waits for all of them at the origin.
      const ready = await feed.settled(batch.covers)
      const notReady = batch.covers.length - ready.length
      if (!stopped(batch.resource) && batch.covers.length > 0 && ready.length === 0) {
        result.outcome = 'not-attempted'
        result.error = 'not attempted: none of the paths it clears is ready at the origin'
        return
      }
      if (notReady > 0 && !stopped(batch.resource)) {
        options.warn?.(
          `${labelOf(batch)} also clears ${notReady} ${notReady === 1 ? 'path' : 'paths'} the origin does not have ready; ` +
            'the CDN fetches the file the origin holds when they are next asked for.'
        )
      }
    }
    if (!stopped(batch.resource)) {
      if (batch.operation === 'prefetch') {
        // Never prefetch a path whose purge failed: that would re-cache the old file.
        const unpurged = new Set(batch.after.filter(purge => resultOf(purge).outcome !== 'succeeded').flatMap(purge => purge.covers))
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
        stop('run', batch.resource, { outcome: 'not-attempted', error: `not attempted: the API could not be reached (${result.error})` })
      }
    }
    if (result.outcome === 'planned') {
      const why = stopped(batch.resource)!
      result.outcome = why.outcome
      result.error = why.error
    }
  }

  async function complete(batch: Batch): Promise<void> {
    const result = resultOf(batch)
    try {
      if (batch.operation === 'purge' && result.outcome === 'succeeded') {
        const completion: PurgeCompletion = options.afterPurge
          ? await options.afterPurge(batch, result.started!)
          : { ok: true, purgeId: null, createdAt: null }
        if (completion.ok) {
          result.completed = clock.now()
          result.purgeId = completion.purgeId
          result.purgeCreatedAt = completion.createdAt
        } else Object.assign(result, { outcome: 'failed', error: completion.error })
      }
    } finally {
      doneOf(batch).resolve()
    }
  }

  const completions: Promise<void>[] = []
  const feeds = resources
    .filter(resource => !resource.failure)
    .map(resource => {
      const expected: Partial<Record<LaneName, number>> = {}
      for (const batch of resource.batches) expected[batch.lane] = (expected[batch.lane] ?? 0) + 1
      const feed = new BatchFeed(
        { resource: resource.id, paths: resource.paths, purge: resource.purge, userPatterns: resource.userPatterns },
        options.sizes,
        readiness,
        stops.get(resource.id)!.signal,
        expected
      )
      return { resource, feed, expected }
    })
  await Promise.all(
    feeds.flatMap(({ resource, feed, expected }) =>
      LANES.filter(name => expected[name]).map(async name => {
        const lane = new RateLane(intervalOf(name, options.intervals), context)
        for (let index = 1; ; index++) {
          if (!stopped(resource.id) && feed.hasMore(name))
            await lane.untilSlot(
              `${describeRequest(laneKind(name))} ${index}/${Math.max(index, expected[name] ?? 0)} (resource ${resource.id})`,
              stops.get(resource.id)!.signal
            )
          // A prefetch waits for the purge all and purge-patterns anyway, and they wait for every
          // path they clear to settle at the origin: form its group after them, from all that is ready then.
          if (name === 'prefetch') await Promise.all(feed.upfront.map(batch => doneOf(batch).promise))
          const batch = await feed.next(name)
          if (!batch) return
          try {
            await runBatch(batch, feed, lane)
          } finally {
            completions.push(complete(batch))
          }
        }
      })
    )
  )
  await Promise.all(completions)
  signal?.removeEventListener('abort', onCancel)
  return feeds.flatMap(({ feed }) => feed.batches().map(resultOf))
}

/** The request kind a lane's log line names before its batch is formed. */
function laneKind(lane: LaneName): 'prefetch' | 'url' | 'pattern' {
  return lane === 'prefetch' ? 'prefetch' : lane === 'purge-url' ? 'url' : 'pattern'
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(r => (resolve = r))
  return { promise, resolve }
}
