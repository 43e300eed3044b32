/** Several resources (`resource-id: 101,202`): every path once per resource, the resources in parallel, each within its own limits. */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { sent } from '../support/requests.js'

describe('several resources', () => {
  it('sends every path once per resource, concurrently: two take the time of one', async () => {
    const given = paths(250)
    const single = await warmUp({ paths: given.join('\n') })
    const gcore = fakeGcore()
    const both = await warmUp({ 'resource-id': '101,202', paths: given.join('\n') }, { gcore })

    for (const resource of [101, 202]) expect(sent(gcore, 'prefetch', resource)).toEqual(given)
    expect(both.elapsed).toBe(single.elapsed)
    expect(both.report.batches.map(batch => batch.resource)).toEqual([101, 101, 101, 202, 202, 202])
    expect(both.report).toMatchObject({ result: 'success', totalCount: 250, prefetchedCount: 250 })
    expect(
      both.report.resources.map(({ id, hostname, state, slice, purgeKind, paths: count }) => ({
        id,
        hostname,
        state,
        slice,
        purgeKind,
        paths: count
      }))
    ).toEqual([
      { id: 101, hostname: 'cdn101.example.com', state: 'active', slice: false, purgeKind: 'none', paths: 250 },
      { id: 202, hostname: 'cdn202.example.com', state: 'active', slice: false, purgeKind: 'none', paths: 250 }
    ])
  })

  it('a path counts as prefetched only when every resource accepted it; one resource that did its part makes the run partial', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [2],
      fault: { kind: 'status', status: 400, body: '{"message": "nope"}' }
    })
    const run = await warmUp({ 'resource-id': '101\n202', paths: '/a.iso' }, { gcore })

    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1)
    expect(run.report).toMatchObject({ result: 'partial', prefetchedCount: 0, failedPaths: ['/a.iso'] })
    expect(run.verdict.failed).toBe(true)
  })

  it('the same resource given twice, by ID and by hostname, is one resource', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ 'resource-id': '101, cdn101.example.com', paths: '/a.iso' }, { gcore })

    expect(run.report.resources.map(resource => resource.id)).toEqual([101])
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1)
  })
})
