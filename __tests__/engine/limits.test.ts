/**
 * The limits a run works within: the account's where readable (a GET before
 * anything is sent), inputs the user set always winning, Gcore's documented
 * values otherwise. Reading them is optional help: it never holds up or fails
 * a run, but a key the API refuses there stops the run before anything is sent.
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, MINUTE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { gaps, operations, sentBatches, timesOf } from '../support/requests.js'

describe("the account's limits", () => {
  it('prefetch_pattern_limit 40: 100 paths go in 3 prefetch requests, at the account’s rate, and the limits say where they come from', async () => {
    const gcore = fakeGcore({ maxPrefetchPaths: 40, rates: { prefetch: 2 } })
    const run = await warmUp({ paths: paths(100).join('\n') }, { gcore })

    expect(sentBatches(gcore, 'prefetch').map(batch => batch.length)).toEqual([40, 40, 20])
    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([MINUTE / 2, MINUTE / 2])
    expect(run.report.limits).toEqual(['prefetch batch size 40 (account: 40)', 'prefetch interval 30 s (account: 2/m)'])
  })

  it('inputs win over the account: batch-size and prefetch-interval', async () => {
    const gcore = fakeGcore({ windowMs: 1000 }) // the account allows a prefetch a second
    const run = await warmUp({ paths: paths(250).join('\n'), 'batch-size': '50', 'prefetch-interval': '2' }, { gcore })

    expect(sentBatches(gcore, 'prefetch').map(batch => batch.length)).toEqual([50, 50, 50, 50, 50])
    expect(gaps(timesOf(gcore, 'prefetch'))).toEqual([2000, 2000, 2000, 2000])
    expect(run.report.limits).toEqual(['prefetch batch size 50 (input)', 'prefetch interval 2 s (input)'])
  })

  it('limits answer 403: Gcore’s documented values, one notice, success', async () => {
    const gcore = fakeGcore({ limits: { status: 403, body: { detail: 'You do not have permission to perform this action.' } } })
    const run = await warmUp({ paths: '/a.iso', 'prefetch-interval': '1' }, { gcore })

    expect(run.report.limits).toEqual(['prefetch batch size 100 (Gcore documented)', 'prefetch interval 1 s (input)'])
    expect(linesAt('notice', run.lines)).toHaveLength(1)
    expect(run.report.result).toBe('success')
    expect(run.verdict.failed).toBe(false)
  })

  it('limits: documented does not ask the account', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso', limits: 'documented' }, { gcore })

    expect(operations(gcore)).toEqual(['resource', 'rules', 'origin-group', 'prefetch'])
    expect(run.report.limits).toEqual(['prefetch batch size 100 (Gcore documented)', 'prefetch interval 60 s (Gcore documented)'])
  })

  it('a limits GET that hangs costs at most a few seconds, then the documented limits apply, with a notice', async () => {
    const gcore = fakeGcore().inject({ operation: 'limits', on: [1, 2], fault: { kind: 'hang' } })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    // At most 5 s a try, and one more try a second later, whatever request-timeout says.
    expect(timesOf(gcore, 'prefetch')).toEqual([gcore.clock.start + 11_000])
    expect(gcore.clients.map(client => client.timeoutMs).sort((a, b) => a - b)).toEqual([5000, 30_000])
    expect(linesAt('notice', run.lines)).toEqual([
      "Could not read the account's limits (no complete answer within 5 s (request-timeout)); using Gcore's documented limits."
    ])
    expect(run.report.result).toBe('success')
  })

  it('a limits GET that trickles ends at request-timeout too, and the run goes on', async () => {
    const gcore = fakeGcore().inject({ operation: 'limits', on: 'every', fault: { kind: 'trickle', msPerByte: 1000 } })
    const run = await warmUp({ paths: '/a.iso', 'request-timeout': '1' }, { gcore })

    expect(timesOf(gcore, 'limits')).toEqual([gcore.clock.start, gcore.clock.start + 2000])
    expect(linesAt('notice', run.lines)).toHaveLength(1)
    expect(run.report.result).toBe('success')
  })

  it('a limits answer cut short is asked once more, and the account’s limits apply', async () => {
    const gcore = fakeGcore({ rates: { prefetch: 2 } }).inject({ operation: 'limits', on: [1], fault: { kind: 'cut-body' } })
    const run = await warmUp({ paths: '/a.iso' }, { gcore })

    expect(timesOf(gcore, 'limits')).toHaveLength(2)
    expect(run.report.limits).toContain('prefetch interval 30 s (account: 2/m)')
    expect(linesAt('notice', run.lines)).toEqual([])
  })

  it('401 on the limits GET stops the run before the first purge or prefetch', async () => {
    const given = paths(3)
    const gcore = fakeGcore().inject({
      operation: 'limits',
      on: 'every',
      fault: { kind: 'status', status: 401, body: '{"detail": "Invalid token."}' }
    })
    const run = await warmUp({ paths: given.join('\n'), purge: 'url' }, { gcore })

    expect(operations(gcore)).toEqual(['limits'])
    expect(run.report).toMatchObject({ result: 'failure', failedPaths: given, totalCount: 3, prefetchedCount: 0, batches: [] })
    expect(run.verdict.failed).toBe(true)
  })

  it('a key Gcore does not know is refused at the first request: nothing is sent', async () => {
    const gcore = fakeGcore({ apiKey: 'the-right-key' })
    const run = await warmUp({ paths: '/a.iso\n/b.iso' }, { gcore })

    expect(gcore.log.map(entry => [entry.operation, entry.answer])).toEqual([['limits', 401]])
    expect(run.report).toMatchObject({ result: 'failure', failedPaths: ['/a.iso', '/b.iso'] })
  })
})
