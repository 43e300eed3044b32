/**
 * A cancel (the runner's SIGINT or SIGTERM, a terminal's Ctrl-C) aborts the
 * run's signal: nothing new is sent, what is in flight is aborted, every wait
 * ends, and the report accounts for every path. Here the signal is aborted at
 * each kind of wait and request of a run, on the fake clock; what a process
 * does with a real signal is in __tests__/e2e/cancel.e2e.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import type { RunReport } from '../../src/core/report/model.js'
import type { ReleaseApi } from '../../src/core/ports.js'
import { cancelAfter, cancelWhen, expectPartitioned, fakeGcore, warmUp, type Warmed } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { stubReleases } from '../support/releases.js'
import { operations } from '../support/requests.js'

/** What every cancelled run shows: cancelled, failed, nothing sent after the cancel, every path accounted for. */
function expectCancelled(run: Warmed, given: string[], cancelledAt: number): void {
  expect(run.report.cancelled).toBe(true)
  expect(run.verdict).toEqual({
    failed: true,
    message: `Cancelled: ${run.report.failedCount} of ${given.length} paths were not prefetched (see failed-paths).`
  })
  expect(run.gcore.log.filter(entry => entry.at > cancelledAt)).toEqual([])
  expect(run.gcore.edgeLog.filter(entry => entry.at > cancelledAt)).toEqual([])
  // Every wait ended at the cancel: the run took no (fake) time after it.
  expect(run.gcore.clock.now()).toBe(cancelledAt)
  expectPartitioned(run.report, given)
}

const outcomes = (report: RunReport) => report.batches.map(batch => `${batch.operation} ${batch.outcome}`)

describe('a cancel', () => {
  it('while waiting for the next slot: nothing more is sent, the rest is cancelled', async () => {
    const given = paths(500)
    const gcore = fakeGcore()
    const run = await warmUp({ paths: given.join('\n') }, { gcore, signal: cancelAfter(gcore.clock, 30_000) })

    expectCancelled(run, given, gcore.clock.start + 30_000)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1)
    expect(outcomes(run.report)).toEqual(['prefetch succeeded', ...Array(4).fill('prefetch cancelled')])
    expect(run.report).toMatchObject({ result: 'partial', prefetchedCount: 100, failedCount: 400, failedPaths: given.slice(100) })
  })

  it('during a purge in flight: nothing more is sent, every batch is cancelled', async () => {
    const given = paths(200)
    const gcore = fakeGcore().inject({ operation: 'purge', on: [1], fault: { kind: 'hang' } })
    const run = await warmUp({ paths: given.join('\n'), purge: 'true' }, { gcore, signal: cancelAfter(gcore.clock, 700) })

    expectCancelled(run, given, gcore.clock.start + 700)
    expect(gcore.log.filter(entry => entry.operation === 'prefetch')).toEqual([])
    expect(run.report.batches.every(batch => batch.outcome === 'cancelled')).toBe(true)
    expect(run.report).toMatchObject({ purgedCount: 0, failedPaths: given })
  })

  it('with a prefetch in flight: that batch is cancelled, never counted as accepted', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'hang' } })
    const run = await warmUp({ paths: '/a.iso' }, { gcore, signal: cancelAfter(gcore.clock, 700) })

    expectCancelled(run, ['/a.iso'], gcore.clock.start + 700)
    expect(run.report.batches[0]).toMatchObject({
      outcome: 'cancelled',
      attempts: 1,
      error: 'cancelled while the request was in flight; Gcore may have accepted it'
    })
    expect(run.report).toMatchObject({ result: 'failure', failedPaths: ['/a.iso'] })
  })

  it('while waiting for a purge to finish: the accepted purge counts, its prefetch is cancelled', async () => {
    const gcore = fakeGcore({ purgeStatus: { fixed: 'In progress' } })
    const signal = cancelWhen(gcore, entry => entry.operation === 'purge')
    const run = await warmUp({ paths: '/a.iso\n/b.iso', purge: 'true' }, { gcore, signal })

    expectCancelled(run, ['/a.iso', '/b.iso'], gcore.clock.start)
    expect(outcomes(run.report)).toEqual(['purge succeeded', 'prefetch cancelled'])
    expect(run.report).toMatchObject({ purgedCount: 2, prefetchedCount: 0, failedCount: 2 })
  })

  it('during the limits GET: only that request was made', async () => {
    const given = paths(3)
    const gcore = fakeGcore().inject({ operation: 'limits', on: 'every', fault: { kind: 'hang' } })
    const run = await warmUp({ paths: given.join('\n') }, { gcore, signal: cancelWhen(gcore, entry => entry.operation === 'limits') })

    expectCancelled(run, given, gcore.clock.start)
    expect(operations(gcore)).toEqual(['limits'])
    expect(run.report).toMatchObject({ result: 'failure', failedPaths: given })
  })

  it("during the limits GET's retry sleep: it is not asked again", async () => {
    const given = paths(3)
    const gcore = fakeGcore().inject({ operation: 'limits', on: [1], fault: { kind: 'status', status: 503 } })
    const run = await warmUp({ paths: given.join('\n') }, { gcore, signal: cancelAfter(gcore.clock, 200) })

    expectCancelled(run, given, gcore.clock.start + 200)
    expect(operations(gcore)).toEqual(['limits'])
  })

  it('during the resource GET: nothing more is asked', async () => {
    const given = paths(3)
    const gcore = fakeGcore().inject({ operation: 'resource', on: 'every', fault: { kind: 'hang' } })
    const run = await warmUp({ paths: given.join('\n') }, { gcore, signal: cancelWhen(gcore, entry => entry.operation === 'resource') })

    expectCancelled(run, given, gcore.clock.start)
    expect(operations(gcore)).toEqual(['limits', 'resource'])
  })

  it('during the edge checks: no HEAD after it; the prefetch accepted before still counts', async () => {
    const given = paths(20)
    const gcore = fakeGcore().injectEdge({ on: 'every', fault: { kind: 'hang' } })
    const signal = cancelAfter(gcore.clock, 1000)
    const run = await warmUp({ paths: given.join('\n'), 'verify-url': 'auto', 'verify-concurrency': '4' }, { gcore, signal })

    expect(gcore.edgeLog).toHaveLength(4) // the first pass, one per slot
    expect(run.report).toMatchObject({ cancelled: true, prefetchedCount: 20, verifiedCount: 0, failedCount: 0 })
    expectPartitioned(run.report, given)
    expect(gcore.clock.now()).toBe(gcore.clock.start + 1000)
  })

  it('during the GitHub release lookup: nothing reaches Gcore, and the paths given besides the release are reported', async () => {
    const given = ['/docs/a.iso', '/docs/b.iso']
    const hang: ReleaseApi['assetsByTag'] = (_tag, _token, signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))
    const { api, calls } = stubReleases({ byTag: hang })
    const gcore = fakeGcore()
    const controller = new AbortController()
    const running = warmUp(
      { paths: given.join('\n'), 'release-assets': 'true', 'release-tag': 'v1.0.0', 'github-token': 'ghs_releaseLookupToken' },
      { gcore, releases: api, signal: controller.signal }
    )
    await new Promise(resolve => setImmediate(resolve))
    controller.abort()
    const run = await running

    expect(calls).toEqual(['v1.0.0 ghs_releaseLookupToken'])
    expect(gcore.log).toEqual([])
    expect(run.report).toMatchObject({ cancelled: true, result: 'failure', failedPaths: given })
    expectPartitioned(run.report, given)
  })
})
