/**
 * Runs a plan's batches under Gcore's per-resource rate limits.
 *
 * Each resource has two lanes, purge and prefetch, each sending one request at a
 * time. A lane's next request waits one interval after the previous answer
 * arrived: Gcore measures arrivals, so this never causes a 429 of our own. All
 * lanes run concurrently; a prefetch batch also waits for its own purges.
 *
 * Time comes from a Clock so tests can run hour-long schedules in milliseconds.
 * Every batch ends with an outcome: nothing is lost to a fault or a cancel.
 */
import { GcoreError, type GcoreApi } from './gcore-client.js'
import type { Batch, Plan } from './plan.js'
import type { PurgeCompletion } from './purge-status.js'

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms`, or early when `signal` aborts. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise(resolve => {
      if (signal?.aborted) return resolve()
      const until = Date.now() + ms
      let timer: NodeJS.Timeout
      // Timers may fire a millisecond early by Date.now(); never wake before `until`,
      // or a request could reach Gcore just inside the previous one's interval.
      const arm = (): void => {
        const left = until - Date.now()
        if (left <= 0) return done()
        timer = setTimeout(arm, left)
      }
      function done(): void {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      signal?.addEventListener('abort', done, { once: true })
      arm()
    })
}

export interface Logger {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  debug(message: string): void
  /** A collapsible block, written at once so concurrent lanes never interleave inside it. */
  group(title: string, lines: string[]): void
}

export type Outcome = 'succeeded' | 'failed' | 'cancelled' | 'not-attempted' | 'planned'

export interface BatchResult {
  batch: Batch
  /** The paths actually sent (a prefetch drops paths whose purge failed). */
  paths: string[]
  outcome: Outcome
  status: number | null
  attempts: number
  error: string | null
  started: number | null
  finished: number | null
}

export interface ScheduleOptions {
  prefetchIntervalMs: number
  purgeIntervalMs: number
  maxAttempts: number
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  /** [0, 1); injectable so backoff jitter is reproducible in tests. */
  random?: () => number
  /**
   * Called when a purge was accepted; its prefetch waits until this resolves (the
   * purge lane does not). A failed completion fails the purge and its paths.
   */
  afterPurge?: (batch: Batch, sentAt: number) => Promise<PurgeCompletion>
}

/** Longest Retry-After we honour; beyond it the batch fails rather than hang the job. */
export const MAX_RETRY_AFTER_MS = 15 * 60 * 1000
const BACKOFF_BASE_MS = 1000

/** Exponential backoff with jitter: 50-100 % of base × 2^(attempt-1), capped. */
export function backoffMs(attempt: number, capMs: number, random: () => number): number {
  const full = Math.min(capMs, BACKOFF_BASE_MS * 2 ** (attempt - 1))
  return Math.round(full * (0.5 + random() / 2))
}

/** Retry-After is either delta-seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

export function plannedResults(plan: Plan): BatchResult[] {
  return plan.batches.map(batch => ({
    batch,
    paths: batch.paths,
    outcome: 'planned',
    status: null,
    attempts: 0,
    error: null,
    started: null,
    finished: null
  }))
}

export async function execute(plan: Plan, api: GcoreApi, options: ScheduleOptions): Promise<BatchResult[]> {
  const { clock, logger, signal } = options
  const random = options.random ?? Math.random
  const results = new Map<Batch, BatchResult>(plannedResults(plan).map(result => [result.batch, result]))
  const finished = new Map<Batch, Promise<void>>()
  // Set once: why every lane must stop sending.
  let haltReason: { outcome: Outcome; error: string } | null = null
  // Whether the API has answered anything yet: until it has, an unreachable API
  // is a configuration problem, not a reason to grind through every batch.
  let reachedApi = false

  const halt = (): boolean => {
    if (!haltReason && signal?.aborted) {
      haltReason = { outcome: 'cancelled', error: 'cancelled before it was sent' }
    }
    return haltReason !== null
  }

  const intervalOf = (batch: Batch): number =>
    batch.operation === 'purge' ? options.purgeIntervalMs : options.prefetchIntervalMs

  async function sendBatch(result: BatchResult, slot: { next: number }): Promise<void> {
    const { batch } = result
    const interval = intervalOf(batch)
    const label = `${batch.operation} ${batch.index}/${batch.of} (resource ${batch.resource})`
    while (result.attempts < options.maxAttempts) {
      const wait = slot.next - clock.now()
      if (wait > 0) {
        if (wait >= 1000) logger.info(`${label}: waiting ${(wait / 1000).toFixed(1)} s for the next slot`)
        await clock.sleep(wait, signal)
      }
      if (halt()) return
      result.attempts++
      result.started ??= clock.now()
      const began = clock.now()
      const answer = await raceAbort(api.send(batch.operation, batch.resource, result.paths), signal)
      result.finished = clock.now()
      const duration = `${((result.finished - began) / 1000).toFixed(2)} s`
      if (answer === ABORTED) {
        result.outcome = 'cancelled'
        result.error = 'cancelled while the request was in flight; Gcore may have accepted it'
        return
      }
      const title = `${label} · ${result.paths.length} paths · attempt ${result.attempts}/${options.maxAttempts}`
      if (!(answer instanceof Error) || (answer instanceof GcoreError && answer.status !== null)) reachedApi = true
      if (!(answer instanceof Error)) {
        result.outcome = 'succeeded'
        result.status = answer.status
        result.error = null
        slot.next = clock.now() + interval
        logger.group(`${title} · HTTP ${answer.status} · ${duration}`, result.paths)
        return
      }
      const error =
        answer instanceof GcoreError ? answer : new GcoreError(`unexpected error: ${answer.message}`, 'rejected', null)
      result.status = error.status
      result.error = error.message
      logger.group(`${title} · ${error.status ? `HTTP ${error.status}` : 'no answer'} · ${duration}`, [
        `error: ${error.message}`,
        ...result.paths
      ])
      if (error.kind === 'auth') {
        result.outcome = 'failed'
        haltReason ??= {
          outcome: 'not-attempted',
          error: `not attempted: the API refused the key (HTTP ${error.status}) earlier in this run`
        }
        return
      }
      if (error.kind === 'rejected') {
        result.outcome = 'failed'
        slot.next = clock.now() + interval
        return
      }
      const retryAfter = error.kind === 'rate-limited' ? parseRetryAfter(error.retryAfter, clock.now()) : undefined
      if (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_MS) {
        result.outcome = 'failed'
        result.error = `${error.message} (Retry-After ${Math.round(retryAfter / 1000)} s is longer than we wait)`
        return
      }
      const delay =
        error.kind === 'rate-limited'
          ? (retryAfter ?? interval) // someone else used the slot: never hammer
          : backoffMs(result.attempts, Math.max(interval, BACKOFF_BASE_MS), random)
      slot.next = clock.now() + delay
      if (result.attempts < options.maxAttempts) {
        logger.info(`${label}: retrying in ${(delay / 1000).toFixed(1)} s (${error.message})`)
      }
    }
    result.outcome = 'failed'
    result.error = `${result.error} (gave up after ${result.attempts} attempts)`
  }

  // Every batch gets its completion promise before any lane starts, so a prefetch
  // lane can wait for a purge that has not begun yet.
  const settle = new Map<Batch, () => void>()
  for (const batch of plan.batches) finished.set(batch, new Promise<void>(resolve => settle.set(batch, resolve)))

  async function runBatch(batch: Batch, slot: { next: number }): Promise<void> {
    const result = results.get(batch)!
    await Promise.all(batch.after.map(purge => finished.get(purge)))
    if (!halt()) {
      const unpurged = new Set(
        batch.after.filter(purge => results.get(purge)!.outcome !== 'succeeded').flatMap(purge => purge.paths)
      )
      result.paths = batch.paths.filter(path => !unpurged.has(path))
      if (result.paths.length === 0) {
        result.outcome = 'not-attempted'
        result.error = 'not attempted: the purge of these paths failed'
        return
      }
      await sendBatch(result, slot)
      if (result.outcome === 'failed' && result.status === null && !reachedApi) {
        haltReason ??= { outcome: 'not-attempted', error: `not attempted: the API could not be reached (${result.error})` }
      }
    }
    if (result.outcome === 'planned') {
      result.outcome = haltReason!.outcome
      result.error = haltReason!.error
    }
  }

  const lanes = plan.resources.flatMap(resource =>
    (['purge', 'prefetch'] as const).map(operation =>
      plan.batches.filter(batch => batch.resource === resource && batch.operation === operation)
    )
  )
  const completions: Promise<void>[] = []
  const complete = async (batch: Batch): Promise<void> => {
    const result = results.get(batch)!
    try {
      if (batch.operation === 'purge' && result.outcome === 'succeeded' && options.afterPurge) {
        const completion = await options.afterPurge(batch, result.started!)
        if (!completion.ok) {
          result.outcome = 'failed'
          result.error = completion.error
        }
      }
    } finally {
      settle.get(batch)!()
    }
  }
  await Promise.all(
    lanes.map(async lane => {
      const slot = { next: 0 }
      for (const batch of lane) {
        try {
          await runBatch(batch, slot)
        } finally {
          completions.push(complete(batch))
        }
      }
    })
  )
  await Promise.all(completions)
  return plan.batches.map(batch => results.get(batch)!)
}

const ABORTED = Symbol('aborted')

/** Resolves to the promise's value or error, or to ABORTED as soon as the signal fires. */
function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T | Error | typeof ABORTED> {
  const settled = promise.then(
    value => value,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error)))
  )
  if (!signal) return settled
  if (signal.aborted) return Promise.resolve(ABORTED)
  return new Promise(resolve => {
    const onAbort = (): void => resolve(ABORTED)
    signal.addEventListener('abort', onAbort, { once: true })
    void settled.then(value => {
      signal.removeEventListener('abort', onAbort)
      resolve(value)
    })
  })
}
