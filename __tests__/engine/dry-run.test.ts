/** A dry run reads what it needs to plan (GET only: the limits, each resource and its rules) and sends nothing. */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, MINUTE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { operations } from '../support/requests.js'

describe('dry run', () => {
  it('reads the limits and every resource, plans each resource’s batches and the time they take, and sends nothing', async () => {
    const gcore = fakeGcore({ maxPrefetchPaths: 40 })
    const run = await warmUp({ 'resource-id': '101,202', paths: paths(100).join('\n'), purge: 'true', 'dry-run': 'true' }, { gcore })

    expect(operations(gcore)).toEqual(['limits', 'resource', 'rules', 'resource', 'rules'])
    expect(gcore.log.every(entry => entry.method === 'GET')).toBe(true)
    expect(run.elapsed).toBe(0)
    expect(run.report).toMatchObject({
      result: 'dry-run',
      dryRun: true,
      totalCount: 100,
      plannedCount: 100,
      skippedCount: 100,
      prefetchedCount: 0,
      failedCount: 0
    })
    // Per resource: 3 purges by URL and 3 prefetches of up to 40; two prefetch intervals.
    expect(run.report.estimateMs).toBe(2 * MINUTE)
    expect(run.report.batches.map(batch => `${batch.resource} ${batch.kind} ${batch.paths.length} ${batch.outcome}`)).toEqual([
      ...[101, 202].flatMap(resource => [
        `${resource} url 40 planned`,
        `${resource} url 40 planned`,
        `${resource} url 20 planned`,
        `${resource} prefetch 40 planned`,
        `${resource} prefetch 40 planned`,
        `${resource} prefetch 20 planned`
      ])
    ])
    expect(run.report.notes).toContain('Dry run: resources and limits were read (GET only); no purge or prefetch was sent.')
    expect(run.verdict.failed).toBe(false)
  })
})
