/** The plan in words (src/core/plan/describe.ts): the one-line plan, and the paths a pattern clears besides its own. */
import { describe, expect, it } from '@jest/globals'
import { describePlan, patternOverlaps } from '../../../src/core/plan/describe.js'
import { estimateMs } from '../../../src/core/plan/estimate.js'
import { makePlan } from '../../../src/core/plan/plan.js'
import { paths } from '../../support/paths.js'
import { planOf as plan } from '../../support/plan.js'
import { settingsWith } from '../../support/settings.js'

const INTERVALS = { prefetchMs: 60_000, purgeUrlMs: 30_000, purgePatternMs: 60_000 }

/** The plan of `count` paths on resources whose settings were not read, in words. */
function inWords(count: number, options: { purge?: string; resources?: number[]; batchSize?: number; intervals?: typeof INTERVALS } = {}) {
  const { batchSize = 100, intervals = INTERVALS } = options
  const settings = settingsWith({ purge: options.purge ?? 'false' })
  const looked = (options.resources ?? [1]).map(id => ({ id, givenHostname: null, resource: null }))
  const built = makePlan(settings, paths(count), looked, { prefetch: batchSize, purgeUrl: 100, purgePattern: 10 })
  return describePlan(built, estimateMs(built.resources, intervals), batchSize, intervals)
}

describe('describePlan', () => {
  it('counts the batches of each lane, the pace and the time', () => {
    expect(inWords(250)).toBe('250 paths: 3 prefetch batches of up to 100, one prefetch every 60 s: about 2 min')
    expect(inWords(250, { purge: 'url' })).toBe(
      '250 paths: 3 purge by URL and 3 prefetch batches of up to 100, one prefetch every 60 s: about 2 min'
    )
    expect(inWords(20, { purge: 'pattern' })).toBe('20 paths: 2 purge by pattern and 1 prefetch batch of up to 100: about 1 min')
  })

  it('says per resource when there are several, and "under a second" for one batch', () => {
    const intervals = { ...INTERVALS, prefetchMs: 1000, purgeUrlMs: 250 }
    expect(inWords(100, { resources: [101, 202], purge: 'url', batchSize: 40, intervals })).toBe(
      '100 paths: 3 purge by URL and 3 prefetch batches of up to 40 on each of 2 resources, one prefetch every 1 s: about 2 s'
    )
    expect(inWords(1)).toBe('1 path: 1 prefetch batch of up to 100: under a second')
  })
})

describe('patternOverlaps', () => {
  it('lists the run paths a per-path pattern also clears, not those of purge-patterns', () => {
    const built = plan(['/a.iso', '/a.iso.sig', '/b.iso', '/a.iso.sha256'], { purge: 'pattern' })
    expect(patternOverlaps(built.resources[0])).toEqual([{ pattern: '/a.iso', alsoClears: ['/a.iso.sha256', '/a.iso.sig'] }])
    const folders = plan(['/v2/a.iso', '/v2/b.iso'], { purge: 'covered', userPatterns: ['/v2/'] })
    expect(patternOverlaps(folders.resources[0])).toEqual([])
  })
})
