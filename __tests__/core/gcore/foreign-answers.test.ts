/**
 * Only Gcore's answers count: a 2xx is accepted only with an empty or JSON body.
 * Anything else behind a 2xx (a web filter's page) is a transient failure that
 * says where it came from, with a short, neutralised excerpt.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GcoreClient } from '../../../src/core/gcore/client.js'
import { GcoreError } from '../../../src/core/gcore/errors.js'

const KEY = 'foreign-key-123456'
let answer: { status: number; type: string; body: string }
let server: Server
let client: GcoreClient

beforeAll(async () => {
  server = createServer((_, res) => res.writeHead(answer.status, { 'Content-Type': answer.type }).end(answer.body))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  client = new GcoreClient({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: KEY, timeoutMs: 2000 })
})
afterAll(() => new Promise(resolve => server.close(resolve)))

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: GcoreError) => error
  )

describe('a purge or prefetch answer', () => {
  it.each([
    ['201, no body', 201, 'application/json', ''],
    ['201, JSON', 201, 'application/json', '{"urls": ["/a.iso"]}'],
    ['200, JSON with another Content-Type', 200, 'text/plain', '{}'],
    ['204, whitespace', 204, 'text/html', '  '],
    [
      '201, a JSON echo longer than the 64 kB kept',
      201,
      'application/json',
      JSON.stringify({ urls: Array(2000).fill(`/${'x'.repeat(60)}`) })
    ]
  ])('%s: accepted', async (_, status, type, body) => {
    answer = { status, type, body }
    await expect(client.send('prefetch', 1, ['/a.iso'])).resolves.toMatchObject({ status })
  })

  it.each([
    [
      'a filter page',
      'text/html',
      '<html><head><title>Blocked by corporate web filter</title></head><body>no</body></html>',
      'Blocked by corporate web filter'
    ],
    ['plain text', 'text/plain', 'OK', 'OK'],
    ['no Content-Type', '', 'accepted', 'accepted']
  ])('200 with %s: a transient failure naming the thing in between, with an excerpt', async (_, type, body, said) => {
    answer = { status: 200, type, body }
    const error = await failure(client.send('url', 1, ['/a.iso']))
    expect(error).toBeInstanceOf(GcoreError)
    expect(error).toMatchObject({ kind: 'transient', status: 200, retryable: true })
    expect(error!.message).toBe(
      `HTTP 200 with a body that is not Gcore's (${type || 'no Content-Type'}, not JSON): the answer came from something between you and Gcore: a proxy or filter? It said: "${said}"`
    )
  })

  it('the excerpt is short, one line, never a workflow command, and the key is redacted', async () => {
    answer = { status: 200, type: 'text/html', body: `<p>\n::warning::INJECTED ${KEY} ${'y'.repeat(500)}</p>` }
    const error = (await failure(client.send('prefetch', 1, ['/a.iso'])))!
    expect(error.message).toMatch(/It said: ": :warning: :INJECTED \*\*\* y+…"$/)
    expect(error.message.length).toBeLessThan(300)
    expect(error.message).not.toContain('\n')
  })
})

describe('a GET answer', () => {
  it('an HTML page behind a 200: the same failure, prefixed with the request', async () => {
    answer = { status: 200, type: 'text/html', body: '<title>Blocked by corporate web filter</title>' }
    const error = await failure(client.getJson('/cdn/clients/me/limits?x=1'))
    expect(error).toMatchObject({ kind: 'transient', status: 200 })
    expect(error!.message).toMatch(
      /^GET \/cdn\/clients\/me\/limits: HTTP 200 with a body that is not Gcore's \(text\/html, not JSON\): .*a proxy or filter\?/
    )
  })

  it('JSON: read', async () => {
    answer = { status: 200, type: 'application/json', body: '{"a": 1}' }
    await expect(client.getJson('/x')).resolves.toEqual({ a: 1 })
  })
})
