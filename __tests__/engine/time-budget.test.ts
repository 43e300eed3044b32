/**
 * time-budget: what cannot finish in time is not sent, is reported as not
 * attempted, and is listed in failed-paths to feed into a later run.
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, MINUTE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { timesOf } from '../support/requests.js'

describe('time-budget', () => {
  it('stops sending what cannot finish in time; the rest is not attempted, and fed back by failed-paths', async () => {
    const given = paths(500)
    const gcore = fakeGcore()
    // Five batches a minute apart take 4 min; a request may start no later than 90 s (the budget less request-timeout): two can.
    const run = await warmUp({ paths: given.join('\n'), 'time-budget': '150', 'request-timeout': '60' }, { gcore })

    expect(linesAt('warning', run.lines)).toEqual([
      'The plan takes about 4 min, longer than time-budget (2 min 30 s): what cannot finish in time is not sent.'
    ])
    expect(timesOf(gcore, 'prefetch')).toEqual([gcore.clock.start, gcore.clock.start + MINUTE])
    expect(run.report.batches.map(batch => batch.outcome)).toEqual([
      'succeeded',
      'succeeded',
      'not-attempted',
      'not-attempted',
      'not-attempted'
    ])
    expect(run.report.batches[2].error).toBe('not attempted: the time-budget would run out before its turn')
    expect(run.report.failedPaths).toEqual(given.slice(200))
    expect(run.elapsed).toBeLessThanOrEqual(150_000)
    expect(run.verdict.failed).toBe(true)

    const again = await warmUp({ paths: JSON.stringify(run.report.failedPaths) }, { gcore })
    expect(again.report).toMatchObject({ result: 'success', totalCount: 300, prefetchedCount: 300 })
  })

  it('a batch already tried fails when the budget leaves no time for another try', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 503 } })
    // The last start is 0.2 s in; a 5xx backs off at least 0.5 s.
    const run = await warmUp({ paths: '/a.iso', 'time-budget': '30.2', 'request-timeout': '30' }, { gcore })

    expect(run.report.batches[0]).toMatchObject({
      outcome: 'failed',
      attempts: 1,
      error: 'HTTP 503: empty response body (no time left for another try within the time-budget)'
    })
  })

  it('a purge that does not finish: the wait ends with the budget, and its prefetch is not sent', async () => {
    const given = paths(2)
    const gcore = fakeGcore({ purgeStatus: { fixed: 'In progress' } })
    const run = await warmUp({ paths: given.join('\n'), purge: 'true', 'time-budget': '60', 'request-timeout': '5' }, { gcore })

    expect(timesOf(gcore, 'prefetch')).toEqual([])
    expect(run.elapsed).toBe(MINUTE)
    expect(run.report.batches.map(batch => `${batch.operation} ${batch.outcome}`)).toEqual(['purge succeeded', 'prefetch not-attempted'])
    expect(run.report).toMatchObject({ purgedCount: 2, failedPaths: given })
  })

  it('the edge checks end with the budget, before verify-timeout', async () => {
    const gcore = fakeGcore()
    const run = await warmUp(
      { paths: '/a.iso', 'time-budget': '100', 'verify-url': 'http://cdn999.example.com', 'verify-timeout': '600' },
      { gcore }
    )

    expect(run.elapsed).toBe(100_000)
    // Another resource's edge: its own MISS, then HITs that prove nothing, every 5 s from 0 to 100 s.
    expect(run.report.verify).toMatchObject([{ result: 'unproven', attempts: 21 }])
  })
})
