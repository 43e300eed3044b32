/**
 * The limits a run works within, and where each came from.
 *
 * Gcore's limits differ per account (`GET /cdn/clients/me/limits` can allow twice
 * the documented prefetch rate). With `limits: auto` the account's values are used
 * where readable; inputs the user set explicitly always win; anything unreadable
 * falls back to the documented values, with a notice, never a failure.
 */
import { DOCUMENTED_LIMITS } from './inputs.js'

export type LimitSource = 'input' | 'account' | 'documented'

export interface Limit {
  value: number
  source: LimitSource
  /** What the account said, e.g. `2/m`, when the value came from it. */
  raw?: string
}

export interface EffectiveLimits {
  batchSize: Limit
  prefetchIntervalMs: Limit
  purgeBatchSize: Limit
  purgeIntervalMs: Limit
}

/** The values the user set; undefined where the input was left empty. */
export interface ExplicitLimits {
  batchSize?: number
  prefetchIntervalMs?: number
  purgeIntervalMs?: number
}

export interface AccountLimits {
  prefetch_pattern_limit?: unknown
  prefetch_request_limit?: unknown
  purge_max_urls_limit?: unknown
  purge_by_urls_request_limit?: unknown
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
  return {
    batchSize: pick(explicit.batchSize, positiveInteger(a.prefetch_pattern_limit), a.prefetch_pattern_limit, DOCUMENTED_LIMITS.batchSize),
    prefetchIntervalMs: pick(
      explicit.prefetchIntervalMs,
      parseRate(a.prefetch_request_limit),
      a.prefetch_request_limit,
      DOCUMENTED_LIMITS.prefetchIntervalSeconds * 1000
    ),
    // A prefetch batch is purged in one request when the purge limit allows it.
    purgeBatchSize: pick(undefined, positiveInteger(a.purge_max_urls_limit), a.purge_max_urls_limit, DOCUMENTED_LIMITS.purgeMaxUrls),
    purgeIntervalMs: pick(
      explicit.purgeIntervalMs,
      parseRate(a.purge_by_urls_request_limit),
      a.purge_by_urls_request_limit,
      DOCUMENTED_LIMITS.purgeIntervalSeconds * 1000
    )
  }
}

/** `batch size 40 (account: 40)`, for the log and the summary. */
export function describeLimits(limits: EffectiveLimits): string[] {
  const from = (limit: Limit): string =>
    limit.source === 'account' ? `account: ${limit.raw}` : limit.source === 'input' ? 'input' : 'Gcore documented'
  const seconds = (ms: number): string => `${Number((ms / 1000).toFixed(3))} s`
  return [
    `prefetch batch size ${limits.batchSize.value} (${from(limits.batchSize)})`,
    `prefetch interval ${seconds(limits.prefetchIntervalMs.value)} (${from(limits.prefetchIntervalMs)})`,
    `purge batch size ${limits.purgeBatchSize.value} (${from(limits.purgeBatchSize)})`,
    `purge interval ${seconds(limits.purgeIntervalMs.value)} (${from(limits.purgeIntervalMs)})`
  ]
}

/**
 * Reads the account's limits once (a transient failure is retried once, quietly).
 * Never throws: a failure is returned as `problem`, and the documented values apply.
 */
export async function readAccountLimits(
  api: { getJson(path: string): Promise<unknown> },
  sleep: (ms: number) => Promise<void>
): Promise<{ account: AccountLimits | null; problem?: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      const body = await api.getJson('/cdn/clients/me/limits')
      if (body && typeof body === 'object' && !Array.isArray(body)) return { account: body as AccountLimits }
      return { account: null, problem: 'the answer is not a JSON object' }
    } catch (error) {
      const transient = (error as { kind?: string }).kind === 'transient' || (error as { kind?: string }).kind === 'rate-limited'
      if (attempt >= 2 || !transient) return { account: null, problem: (error as Error).message }
      await sleep(1000)
    }
  }
}
