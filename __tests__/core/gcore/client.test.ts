import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { describeErrorBody, GcoreClient } from '../../../src/core/gcore/client.js'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import { GcoreEmulator } from '../../../emulator/gcore-emulator.js'

const KEY = 'k$y with "quotes"'
let gcore: GcoreEmulator
let client: GcoreClient

beforeAll(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  client = new GcoreClient({ apiUrl: await gcore.start(), apiKey: KEY, timeoutMs: 500 })
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
    await expect(client.send('prefetch', 11, ['/a.iso'])).resolves.toEqual({ status: 201 })
    const last = gcore.log.at(-1)!
    expect(last).toMatchObject({ url: '/cdn/resources/11/prefetch', authorization: `APIKey ${KEY}`, body: { paths: ['/a.iso'] } })
  })

  it('purges by URL with a urls body', async () => {
    await expect(client.send('url', 11, ['/a.iso'])).resolves.toEqual({ status: 201 })
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

  it('times out a hanging request as transient', async () => {
    gcore.inject({ operation: 'any', on: [gcore.log.length + 1], fault: { kind: 'hang' } })
    const hung = await failure(client.send('prefetch', 16, ['/a']))
    expect(hung).toMatchObject({ kind: 'transient', status: null })
    expect(hung.message).toContain('no complete answer within 0.5 s (request-timeout)')
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
