/** A certificate Node cannot trust (a TLS-inspecting proxy's) is said as such, with the fix. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import nodePath from 'node:path'
import { exchange, HttpError } from '../../src/core/http.js'
import { ROOT } from '../support/run-action.js'

const tls = (name: string) => readFileSync(nodePath.join(ROOT, '__tests__/fixtures/tls', name), 'utf8')
let server: Server
let url: string

beforeAll(async () => {
  // Signed by the tests' own CA, which this process does not trust.
  server = createServer({ key: tls('server.key'), cert: tls('server.pem') }, (_, res) => res.end('{}'))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
})
afterAll(() => new Promise(resolve => server.close(resolve)))

describe('an untrusted certificate', () => {
  it('names the likely cause and NODE_EXTRA_CA_CERTS', async () => {
    const error = await exchange({ method: 'GET', url, headers: {} }, { timeoutMs: 2000, maxBodyBytes: 100 }).catch(caught => caught)
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).message).toMatch(
      /^the server's certificate is not trusted \(.+\): a proxy or filter that inspects TLS\? Trust its CA with NODE_EXTRA_CA_CERTS$/
    )
  })
})
