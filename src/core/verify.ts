/**
 * Edge verification: after prefetch, does the edge provably serve the
 * origin's file? Gcore's own check of a purge, for every path: ask the CDN and
 * the origin for the same file and compare Content-Length, ETag and
 * X-Cached-Since (../shared/gcore-origin-facts.md). A path is verified only when
 *
 * - the edge held the file before this check first asked for it: the first
 *   answer is a HIT, or a later HIT was cached (X-Cached-Since) before the first
 *   answer's Date. "Gcore's CDN caches files on the first request": a HIT that
 *   follows the check's own MISS proves nothing about the prefetch;
 * - its Content-Length is the origin's (or the new file's known size), and its
 *   ETag the origin's where both show one;
 * - where this run purged the path, it was cached no earlier than that purge,
 *   by Gcore's clock, to the whole second; a date that cannot be read is unknown,
 *   never fresh;
 * - on a sliced path, the last part (`Range: bytes=-1`) passes the same rules:
 *   the first part can be new while the last is old.
 *
 * A redirect or any answer other than 2xx proves nothing. Paths not verified
 * are asked again until `verify-timeout`. One edge server answers each time:
 * a verified path is on that server, not on every one.
 */
import { parseGcoreTime, wholeSecond } from './gcore/time.js'
import { htmlIsAFile } from './origin/check.js'
import { sameEtag } from './origin/verdict.js'
import { mapLimit } from './pool.js'
import type { Clock, EdgeAnswer, EdgeProbe, Logger } from './ports.js'
import { networkText } from './text.js'

/** verified, or why not: old bytes (stale), no proof (unproven), not at the edge (not-cached), no usable answer (error). */
export type EdgeVerdict = 'verified' | 'stale' | 'unproven' | 'not-cached' | 'error'

/** What the edge must serve: the origin's file as it answers now, or the new file's known size. */
export interface Reference {
  size: number | null
  etag: string | null
  /** Why there is no reference, when there is none. */
  missing?: string
}

/** One part as the edge showed it, the first time and the last time it was asked. */
export interface PartLook {
  status: number | null
  /** The first answer's verdict (HIT, MISS, BYPASS, no-header). */
  firstCache: string | null
  /** The last answer's verdict. */
  cache: string | null
  /** Content-Length of the HEAD, or the total of the last part's Content-Range. */
  size: number | null
  etag: string | null
  /** X-Cached-Since as the edge wrote it. */
  cachedSince: string | null
}

export interface EdgeCheck {
  resource: number
  path: string
  url: string
  verdict: EdgeVerdict
  /** Why it is not verified: what differed, and in which part. */
  reason: string | null
  attempts: number
  reference: Reference
  head: PartLook
  /** The last part, on sliced paths. */
  lastPart: PartLook | null
}

export interface VerifyTarget {
  resource: number
  baseUrl: string
  paths: string[]
  /** Whether a path is cached in parts (its last part is asked too); null when unknown. */
  sliced(path: string): boolean | null
  /** When this run's purge of the path took effect, by Gcore's clock; null: purged, time unknown; undefined: not purged. */
  purgedAt(path: string): number | null | undefined
  /** What the edge must serve, asked when the path is first checked. */
  reference(path: string, signal?: AbortSignal): Promise<Reference>
}

export interface VerifyOptions {
  clock: Clock
  logger: Logger
  signal?: AbortSignal
  timeoutMs: number
  concurrency: number
  pollMs?: number
  secrets?: readonly string[]
}

/** `HIT`, `MISS`, … from a header such as `HIT` or `hit, MISS`: the first verdict. */
export function cacheVerdict(header: string | undefined): string {
  const first = header?.split(/[,\s]+/).find(token => token !== '')
  return first ? first.toUpperCase().slice(0, 32) : 'no-header'
}

/** One part's answers: the first (its Date is when the check first asked) and the latest. */
interface Part {
  first: EdgeAnswer | null
  last: EdgeAnswer | null
  error: string | null
}

