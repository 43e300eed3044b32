/**
 * Batches and pace: every path once, in requests of the account's size, each
 * lane one interval after its previous answer, so Gcore never answers 429; a
 * prefetch goes as soon as its own purge is done, not after every purge.
 */
import { describe, expect, it } from '@jest/globals'
import { KEY, MINUTE, RESOURCE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { gaps, sent, sentBatches, timesOf } from '../support/requests.js'

describe('pacing', () => {
  it('prefetches 250 paths in exactly 3 requests of 100, 100 and 50, one interval apart, with no 429', async () => {
    const given = paths(250)
    const run = await warmUp({ paths: given.join('\n') })

    expect(sentBatches(run.gcore, 'prefetch').map(batch => batch.length)).toEqual([100, 100, 50])
    expect(sent(run.gcore, 'prefetch')).toEqual(given)
    expect(gaps(timesOf(run.gcore, 'prefetch'))).toEqual([MINUTE, MINUTE])
    expect(run.gcore.log.filter(entry => entry.answer === 429)).toEqual([])
    expect(run.gcore.acceptedRequests('prefetch').every(entry => entry.authorization === `APIKey ${KEY}`)).toBe(true)
    expect(run.elapsed).toBe(2 * MINUTE)
    expect(run.verdict.failed).toBe(false)
    expect(run.report).toMatchObject({
      result: 'success',
      totalCount: 250,
      prefetchedCount: 250,
      purgedCount: 0,
      failedCount: 0,
      failedPaths: []
    })
    expect(run.report.batches).toHaveLength(3)
    expect(run.report.batches[0]).toEqual({
      operation: 'prefetch',
      kind: 'prefetch',
      resource: RESOURCE,
      index: 1,
      paths: given.slice(0, 100),
      outcome: 'succeeded',
      status: 201,
      attempts: 1,
      error: null,
      started: new Date(run.gcore.clock.start).toISOString(),
      finished: new Date(run.gcore.clock.start).toISOString(),
      completed: null,
      purge_id: null
    })
    expect(run.report.batches[2]).toMatchObject({ index: 3, paths: given.slice(200), outcome: 'succeeded' })
  })

  it('purges each path by URL exactly once, before its own prefetch, and prefetch 1 does not wait for purge 3', async () => {
    const given = paths(250)
    const run = await warmUp({ paths: given.join('\n'), purge: 'true' })

    expect(run.gcore.log.filter(entry => entry.method === 'POST').every(entry => entry.answer === 201)).toBe(true)
    expect(run.gcore.acceptedRequests('purge').map(entry => entry.kind)).toEqual(['purge_by_url', 'purge_by_url', 'purge_by_url'])
    expect(sent(run.gcore, 'purge')).toEqual(given)
    expect(sent(run.gcore, 'prefetch')).toEqual(given)
    const purgedAt = new Map(
      run.gcore.acceptedRequests('purge').flatMap(entry => (entry.body as { urls: string[] }).urls.map(url => [url, entry.at]))
    )
    for (const entry of run.gcore.acceptedRequests('prefetch')) {
      for (const path of (entry.body as { paths: string[] }).paths) expect(purgedAt.get(path)).toBeLessThanOrEqual(entry.at)
    }
    // Pipelined: the purge lane goes at its own pace (30 s), and prefetch 1 only waits for purge 1.
    expect(gaps(timesOf(run.gcore, 'purge'))).toEqual([MINUTE / 2, MINUTE / 2])
    expect(run.gcore.acceptedRequests('prefetch')[0].at).toBeLessThan(run.gcore.acceptedRequests('purge')[2].at)
    expect(run.report).toMatchObject({ result: 'success', purgedCount: 250, prefetchedCount: 250 })
  })
})
