import { describe, expect, it } from '@jest/globals'
import { buildReport } from '../../../src/core/report/model.js'
import { resultSentence } from '../../../src/core/report/sentence.js'
import { finished, RUN } from '../../support/report.js'

describe('resultSentence', () => {
  it('puts the counts first, with plural forms right', () => {
    const { plan, results } = finished(['/a'], ['succeeded'])
    expect(resultSentence(buildReport(plan, results, { ...RUN, purge: 'auto' }))).toBe(
      'success: 1 of 1 path prefetched, 0 purged in 1 min 1 s'
    )
    const two = finished(['/a', '/b', '/c'], ['succeeded', 'failed'])
    expect(resultSentence(buildReport(two.plan, two.results, { ...RUN, cancelled: true, elapsedMs: 500 }))).toBe(
      'partial (cancelled): 2 of 3 paths prefetched, 1 not prefetched in under a second'
    )
  })
})