const ok = (status: number): boolean => status >= 200 && status < 300

/** The total of `bytes 9-9/10`, or null. */
function rangeTotal(contentRange: string | null): number | null {
  const match = /\/\s*(\d+)\s*$/.exec(contentRange ?? '')
  return match ? Number(match[1]) : null
}

function sizeOf(answer: EdgeAnswer, ranged: boolean): number | null {
  return ranged && answer.status === 206 ? rangeTotal(answer.contentRange) : answer.contentLength
}

/**
 * One part's verdict (pure): `which` names it in the reason. A part that is
 * not in the cache says nothing of old bytes; one served from the cache (or
 * with its Cache header hidden) is held to the reference and the purge.
 */
export function judgePart(
  part: Part,
  which: string,
  reference: Reference,
  purgedAt: number | null | undefined,
  ranged: boolean,
  htmlIsAFile = false
): { verdict: EdgeVerdict; reason: string | null } {
  const { first, last } = part
  if (!first || !last) return { verdict: 'error', reason: `${which}: ${part.error ?? 'no answer'}` }
  if (!ok(last.status)) {
    const redirect = last.status >= 300 && last.status < 400 ? ': a redirect, not the file; it proves nothing about the cache' : ''
    return { verdict: 'error', reason: `${which}: HTTP ${last.status}${redirect}` }
  }
  if (last.contentType === 'text/html' && !htmlIsAFile) {
    return { verdict: 'error', reason: `${which}: HTTP ${last.status}, an HTML page (something between you and Gcore: a proxy or filter?)` }
  }
  const cache = cacheVerdict(last.cache)
  const cachedSince = parseGcoreTime(last.cachedSince)
  if (cache === 'HIT' || cache === 'no-header') {
    const size = sizeOf(last, ranged)
    if (reference.size !== null && size !== null && size !== reference.size) {
      return { verdict: 'stale', reason: `${which}: the edge holds a file of ${size} bytes, the origin's has ${reference.size}` }
    }
    if (!ranged && reference.etag && last.etag && !sameEtag(reference.etag, last.etag)) {
      return { verdict: 'stale', reason: `${which}: the edge's ETag is ${last.etag}, the origin's ${reference.etag}` }
    }
    if (purgedAt !== undefined && purgedAt !== null && cachedSince !== null && wholeSecond(cachedSince) < wholeSecond(purgedAt)) {
      return {
        verdict: 'stale',
        reason: `${which}: cached at ${new Date(cachedSince).toISOString()}, before this run's purge (${new Date(purgedAt).toISOString()})`
      }
    }
  }
  if (cache === 'no-header')
    return { verdict: 'unproven', reason: `${which}: the Cache header is hidden, so the edge cannot show it holds the file` }
  if (cache !== 'HIT') return { verdict: 'not-cached', reason: `${which}: the edge answers ${cache}` }
  const firstAsked = parseGcoreTime(first.date)
  const heldBefore =
    cacheVerdict(first.cache) === 'HIT' ||
    (cachedSince !== null && firstAsked !== null && wholeSecond(cachedSince) < wholeSecond(firstAsked))
  if (!heldBefore) {
    return {
      verdict: 'unproven',
      reason: `${which}: first answered ${cacheVerdict(first.cache)}; the later HIT may be this check's own fetch (X-Cached-Since ${last.cachedSince ?? 'missing'})`
    }
  }
  if (reference.size === null)
    return { verdict: 'unproven', reason: `${which}: nothing to compare it with (${reference.missing ?? 'no reference'})` }
  if (sizeOf(last, ranged) === null) return { verdict: 'unproven', reason: `${which}: the edge shows no size` }
  if (purgedAt === null) return { verdict: 'unproven', reason: `${which}: the time of this run's purge is unknown` }
  if (purgedAt !== undefined && cachedSince === null) {
    return {
      verdict: 'unproven',
      reason: `${which}: X-Cached-Since is ${last.cachedSince === null ? 'missing' : `unreadable (${last.cachedSince})`}`
    }
  }
  return { verdict: 'verified', reason: null }
}

