/**
 * How each path is purged, per resource, so that the whole file is cleared:
 * by URL where that clears it, by pattern where the resource caches in slices
 * or keeps Vary variants, one purge all where it is asked for; purge-patterns
 * first. The fake edge caches per 10 MB slice, so old parts are measured.
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, MINUTE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { gaps, sent, sentBatches, timesOf } from '../support/requests.js'
import { PLAIN, SLICED } from '../support/resources.js'

const MiB = 1024 * 1024
const purgeRecords = (run: { report: { batches: { operation: string; kind: string }[] } }) =>
  run.report.batches.filter(batch => batch.operation === 'purge').map(batch => batch.kind)

describe('a sliced resource with purge: true', () => {
  it('purges its paths by pattern only, at most 10 a request, at the pattern rate, and prefetches after its patterns', async () => {
    const given = paths(25, '/iso')
    const gcore = fakeGcore({ resources: [SLICED] })
    const run = await warmUp({ 'resource-id': '7', paths: given.join('\n'), purge: 'true' }, { gcore })

    expect(gcore.acceptedRequests('purge').map(entry => entry.kind)).toEqual(['purge_by_pattern', 'purge_by_pattern', 'purge_by_pattern'])
    expect(sentBatches(gcore, 'purge').map(batch => batch.length)).toEqual([10, 10, 5])
    expect(sent(gcore, 'purge')).toEqual(given)
    // Pattern purges and purge all share one lane, at purge_request_limit (1 a minute).
    expect(gaps(timesOf(gcore, 'purge'))).toEqual([MINUTE, MINUTE])
    expect(timesOf(gcore, 'prefetch')[0]).toBeGreaterThanOrEqual(timesOf(gcore, 'purge')[2])
    expect(gcore.log.filter(entry => entry.answer === 429)).toEqual([])
    expect(purgeRecords(run)).toEqual(['pattern', 'pattern', 'pattern'])
    expect(run.report.resources).toEqual([
      {
        id: 7,
        hostname: 'cdn.example.com',
        state: 'active',
        slice: true,
        purgeKind: 'pattern',
        paths: 25,
        purgeKinds: [{ kind: 'pattern', paths: 25, why: 'slice on: purge by URL clears only the first 10 MB part' }],
        error: null
      }
    ])
    expect(run.report).toMatchObject({ result: 'success', purgedCount: 25 })
    expect(run.report.notes).toContain('Resource 7: 25 paths purged by pattern: slice on: purge by URL clears only the first 10 MB part.')
  })

  it('leaves no old part at the edge, where purge: url leaves parts 2…n of the old release, with a warning', async () => {
    const release = async (purge: string) => {
      const gcore = fakeGcore({ resources: [SLICED], origin: { '/app.iso': { size: 300 * MiB, version: 'v1' } } })
      // Users downloaded v1: every 10 MB part is cached. Then v2 is uploaded to the origin.
      await warmUp({ 'resource-id': '7', paths: '/app.iso' }, { gcore })
      gcore.setOrigin('/app.iso', { size: 320 * MiB, version: 'v2' })
      const run = await warmUp({ 'resource-id': '7', paths: '/app.iso', purge }, { gcore })
      return { run, versions: [...gcore.cacheState(7, '/app.iso').versions] }
    }

    const byUrl = await release('url')
    expect(byUrl.run.report.result).toBe('success') // the corrupt download every check calls a success
    expect(byUrl.versions.sort()).toEqual(['v1', 'v2'])
    expect(linesAt('warning', byUrl.run.lines)).toEqual([
      'Resource 7: purge: url on 1 sliced path: a purge by URL clears only the first 10 MB part, so old parts can stay at the edge. Use purge: auto.'
    ])

    const auto = await release('true')
    expect(auto.run.report.result).toBe('success')
    expect(auto.versions).toEqual(['v2'])
    expect(linesAt('warning', auto.run.lines)).toEqual([])
  })
})

describe('purge kinds', () => {
  it('auto: by URL on a resource without slice that ignores Vary, as before', async () => {
    const gcore = fakeGcore({ resources: [PLAIN] })
    const run = await warmUp({ 'resource-id': '8', paths: paths(3).join('\n'), purge: 'auto' }, { gcore })

    expect(gcore.acceptedRequests('purge').map(entry => entry.kind)).toEqual(['purge_by_url'])
    expect(run.report.resources[0]).toMatchObject({
      slice: false,
      purgeKind: 'url',
      purgeKinds: [{ kind: 'url', paths: 3, why: 'purge by URL clears the whole file' }]
    })
  })

  it('auto: by pattern where can_purge_by_urls is false, and the report says why', async () => {
    const gcore = fakeGcore({ resources: [{ id: 9, can_purge_by_urls: false }] })
    const run = await warmUp({ 'resource-id': '9', paths: '/a.iso', purge: 'true' }, { gcore })

    expect(gcore.acceptedRequests('purge').map(entry => entry.kind)).toEqual(['purge_by_pattern'])
    expect(run.report.resources[0].purgeKinds).toEqual([
      {
        kind: 'pattern',
        paths: 1,
        why: 'can_purge_by_urls is false (the resource keeps Vary variants): purge by URL is refused or clears one variant'
      }
    ])
  })

  it('auto follows the rules: slice on only for /big/ purges those by pattern and the rest by URL', async () => {
    const rules = [{ id: 1, rule: '^/big/.*', weight: 1, options: { slice: { enabled: true, value: true } } }]
    const gcore = fakeGcore({ resources: [{ id: 10, rules }] })
    const run = await warmUp({ 'resource-id': '10', paths: '/big/a.iso\n/small/b.iso', purge: 'auto' }, { gcore })

    expect(gcore.acceptedRequests('purge').map(entry => [entry.kind, entry.body])).toEqual([
      ['purge_by_pattern', { paths: ['/big/a.iso'] }],
      ['purge_by_url', { urls: ['/small/b.iso'] }]
    ])
    expect(run.report.resources[0]).toMatchObject({ slice: true, purgeKind: 'mixed' })
  })

  it('auto: one purge all where a custom cache key makes patterns useless and URLs leave parts', async () => {
    const options = { slice: { enabled: true, value: true }, proxy_cache_key: { enabled: true, value: '$scheme$uri' } }
    const gcore = fakeGcore({ resources: [{ id: 11, options }] })
    const run = await warmUp({ 'resource-id': '11', paths: '/a.iso\n/b.iso', purge: 'auto' }, { gcore })

    expect(gcore.acceptedRequests('purge').map(entry => [entry.kind, entry.body])).toEqual([['purge_all', { paths: [] }]])
    expect(run.report.resources[0]).toMatchObject({ purgeKind: 'all' })
  })

  it('all: one purge all per resource, before every prefetch, with a warning', async () => {
    const gcore = fakeGcore({ resources: [SLICED, PLAIN] })
    const run = await warmUp({ 'resource-id': '7,8', paths: paths(3).join('\n'), purge: 'all' }, { gcore })

    expect(gcore.acceptedRequests('purge').map(entry => [entry.resource, entry.kind, entry.body])).toEqual([
      [7, 'purge_all', { paths: [] }],
      [8, 'purge_all', { paths: [] }]
    ])
    for (const resource of [7, 8]) {
      const purged = gcore.acceptedRequests('purge').find(entry => entry.resource === resource)!.at
      expect(gcore.acceptedRequests('prefetch').find(entry => entry.resource === resource)!.at).toBeGreaterThanOrEqual(purged)
    }
    expect(linesAt('warning', run.lines)).toEqual(
      [7, 8].map(id => `Resource ${id}: purge: all clears the whole resource; every file is fetched from the origin again.`)
    )
  })

  it('purge-patterns clears folders first; the paths they cover are not purged again', async () => {
    const gcore = fakeGcore()
    const given = [...paths(30, '/v2'), '/other/x.iso']
    const run = await warmUp({ paths: given.join('\n'), purge: 'true', 'purge-patterns': '/v2/\n/old/*' }, { gcore })

    expect(sentBatches(gcore, 'purge')).toEqual([['/v2/', '/old/*'], ['/other/x.iso']])
    expect(run.report.purgedCount).toBe(31)
    expect(run.report.resources[0].purgeKinds).toEqual([
      { kind: 'purge-patterns', paths: 30, why: 'cleared by a pattern of purge-patterns, so not purged again' },
      { kind: 'url', paths: 1, why: 'purge by URL clears the whole file' }
    ])
  })

  it('notes the run paths that a pattern also clears, a pattern being a prefix', async () => {
    const gcore = fakeGcore({ resources: [SLICED] })
    const run = await warmUp({ 'resource-id': '7', paths: '/app.iso\n/app.iso.sig', purge: 'true' }, { gcore })

    expect(run.report.notes).toContain('Resource 7: a purge by pattern is a prefix, so /app.iso also clears /app.iso.sig.')
  })

  it('warns before sending when pattern purges would take longer than 10 minutes', async () => {
    const gcore = fakeGcore({ resources: [SLICED] })
    const run = await warmUp({ 'resource-id': '7', paths: paths(150).join('\n'), purge: 'true', 'dry-run': 'true' }, { gcore })

    expect(linesAt('warning', run.lines)).toEqual([
      'Resource 7: 15 purge by pattern requests at one per 1 min take about 14 min. A few folder patterns in purge-patterns, or purge: all, clear the same in one or two requests.'
    ])
  })
})
