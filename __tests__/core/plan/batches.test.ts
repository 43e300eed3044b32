import { describe, expect, it } from '@jest/globals'
import { chunk, patternCovers } from '../../../src/core/plan/batches.js'
import { paths } from '../../support/paths.js'
import { planOf as plan } from '../../support/plan.js'

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
    const built = plan(paths(30), { purge: path => (Number(/\d+/.exec(path)![0]) % 2 ? 'pattern' : 'url') })
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
})
