/**
 * The plan (src/core/plan/plan.ts): one record per resource, made once from
 * the settings, the run's paths and what Gcore said of each resource.
 */
import { describe, expect, it } from '@jest/globals'
import type { LookedUp } from '../../../src/core/gcore/lookup.js'
import { parseResource } from '../../../src/core/gcore/resource.js'
import { makePlan } from '../../../src/core/plan/plan.js'
import { SIZES } from '../../support/plan.js'
import { settingsWith } from '../../support/settings.js'

const on = { enabled: true, value: true }
const read = (id: number, fields: Record<string, unknown> = {}, rules: unknown[] = []): LookedUp => ({
  id,
  givenHostname: null,
  resource: parseResource({ id, cname: `cdn${id}.example.com`, can_purge_by_urls: true, ...fields }, rules)
})
const unread = (id: number, givenHostname: string | null = null): LookedUp => ({ id, givenHostname, resource: null })

describe('makePlan', () => {
  it('sends each resource its paths as its cache key sees them, each once, and says which were rewritten', () => {
    const plan = makePlan(
      settingsWith(),
      ['/a.iso?v=1', '/a.iso?v=2', '/b.iso'],
      [read(1, { options: { ignoreQueryString: on } }), read(2)],
      SIZES
    )

    expect(plan.resources.map(record => record.paths)).toEqual([
      ['/a.iso', '/b.iso'],
      ['/a.iso?v=1', '/a.iso?v=2', '/b.iso']
    ])
    expect(plan.resources[0].rewritten).toEqual(['/a.iso?v=1 → /a.iso', '/a.iso?v=2 → /a.iso'])
    expect(plan.resources[1].rewritten).toEqual([])
    // Every unique path of the run, once, in order.
    expect(plan.paths).toEqual(['/a.iso', '/b.iso', '/a.iso?v=1', '/a.iso?v=2'])
    expect(plan.batches.map(batch => [batch.resource, batch.kind, batch.items])).toEqual([
      [1, 'prefetch', ['/a.iso', '/b.iso']],
      [2, 'prefetch', ['/a.iso?v=1', '/a.iso?v=2', '/b.iso']]
    ])
  })

  it('decides the purge of each path, and counts the paths of each kind with why, in the order first used', () => {
    const rules = [{ id: 1, rule: '^/big/', options: { slice: on } }]
    const plan = makePlan(
      settingsWith({ purge: 'auto', 'purge-patterns': '/old/' }),
      ['/big/a.iso', '/small/b.iso', '/old/c.iso', '/big/d.iso'],
      [read(1, {}, rules)],
      SIZES
    )
    const [record] = plan.resources

    expect([...record.purge]).toEqual([
      ['/big/a.iso', 'pattern'],
      ['/small/b.iso', 'url'],
      ['/old/c.iso', 'covered'],
      ['/big/d.iso', 'pattern']
    ])
    expect(record.purgeKinds).toEqual([
      { kind: 'pattern', paths: 2, why: 'slice on: purge by URL clears only the first 10 MB part' },
      { kind: 'url', paths: 1, why: 'purge by URL clears the whole file' },
      { kind: 'purge-patterns', paths: 1, why: 'cleared by a pattern of purge-patterns, so not purged again' }
    ])
    expect(record.userPatterns).toEqual(['/old/'])
    expect(record.sliced).toBe(2)
    expect(record.batches.map(batch => [batch.kind, batch.items])).toEqual([
      ['pattern', ['/old/']],
      ['pattern', ['/big/a.iso', '/big/d.iso']],
      ['url', ['/small/b.iso']],
      ['prefetch', ['/big/a.iso', '/small/b.iso', '/old/c.iso', '/big/d.iso']]
    ])
  })

  it('without purge: no purge decisions, no user patterns, prefetches only', () => {
    const plan = makePlan(settingsWith({ 'purge-patterns': '/old/' }), ['/a.iso'], [read(1)], SIZES)
    const [record] = plan.resources

    expect([record.purge.size, record.purgeKinds, record.userPatterns]).toEqual([0, [], []])
    expect(record.batches.map(batch => batch.kind)).toEqual(['prefetch'])
  })

  it('a resource whose settings were not read: purge by URL, paths as given, nothing known of its options', () => {
    const plan = makePlan(settingsWith({ purge: 'auto' }), ['/a.iso?v=1'], [unread(1, 'cdn.example.com')], SIZES)
    const [record] = plan.resources

    expect(record).toMatchObject({
      id: 1,
      givenHostname: 'cdn.example.com',
      resource: null,
      optionsOf: null,
      paths: ['/a.iso?v=1'],
      sliced: 0
    })
    expect(record.purgeKinds).toEqual([
      { kind: 'url', paths: 1, why: 'resource settings not read: purge by URL, as the action always did' }
    ])
  })

  it('a resource that cannot serve sends nothing: every path of the run fails there; one being changed is a warning', () => {
    const plan = makePlan(
      settingsWith({ purge: 'auto' }),
      ['/a.iso?v=1', '/b.iso'],
      [read(1, { status: 'suspended', options: { ignoreQueryString: on } }), read(2, { status: 'processed' })],
      SIZES
    )
    const [dead, changing] = plan.resources

    expect(dead).toMatchObject({
      failure: 'resource 1 is suspended: it serves no content',
      paths: ['/a.iso?v=1', '/b.iso'],
      rewritten: [],
      batches: []
    })
    expect(dead.purge.size).toBe(0)
    expect(changing.failure).toBeNull()
    expect(changing.stateWarning).toMatch(/^resource 2 is being changed/)
    expect(plan.batches.every(batch => batch.resource === 2)).toBe(true)
  })

  it('notes what the options mean for the run: custom cache keys counted, a hidden Cache header', () => {
    const hiding = { enabled: true, mode: 'hide', excepted: [] }
    const rules = [{ id: 1, rule: '^/k/', options: { proxy_cache_key: { enabled: true, value: '$uri' } } }]
    const plan = makePlan(
      settingsWith(),
      ['/k/a.iso', '/k/b.iso', '/c.iso'],
      [read(1, { options: { response_headers_hiding_policy: hiding } }, rules)],
      SIZES
    )

    expect(plan.resources[0]).toMatchObject({ customCacheKey: 2, hidesCacheHeader: true, sliced: 0 })
  })

  it('purge all: one request per resource that every prefetch waits for', () => {
    const plan = makePlan(settingsWith({ purge: 'all' }), ['/a.iso', '/b.iso'], [read(1), read(2)], SIZES)

    expect(plan.batches.map(batch => [batch.resource, batch.kind, batch.after.map(purge => purge.kind)])).toEqual([
      [1, 'all', []],
      [1, 'prefetch', ['all']],
      [2, 'all', []],
      [2, 'prefetch', ['all']]
    ])
  })
})
