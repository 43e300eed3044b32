/**
 * What to do after a failed try: pure, so every rule is one unit test.
 *
 * - 401: the key is refused; nothing else in the run can succeed.
 * - 403, 404: this resource refuses the key or does not exist; its other batches stop.
 * - 429: someone used the slot; wait what Retry-After says, never less than the
 *   lane's interval, never more than MAX_RETRY_AFTER_FACTOR intervals.
 * - 5xx, 408, connection errors: back off 1, 2, 4 … s with jitter, at most one
 *   interval. A timeout or a cut answer waits the whole interval: Gcore may
 *   have accepted and counted the request, and a retry sooner would be a 429.
 * - any other answer: retrying would not change it; the batch fails.
 * Every try counts toward max-attempts.
 */
import type { GcoreError } from '../gcore/errors.js'

export interface RetryPolicy {
  maxAttempts: number
  /** The lane's interval: the floor for a 429's wait, the cap of a backoff. */
  intervalMs: number
  /** [0, 1); injectable so backoff jitter is reproducible in tests. */
  random: () => number
}

export type RetryDecision =
  | { action: 'retry'; waitMs: number; note?: string }
  | { action: 'fail'; error: string }
  | { action: 'stop-resource'; error: string }
  | { action: 'stop-run'; error: string }

const BACKOFF_BASE_MS = 1000
/**
 * A Retry-After longer than this many intervals is capped (and said): Gcore's
 * limits are per interval, so a longer wait is a proxy's or a bug's, and a
 * job must not sleep for hours on one header.
 */
const MAX_RETRY_AFTER_FACTOR = 2

/** Exponential backoff with jitter: 50-100 % of base × 2^(attempt-1), capped. */
export function backoffMs(attempt: number, capMs: number, random: () => number): number {
  const full = Math.min(capMs, BACKOFF_BASE_MS * 2 ** (attempt - 1))
  return Math.round(full * (0.5 + random() / 2))
}

/** Retry-After is delta-seconds or an HTTP date. Undefined when absent or unreadable; may be ≤ 0. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (/^-?\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : date - now
}

function retryAfterCapMs(intervalMs: number): number {
  return MAX_RETRY_AFTER_FACTOR * intervalMs
}

export function decideRetry(error: GcoreError, attempt: number, policy: RetryPolicy, now: number): RetryDecision {
  if (error.kind === 'auth') return { action: 'stop-run', error: error.message }
  if (error.kind === 'forbidden' || error.kind === 'not-found') return { action: 'stop-resource', error: error.message }
  if (!error.retryable) return { action: 'fail', error: error.message }
  if (attempt >= policy.maxAttempts) return { action: 'fail', error: `${error.message} (gave up after ${attempt} attempts)` }
  if (error.kind === 'transient') {
    if (error.unconfirmed) return { action: 'retry', waitMs: policy.intervalMs }
    return { action: 'retry', waitMs: backoffMs(attempt, Math.max(policy.intervalMs, BACKOFF_BASE_MS), policy.random) }
  }
  const asked = parseRetryAfter(error.retryAfter, now)
  const cap = retryAfterCapMs(policy.intervalMs)
  if (asked !== undefined && asked > cap) {
    return { action: 'retry', waitMs: cap, note: `Retry-After ${Math.round(asked / 1000)} s is capped at ${Math.round(cap / 1000)} s` }
  }
  // No header, 0, negative or a date in the past: the interval is the floor.
  return { action: 'retry', waitMs: Math.max(asked ?? 0, policy.intervalMs) }
}
