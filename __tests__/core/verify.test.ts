/** Edge verification (src/core/verify.ts): each rule of "the edge provably serves the origin's file", then the passes. */
import { describe, expect, it } from '@jest/globals'
import { parseGcoreTime } from '../../src/core/gcore/time.js'
import type { EdgeAnswer, EdgeProbe } from '../../src/core/ports.js'
import { cacheVerdict, judgePart, verifyEdges, type Reference, type VerifyTarget } from '../../src/core/verify.js'
import { FakeClock, recordingLogger } from '../support/fake-clock.js'

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0)
const httpDate = (ms: number): string => new Date(ms).toUTCString()
const gcoreDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, '+00:00')

function answer(extra: Partial<EdgeAnswer> = {}): EdgeAnswer {
  return {
    status: 200,
    cache: 'HIT',
    contentLength: 300,
    etag: null,
    cachedSince: gcoreDate(T0 - 60_000),
    date: httpDate(T0),
    contentRange: null,
    contentType: 'application/octet-stream',
    ...extra
  }
}

const REF: Reference = { size: 300, etag: '"v2"' }
const judge = (first: EdgeAnswer, last = first, options: { reference?: Reference; purgedAt?: number | null; ranged?: boolean } = {}) =>
  judgePart({ first, last, error: null }, 'first part', options.reference ?? REF, options.purgedAt, options.ranged ?? false)

describe('cacheVerdict', () => {
  it.each([
    ['HIT', 'HIT'],
    ['miss', 'MISS'],
    ['BYPASS', 'BYPASS'],
    ['HIT, MISS', 'HIT'],
    [undefined, 'no-header'],
    ['', 'no-header']
  ])('%j → %s', (header, verdict) => expect(cacheVerdict(header)).toBe(verdict))
})

describe('Gcore times', () => {
  it('reads both forms Gcore is seen to send, and the HTTP date; anything else is unknown', () => {
    expect(parseGcoreTime('2024-07-03T09:47:49+00:00')).toBe(Date.UTC(2024, 6, 3, 9, 47, 49))
    expect(parseGcoreTime('2025-11-14 08:32:19')).toBe(Date.UTC(2025, 10, 14, 8, 32, 19))
    expect(parseGcoreTime('2024-07-03T11:47:49+02:00')).toBe(Date.UTC(2024, 6, 3, 9, 47, 49))
    expect(parseGcoreTime('2026-12-07T10:00:00.123456Z')).toBe(Date.UTC(2026, 11, 7, 10, 0, 0, 123))
    expect(parseGcoreTime('Mon, 07 Dec 2026 10:00:00 GMT')).toBe(T0)
    for (const text of ['', 'yesterday', '1733565600', '2024-13-45 99:99:99', null, undefined]) expect(parseGcoreTime(text)).toBeNull()
  })
})

