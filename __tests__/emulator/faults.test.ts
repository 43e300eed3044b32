/** The emulator's network faults (emulator/faults.ts), as a raw client sees them. */
import { describe, expect, it } from '@jest/globals'
import { request } from 'node:http'
import { connect } from 'node:net'
import { emulatorPerTest, KEY } from '../support/e2e.js'
import { apiOf, sleep } from '../support/emulator-client.js'

const emulator = emulatorPerTest({ windowMs: 200 })
const { api, prefetch } = apiOf(() => emulator.gcore)

describe('network faults', () => {
  it('cut-body: the client sees the answer end early', async () => {
    await emulator.restart({ windowMs: 200 })
    emulator.gcore.inject({ operation: 'limits', on: [1], fault: { kind: 'cut-body' } })
    await expect(api('/cdn/clients/me/limits')).rejects.toThrow(/aborted|premature|socket hang up|ECONNRESET/)
    expect(emulator.gcore.log[0]).toMatchObject({ answer: 200, fault: 'cut-body' })
  })

  it('trickle: a valid answer, about N ms per byte, and the request still counts', async () => {
    await emulator.restart({ windowMs: 200 })
    emulator.gcore.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'trickle', msPerByte: 4 } })
    const started = Date.now()
    const reply = await prefetch(1, ['/a.iso'])
    const elapsed = Date.now() - started
    const bytes = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'.length
    expect(reply.status).toBe(201)
    expect(elapsed).toBeGreaterThanOrEqual(bytes * 4 * 0.9)
    expect(elapsed).toBeLessThan(bytes * 4 * 5)
    expect(emulator.gcore.acceptedRequests('prefetch')).toHaveLength(1)
  })

  it('hang-after-headers: headers arrive, the body never does', async () => {
    await emulator.restart({ windowMs: 200 })
    emulator.gcore.inject({ operation: 'purge-status', on: [1], fault: { kind: 'hang-after-headers' } })
    const result = await new Promise<{ status: number; ended: boolean }>(resolve => {
      const req = request(
        `${emulator.gcore.url}/cdn/purge_statuses`,
        { headers: { Authorization: `APIKey ${KEY}` }, agent: false },
        res => {
          let ended = false
          res.on('end', () => (ended = true))
          res.on('error', () => undefined)
          res.resume()
          setTimeout(() => resolve({ status: res.statusCode ?? 0, ended }), 250)
        }
      )
      req.on('error', () => undefined)
      req.end()
    })
    expect(result).toEqual({ status: 200, ended: false })
  })

  it('never-close: a complete answer, then the connection stays open after the client half-closes', async () => {
    await emulator.restart({ windowMs: 200 })
    emulator.gcore.inject({ operation: 'limits', on: [1], fault: { kind: 'never-close' } })
    const socket = connect({ host: '127.0.0.1', port: emulator.gcore.port, allowHalfOpen: true })
    let received = ''
    let serverEnded = false
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')))
    socket.on('end', () => (serverEnded = true))
    socket.write(`GET /cdn/clients/me/limits HTTP/1.1\r\nHost: x\r\nAuthorization: APIKey ${KEY}\r\n\r\n`)
    socket.end()
    await sleep(300)
    const [head, body] = received.split('\r\n\r\n')
    expect(head).toMatch(/^HTTP\/1\.1 200 /)
    expect(Buffer.byteLength(body)).toBe(Number(/Content-Length: (\d+)/i.exec(head)![1]))
    expect(JSON.parse(body)).toHaveProperty('purge_request_limit')
    expect(serverEnded).toBe(false)
    socket.destroy()
  })

  it('huge-body: a 200 kB HTML page of "<", status 502 unless given', async () => {
    await emulator.restart({ windowMs: 200 })
    emulator.gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'huge-body' } })
    emulator.gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'huge-body', status: 503, bytes: 1000 } })
    const first = await prefetch(1, ['/a.iso'])
    expect([first.status, first.headers['content-type'], first.bytes, /^<+$/.test(first.text)]).toEqual([502, 'text/html', 200_000, true])
    const second = await prefetch(1, ['/a.iso'])
    expect([second.status, second.text.length]).toEqual([503, 1000])
    expect(emulator.gcore.acceptedRequests('prefetch')).toHaveLength(0)
  })

  it('status faults on every request or a range, with any headers', async () => {
    await emulator.restart({ windowMs: 200 })
    emulator.gcore.inject({
      operation: 'resources',
      on: [{ from: 2, to: 3 }],
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '-1' } }
    })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await api('/cdn/resources')).status)
    expect(statuses).toEqual([200, 429, 429, 200])
    emulator.gcore.inject({ operation: 'rules', on: 'every', fault: { kind: 'status', status: 500 } })
    expect((await api('/cdn/resources/1/rules')).status).toBe(500)
    expect((await api('/cdn/resources/1/rules')).status).toBe(500)
  })

  it('stop() destroys hanging, trickling and never-closing connections', async () => {
    await emulator.restart({ windowMs: 200 })
    emulator.gcore.inject({ operation: 'any', on: [1], fault: { kind: 'hang' } })
    emulator.gcore.inject({ operation: 'any', on: [2], fault: { kind: 'trickle', msPerByte: 1000 } })
    emulator.gcore.inject({ operation: 'any', on: [3], fault: { kind: 'never-close' } })
    const ended: Promise<void>[] = []
    const sockets = []
    for (let i = 0; i < 3; i++) {
      const socket = connect({ host: '127.0.0.1', port: emulator.gcore.port, allowHalfOpen: true })
      sockets.push(socket.resume())
      // Half-open client sockets see the server's side go as 'end' (or a reset as 'error').
      ended.push(new Promise(resolve => (socket.on('end', () => resolve()), socket.on('error', () => resolve()))))
      socket.write(`GET /cdn/clients/me/limits HTTP/1.1\r\nHost: x\r\nAuthorization: APIKey ${KEY}\r\n\r\n`)
      await sleep(30)
    }
    const started = Date.now()
    await emulator.gcore.stop()
    await Promise.all(ended)
    expect(Date.now() - started).toBeLessThan(500)
    for (const socket of sockets) socket.destroy()
  })
})
