/** Query strings as each resource's cache key sees them: one file, one request, whatever the query says. */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, warmUp } from '../support/engine.js'

describe('query strings as the cache key sees them', () => {
  it('ignoreQueryString: each path is sent without its query, once, and the report says what was rewritten', async () => {
    const gcore = fakeGcore({ resources: [{ id: 20, options: { ignoreQueryString: { enabled: true, value: true } } }] })
    const run = await warmUp({ 'resource-id': '20', paths: '/a.iso?v=1\n/a.iso?v=2\n/b.iso', purge: 'true' }, { gcore })

    expect(gcore.acceptedRequests('prefetch').map(entry => entry.body)).toEqual([{ paths: ['/a.iso', '/b.iso'] }])
    expect(gcore.acceptedRequests('purge').map(entry => entry.body)).toEqual([{ urls: ['/a.iso', '/b.iso'] }])
    expect(run.report).toMatchObject({ result: 'success', totalCount: 2, prefetchedCount: 2 })
    expect(run.report.notes).toContain(
      'Resource 20: 2 paths rewritten as its cache key sees the query string (/a.iso?v=1 → /a.iso, /a.iso?v=2 → /a.iso); 2 paths sent.'
    )
  })

  it('a whitelist keeps only its parameters; a blacklist drops its own', async () => {
    const gcore = fakeGcore({
      resources: [
        { id: 21, options: { query_params_whitelist: { enabled: true, value: ['v'] } } },
        { id: 22, options: { query_params_blacklist: { enabled: true, value: ['utm'] } } }
      ]
    })
    const white = await warmUp({ 'resource-id': '21', paths: '/a.iso?v=2&utm=x' }, { gcore })
    const black = await warmUp({ 'resource-id': '22', paths: '/a.iso?v=2&utm=x' }, { gcore })

    expect([white.report.result, black.report.result]).toEqual(['success', 'success'])
    expect(gcore.acceptedRequests('prefetch').map(entry => [entry.resource, entry.body])).toEqual([
      [21, { paths: ['/a.iso?v=2'] }],
      [22, { paths: ['/a.iso?v=2'] }]
    ])
  })

  it('a path whose query the key drops is prefetched and found at the edge as one file', async () => {
    const gcore = fakeGcore({ resources: [{ id: 20, options: { ignoreQueryString: { enabled: true, value: true } } }] })
    const run = await warmUp({ 'resource-id': '20', paths: '/a.iso?v=1', 'verify-url': 'auto' }, { gcore })

    expect(run.report.verify).toMatchObject([{ path: '/a.iso', url: 'http://cdn20.example.com/a.iso', result: 'verified' }])
    expect(gcore.cacheState(20, '/a.iso?v=9').complete).toBe(true)
  })
})
