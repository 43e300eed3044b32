/**
 * Edge verification: after prefetch, ask the CDN itself whether it has the files.
 *
 * Sends HEAD for each prefetched path to the CDN base URL and reads Gcore's
 * `Cache` header (HIT, MISS, BYPASS). Paths not yet HIT are asked again until
 * `verify-timeout`. One HIT proves one edge server has the file, not all of them.
 */
import { HttpClient } from '@actions/http-client'
import { mapLimit } from './map-limit.js'
import type { Clock, Logger } from './scheduler.js'

export interface VerifyResult {
  resource: number
  path: string
  url: string
  /** The Cache header's verdict (HIT, MISS, BYPASS, …), `no-header`, or `error`. */
  result: string
  status: number | null
  error: string | null
  attempts: number
}

export interface EdgeProbe {
  /** HEAD a URL: its status and Cache header. Rejects on network errors. */
  head(url: string): Promise<{ status: number; cache: string | undefined }>
}

export interface VerifyOptions {
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  timeoutMs: number
  concurrency: number
  pollMs?: number
}

export function httpEdgeProbe(timeoutMs: number): EdgeProbe {
  const http = new HttpClient('gcore-cdn-prefetch', [], { socketTimeout: timeoutMs, keepAlive: false })
  return {
    async head(url) {
      const response = await http.head(url)
      await response.readBody()
      const headers = response.message.headers
      const cache = headers['cache'] ?? headers['x-cache']
      return { status: response.message.statusCode ?? 0, cache: Array.isArray(cache) ? cache[0] : cache }
    }
  }
}

/** `HIT`, `MISS`, … from a header such as `HIT` or `hit, MISS`: the first verdict. */
export function cacheVerdict(header: string | undefined): string {
  const first = header?.split(/[,\s]+/).find(token => token !== '')
  return first ? first.toUpperCase() : 'no-header'
}

export async function verifyEdges(
  targets: { resource: number; baseUrl: string; paths: string[] }[],
  probe: EdgeProbe,
  options: VerifyOptions
): Promise<VerifyResult[]> {
  const { clock, logger, signal } = options
  const results = targets.flatMap(target =>
    target.paths.map(
      (path): VerifyResult => ({ resource: target.resource, path, url: `${target.baseUrl}${path}`, result: 'unchecked', status: null, error: null, attempts: 0 })
    )
  )
  const check = async (entry: VerifyResult): Promise<void> => {
    if (signal?.aborted) return
    entry.attempts++
    try {
      const { status, cache } = await probe.head(entry.url)
      entry.status = status
      const ok = status >= 200 && status < 400
      entry.result = ok ? cacheVerdict(cache) : 'error'
      entry.error = ok ? null : `HTTP ${status}`
    } catch (error) {
      entry.result = 'error'
      entry.status = null
      entry.error = (error as Error).message
    }
  }
  const deadline = clock.now() + options.timeoutMs
  let pending = results
  for (let pass = 1; pending.length && !signal?.aborted; pass++) {
    await mapLimit(pending, options.concurrency, check)
    pending = results.filter(entry => entry.result !== 'HIT')
    const hits = results.length - pending.length
    logger.info(`Edge verification pass ${pass}: ${hits} of ${results.length} HIT`)
    const left = deadline - clock.now()
    if (!pending.length || left <= 0) break
    await clock.sleep(Math.min(options.pollMs ?? 5000, left), signal)
  }
  return results
}
