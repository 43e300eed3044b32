/**
 * The limits a run works within, and where each came from.
 *
 * Gcore's limits differ per account (`GET /cdn/clients/me/limits` can allow twice
 * the documented prefetch rate). With `limits: auto` the account's values are used
 * where readable; inputs the user set explicitly always win; anything unreadable
 * falls back to the documented values, with a notice, never a failure.
 */
import type { Clock } from '../ports.js'
import { GcoreError, getJsonOnceMore } from './errors.js'
import { describeJson } from './shapes.js'

/**
 * Gcore's documented limits: prefetch 100 paths a request, 1 a minute; purge by
 * URL 100 URLs, 2 a minute; purge by pattern 10 patterns, 1 a minute (purge all
 * shares that lane).
 */
const DOCUMENTED_LIMITS = {
  batchSize: 100,
  prefetchIntervalMs: 60_000,
  purgeUrlBatchSize: 100,
  purgeUrlIntervalMs: 30_000,
  purgePatternBatchSize: 10,
  purgePatternIntervalMs: 60_000
} as const

type LimitSource = 'input' | 'account' | 'documented'

interface Limit {
  value: number
  source: LimitSource
  /** What the account said, e.g. `2/m`, when the value came from it. */
  raw?: string
}

export interface EffectiveLimits {
  batchSize: Limit
  prefetchIntervalMs: Limit
  purgeUrlBatchSize: Limit
  purgeUrlIntervalMs: Limit
  purgePatternBatchSize: Limit
  purgePatternIntervalMs: Limit
}

/** The values the user set; undefined where the input was left empty. */
export interface ExplicitLimits {
  batchSize?: number
  prefetchIntervalMs?: number
  purgeIntervalMs?: number
  purgePatternIntervalMs?: number
}

export interface AccountLimits {
  prefetch_pattern_limit?: unknown
  prefetch_request_limit?: unknown
  purge_max_urls_limit?: unknown
  purge_by_urls_request_limit?: unknown
  purge_pattern_limit?: unknown
  purge_request_limit?: unknown
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 }

/** `N/s`, `N/m`, `N/h` → milliseconds between two requests. Undefined when unreadable. */
export function parseRate(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined
  const match = /^\s*(\d+)\s*\/\s*([smh])\s*$/i.exec(text)
  if (!match || Number(match[1]) < 1) return undefined
  return Math.ceil(UNIT_MS[match[2].toLowerCase()] / Number(match[1]))
}

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
}

function pick(explicit: number | undefined, account: number | undefined, raw: unknown, documented: number): Limit {
  if (explicit !== undefined) return { value: explicit, source: 'input' }
  if (account !== undefined) return { value: account, source: 'account', raw: String(raw) }
  return { value: documented, source: 'documented' }
}

export function resolveLimits(explicit: ExplicitLimits, account: AccountLimits | null): EffectiveLimits {
  const a = account ?? {}
  const D = DOCUMENTED_LIMITS
  return {
    batchSize: pick(explicit.batchSize, positiveInteger(a.prefetch_pattern_limit), a.prefetch_pattern_limit, D.batchSize),
    prefetchIntervalMs: pick(
      explicit.prefetchIntervalMs,
      parseRate(a.prefetch_request_limit),
      a.prefetch_request_limit,
      D.prefetchIntervalMs
    ),
    purgeUrlBatchSize: pick(undefined, positiveInteger(a.purge_max_urls_limit), a.purge_max_urls_limit, D.purgeUrlBatchSize),
    purgeUrlIntervalMs: pick(
      explicit.purgeIntervalMs,
      parseRate(a.purge_by_urls_request_limit),
      a.purge_by_urls_request_limit,
      D.purgeUrlIntervalMs
    ),
    purgePatternBatchSize: pick(undefined, positiveInteger(a.purge_pattern_limit), a.purge_pattern_limit, D.purgePatternBatchSize),
    purgePatternIntervalMs: pick(
      explicit.purgePatternIntervalMs,
      parseRate(a.purge_request_limit),
      a.purge_request_limit,
      D.purgePatternIntervalMs
    )
  }
}

/** Which lanes a run uses, so the log and summary show only their limits. */
export interface UsedLanes {
  purgeUrl: boolean
  purgePattern: boolean
}

/** `prefetch interval 30 s (account: 2/m)`, for the log and the summary; only the lanes in use. */
export function describeLimits(limits: EffectiveLimits, used: UsedLanes = { purgeUrl: true, purgePattern: false }): string[] {
  const from = (limit: Limit): string =>
    limit.source === 'account' ? `account: ${limit.raw}` : limit.source === 'input' ? 'input' : 'Gcore documented'
  const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`
  const size = (label: string, limit: Limit): string => `${label} ${limit.value} (${from(limit)})`
  const every = (label: string, limit: Limit): string => `${label} ${seconds(limit.value)} (${from(limit)})`
  return [
    size('prefetch batch size', limits.batchSize),
    every('prefetch interval', limits.prefetchIntervalMs),
    ...(used.purgeUrl ? [size('purge batch size', limits.purgeUrlBatchSize), every('purge interval', limits.purgeUrlIntervalMs)] : []),
    ...(used.purgePattern
      ? [size('patterns per purge', limits.purgePatternBatchSize), every('pattern purge interval', limits.purgePatternIntervalMs)]
      : [])
  ]
}

export type AccountLimitsRead =
  { account: AccountLimits; problem?: undefined; refused?: undefined } | { account: null; problem: string; refused?: GcoreError }

/**
 * Reads the account's limits once (a transient failure is retried once, quietly).
 * Never throws: a failure is a `problem` and the documented values apply; a key
 * the API refuses (401) is also returned as `refused`, so the run stops before
 * it sends a purge or a prefetch with it.
 */
export async function readAccountLimits(
  api: { getJson(path: string, signal?: AbortSignal): Promise<unknown> },
  clock: Pick<Clock, 'sleep'>,
  signal?: AbortSignal
): Promise<AccountLimitsRead> {
  try {
    const body = await getJsonOnceMore(api, '/cdn/clients/me/limits', clock, signal)
    if (body && typeof body === 'object' && !Array.isArray(body)) return { account: body as AccountLimits }
    return { account: null, problem: `the answer is ${describeJson(body)}, not a JSON object` }
  } catch (error) {
    const failure = GcoreError.from(error)
    if (failure.kind === 'auth') return { account: null, problem: failure.message, refused: failure }
    return { account: null, problem: failure.message }
  }
}
