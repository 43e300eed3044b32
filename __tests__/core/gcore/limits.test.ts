import { describe, expect, it } from '@jest/globals'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import { describeLimits, parseRate, readAccountLimits, resolveLimits } from '../../../src/core/gcore/limits.js'

describe('parseRate', () => {
  it.each([
    ['1/m', 60_000],
    ['2/m', 30_000],
    ['3/s', 334],
    ['1/h', 3_600_000],
    [' 2 / M ', 30_000]
  ])('%j → %d ms between requests', (text, ms) => expect(parseRate(text)).toBe(ms))

  it.each(['', '0/m', '2/d', 'two/m', '2', 2, null, undefined])('%j is unreadable', text => expect(parseRate(text)).toBeUndefined())
})

describe('resolveLimits', () => {
  const account = {
    prefetch_pattern_limit: 40,
    prefetch_request_limit: '2/m',
    purge_max_urls_limit: 50,
    purge_by_urls_request_limit: '4/m',
    purge_pattern_limit: 5,
    purge_request_limit: '2/m'
  }

  it('takes the account values where readable', () => {
    expect(resolveLimits({}, account)).toEqual({
      batchSize: { value: 40, source: 'account', raw: '40' },
      prefetchIntervalMs: { value: 30_000, source: 'account', raw: '2/m' },
      purgeUrlBatchSize: { value: 50, source: 'account', raw: '50' },
      purgeUrlIntervalMs: { value: 15_000, source: 'account', raw: '4/m' },
      purgePatternBatchSize: { value: 5, source: 'account', raw: '5' },
      purgePatternIntervalMs: { value: 30_000, source: 'account', raw: '2/m' }
    })
  })

  it('lets explicit inputs win', () => {
    const limits = resolveLimits({ batchSize: 10, prefetchIntervalMs: 5000, purgeIntervalMs: 1000, purgePatternIntervalMs: 2000 }, account)
    expect([limits.batchSize, limits.prefetchIntervalMs, limits.purgeUrlIntervalMs, limits.purgePatternIntervalMs]).toEqual([
      { value: 10, source: 'input' },
      { value: 5000, source: 'input' },
      { value: 1000, source: 'input' },
      { value: 2000, source: 'input' }
    ])
  })

  it('falls back to the documented values for anything missing or unreadable', () => {
    const limits = resolveLimits({}, { prefetch_pattern_limit: 'lots', prefetch_request_limit: '1/fortnight' })
    expect(describeLimits(limits, { purgeUrl: true, purgePattern: true })).toEqual([
      'prefetch batch size 100 (Gcore documented)',
      'prefetch interval 60 s (Gcore documented)',
      'purge batch size 100 (Gcore documented)',
      'purge interval 30 s (Gcore documented)',
      'patterns per purge 10 (Gcore documented)',
      'pattern purge interval 60 s (Gcore documented)'
    ])
    expect(resolveLimits({}, null).prefetchIntervalMs).toEqual({ value: 60_000, source: 'documented' })
  })

  it('shows only the limits of the lanes a run uses', () => {
    const limits = resolveLimits({}, account)
    expect(describeLimits(limits, { purgeUrl: false, purgePattern: false })).toEqual([
      'prefetch batch size 40 (account: 40)',
      'prefetch interval 30 s (account: 2/m)'
    ])
    expect(describeLimits(limits, { purgeUrl: false, purgePattern: true })).toHaveLength(4)
  })
})

describe('readAccountLimits', () => {
  const noSleep = { sleep: async () => undefined }

  it('returns the account object', async () => {
    await expect(readAccountLimits({ getJson: async () => ({ prefetch_pattern_limit: 40 }) }, noSleep)).resolves.toEqual({
      account: { prefetch_pattern_limit: 40 }
    })
  })

  it('never throws: a 403 is a problem to report, not retried', async () => {
    let calls = 0
    const api = {
      getJson: async () => {
        calls++
        throw new GcoreError('HTTP 403: forbidden', 'forbidden', 403)
      }
    }
    await expect(readAccountLimits(api, noSleep)).resolves.toEqual({ account: null, problem: 'HTTP 403: forbidden' })
    expect(calls).toBe(1)
  })

  it('returns a refused key (401) so the run can stop before sending anything', async () => {
    const refusal = new GcoreError('HTTP 401: Invalid authentication credentials.', 'auth', 401)
    await expect(readAccountLimits({ getJson: async () => Promise.reject(refusal) }, noSleep)).resolves.toEqual({
      account: null,
      problem: refusal.message,
      refused: refusal
    })
  })

  it('retries a transient failure once, quietly', async () => {
    let calls = 0
    const api = { getJson: async () => (++calls === 1 ? Promise.reject(new GcoreError('HTTP 503', 'transient', 503)) : { id: 1 }) }
    await expect(readAccountLimits(api, noSleep)).resolves.toEqual({ account: { id: 1 } })
    expect(calls).toBe(2)
  })
})
