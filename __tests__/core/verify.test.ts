import { describe, expect, it } from '@jest/globals'
import type { EdgeProbe } from '../../src/core/ports.js'
import { cacheVerdict, verifyEdges } from '../../src/core/verify.js'
import { FakeClock, recordingLogger } from '../support/fake-clock.js'

describe('cacheVerdict', () => {
  it.each([
    ['HIT', 'HIT'],
    ['miss', 'MISS'],
    ['BYPASS', 'BYPASS'],
    ['HIT, MISS', 'HIT'],
    [undefined, 'no-header'],
    ['', 'no-header']
  ])('%j → %s', (header, verdict) => expect(cacheVerdict(header)).toBe(verdict))
})

describe('verifyEdges', () => {
  it('reports HIT, MISS, absent headers and HTTP errors, asking again until the timeout', async () => {
    const clock = new FakeClock()
    const asked: string[] = []
    const probe: EdgeProbe = {
      head: async url => {
        asked.push(url)
        if (url.endsWith('/late.iso'))
          return { status: 200, cache: asked.filter(u => u === url).length >= 3 ? 'HIT' : 'MISS', contentLength: 5 }
        if (url.endsWith('/gone.iso')) return { status: 404, cache: undefined, contentLength: null }
        if (url.endsWith('/plain.iso')) return { status: 200, cache: undefined, contentLength: 5 }
        if (url.endsWith('/down.iso')) throw new Error('connection refused\n::warning::injected')
        return { status: 200, cache: 'HIT', contentLength: 5 }
      }
    }
    const results = await verifyEdges(
      [{ resource: 1, baseUrl: 'https://cdn.example.com', paths: ['/hit.iso', '/late.iso', '/gone.iso', '/plain.iso', '/down.iso'] }],
      probe,
      { clock, logger: recordingLogger(), timeoutMs: 12_000, concurrency: 2, pollMs: 5000 }
    )
    expect(results.map(r => [r.path, r.result, r.status, r.error, r.attempts])).toEqual([
      ['/hit.iso', 'HIT', 200, null, 1],
      ['/late.iso', 'HIT', 200, null, 3],
      ['/gone.iso', 'error', 404, 'HTTP 404', 4],
      ['/plain.iso', 'no-header', 200, null, 4],
      ['/down.iso', 'error', null, 'connection refused : :warning: :injected', 4]
    ])
    expect(results[0].url).toBe('https://cdn.example.com/hit.iso')
    // Passes at 0, 5 and 10 s, and a last one at the 12 s deadline.
    expect(clock.elapsed()).toBe(12_000)
  })

  it('makes one pass with verify-timeout 0', async () => {
    const clock = new FakeClock()
    const results = await verifyEdges(
      [{ resource: 1, baseUrl: 'http://edge', paths: ['/a'] }],
      { head: async () => ({ status: 200, cache: 'MISS', contentLength: 1 }) },
      {
        clock,
        logger: recordingLogger(),
        timeoutMs: 0,
        concurrency: 8
      }
    )
    expect(results.map(r => [r.result, r.attempts])).toEqual([['MISS', 1]])
    expect(clock.elapsed()).toBe(0)
  })

  it('calls a HIT of another size than the new file stale, and judges size alone when Cache is hidden', async () => {
    const sizes = new Map([
      ['/new.iso', 300],
      ['/old-parts.iso', 300],
      ['/hidden.iso', 300]
    ])
    const probe: EdgeProbe = {
      head: async url =>
        url.endsWith('/old-parts.iso')
          ? { status: 200, cache: 'HIT', contentLength: 280 }
          : url.endsWith('/hidden.iso')
            ? { status: 200, cache: undefined, contentLength: 300 }
            : { status: 200, cache: 'HIT', contentLength: 300 }
    }
    const results = await verifyEdges(
      [{ resource: 1, baseUrl: 'http://edge', paths: ['/new.iso', '/old-parts.iso', '/hidden.iso', '/unknown.iso'] }],
      probe,
      {
        clock: new FakeClock(),
        logger: recordingLogger(),
        timeoutMs: 0,
        concurrency: 4,
        sizes
      }
    )
    expect(results.map(r => [r.path, r.result, r.expectedSize, r.size])).toEqual([
      ['/new.iso', 'HIT', 300, 300],
      ['/old-parts.iso', 'stale', 300, 280],
      ['/hidden.iso', 'no-header', 300, 300],
      ['/unknown.iso', 'HIT', null, 300]
    ])
    expect(results[1].error).toBe('the edge holds 280 bytes, the new file has 300')
  })
})
