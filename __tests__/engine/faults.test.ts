/**
 * What the engine does when Gcore fails: which failures it retries, how long
 * it waits first, when it gives up, and what it reports. The fake Gcore gives
 * the failure as the client would see it (the contract suite holds it to the
 * emulator's), on a fake clock with Gcore's one-minute windows, so each wait
 * is exact. The README's Reliability table names these tests.
 */
import { describe, expect, it } from '@jest/globals'
import { expectPartitioned, fakeGcore, linesAt, MINUTE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { gaps, timesOf } from '../support/requests.js'

const outcomes = (run: { report: { batches: { outcome: string }[] } }) => run.report.batches.map(batch => batch.outcome)

describe('faults', () => {
  it('429 without Retry-After: waits one interval per retry, then succeeds', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1, 2],
      fault: { kind: 'status', status: 429, body: '{"detail": "throttled"}' }
    })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([MINUTE, MINUTE])
    expect(run.report.batches[0]).toMatchObject({ outcome: 'succeeded', attempts: 3, status: 201 })
    expect(run.verdict.failed).toBe(false)
  })

  it('429 with Retry-After seconds: waits at least that long', async () => {
    // Within the cap of two intervals, Retry-After is honoured to the millisecond.
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '90' } }
    })
    await warmUp({ paths: '/a.iso' }, { gcore })

    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([90_000])
  })

  it('429 with Retry-After as an HTTP date: waits until then', async () => {
    const gcore = fakeGcore()
    const until = new Date(gcore.clock.now() + 100_000)
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': until.toUTCString() } }
    })
    await warmUp({ paths: '/a.iso' }, { gcore })

    expect(timesOf(gcore, 'prefetch')[1]).toBe(Date.parse(until.toUTCString()))
  })

  it('429 with Retry-After 0, negative, or a date in the past: each retry waits the lane interval all the same', async () => {
    const gcore = fakeGcore()
    const past = new Date(gcore.clock.now() - 3600_000).toUTCString()
    for (const [ordinal, value] of [
      [1, '0'],
      [2, '-5'],
      [3, past]
    ] as const) {
      gcore.inject({ operation: 'prefetch', on: [ordinal], fault: { kind: 'status', status: 429, headers: { 'Retry-After': value } } })
    }
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([MINUTE, MINUTE, MINUTE])
    expect(run.report.batches[0]).toMatchObject({ outcome: 'succeeded', attempts: 4 })
  })

  it('429 with a huge Retry-After: capped at two intervals, with a warning', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '86400' } }
    })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([2 * MINUTE])
    expect(linesAt('warning', run.lines)).toHaveLength(1)
    expect(run.report.batches[0]).toMatchObject({ outcome: 'succeeded', attempts: 2 })
  })

  it('429 past max-attempts: reports the batch failed after exactly max-attempts tries', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1, 2, 3], fault: { kind: 'status', status: 429 } })
    const run = await warmUp({ paths: '/a.iso', 'max-attempts': '3' }, { gcore })

    expect(timesOf(gcore, 'prefetch')).toHaveLength(3)
    expect(run.report.batches[0]).toMatchObject({ outcome: 'failed', attempts: 3, status: 429 })
    expect(run.report.failedPaths).toEqual(['/a.iso'])
    expect(run.verdict.failed).toBe(true)
  })

  it('a hanging API: request-timeout fires, the try is retried and counted', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'hang' } })
    const run = await warmUp({ paths: '/a.iso', 'request-timeout': '0.5' }, { gcore })

    expect(run.report.batches[0]).toMatchObject({ outcome: 'succeeded', attempts: 2 })
    // Gcore may have counted a request whose answer never came: the retry waits a whole interval.
    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([500 + MINUTE])
  })

  it('an answer cut short, 2xx included: retried after a whole interval, and the path counted once', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'cut-body' } })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([MINUTE])
    expect(run.report.batches[0]).toMatchObject({ outcome: 'succeeded', status: 201, attempts: 2 })
    expect(run.report).toMatchObject({ prefetchedCount: 1, failedCount: 0 })
  })

  it('an HTML 502 page: retried, and shown by its title', async () => {
    const body = '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>'
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 502, body } })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(run.report.batches[0]).toMatchObject({ outcome: 'succeeded', attempts: 2 })
    expect(run.lines).toContain('  error: HTTP 502: 502 Bad Gateway')
    // A 5xx backs off 1 s, with 50-100 % jitter.
    const [backoff] = gaps(timesOf(gcore, 'prefetch'))
    expect(backoff).toBeGreaterThanOrEqual(500)
    expect(backoff).toBeLessThanOrEqual(1000)
  })

  it('a huge error page: read no further than 64 kB, retried', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'huge-body' } })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(run.report.batches[0]).toMatchObject({ outcome: 'succeeded', attempts: 2 })
    expect(run.lines).toContain('  error: HTTP 502: unreadable response body')
  })

  it('an empty 400: the batch fails with a clear message, no retry', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 400, body: '' } })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(run.report.batches[0]).toMatchObject({ outcome: 'failed', attempts: 1, error: 'HTTP 400: empty response body' })
    expect(run.verdict.failed).toBe(true)
  })

  it('a 201 with a body, and a 200 where 201 was expected: both accepted', async () => {
    const gcore = fakeGcore()
      .inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 201, body: '{"paths": ["/a.iso"], "unexpected": true}' } })
      .inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 200, body: '{}' } })
    const run = await warmUp({ paths: paths(150).join('\n') }, { gcore })

    expect(run.report.batches.map(batch => batch.status)).toEqual([201, 200])
    expect(run.report).toMatchObject({ result: 'success', prefetchedCount: 150 })
  })

  it('truncated JSON in an error: shown as text, the run goes on', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: '{"errors": {"paths": {"0": ["This fie' }
    })
    const run = await warmUp({ paths: paths(150).join('\n') }, { gcore })

    expect(run.report.batches[0].error).toBe('HTTP 400: {"errors": {"paths": {"0": ["This fie')
    expect(run.report.batches[1].outcome).toBe('succeeded')
  })

  it('a 400 on batch 2 of 3: the others go on, and exactly its paths are reported, Gcore’s words naming the path', async () => {
    const given = paths(250)
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [2],
      fault: { kind: 'status', status: 400, body: '{"errors": {"paths": {"7": ["This field may not be blank."]}}}' }
    })
    const run = await warmUp({ paths: given.join('\n') }, { gcore })

    expect(gcore.log.filter(entry => entry.operation === 'prefetch').map(entry => entry.answer)).toEqual([201, 400, 201])
    expect(run.report).toMatchObject({ result: 'partial', prefetchedCount: 150, failedCount: 100, failedPaths: given.slice(100, 200) })
    expect(run.report.batches[1].error).toBe(`HTTP 400: paths[7] "${given[107]}": This field may not be blank.`)
    expect(run.verdict.failed).toBe(true)
  })

  it('a 503, a connection reset and a 502: each retried, and every path accepted', async () => {
    const given = paths(250)
    const gcore = fakeGcore()
      .inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 503, body: 'busy' } })
      .inject({ operation: 'prefetch', on: [2], fault: { kind: 'reset' } })
      .inject({
        operation: 'prefetch',
        on: [4],
        fault: { kind: 'status', status: 502, body: '<html><title>502 Bad Gateway</title></html>' }
      })
    const run = await warmUp({ paths: given.join('\n') }, { gcore })

    expect(run.report.batches.map(batch => batch.attempts)).toEqual([3, 2, 1])
    expect(run.report).toMatchObject({ result: 'success', prefetchedCount: 250 })
  })

  it('a 3xx redirect: not followed, the batch fails at once', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 307, headers: { Location: 'http://127.0.0.1:9/steal' } }
    })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(run.report.batches[0]).toMatchObject({ outcome: 'failed', status: 307, attempts: 1 })
    expect(run.report.batches[0].error).toContain('not followed')
    expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules', 'origin-group', 'prefetch'])
  })

  it.each([401, 403])('%d in the middle of a run: stops at once, the rest not attempted, no retries', async status => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [2],
      fault: { kind: 'status', status, body: '{"detail": "Invalid token."}' }
    })
    const run = await warmUp({ paths: paths(300).join('\n') }, { gcore })

    expect(timesOf(gcore, 'prefetch')).toHaveLength(2)
    expect(outcomes(run)).toEqual(['succeeded', 'failed', 'not-attempted'])
    expect(run.report.batches[1].attempts).toBe(1)
    expect(run.report).toMatchObject({ result: 'partial', prefetchedCount: 100, failedCount: 200 })
  })

  it('an API that never answers at all: retried with backoff, then the rest not attempted, saying why, bounded', async () => {
    const gcore = fakeGcore().inject({ operation: 'any', on: 'every', fault: { kind: 'reset' } })
    const run = await warmUp({ paths: paths(300).join('\n'), 'max-attempts': '3' }, { gcore })

    expect(run.report.batches.map(batch => [batch.outcome, batch.attempts])).toEqual([
      ['failed', 3],
      ['not-attempted', 0],
      ['not-attempted', 0]
    ])
    expect(run.report.batches[1].error).toBe('not attempted: the API could not be reached (connection reset (gave up after 3 attempts))')
    expect(run.verdict.message).toBe('300 of 300 paths were not prefetched; first error: connection reset (gave up after 3 attempts)')
    // The optional GETs are asked once more after a second; the prefetch backs off 1 s, then 2 s at most.
    expect(run.elapsed).toBeLessThan(10_000)
  })

  it('a prefetch whose purge failed is not attempted, and keeps its paths', async () => {
    const given = ['/p/a.iso', '/p/b.iso']
    const gcore = fakeGcore().inject({
      operation: 'purge',
      on: 'every',
      fault: { kind: 'status', status: 400, body: '{"errors": {"urls": ["Purge by URLs is not allowed."]}}' }
    })
    const run = await warmUp({ paths: given.join('\n'), purge: 'url' }, { gcore })

    expect(timesOf(gcore, 'prefetch')).toEqual([])
    const [purge, prefetch] = run.report.batches
    expect(purge).toMatchObject({ operation: 'purge', outcome: 'failed', paths: given })
    expect(prefetch).toMatchObject({
      operation: 'prefetch',
      outcome: 'not-attempted',
      paths: given,
      error: 'not attempted: the purge of these paths failed'
    })
    expect(run.report).toMatchObject({ result: 'failure', failedPaths: given })
    expectPartitioned(run.report, given)
  })
})
