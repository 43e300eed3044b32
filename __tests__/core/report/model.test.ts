import { describe, expect, it } from '@jest/globals'
import { buildReport } from '../../../src/core/report/model.js'
import { resultSentence } from '../../../src/core/report/sentence.js'
import { plannedResults, type BatchResult } from '../../../src/core/schedule/run.js'
import { planOf } from '../../support/plan.js'
import { finished, RUN } from '../../support/report.js'

describe('buildReport', () => {
  it('counts success, partial and failure, keeping prefetched + failed = total', () => {
    const paths = ['/a', '/b', '/c', '/d']
    const cases: [BatchResult['outcome'][], string, number][] = [
      [['succeeded', 'succeeded'], 'success', 0],
      [['succeeded', 'failed'], 'partial', 2],
      [['cancelled', 'not-attempted'], 'failure', 4]
    ]
    for (const [outcomes, result, failed] of cases) {
      const { plan, results } = finished(paths, outcomes)
      const report = buildReport(plan, results, RUN)
      expect(report.result).toBe(result)
      expect(report.failedCount).toBe(failed)
      expect(report.prefetchedCount + report.failedCount).toBe(4)
    }
  })

  it('counts a path only when every resource accepted it; a resource that failed makes the run partial', () => {
    const plan = planOf(['/a', '/b'], { resources: [1, 2], sizes: { prefetch: 1 } })
    const results = plannedResults(plan.batches).map(r => ({
      ...r,
      outcome: (r.batch.resource === 2 && r.batch.index === 2 ? 'failed' : 'succeeded') as BatchResult['outcome']
    }))
    expect(buildReport(plan, results, RUN)).toMatchObject({ prefetchedCount: 1, failedPaths: ['/b'], result: 'partial' })

    const oneDown = plannedResults(plan.batches).map(r => ({
      ...r,
      outcome: (r.batch.resource === 2 ? 'not-attempted' : 'succeeded') as BatchResult['outcome']
    }))
    expect(buildReport(plan, oneDown, RUN)).toMatchObject({ prefetchedCount: 0, failedCount: 2, result: 'partial' })
  })

  it('counts a dry run’s paths as skipped', () => {
    const { plan } = finished(['/a', '/b', '/c'], ['planned'])
    const report = buildReport(plan, plannedResults(plan.batches), { ...RUN, dryRun: true, skipped: ['/small.iso'] })
    expect(report).toMatchObject({ result: 'dry-run', totalCount: 4, plannedCount: 3, prefetchedCount: 0, failedCount: 0, skippedCount: 4 })
    expect(resultSentence(report)).toBe('dry-run: 3 paths planned, nothing sent, 1 skipped, estimated 1 min')
  })
})
