/** An edge answer other than a 2xx is never a verification, whatever its Cache header says. */
import { describe, expect, it } from '@jest/globals'
import type { EdgeProbe } from '../../src/core/ports.js'
import { verifyEdges } from '../../src/core/verify.js'
import { FakeClock, recordingLogger } from '../support/fake-clock.js'

describe('edge answers that prove nothing', () => {
  it.each([301, 302, 303, 307, 308, 304, 404, 500])('HTTP %i with Cache: HIT is an error, not a HIT', async status => {
    const probe: EdgeProbe = { head: async () => ({ status, cache: 'HIT', contentLength: 5 }) }
    const [result] = await verifyEdges([{ resource: 1, baseUrl: 'https://cdn.example.com', paths: ['/a.iso'] }], probe, {
      clock: new FakeClock(),
      logger: recordingLogger(),
      timeoutMs: 0,
      concurrency: 1
    })
    expect(result).toMatchObject({ result: 'error', status })
    if (status >= 300 && status < 400)
      expect(result.error).toBe(`HTTP ${status}: a redirect, not the file; it proves nothing about the cache`)
    else expect(result.error).toBe(`HTTP ${status}`)
  })
})
