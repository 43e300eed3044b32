/**
 * Edge verification: after prefetch, ask the CDN itself whether it has the files.
 *
 * Sends HEAD for each prefetched path to the CDN and reads Gcore's `Cache` header
 * (HIT, MISS, BYPASS). Where the size of the new file is known (a local file, a
 * release asset), the edge's `Content-Length` must match it: a cached file of
 * another size is `stale` (old parts left by a purge that did not clear them).
 * Paths not yet HIT are asked again until `verify-timeout`. One HIT proves one
 * edge server has the file, not all of them.
 */
import { mapLimit } from './pool.js'
import type { Clock, EdgeProbe, Logger } from './ports.js'
import { networkText } from './text.js'

export interface VerifyResult {
  resource: number
  path: string
  url: string
  /** The Cache header's verdict (HIT, MISS, BYPASS, …), `no-header`, `stale`, or `error`. */
  result: string
  status: number | null
  error: string | null
  attempts: number
  /** The size the file should have, when known. */
  expectedSize: number | null
  /** The edge's Content-Length. */
  size: number | null
}

export interface VerifyTarget {
  resource: number
  baseUrl: string
  paths: string[]
}

export interface VerifyOptions {
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  timeoutMs: number
  concurrency: number
  pollMs?: number
  /** Sizes of the new files by CDN path, where known. */
  sizes?: ReadonlyMap<string, number>
}

/** `HIT`, `MISS`, … from a header such as `HIT` or `hit, MISS`: the first verdict. */
export function cacheVerdict(header: string | undefined): string {
  const first = header?.split(/[,\s]+/).find(token => token !== '')
  return first ? first.toUpperCase().slice(0, 32) : 'no-header'
}

/** Why an answer other than a 2xx is no verification. */
function notTheFile(status: number): string {
  return status >= 300 && status < 400 ? `HTTP ${status}: a redirect, not the file; it proves nothing about the cache` : `HTTP ${status}`
}

export async function verifyEdges(targets: VerifyTarget[], probe: EdgeProbe, options: VerifyOptions): Promise<VerifyResult[]> {
  const { clock, logger, signal } = options
  const results = targets.flatMap(target =>
    target.paths.map((path): VerifyResult => ({
      resource: target.resource,
      path,
      url: `${target.baseUrl}${path}`,
      result: 'unchecked',
      status: null,
      error: null,
      attempts: 0,
      expectedSize: options.sizes?.get(path) ?? null,
      size: null
    }))
  )
  const check = async (entry: VerifyResult): Promise<void> => {
    if (signal?.aborted) return
    entry.attempts++
    try {
      const { status, cache, contentLength } = await probe.head(entry.url, signal)
      entry.status = status
      entry.size = contentLength
      // Only a 2xx is the file: a redirect or an error page proves nothing, whatever its Cache header says.
      const ok = status >= 200 && status < 300
      const verdict = ok ? cacheVerdict(cache) : 'error'
      const stale = ok && verdict === 'HIT' && entry.expectedSize !== null && contentLength !== null && contentLength !== entry.expectedSize
      entry.result = stale ? 'stale' : verdict
      entry.error = !ok
        ? notTheFile(status)
        : stale
          ? `the edge holds ${contentLength} bytes, the new file has ${entry.expectedSize}`
          : null
    } catch (error) {
      if (signal?.aborted) return
      entry.result = 'error'
      entry.status = null
      entry.error = networkText((error as Error).message, [])
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
