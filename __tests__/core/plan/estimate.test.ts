import { describe, expect, it } from '@jest/globals'
import { estimateMs } from '../../../src/core/plan/estimate.js'
import { paths } from '../../support/paths.js'
import { planOf as plan } from '../../support/plan.js'

describe('estimateMs', () => {
  const intervals = { prefetchMs: 60_000, purgeUrlMs: 30_000, purgePatternMs: 60_000 }

  it('is (N-1) intervals for N prefetch batches', () => {
    expect(estimateMs(plan(paths(250)).resources, intervals)).toBe(120_000)
    expect(estimateMs(plan(paths(1)).resources, intervals)).toBe(0)
  })

  it('adds nothing for purges that run ahead of the prefetches', () => {
    expect(estimateMs(plan(paths(300), { resources: [1, 2], purge: 'url' }).resources, intervals)).toBe(120_000)
  })

  it('follows the purges when they are the slower lane', () => {
    expect(estimateMs(plan(paths(300), { purge: 'url' }).resources, { ...intervals, prefetchMs: 1000, purgeUrlMs: 30_000 })).toBe(60_000)
    // 300 paths by pattern: 30 requests a minute apart; the last prefetch goes with the last pattern.
    expect(estimateMs(plan(paths(300), { purge: 'pattern' }).resources, intervals)).toBe(29 * 60_000)
  })
})