const SEVERITY: EdgeVerdict[] = ['stale', 'error', 'unproven', 'not-cached', 'verified']

function look(part: Part, ranged: boolean): PartLook {
  return {
    status: part.last?.status ?? null,
    firstCache: part.first ? cacheVerdict(part.first.cache) : null,
    cache: part.last ? cacheVerdict(part.last.cache) : null,
    size: part.last ? sizeOf(part.last, ranged) : null,
    etag: part.last?.etag ?? null,
    cachedSince: part.last?.cachedSince ?? null
  }
}

export async function verifyEdges(targets: VerifyTarget[], probe: EdgeProbe, options: VerifyOptions): Promise<EdgeCheck[]> {
  const { clock, logger, signal } = options
  const secrets = options.secrets ?? []
  const checks = targets.flatMap(target =>
    target.paths.map(path => ({
      target,
      path,
      url: `${target.baseUrl}${path}`,
      attempts: 0,
      reference: null as Reference | null,
      head: { first: null, last: null, error: null } as Part,
      tail: target.sliced(path) === false ? null : ({ first: null, last: null, error: null } as Part),
      verdict: 'error' as EdgeVerdict,
      reason: null as string | null
    }))
  )
  type Check = (typeof checks)[number]
  const ask = async (part: Part, request: () => Promise<EdgeAnswer>): Promise<void> => {
    try {
      const answer = await request()
      part.first ??= answer
      part.last = answer
      part.error = null
    } catch (error) {
      part.error = networkText(error instanceof Error ? error.message : String(error), secrets)
    }
  }
  const check = async (entry: Check): Promise<void> => {
    if (signal?.aborted) return
    entry.attempts++
    entry.reference ??= await entry.target.reference(entry.path, signal)
    await ask(entry.head, () => probe.head(entry.url, signal))
    if (entry.tail) await ask(entry.tail, () => probe.lastByte(entry.url, signal))
    if (signal?.aborted) return
    const purgedAt = entry.target.purgedAt(entry.path)
    const html = htmlIsAFile(entry.url)
    const verdicts = [judgePart(entry.head, 'first part', entry.reference, purgedAt, false, html)]
    // An edge that ignores the Range answers for the whole file: the first part's verdict covers it.
    if (entry.tail && !(entry.tail.last?.status === 200 && entry.target.sliced(entry.path) === null)) {
      verdicts.push(judgePart(entry.tail, 'last part', entry.reference, purgedAt, true, html))
    }
    const worst = verdicts.sort((a, b) => SEVERITY.indexOf(a.verdict) - SEVERITY.indexOf(b.verdict))[0]
    entry.verdict = worst.verdict
    entry.reason = worst.reason
  }
  const deadline = clock.now() + options.timeoutMs
  let pending = checks
  for (let pass = 1; pending.length && !signal?.aborted; pass++) {
    await mapLimit(pending, options.concurrency, check)
    pending = checks.filter(entry => entry.verdict !== 'verified')
    logger.info(
      `Edge verification pass ${pass}: the edge serves the origin's file for ${checks.length - pending.length} of ${checks.length} paths`
    )
    const left = deadline - clock.now()
    if (!pending.length || left <= 0) break
    await clock.sleep(Math.min(options.pollMs ?? 5000, left), signal)
  }
  return checks.map(entry => ({
    resource: entry.target.resource,
    path: entry.path,
    url: entry.url,
    verdict: entry.attempts ? entry.verdict : 'error',
    reason: entry.attempts ? entry.reason : 'not checked: the run was cancelled',
    attempts: entry.attempts,
    reference: entry.reference ?? { size: null, etag: null, missing: 'not asked' },
    head: look(entry.head, false),
    lastPart: entry.tail ? look(entry.tail, true) : null
  }))
}
