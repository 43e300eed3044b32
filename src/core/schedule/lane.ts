/**
 * One rate-limited lane: a resource's prefetches, URL purges, or pattern purges.
 *
 * It sends one request at a time, and the next one only an interval after the
 * previous answer arrived: Gcore measures arrivals, so this never causes a 429
 * of our own. What to do after a failure is the retry policy's decision; the
 * lane only keeps time and records everything in the batch's result.
 */
import { GcoreError } from '../gcore/errors.js'
import { parseGcoreTime } from '../gcore/time.js'
import { formatSeconds, plural } from '../format.js'
import { describeRequest, type Batch } from '../plan/batches.js'
import type { Clock, GcoreApi, Logger } from '../ports.js'
import { decideRetry, type RetryPolicy } from './retry-policy.js'

export type Outcome = 'succeeded' | 'failed' | 'cancelled' | 'not-attempted' | 'planned'

export interface BatchResult {
  batch: Batch
  /** What was actually sent: a prefetch leaves out paths whose purge failed. */
  items: string[]
  outcome: Outcome
  status: number | null
  attempts: number
  error: string | null
  started: number | null
  finished: number | null
  /** For an accepted purge: when it was known to be done (Gcore's status, or the settle wait). */
  completed: number | null
  /** For an accepted request: the answer's `Date`, on Gcore's clock (null when absent or unreadable). */
  acceptedAt: number | null
  /** For an accepted purge: Gcore's `purge_id` and `created`, where the purge history gave them. */
  purgeId: number | null
  purgeCreatedAt: number | null
}

/** Why a lane sends nothing more: its outcome and error for every batch left. */
export interface Stop {
  outcome: Outcome
  error: string
}

export interface LaneContext {
  api: GcoreApi
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  policy: Omit<RetryPolicy, 'intervalMs'>
  /** The latest time a request may start; Infinity without a time budget. */
  sendBy: number
  /** Checked before every try. */
  stopped(resource: number): Stop | null
  stop(scope: 'resource' | 'run', resource: number, why: Stop): void
  /** The API answered something (so it is reachable). */
  answered(): void
}

export function labelOf(batch: Batch): string {
  return `${describeRequest(batch.kind)} ${batch.index}/${batch.of} (resource ${batch.resource})`
}

export class RateLane {
  private nextSlot = 0

  constructor(
    readonly intervalMs: number,
    private readonly context: LaneContext
  ) {}

  /**
   * Waits until this lane may send again, so that the next batch is formed at
   * its turn (from the paths ready then); early when its resource stops.
   */
  async untilSlot(label: string, stopped: AbortSignal): Promise<void> {
    const { clock, logger } = this.context
    const wait = Math.min(this.nextSlot, this.context.sendBy) - clock.now()
    if (wait <= 0 || stopped.aborted) return
    if (wait >= 1000) logger.info(`${label}: waiting ${formatSeconds(wait)} for the next slot`)
    await clock.sleep(wait, stopped)
  }

  /** Sends one batch: waits for its slot, tries up to max-attempts, and records the result. */
  async send(result: BatchResult): Promise<void> {
    const { api, clock, logger, signal, policy } = this.context
    const { batch } = result
    const label = labelOf(batch)
    for (;;) {
      if (Math.max(this.nextSlot, clock.now()) > this.context.sendBy) {
        if (result.attempts > 0) {
          // Tried already: it failed, and the budget leaves no time for another try.
          result.outcome = 'failed'
          result.error = `${result.error} (no time left for another try within the time-budget)`
        }
        this.context.stop('run', batch.resource, {
          outcome: 'not-attempted',
          error: 'not attempted: the time-budget would run out before its turn'
        })
        return
      }
      const wait = this.nextSlot - clock.now()
      if (wait > 0) {
        if (wait >= 1000) logger.info(`${label}: waiting ${formatSeconds(wait)} for the next slot`)
        await clock.sleep(wait, signal)
      }
      if (this.context.stopped(batch.resource)) return
      result.attempts++
      result.started ??= clock.now()
      const began = clock.now()
      const answer = await api.send(batch.kind, batch.resource, result.items, signal).catch(GcoreError.from)
      result.finished = clock.now()
      const took = formatSeconds(result.finished - began)
      const title = `${label} · ${plural(result.items.length, batch.operation === 'prefetch' ? 'path' : batch.kind === 'url' ? 'URL' : 'pattern')} · attempt ${result.attempts}/${policy.maxAttempts}`
      if (!(answer instanceof GcoreError)) {
        this.context.answered()
        Object.assign(result, { outcome: 'succeeded', status: answer.status, error: null, acceptedAt: parseGcoreTime(answer.date) })
        this.nextSlot = clock.now() + this.intervalMs
        logger.group(`${title} · HTTP ${answer.status} · ${took}`, result.items)
        return
      }
      if (answer.kind === 'cancelled') {
        result.outcome = 'cancelled'
        result.error = 'cancelled while the request was in flight; Gcore may have accepted it'
        return
      }
      if (answer.status !== null) this.context.answered()
      result.status = answer.status
      result.error = answer.message
      logger.group(`${title} · ${answer.status ? `HTTP ${answer.status}` : 'no answer'} · ${took}`, [
        `error: ${answer.message}`,
        ...result.items
      ])
      const decision = decideRetry(answer, result.attempts, { ...policy, intervalMs: this.intervalMs }, clock.now())
      if (decision.action === 'retry') {
        this.nextSlot = clock.now() + decision.waitMs
        if (decision.note) logger.warning(`${label}: ${decision.note}`)
        logger.info(`${label}: retrying in ${formatSeconds(decision.waitMs)} (${answer.message})`)
        continue
      }
      result.outcome = 'failed'
      result.error = decision.error
      this.nextSlot = clock.now() + this.intervalMs
      if (decision.action === 'stop-run') {
        this.context.stop('run', batch.resource, {
          outcome: 'not-attempted',
          error: `not attempted: the API refused the key (HTTP ${answer.status}) earlier in this run`
        })
      } else if (decision.action === 'stop-resource') {
        const why = answer.kind === 'not-found' ? 'does not exist for this key' : 'refused this key'
        this.context.stop('resource', batch.resource, {
          outcome: 'not-attempted',
          error: `not attempted: resource ${batch.resource} ${why} (HTTP ${answer.status}) earlier in this run`
        })
      }
      return
    }
  }
}
