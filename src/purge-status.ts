/**
 * Waits for an accepted purge to finish before its paths are prefetched.
 *
 * Purge is asynchronous at Gcore: prefetching while it still runs can re-cache the
 * old file. The purge POST returns no id, so the purge is found in the history
 * (`GET /cdn/purge_statuses`) by resource, type, creation time and payload. When
 * no status can be had, we wait `purge-settle` instead and say so.
 */
import type { Clock, Logger } from './scheduler.js'

export interface StatusApi {
  getJson(path: string): Promise<unknown>
}

export type PurgeCompletion = { ok: true } | { ok: false; error: string }

export interface PurgeWaitOptions {
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  timeoutMs: number
  settleMs: number
  pollMs: number
}

interface StatusEntry {
  status?: unknown
  purge_type?: unknown
  created?: unknown
  resource?: { id?: unknown }
  payload?: { urls?: unknown }
}

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

export function findPurge(entries: StatusEntry[], resource: number, paths: string[]): StatusEntry | undefined {
  const matches = entries.filter(entry => {
    if (entry.resource?.id !== resource) return false
    if (entry.purge_type !== undefined && entry.purge_type !== 'purge_by_url') return false
    const urls = Array.isArray(entry.payload?.urls) ? new Set((entry.payload.urls as unknown[]).map(String).map(pathOf)) : null
    return urls !== null && paths.every(path => urls.has(path))
  })
  return matches.sort((a, b) => String(b.created).localeCompare(String(a.created)))[0]
}

async function fetchEntries(api: StatusApi, sentAt: number): Promise<StatusEntry[]> {
  const fromCreated = new Date(sentAt - CLOCK_SKEW_MS).toISOString()
  const entries: StatusEntry[] = []
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = `purge_type=purge_by_url&from_created=${encodeURIComponent(fromCreated)}&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`
    const body = (await api.getJson(`/cdn/purge_statuses?${query}`)) as StatusEntry[] | { results?: StatusEntry[]; next?: unknown }
    if (Array.isArray(body)) return [...entries, ...body]
    entries.push(...(Array.isArray(body?.results) ? body.results : []))
    if (!body?.next) break
  }
  return entries
}

export async function awaitPurge(
  api: StatusApi,
  batch: { resource: number; index: number; paths: string[] },
  sentAt: number,
  options: PurgeWaitOptions
): Promise<PurgeCompletion> {
  const { clock, logger, signal } = options
  const label = `purge ${batch.index} (resource ${batch.resource})`
  const deadline = clock.now() + options.timeoutMs
  const settle = async (why: string): Promise<PurgeCompletion> => {
    logger.notice(`${label}: ${why}; waiting purge-settle (${options.settleMs / 1000} s) before prefetching its paths`)
    await clock.sleep(options.settleMs, signal)
    return { ok: true }
  }
  let failures = 0
  for (;;) {
    // Cancelled: the purge was accepted all the same; its prefetch will be reported cancelled.
    if (signal?.aborted) return { ok: true }
    let entries: StatusEntry[]
    try {
      entries = await fetchEntries(api, sentAt)
      failures = 0
    } catch (error) {
      // A 4xx will not change on retry (no such endpoint, no right to read it): settle at once.
      const lasting = (error as { kind?: string }).kind === 'rejected' || (error as { kind?: string }).kind === 'auth'
      if (lasting || ++failures >= MAX_STATUS_FAILURES) {
        return settle(`the purge status endpoint failed (${(error as Error).message})`)
      }
      logger.debug(`${label}: purge status request failed (${(error as Error).message}); trying again`)
      await clock.sleep(options.pollMs, signal)
      continue
    }
    const entry = findPurge(entries, batch.resource, batch.paths)
    if (!entry) return settle('no matching entry in the purge history')
    if (entry.status === 'Successful') {
      logger.info(`${label}: purge finished (Successful)`)
      return { ok: true }
    }
    if (entry.status === 'Failed') return { ok: false, error: 'purge accepted, but Gcore reports it Failed' }
    if (entry.status === 'Status report disabled') return settle('purge status reports are disabled for this account')
    if (clock.now() >= deadline) {
      logger.warning(`${label}: purge still ${String(entry.status)} after purge-timeout (${options.timeoutMs / 1000} s); prefetching anyway`)
      return { ok: true }
    }
    await clock.sleep(options.pollMs, signal)
  }
}
