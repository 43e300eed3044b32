/** The Gcore API client (src/core/gcore/client.ts) against the emulator and real servers: requests, failures, redaction. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describeErrorBody, GcoreClient } from '../../../src/core/gcore/client.js'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import type { GcoreEmulator } from '../../../emulator/gcore-emulator.js'
import { keyForms } from '../../support/checks.js'
import { startEmulator } from '../../support/e2e.js'

const KEY = 'k$y with "quotes"'
let gcore: GcoreEmulator
let client: GcoreClient

beforeAll(async () => {
  gcore = await startEmulator({ apiKey: KEY, windowMs: 200 })
  client = new GcoreClient({ apiUrl: gcore.url, apiKey: KEY, timeoutMs: 500 })
})
afterAll(async () => gcore.stop())

async function failure(promise: Promise<unknown>): Promise<GcoreError> {
  try {
    await promise
  } catch (error) {
    return error as GcoreError
  }
  throw new Error('expected a GcoreError')
}

describe('GcoreClient against the emulator', () => {
  it('prefetches with the APIKey header and a paths body', async () => {
    await expect(client.send('prefetch', 11, ['/a.iso'])).resolves.toMatchObject({ status: 201, date: expect.stringMatching(/GMT$/) })
    const last = gcore.log.at(-1)!
    expect(last).toMatchObject({ url: '/cdn/resources/11/prefetch', authorization: `APIKey ${KEY}`, body: { paths: ['/a.iso'] } })
  })

  it('purges by URL with a urls body', async () => {
    await expect(client.send('url', 11, ['/a.iso'])).resolves.toMatchObject({ status: 201, date: expect.stringMatching(/GMT$/) })
    expect(gcore.log.at(-1)).toMatchObject({ kind: 'purge_by_url', body: { urls: ['/a.iso'] } })
  })

  it('classifies 429 with its Retry-After, 400 with the path Gcore names, 401 as auth', async () => {
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 429, headers: { 'Retry-After': '3' } } })
    const throttled = await failure(client.send('prefetch', 12, ['/a']))
    expect(throttled).toMatchObject({ kind: 'rate-limited', status: 429, retryAfter: '3' })

    const blank = await failure(client.send('prefetch', 13, ['/a', ' ']))
    expect(blank).toMatchObject({ kind: 'rejected', status: 400 })
    expect(blank.message).toBe('HTTP 400: paths[1] " ": This field may not be blank.')

    const refused = await failure(new GcoreClient({ apiUrl: gcore.url, apiKey: 'wrong', timeoutMs: 500 }).send('prefetch', 14, ['/a']))
    expect(refused).toMatchObject({ kind: 'auth', status: 401 })
  })

  it('does not follow a redirect, so the key never reaches another host', async () => {
    gcore.inject({
      operation: 'any',
      on: [gcore.log.length + 1],
      fault: { kind: 'status', status: 302, headers: { Location: 'https://evil.example/steal' } }
    })
    const redirected = await failure(client.send('prefetch', 15, ['/a']))
    expect(redirected).toMatchObject({ kind: 'rejected', status: 302 })
    expect(redirected.message).toContain('redirect to evil.example not followed')
  })

  it('describes a 200 kB error page of "<" as unreadable, in milliseconds', async () => {
    gcore.inject({ operation: 'any', on: [gcore.log.length + 1], fault: { kind: 'huge-body' } })
    const started = Date.now()
    const huge = await failure(client.send('prefetch', 19, ['/a']))
    expect(Date.now() - started).toBeLessThan(300)
    expect(huge).toMatchObject({ kind: 'transient', status: 502, message: 'HTTP 502: unreadable response body' })
  })

  it('times out a hanging request as transient', async () => {
    gcore.inject({ operation: 'any', on: [gcore.log.length + 1], fault: { kind: 'hang' } })
    const hung = await failure(client.send('prefetch', 16, ['/a']))
    expect(hung).toMatchObject({ kind: 'transient', status: null })
    expect(hung.message).toContain('no complete answer within 0.5 s (request-timeout)')
  })

  it('does not follow a redirect to another host: that host never hears from the client', async () => {
    const elsewhere: string[] = []
    const other = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`)
      res.writeHead(201).end()
    })
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    try {
      const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`
      gcore.inject({
        operation: 'any',
        on: [gcore.log.length + 1],
        fault: { kind: 'status', status: 307, headers: { Location: location } }
      })
      expect(await failure(client.send('prefetch', 15, ['/a']))).toMatchObject({ kind: 'rejected', status: 307 })
      expect(elsewhere).toEqual([])
    } finally {
      other.close()
    }
  })

  it('reports a host that does not resolve as transient, naming the host', async () => {
    const nowhere = new GcoreClient({ apiUrl: 'https://api.gcore.invalid', apiKey: KEY, timeoutMs: 5000 })
    expect(await failure(nowhere.send('prefetch', 1, ['/a']))).toMatchObject({
      kind: 'transient',
      status: null,
      message: 'host not found (api.gcore.invalid)'
    })
  })

  it('reports a refused connection as transient', async () => {
    const closed = new GcoreClient({ apiUrl: 'http://127.0.0.1:1', apiKey: KEY, timeoutMs: 500 })
    expect(await failure(closed.send('prefetch', 1, ['/a']))).toMatchObject({ kind: 'transient', message: 'connection refused' })
  })

  it('redacts the key when the server echoes it back', async () => {
    gcore.inject({
      operation: 'any',
      on: [gcore.log.length + 1],
      fault: { kind: 'status', status: 400, body: JSON.stringify({ message: `bad key ${KEY}` }) }
    })
    const echoed = await failure(client.send('prefetch', 17, ['/a']))
    expect(echoed.message).toBe('HTTP 400: bad key ***')
  })
})

describe('the key echoed back, straddling the 500-character cut of a message', () => {
  const forms = keyForms(KEY)
  it.each(['raw', 'url-encoded', 'json-escaped', 'base64 at offset 0', 'base64 at offset 1', 'base64 at offset 2'])(
    '%s: redacted before the cut',
    async form => {
      const shift = Number(/offset (\d)/.exec(form)?.[1] ?? 0)
      const echoed = form.startsWith('base64')
        ? Buffer.concat([Buffer.alloc(shift, 0x41), Buffer.from(KEY)]).toString('base64')
        : forms[form]
      // The message is `HTTP 400: <body>`: the echo starts 10 characters before the cut.
      const body = `${'x'.repeat(500 - 'HTTP 400: '.length - 10)}${echoed} and then some more text`
      gcore.inject({
        operation: 'any',
        on: [gcore.log.length + 1],
        fault: { kind: 'status', status: 400, body, headers: { 'Content-Type': 'text/plain' } }
      })
      const error = await failure(client.send('prefetch', 18, ['/a']))

      expect(error.message).toMatch(/^HTTP 400: x{480}[A-Za-z0-9+/]{0,3}\*\*\*/)
      expect(error.message).not.toContain(echoed.slice(0, 8))
    }
  )
})

describe('describeErrorBody', () => {
  it.each([
    ['', [], 'empty response body'],
    ['{"message": "JSON parse error - Expecting value"}', [], 'JSON parse error - Expecting value'],
    ['{"errors": {"paths": ["A path should start with /."]}}', [], 'paths: A path should start with /.'],
    ['{"errors": {"urls": ["Purge by URLs is not allowed."]}}', [], 'urls: Purge by URLs is not allowed.'],
    ['{"errors": {"paths": {"0": ["This field may not be blank."]}}}', [''], 'paths[0] "": This field may not be blank.'],
    ['<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>', [], '502 Bad Gateway'],
    ['{"errors": {"paths": ["x"', [], '{"errors": {"paths": ["x"'],
    ['plain words', [], 'plain words']
  ])('%j', (body, sent, expected) => {
    expect(describeErrorBody(body, sent as string[])).toBe(expected)
  })
})
