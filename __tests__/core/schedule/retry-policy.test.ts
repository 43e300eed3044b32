import { describe, expect, it } from '@jest/globals'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import { backoffMs, decideRetry, parseRetryAfter } from '../../../src/core/schedule/retry-policy.js'

describe('backoffMs and parseRetryAfter', () => {
  it('doubles up to the cap, with 50-100 % jitter', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(a => backoffMs(a, 30_000, () => 1))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000])
    expect(backoffMs(3, 30_000, () => 0)).toBe(2000)
  })

  it('reads seconds and HTTP dates, ignores junk', () => {
    const now = Date.UTC(2026, 0, 1)
    expect(parseRetryAfter('12', now)).toBe(12_000)
    expect(parseRetryAfter('1.5', now)).toBe(1500)
    expect(parseRetryAfter(new Date(now + 90_000).toUTCString(), now)).toBe(90_000)
    expect(parseRetryAfter(new Date(now - 5000).toUTCString(), now)).toBe(-5000)
    expect(parseRetryAfter('-3', now)).toBe(-3000)
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
  })
})

describe('decideRetry', () => {
  const policy = { maxAttempts: 5, intervalMs: 30_000, random: () => 1 }
  const now = Date.UTC(2026, 0, 1)
  const decide = (error: GcoreError, attempt = 1) => decideRetry(error, attempt, policy, now)

  it.each([
    [new GcoreError('HTTP 401', 'auth', 401), 'stop-run'],
    [new GcoreError('HTTP 403', 'forbidden', 403), 'stop-resource'],
    [new GcoreError('HTTP 404', 'not-found', 404), 'stop-resource'],
    [new GcoreError('HTTP 400', 'rejected', 400), 'fail'],
    [new GcoreError('HTTP 503', 'transient', 503), 'retry'],
    [new GcoreError('cut off', 'transient', null), 'retry'],
    [new GcoreError('HTTP 429', 'rate-limited', 429), 'retry']
  ])('%s → %s', (error, action) => {
    expect(decide(error).action).toBe(action)
  })

  it('waits a whole interval after a timeout or a cut answer: Gcore may have counted the request', () => {
    expect(decide(new GcoreError('the answer was cut off', 'transient', null, undefined, true))).toEqual({
      action: 'retry',
      waitMs: 30_000
    })
    expect((decide(new GcoreError('connection refused', 'transient', null)) as { waitMs: number }).waitMs).toBe(1000)
  })

  it('gives up after max-attempts and says so', () => {
    expect(decide(new GcoreError('HTTP 503', 'transient', 503), 5)).toEqual({
      action: 'fail',
      error: 'HTTP 503 (gave up after 5 attempts)'
    })
  })

  it('floors a 429 at the interval and caps it at two', () => {
    const wait = (header?: string) => (decide(new GcoreError('HTTP 429', 'rate-limited', 429, header)) as { waitMs: number }).waitMs
    expect([wait(), wait('0'), wait('-1'), wait('45'), wait('61'), wait('3600')]).toEqual([30_000, 30_000, 30_000, 45_000, 60_000, 60_000])
  })
})
