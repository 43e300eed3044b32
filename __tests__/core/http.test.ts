/**
 * One HTTP exchange (src/core/http.ts) against real servers on 127.0.0.1: the
 * deadline covers the whole exchange, body included; a cancel aborts at once;
 * no socket outlives its exchange; bodies are capped, and read in
 * milliseconds however hostile; IPv6 loopback URLs work.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exchange, HttpError } from '../../src/core/http.js'
import type { Fault } from '../../emulator/gcore-emulator.js'
import { watchConnections, type Connection } from '../support/connections.js'
import { emulatorPerTest, KEY } from '../support/e2e.js'

const emulator = emulatorPerTest()
let connections: Connection[]
beforeEach(() => {
  connections = watchConnections(emulator.gcore)
})

/** A prefetch to the emulator, through exchange(), meeting `fault` on the first try. */
async function prefetchMeeting(fault: Fault, options: { timeoutMs?: number; signal?: AbortSignal; maxBodyBytes?: number } = {}) {
  emulator.gcore.inject({ operation: 'prefetch', on: [1], fault })
  const started = Date.now()
  const result = await exchange(
    {
      method: 'POST',
      url: `${emulator.gcore.url}/cdn/resources/1/prefetch`,
      headers: { Authorization: `APIKey ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ paths: ['/a.iso'] })
    },
    { timeoutMs: options.timeoutMs ?? 5000, signal: options.signal, maxBodyBytes: options.maxBodyBytes ?? 64 * 1024 }
  ).catch((error: unknown) => error)
  return { result, ms: Date.now() - started }
}

describe('exchange', () => {
  it.each([
    ['an answer that trickles, a byte a second', { kind: 'trickle', msPerByte: 1000 }],
    ['headers, then a body that never comes', { kind: 'hang-after-headers' }],
    ['no answer at all', { kind: 'hang' }]
  ] as [string, Fault][])('%s: ends at the deadline, and the client closes the connection', async (_, fault) => {
    const { result, ms } = await prefetchMeeting(fault, { timeoutMs: 500 })

    expect(result).toBeInstanceOf(HttpError)
    expect(result).toMatchObject({ failure: 'timeout', message: 'no complete answer within 0.5 s (request-timeout)' })
    expect(ms).toBeLessThan(900)
    expect(connections).toHaveLength(1)
    expect(connections[0].endedAt! - connections[0].openedAt).toBeLessThan(900)
  })

  it('a complete answer on a connection the server never closes: read by its Content-Length, and the socket closed by the client', async () => {
    const { result } = await prefetchMeeting({ kind: 'never-close' })

    expect(result).toMatchObject({ status: 201, truncated: false })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(connections[0].endedAt).not.toBeNull()
    expect(connections[0].closedAt).toBeNull() // the server keeps its side open for ever
  })

  it('a body cut short is an error that says so, 2xx included', async () => {
    const { result } = await prefetchMeeting({ kind: 'cut-body' })

    expect(result).toMatchObject({
      failure: 'cut',
      status: 201,
      message: 'the answer was cut off after 32 of 64 bytes (connection closed)'
    })
  })

  it('a huge page of "<" is read no further than the cap, in milliseconds', async () => {
    const { result, ms } = await prefetchMeeting({ kind: 'huge-body', bytes: 2_000_000 })

    expect(result).toMatchObject({ status: 502, truncated: true })
    expect((result as { body: string }).body).toHaveLength(64 * 1024)
    expect(ms).toBeLessThan(300)
  })

  it('a cancel aborts a request in flight at once, and closes its connection', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    const { result, ms } = await prefetchMeeting({ kind: 'hang' }, { timeoutMs: 20_000, signal: controller.signal })

    expect(result).toMatchObject({ failure: 'cancelled', message: 'cancelled while the request was in flight' })
    expect(ms).toBeLessThan(500)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(connections[0].endedAt).not.toBeNull()
  })
})

describe('exchange on the IPv6 loopback', () => {
  let server: ReturnType<typeof createServer>
  afterEach(() => {
    server.close()
  })

  it('reaches http://[::1]:port', async () => {
    server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok": true}'))
    await new Promise<void>(resolve => server.listen(0, '::1', resolve))
    const answer = await exchange(
      { method: 'GET', url: `http://[::1]:${(server.address() as AddressInfo).port}/`, headers: {} },
      { timeoutMs: 5000, maxBodyBytes: 1024 }
    )

    expect(answer).toMatchObject({ status: 200, body: '{"ok": true}' })
  })
})
