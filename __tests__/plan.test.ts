import { describe, expect, it } from '@jest/globals'
import { formatDuration } from '../src/core/format.js'
import { chunk, patternCovers } from '../src/core/plan/batches.js'
import { patternOverlaps } from '../src/core/plan/describe.js'
import { estimateMs } from '../src/core/plan/estimate.js'
import { planOf as plan } from './support/plan.js'

const paths = (count: number) => Array.from({ length: count }, (_, i) => `/p${i}`)

describe('batchesOf', () => {
  it('batches the paths per resource, each path once per operation', () => {
    const built = plan(paths(250))
    expect(built.batches.map(b => [b.operation, b.index, b.of, b.items.length])).toEqual([
      ['prefetch', 1, 3, 100],
      ['prefetch', 2, 3, 100],
      ['prefetch', 3, 3, 50]
    ])
    expect(built.batches.flatMap(b => b.items)).toEqual(paths(250))
  })

  it('links each prefetch batch to the purge batches of its own paths', () => {
    const built = plan(paths(90), { resources: [1, 2], purge: 'url', sizes: { prefetch: 40, purgeUrl: 25 } })
    const prefetches = built.batches.filter(b => b.operation === 'prefetch' && b.resource === 1)
    expect(prefetches.map(b => b.after.map(p => p.items.length))).toEqual([[25, 15], [25, 15], [10]])
    for (const batch of prefetches) expect(batch.after.flatMap(p => p.covers)).toEqual(batch.items)
    expect(built.batches.filter(b => b.operation === 'purge' && b.resource === 2).map(b => b.index)).toEqual([1, 2, 3, 4, 5])
  })

  it('purges sliced paths by pattern, ten a request, in their own lane, and the rest by URL', () => {
    const built = plan(paths(30), { purge: path => (Number(path.slice(2)) % 2 ? 'pattern' : 'url') })
    const byKind = (kind: string) => built.batches.filter(b => b.kind === kind)
    expect(byKind('pattern').map(b => [b.lane, b.items.length])).toEqual([
      ['purge-pattern', 10],
      ['purge-pattern', 5]
    ])
    expect(byKind('url').map(b => [b.lane, b.items.length])).toEqual([['purge-url', 15]])
    expect(byKind('prefetch')[0].after).toHaveLength(3)
  })

  it('sends one pattern for paths that differ only in their query', () => {
    const built = plan(['/a.iso?v=1', '/a.iso?v=2', '/b.iso'], { purge: 'pattern' })
    const [batch] = built.batches.filter(b => b.kind === 'pattern')
    expect(batch.items).toEqual(['/a.iso', '/b.iso'])
    expect(batch.covers).toEqual(['/a.iso?v=1', '/a.iso?v=2', '/b.iso'])
  })

  it('purges all once per resource, before every prefetch', () => {
    const built = plan(paths(150), { resources: [1, 2], purge: 'all' })
    const all = built.batches.filter(b => b.kind === 'all')
    expect(all.map(b => [b.resource, b.items])).toEqual([
      [1, []],
      [2, []]
    ])
    for (const batch of built.batches.filter(b => b.kind === 'prefetch'))
      expect(batch.after).toEqual([all.find(a => a.resource === batch.resource)])
  })

  it('purges user patterns first, and makes each prefetch wait only for the patterns that cover it', () => {
    const list = ['/v2/a.iso', '/v2/b.iso', '/docs/c.pdf']
    const built = plan(list, {
      purge: path => (path.startsWith('/v2/') ? 'covered' : 'url'),
      userPatterns: ['/v2/', '/old/*'],
      sizes: { prefetch: 2 }
    })
    const [user] = built.batches.filter(b => b.fromInput)
    expect(user).toMatchObject({ kind: 'pattern', items: ['/v2/', '/old/*'], covers: ['/v2/a.iso', '/v2/b.iso'] })
    const [first, second] = built.batches.filter(b => b.kind === 'prefetch')
    expect(first.after).toEqual([user])
    expect(second.after.map(b => [b.kind, b.items])).toEqual([['url', ['/docs/c.pdf']]])
  })

  it('chunks exactly', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(chunk([], 3)).toEqual([])
  })
})

describe('patterns', () => {
  it('are recursive prefixes with `*` only at the end, and ignore the query', () => {
    expect(patternCovers('/a.iso', '/a.iso.sig')).toBe(true)
    expect(patternCovers('/v2/*', '/v2/x/y.iso?k=1')).toBe(true)
    expect(patternCovers('/v2/', '/v3/a.iso')).toBe(false)
  })

  it('lists the run paths a per-path pattern also clears, not those of purge-patterns', () => {
    const built = plan(['/a.iso', '/a.iso.sig', '/b.iso', '/a.iso.sha256'], { purge: 'pattern' })
    expect(patternOverlaps(built.resources[0])).toEqual([{ pattern: '/a.iso', alsoClears: ['/a.iso.sha256', '/a.iso.sig'] }])
    const folders = plan(['/v2/a.iso', '/v2/b.iso'], { purge: 'covered', userPatterns: ['/v2/'] })
    expect(patternOverlaps(folders.resources[0])).toEqual([])
  })
})

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

describe('formatDuration', () => {
  it.each([
    [0, 'under a second'],
    [400, 'under a second'],
    [59_000, '59 s'],
    [120_000, '2 min'],
    [125_000, '2 min 5 s'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min']
  ])('%d ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text))
})
