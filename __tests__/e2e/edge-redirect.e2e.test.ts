/**
 * An edge that redirects (302 with `Cache: HIT`) does not hold the file: through
 * dist/index.js against the emulator, with a stand-in edge on 127.0.0.1.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifyOf } from '../support/checks.js'
import { emulatorPerTest, runChecked } from '../support/e2e.js'

const emulator = emulatorPerTest({ windowMs: 200 })
let edge: Server
let edgeUrl: string

beforeEach(async () => {
  // Every HEAD: a redirect to a login page, with a Cache header that says HIT.
  edge = createServer((_, res) => res.writeHead(302, { Location: 'https://login.example.com/', Cache: 'HIT', 'Content-Length': '0' }).end())
  await new Promise<void>(resolve => edge.listen(0, '127.0.0.1', resolve))
  edgeUrl = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`
})
afterEach(() => new Promise(resolve => edge.close(resolve)))

describe('edge verification', () => {
  it('a 302 with Cache: HIT verifies nothing, and verify-required fails the step', async () => {
    const run = await runChecked(emulator.gcore, {
      'prefetch-interval': '0.2',
      paths: '/a.iso\n/b.iso\n/c.iso',
      'verify-url': edgeUrl,
      'verify-required': 'true'
    })

    expect(run.code).toBe(1)
    expect(run.outputs['prefetched-count']).toBe('3')
    expect(run.outputs['verified-count']).toBe('0')
    expect(verifyOf(run).map(entry => [entry.result, entry.status, entry.error])).toEqual(
      Array(3).fill(['error', 302, 'first part: HTTP 302: a redirect, not the file; it proves nothing about the cache'])
    )
    expect(run.stdout).toMatch(/::error::.*verify-required/)
  })
})
