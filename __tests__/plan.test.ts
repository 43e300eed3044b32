import { describe, expect, it } from '@jest/globals'
import { buildPlan, chunk, estimateMs, formatDuration } from '../src/plan.js'

const paths = (count: number) => Array.from({ length: count }, (_, i) => `/p${i}`)

describe('buildPlan', () => {
  it('batches the paths per resource, each path once per operation', () => {
    const plan = buildPlan(paths(250), { resources: [1], purge: false, batchSize: 100, purgeBatchSize: 100 })
    expect(plan.batches.map(b => [b.operation, b.index, b.of, b.paths.length])).toEqual([
      ['prefetch', 1, 3, 100],
      ['prefetch', 2, 3, 100],
      ['prefetch', 3, 3, 50]
    ])
    expect(plan.batches.flatMap(b => b.paths)).toEqual(paths(250))
  })

  it('links each prefetch batch to the purge batches of its own paths', () => {
    const plan = buildPlan(paths(90), { resources: [1, 2], purge: true, batchSize: 40, purgeBatchSize: 25 })
    const prefetches = plan.batches.filter(b => b.operation === 'prefetch' && b.resource === 1)
    expect(prefetches.map(b => b.after.map(p => p.paths.length))).toEqual([[25, 15], [25, 15], [10]])
    for (const batch of prefetches) expect(batch.after.flatMap(p => p.paths)).toEqual(batch.paths)
    expect(plan.batches.filter(b => b.operation === 'purge' && b.resource === 2).map(b => b.index)).toEqual([1, 2, 3, 4, 5])
  })

  it('chunks exactly', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunk([], 3)).toEqual([])
  })
})

describe('estimateMs', () => {
  const intervals = { prefetchMs: 60_000, purgeMs: 30_000 }

  it('is (N-1) intervals for N prefetch batches', () => {
    expect(estimateMs(buildPlan(paths(250), { resources: [1], purge: false, batchSize: 100, purgeBatchSize: 100 }), intervals)).toBe(120_000)
    expect(estimateMs(buildPlan(paths(1), { resources: [1], purge: false, batchSize: 100, purgeBatchSize: 100 }), intervals)).toBe(0)
  })

  it('adds nothing for purges that run ahead of the prefetches', () => {
    expect(estimateMs(buildPlan(paths(300), { resources: [1, 2], purge: true, batchSize: 100, purgeBatchSize: 100 }), intervals)).toBe(120_000)
  })

  it('follows the purges when they are the slower lane', () => {
    const plan = buildPlan(paths(300), { resources: [1], purge: true, batchSize: 100, purgeBatchSize: 100 })
    expect(estimateMs(plan, { prefetchMs: 1000, purgeMs: 30_000 })).toBe(60_000)
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0 s'],
    [400, '400 ms'],
    [59_000, '59 s'],
    [120_000, '2 min'],
    [125_000, '2 min 5 s'],
    [3_900_000, '1 h 5 min']
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text))
})