describe('judgePart: a path is verified only when the edge provably serves the origin’s file', () => {
  it('verifies a first HIT of the origin’s size and ETag', () => {
    expect(judge(answer({ etag: '"v2"' }))).toEqual({ verdict: 'verified', reason: null })
  })

  it('does not count a HIT that follows the check’s own MISS, unless it was cached before the first answer', () => {
    const first = answer({ cache: 'MISS', cachedSince: null, date: httpDate(T0) })
    expect(judge(first, answer({ cachedSince: gcoreDate(T0), date: httpDate(T0 + 5000) })).verdict).toBe('unproven')
    expect(judge(first, answer({ cachedSince: gcoreDate(T0 + 2000) })).reason).toMatch(
      /first answered MISS; the later HIT may be this check's own fetch/
    )
    // Another edge server answered the second time, and it held the file before the check began.
    expect(judge(first, answer({ cachedSince: gcoreDate(T0 - 1000) })).verdict).toBe('verified')
    expect(judge(answer({ cache: 'BYPASS', cachedSince: null }), answer({ cachedSince: null })).verdict).toBe('unproven')
    expect(judge(answer({ cache: 'MISS', cachedSince: null })).verdict).toBe('not-cached')
  })

  it('calls old bytes stale: another size, another ETag, cached before this run’s purge', () => {
    expect(judge(answer({ contentLength: 280 }))).toEqual({
      verdict: 'stale',
      reason: "first part: the edge holds a file of 280 bytes, the origin's has 300"
    })
    expect(judge(answer({ etag: 'W/"v1"' })).verdict).toBe('stale')
    expect(judge(answer({ etag: 'W/"v2"' })).verdict).toBe('verified')
    const purgedAt = T0 - 30_000
    expect(judge(answer({ cachedSince: gcoreDate(T0 - 31_000) }), undefined, { purgedAt }).verdict).toBe('stale')
    // The same whole second is not older: X-Cached-Since has no fractions.
    expect(judge(answer({ cachedSince: gcoreDate(purgedAt) }), undefined, { purgedAt: purgedAt + 900 }).verdict).toBe('verified')
  })

  it('never takes an unknown date for a fresh one', () => {
    const purgedAt = T0 - 30_000
    expect(judge(answer({ cachedSince: null }), undefined, { purgedAt }).reason).toMatch(/X-Cached-Since is missing/)
    expect(judge(answer({ cachedSince: 'last week' }), undefined, { purgedAt }).reason).toMatch(/X-Cached-Since is unreadable/)
    expect(judge(answer(), undefined, { purgedAt: null }).reason).toMatch(/time of this run's purge is unknown/)
    expect(judge(answer({ cachedSince: null })).verdict).toBe('verified') // not purged by this run: a first HIT is enough
  })

  it('proves nothing with a redirect, an error, a hidden Cache header or no reference', () => {
    expect(judge(answer({ status: 302 }))).toEqual({
      verdict: 'error',
      reason: 'first part: HTTP 302: a redirect, not the file; it proves nothing about the cache'
    })
    expect(judge(answer({ status: 404, cache: undefined })).verdict).toBe('error')
    expect(judge(answer({ contentType: 'text/html' })).reason).toMatch(
      /an HTML page \(something between you and Gcore: a proxy or filter\?\)/
    )
    expect(judge(answer({ cache: undefined })).verdict).toBe('unproven')
    expect(judge(answer({ cache: undefined, contentLength: 1 })).verdict).toBe('stale')
    expect(judge(answer(), undefined, { reference: { size: null, etag: null, missing: 'the origin refuses the runner' } }).reason).toMatch(
      /nothing to compare it with \(the origin refuses the runner\)/
    )
  })

  it('reads the last part’s total from Content-Range', () => {
    const last = answer({ status: 206, contentLength: 1, contentRange: 'bytes 299-299/300' })
    expect(judge(last, last, { ranged: true }).verdict).toBe('verified')
    const old = answer({ status: 206, contentLength: 1, contentRange: 'bytes 279-279/280' })
    expect(judge(old, old, { ranged: true }).verdict).toBe('stale')
  })
})

/** An edge that fills a part on a MISS, as Gcore's does: the first request misses, later ones hit what it cached then. */
function fillingEdge(clock: FakeClock, held: Record<string, { since: number; size: number }> = {}) {
  const asked: string[] = []
  const parts = new Map(Object.entries(held))
  const serve = (key: string, ranged: boolean): EdgeAnswer => {
    asked.push(key)
    const part = parts.get(key)
    if (!part) parts.set(key, { since: clock.now(), size: 300 })
    const size = part?.size ?? 300
    return {
      status: ranged ? 206 : 200,
      cache: part ? 'HIT' : 'MISS',
      contentLength: ranged ? 1 : size,
      etag: null,
      cachedSince: part ? gcoreDate(part.since) : null,
      date: httpDate(clock.now()),
      contentRange: ranged ? `bytes ${size - 1}-${size - 1}/${size}` : null,
      contentType: 'application/octet-stream'
    }
  }
  const probe: EdgeProbe = {
    head: async url => serve(`${new URL(url).pathname} head`, false),
    lastByte: async url => serve(`${new URL(url).pathname} last`, true),
    close: () => undefined
  }
  return { probe, asked }
}

function target(paths: string[], extra: Partial<VerifyTarget> = {}): VerifyTarget {
  return {
    resource: 1,
    baseUrl: 'https://cdn.example.com',
    paths,
    sliced: () => false,
    purgedAt: () => undefined,
    reference: async () => REF,
    ...extra
  }
}

describe('verifyEdges', () => {
  it('verifies what the edge held before the first ask, and never what the asking itself filled', async () => {
    const clock = new FakeClock(T0)
    const edge = fillingEdge(clock, { '/held.iso head': { since: T0 - 60_000, size: 300 } })
    const results = await verifyEdges([target(['/held.iso', '/lost.iso'])], edge.probe, {
      clock,
      logger: recordingLogger(),
      timeoutMs: 12_000,
      concurrency: 2,
      pollMs: 5000
    })
    expect(results.map(r => [r.path, r.verdict, r.attempts, r.head.firstCache, r.head.cache])).toEqual([
      ['/held.iso', 'verified', 1, 'HIT', 'HIT'],
      ['/lost.iso', 'unproven', 4, 'MISS', 'HIT']
    ])
    expect(results[0].url).toBe('https://cdn.example.com/held.iso')
    // Passes at 0, 5 and 10 s, and a last one at the 12 s deadline.
    expect(clock.elapsed()).toBe(12_000)
  })

  it('asks the last part of a sliced path, and catches a last part older than the purge', async () => {
    const clock = new FakeClock(T0)
    const purgedAt = T0 - 10_000
    const edge = fillingEdge(clock, {
      '/a.iso head': { since: T0 - 5000, size: 300 },
      '/a.iso last': { since: T0 - 86_400_000, size: 300 },
      '/b.iso head': { since: T0 - 5000, size: 300 },
      '/b.iso last': { since: T0 - 4000, size: 300 }
    })
    const results = await verifyEdges([target(['/a.iso', '/b.iso'], { sliced: () => true, purgedAt: () => purgedAt })], edge.probe, {
      clock,
      logger: recordingLogger(),
      timeoutMs: 0,
      concurrency: 2
    })
    expect(results.map(r => [r.path, r.verdict])).toEqual([
      ['/a.iso', 'stale'],
      ['/b.iso', 'verified']
    ])
    expect(results[0].reason).toMatch(/^last part: cached at .*, before this run's purge/)
    expect(results[1].lastPart).toMatchObject({ status: 206, firstCache: 'HIT', size: 300 })
    expect(edge.asked.filter(key => key.endsWith('last'))).toHaveLength(2)
  })

  it('makes one pass with verify-timeout 0, and asks nothing more once cancelled', async () => {
    const clock = new FakeClock(T0)
    const edge = fillingEdge(clock)
    const one = await verifyEdges([target(['/a'])], edge.probe, { clock, logger: recordingLogger(), timeoutMs: 0, concurrency: 8 })
    expect(one.map(r => [r.verdict, r.attempts])).toEqual([['not-cached', 1]])
    expect(clock.elapsed()).toBe(0)
    const controller = new AbortController()
    controller.abort()
    const none = await verifyEdges([target(['/b'])], edge.probe, {
      clock,
      logger: recordingLogger(),
      timeoutMs: 60_000,
      concurrency: 8,
      signal: controller.signal
    })
    expect(none.map(r => [r.verdict, r.attempts])).toEqual([['error', 0]])
  })

  it('keeps the text of a network error to one harmless line, with no secret in it', async () => {
    const probe: EdgeProbe = {
      head: async () => Promise.reject(new Error('connection refused by s3cr3t-key-value\n::warning::injected')),
      lastByte: async () => answer(),
      close: () => undefined
    }
    const [result] = await verifyEdges([target(['/down.iso'])], probe, {
      clock: new FakeClock(T0),
      logger: recordingLogger(),
      timeoutMs: 0,
      concurrency: 1,
      secrets: ['s3cr3t-key-value']
    })
    expect(result.verdict).toBe('error')
    expect(result.reason).toBe('first part: connection refused by *** : :warning: :injected')
  })
})
