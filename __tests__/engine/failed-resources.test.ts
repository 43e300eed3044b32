/**
 * A resource that is wrong or cannot serve: an ID the key's account does not
 * have fails before anything is sent; a deleted, suspended or inactive one
 * fails fast with its state while the others go on; one being changed is
 * only a warning; a 404 or 403 in the middle of a run stops that resource.
 */
import { describe, expect, it } from '@jest/globals'
import type { ResourceSpec } from '../../emulator/gcore-emulator.js'
import { fakeGcore, linesAt, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { timesOf, writes } from '../support/requests.js'
import { SLICED } from '../support/resources.js'

describe('a wrong or dead resource', () => {
  it('an ID the key’s account does not have fails before anything is sent, naming resource-id', async () => {
    const gcore = fakeGcore({ resources: [SLICED] })
    const run = await warmUp({ 'resource-id': '999', paths: '/a.iso', purge: 'true' }, { gcore })

    expect(writes(gcore)).toEqual([])
    expect(run.inputError?.input).toBe('resource-id')
    expect(run.verdict.failed).toBe(true)
    expect(run.verdict.message).toContain('999')
    expect(run.report).toMatchObject({ result: 'failure', failedPaths: ['/a.iso'] })
  })

  it.each([
    ['suspended', { id: 13, status: 'suspended', suspended: true }, 'resource 13 is suspended: it serves no content'],
    ['deleted', { id: 13, status: 'deleted' }, 'resource 13 is deleted'],
    ['inactive', { id: 13, active: false, status: 'active' }, 'resource 13 is not active (active: false): it serves no content']
  ] as [string, ResourceSpec, string][])(
    'a %s resource fails fast with its state; the other goes on, and the run is partial',
    async (state, spec, why) => {
      const gcore = fakeGcore({ resources: [SLICED, spec] })
      const run = await warmUp({ 'resource-id': '7,13', paths: '/a.iso' }, { gcore })

      expect(gcore.log.filter(entry => entry.resource === 13 && entry.method === 'POST')).toEqual([])
      expect(gcore.acceptedRequests('prefetch').map(entry => entry.resource)).toEqual([7])
      expect(run.report.result).toBe('partial')
      expect(run.report.resources[1]).toEqual({
        id: 13,
        hostname: 'cdn13.example.com',
        state,
        slice: false,
        purgeKind: 'none',
        paths: 1,
        purgeKinds: [],
        error: `${why}; nothing was sent to it`
      })
      expect(linesAt('warning', run.lines)).toEqual([`Resource 13: ${why}; nothing is sent to it.`])
      expect(run.verdict.failed).toBe(true)
    }
  )

  it('a resource being changed (processed) is only a warning', async () => {
    const gcore = fakeGcore({ resources: [{ id: 14, status: 'processed' }] })
    const run = await warmUp({ 'resource-id': '14', paths: '/a.iso' }, { gcore })

    expect(run.report).toMatchObject({ result: 'success', resources: [{ id: 14, state: 'processed', error: null }] })
    expect(linesAt('warning', run.lines)).toHaveLength(1)
  })

  it('a 404 on prefetch (resource-check: off) names resource-id and says the key may not own it; the rest is not attempted', async () => {
    const gcore = fakeGcore({ resources: [{ id: 1 }] })
    const run = await warmUp({ 'resource-id': '321', paths: paths(300).join('\n'), 'resource-check': 'off' }, { gcore })

    expect(timesOf(gcore, 'prefetch')).toHaveLength(1)
    const [first, ...rest] = run.report.batches
    expect(first).toMatchObject({ outcome: 'failed', status: 404, attempts: 1 })
    expect(rest.map(batch => [batch.outcome, batch.error])).toEqual([
      ['not-attempted', 'not attempted: resource 321 does not exist for this key (HTTP 404) earlier in this run'],
      ['not-attempted', 'not attempted: resource 321 does not exist for this key (HTTP 404) earlier in this run']
    ])
    expect(run.verdict.message).toBe(
      "300 of 300 paths were not prefetched; first error: HTTP 404: resource 321 was not found: the key's account has no CDN resource with that ID (check resource-id) (Not found.)"
    )
  })

  it('a 404 on one resource stops it alone; the other resource goes on', async () => {
    const gcore = fakeGcore({ resources: [{ id: 1 }] })
    const run = await warmUp({ 'resource-id': '1,2', paths: paths(300).join('\n'), 'resource-check': 'off' }, { gcore })

    expect(run.report.batches.filter(batch => batch.resource === 1).map(batch => batch.outcome)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded'
    ])
    expect(run.report.batches.filter(batch => batch.resource === 2).map(batch => batch.outcome)).toEqual([
      'failed',
      'not-attempted',
      'not-attempted'
    ])
    expect(run.report).toMatchObject({ result: 'partial', prefetchedCount: 0, failedCount: 300 })
  })
})
