/**
 * A prefetch waits until the purge of its paths is done: Gcore's purge is
 * asynchronous, and prefetching while it runs can cache the old file again.
 * The purge is found in Gcore's history (the POST returns no id); when no
 * status can be had, the run waits purge-settle instead.
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, MINUTE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { itemsOf, timesOf } from '../support/requests.js'

describe('purge completion', () => {
  it('prefetches no path before its purge turned Successful', async () => {
    const gcore = fakeGcore({ purgeStatus: { durationMs: 45_000 } })
    const run = await warmUp({ paths: paths(200).join('\n'), purge: 'true' }, { gcore })

    const purgedAt = new Map<string, number>()
    for (const purge of gcore.purges) for (const url of purge.payload.urls ?? []) purgedAt.set(new URL(url).pathname, purge.createdAt)
    expect(purgedAt.size).toBe(200)
    for (const prefetch of gcore.acceptedRequests('prefetch')) {
      for (const path of itemsOf(prefetch)) expect(prefetch.at).toBeGreaterThanOrEqual(purgedAt.get(path)! + 45_000)
    }
    expect(
      gcore.log.some(
        entry => entry.operation === 'purge-status' && entry.url.includes('purge_type=purge_by_url') && entry.url.includes('limit=100')
      )
    ).toBe(true)
    expect(run.report).toMatchObject({ result: 'success', purgedCount: 200, prefetchedCount: 200 })
    for (const purge of run.report.batches.filter(batch => batch.operation === 'purge')) {
      expect(Date.parse(purge.completed!) - Date.parse(purge.started!)).toBeGreaterThanOrEqual(45_000)
    }
  })

  it('waits for each pattern purge, found in the history by its type, before prefetching', async () => {
    const gcore = fakeGcore({ purgeStatus: { durationMs: 15_000 } })
    const run = await warmUp({ paths: '/a.iso', purge: 'pattern' }, { gcore })

    expect(gcore.log.some(entry => entry.operation === 'purge-status' && entry.url.includes('purge_type=purge_by_pattern'))).toBe(true)
    expect(timesOf(gcore, 'prefetch')[0] - timesOf(gcore, 'purge')[0]).toBeGreaterThanOrEqual(15_000)
    expect(run.report.batches.find(batch => batch.operation === 'purge')!.completed).not.toBeNull()
  })

  it('with Status report disabled: waits purge-settle, with a notice, then prefetches', async () => {
    const gcore = fakeGcore({ purgeStatus: { fixed: 'Status report disabled' } })
    const run = await warmUp({ paths: '/a.iso', purge: 'true', 'purge-settle': '1.5' }, { gcore })

    expect(timesOf(gcore, 'prefetch')[0]).toBe(gcore.purges[0].createdAt + 1500)
    expect(linesAt('notice', run.lines)).toEqual([
      'purge by URL 1/1 (resource 101): purge status reports are disabled for this account; waiting purge-settle (1.5 s) before prefetching its paths'
    ])
    expect(run.report.result).toBe('success')
  })

  it('a purge Gcore reports Failed fails its paths, which are not prefetched', async () => {
    const gcore = fakeGcore({ purgeStatus: { fixed: 'Failed' } })
    const run = await warmUp({ paths: '/a.iso', purge: 'true' }, { gcore })

    expect(gcore.acceptedRequests('prefetch')).toHaveLength(0)
    expect(run.report).toMatchObject({ result: 'failure', purgedCount: 0, failedPaths: ['/a.iso'] })
    expect(run.report.batches[0]).toMatchObject({
      operation: 'purge',
      outcome: 'failed',
      error: 'purge accepted, but Gcore reports it Failed'
    })
    expect(run.verdict.failed).toBe(true)
  })

  it('a purge-status answer cut short is asked again; no settle wait', async () => {
    const gcore = fakeGcore().inject({ operation: 'purge-status', on: [1], fault: { kind: 'cut-body' } })
    const run = await warmUp({ paths: '/a.iso', purge: 'url' }, { gcore })

    expect(timesOf(gcore, 'purge-status')).toHaveLength(2)
    expect(linesAt('notice', run.lines)).toEqual([])
    expect(run.lines.filter(line => line.startsWith('debug: ') && line.includes('purge status request failed'))).toHaveLength(1)
    expect(run.report).toMatchObject({ result: 'success', purgedCount: 1, prefetchedCount: 1 })
    expect(run.report.batches[0].completed).toBe(run.report.batches[1].started) // done by its status, not a settle wait
  })

  it('a purge still In progress after purge-timeout: prefetched anyway, with a warning', async () => {
    const gcore = fakeGcore({ purgeStatus: { fixed: 'In progress' } })
    const run = await warmUp({ paths: '/a.iso', purge: 'true', 'purge-timeout': '120' }, { gcore })

    expect(timesOf(gcore, 'prefetch')).toEqual([gcore.clock.start + 2 * MINUTE])
    expect(linesAt('warning', run.lines)).toHaveLength(1)
    expect(run.report.result).toBe('success')
  })

  it('wait-for-purge false: the prefetch goes as soon as its purge is accepted', async () => {
    const gcore = fakeGcore({ purgeStatus: { fixed: 'In progress' } })
    await warmUp({ paths: '/a.iso', purge: 'true', 'wait-for-purge': 'false' }, { gcore })

    expect(timesOf(gcore, 'purge-status')).toEqual([])
    expect(timesOf(gcore, 'prefetch')).toEqual(timesOf(gcore, 'purge'))
  })
})
