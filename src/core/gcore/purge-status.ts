/**
 * Waits for an accepted purge to finish before its paths are prefetched.
 *
 * Purge is asynchronous at Gcore: prefetching while it still runs can re-cache the
 * old file. The purge POST returns no id, so the purge is found in the history
 * (`GET /cdn/purge_statuses`) by resource, type, creation time and payload. When
 * no status can be had, we wait `purge-settle` instead and say so.
 */
import type { Clock, Logger, PurgeKind } from '../ports.js'
import { GcoreError } from './errors.js'
import { expectList } from './shapes.js'
import { parseGcoreTime } from './time.js'

export interface StatusApi {
  getJson(path: string, signal?: AbortSignal): Promise<unknown>
}

/** A purge done (with Gcore's `purge_id` and `created`, where its history gave them), or failed. */
export type PurgeCompletion = { ok: true; purgeId: number | null; createdAt: number | null } | { ok: false; error: string }

export interface PurgeWaitOptions {
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  timeoutMs: number
  settleMs: number
  pollMs: number
}

/** The purge to look for: its resource, kind and what it carried. */
export interface SentPurge {
  resource: number
  kind: PurgeKind
  /** URLs or patterns; none for purge all. */
  items: string[]
  /** For the log: `purge by URL 2/5 (resource 7)`. */
  label: string
}

interface StatusEntry {
  purge_id?: unknown
  status?: unknown
  purge_type?: unknown
  created?: unknown
  resource?: { id?: unknown }
  payload?: { urls?: unknown; paths?: unknown }
}

const PURGE_TYPES: Record<PurgeKind, string> = { url: 'purge_by_url', pattern: 'purge_by_pattern', all: 'purge_all' }

// Runner and Gcore clocks may differ a little: look back a bit before the request.
const CLOCK_SKEW_MS = 10_000
const PAGE_SIZE = 100
const MAX_PAGES = 5
const MAX_STATUS_FAILURES = 3

/** A payload URL may carry the host; compare by path and query. */
function pathOf(url: string): string {
  try {
    const parsed = new URL(url, 'http://placeholder.invalid')
    return parsed.pathname + parsed.search
  } catch {
    return url
  }
}

function payloadItems(entry: StatusEntry, kind: PurgeKind): Set<string> | null {
  const list = kind === 'url' ? entry.payload?.urls : entry.payload?.paths
  if (!Array.isArray(list)) return kind === 'all' ? new Set() : null
  return new Set(list.map(String).map(kind === 'url' ? pathOf : item => item))
}

export function findPurge(entries: StatusEntry[], purge: Pick<SentPurge, 'resource' | 'kind' | 'items'>): StatusEntry | undefined {
  const matches = entries.filter(entry => {
    if (entry.resource?.id !== purge.resource) return false
    if (entry.purge_type !== undefined && entry.purge_type !== PURGE_TYPES[purge.kind]) return false
    const items = payloadItems(entry, purge.kind)
    return items !== null && purge.items.every(item => items.has(item))
  })
  // ISO 8601 times sort as text; no collator needed (loading one costs milliseconds).
  return matches.sort((a, b) => (String(a.created) < String(b.created) ? 1 : String(a.created) > String(b.created) ? -1 : 0))[0]
}

async function fetchEntries(api: StatusApi, purge: SentPurge, sentAt: number, signal?: AbortSignal): Promise<StatusEntry[]> {
  const fromCreated = new Date(sentAt - CLOCK_SKEW_MS).toISOString()
  const entries: StatusEntry[] = []
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `purge_type=${PURGE_TYPES[purge.kind]}&from_created=${encodeURIComponent(fromCreated)}&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`
    const body = await api.getJson(`/cdn/purge_statuses?${query}`, signal)
    const items = expectList(body, 'GET /cdn/purge_statuses', 'a list of purge statuses') as StatusEntry[]
    if (Array.isArray(body)) return [...entries, ...items]
    entries.push(...items)
    if (!(body as { next?: unknown }).next) break
  }
  return entries
}

export async function awaitPurge(api: StatusApi, purge: SentPurge, sentAt: number, options: PurgeWaitOptions): Promise<PurgeCompletion> {
  const { clock, logger, signal } = options
  const deadline = clock.now() + options.timeoutMs
  const unknown: PurgeCompletion = { ok: true, purgeId: null, createdAt: null }
  const done = (entry: StatusEntry): PurgeCompletion => ({
    ok: true,
    purgeId: typeof entry.purge_id === 'number' ? entry.purge_id : null,
    createdAt: parseGcoreTime(typeof entry.created === 'string' ? entry.created : null)
  })
  const settle = async (why: string, entry?: StatusEntry): Promise<PurgeCompletion> => {
    logger.notice(`${purge.label}: ${why}; waiting purge-settle (${options.settleMs / 1000} s) before prefetching its paths`)
    await clock.sleep(Math.min(options.settleMs, Math.max(0, deadline - clock.now())), signal)
    return entry ? done(entry) : unknown
  }
  let failures = 0
  for (;;) {
    // Cancelled: the purge was accepted all the same; its prefetch will be reported cancelled.
    if (signal?.aborted) return unknown
    let entries: StatusEntry[]
    try {
      entries = await fetchEntries(api, purge, sentAt, signal)
      failures = 0
    } catch (error) {
      const failure = GcoreError.from(error)
      if (failure.kind === 'cancelled') return unknown
      // A 4xx will not change on retry (no such endpoint, no right to read it): settle at once.
      if (!failure.retryable || ++failures >= MAX_STATUS_FAILURES) return settle(`the purge status endpoint failed (${failure.message})`)
      logger.debug(`${purge.label}: purge status request failed (${failure.message}); trying again`)
      await clock.sleep(options.pollMs, signal)
      continue
    }
    const entry = findPurge(entries, purge)
    if (!entry) return settle('no matching entry in the purge history')
    if (entry.status === 'Successful') {
      logger.info(`${purge.label}: purge finished (Successful)`)
      return done(entry)
    }
    if (entry.status === 'Failed') return { ok: false, error: 'purge accepted, but Gcore reports it Failed' }
    if (entry.status === 'Status report disabled') return settle('purge status reports are disabled for this account', entry)
    if (clock.now() >= deadline) {
      logger.warning(
        `${purge.label}: purge still ${String(entry.status)} after purge-timeout (${options.timeoutMs / 1000} s); prefetching anyway`
      )
      return done(entry)
    }
    await clock.sleep(Math.min(options.pollMs, Math.max(0, deadline - clock.now())), signal)
  }
}
