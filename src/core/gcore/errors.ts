/**
 * How a Gcore request fails, in one type the whole engine reads: the HTTP
 * adapter (client.ts) makes them, the retry policy and the lookups decide on
 * their `kind`. Also the one retry rule of the optional reads before sending.
 */
import type { Clock, GcoreApi } from '../ports.js'

/**
 * - rate-limited: 429, wait and retry
 * - transient: 5xx, 408, timeouts, cut answers, connection errors: retry with backoff
 * - auth: 401, the key is refused: stop everything
 * - forbidden: 403, the key may not do this
 * - not-found: 404, no such resource (or endpoint) on this account
 * - rejected: any other answer; retrying would not help
 * - cancelled: the run was cancelled while the request was in flight
 */
export type FailureKind = 'rate-limited' | 'transient' | 'auth' | 'forbidden' | 'not-found' | 'rejected' | 'cancelled'

export class GcoreError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status: number | null,
    /** The raw Retry-After header of a 429, if any. */
    readonly retryAfter?: string,
    /**
     * The request reached the API and its answer was lost (cut off, or not
     * finished in time): Gcore may have accepted it and counted it.
     */
    readonly unconfirmed = false
  ) {
    super(message)
    this.name = 'GcoreError'
  }

  /**
   * Anything a port threw, as a GcoreError: itself, or a transient failure
   * (a fake's bug or a library's surprise is retried, never trusted).
   */
  static from(error: unknown): GcoreError {
    if (error instanceof GcoreError) return error
    return new GcoreError(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, 'transient', null)
  }

  /** Whether the same request may succeed if sent again later. */
  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'transient'
  }
}

/** The failure kind of an HTTP status Gcore answered. */
export function classifyStatus(status: number): FailureKind {
  if (status === 429) return 'rate-limited'
  if (status === 401) return 'auth'
  if (status === 403) return 'forbidden'
  if (status === 404) return 'not-found'
  if (status === 408 || status >= 500) return 'transient'
  return 'rejected'
}

/**
 * One GET for the optional reads before sending (limits, resources, rules,
 * origin groups), and once more a second later when the failure may pass (a
 * 429, a 5xx, a timeout). Rejects with a GcoreError.
 */
export async function getJsonOnceMore(
  api: Pick<GcoreApi, 'getJson'>,
  path: string,
  clock: Pick<Clock, 'sleep'>,
  signal?: AbortSignal
): Promise<unknown> {
  try {
    return await api.getJson(path, signal)
  } catch (caught) {
    const error = GcoreError.from(caught)
    if (!error.retryable || signal?.aborted) throw error
    await clock.sleep(1000, signal)
    return api.getJson(path, signal).catch(again => Promise.reject(GcoreError.from(again)))
  }
}
