/**
 * The emulator's origin servers over real HTTP(S) on 127.0.0.1: what each
 * source answers (HEAD, GET, ranges, ETag, Last-Modified, 404, 403, vhost),
 * versions published late or to some sources only, the request log, TLS,
 * and faults on origin requests.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { GcoreEmulator, type EmulatorOptions } from '../../emulator/gcore-emulator.js'
import { ROOT } from '../support/run-action.js'
import { api, KEY, MiB, send, waitFor } from '../support/emulator-client.js'

let gcore: GcoreEmulator | undefined

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<GcoreEmulator> {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 100, ...options })
  await gcore.start()
  return gcore
}

afterEach(async () => {
  await gcore?.stop()
  gcore = undefined
})

const origin = (index: number, path: string, init: Parameters<typeof send>[1] = {}) => send(`${gcore!.originUrls[index]}${path}`, init)
const etagOf = async (index: number, path: string) => (await origin(index, path, { method: 'HEAD' })).headers.etag

describe('an origin source', () => {
  it('every emulator has one, serving any path as the default file: 300 MiB, version 1', async () => {
    const started = Date.now()
    await emulator()
    expect(gcore!.originUrls).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/)])
    const reply = await origin(0, '/any/where.iso', { method: 'HEAD' })
    expect(reply.status).toBe(200)
    expect(reply.headers).toMatchObject({
      'content-length': String(300 * MiB),
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
      etag: `"v1-${300 * MiB}"`
    })
    const modified = Date.parse(reply.headers['last-modified']!)
    expect(modified).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000)
    expect(modified).toBeLessThanOrEqual(Date.now())
    expect(reply.headers.date).toBeDefined()
  })

  it('answers GET with the bytes, and one range with 206 and Content-Range', async () => {
    await emulator({ origin: { '/small.bin': { size: 1000 } } })
    const whole = await origin(0, '/small.bin')
    expect([whole.status, whole.bytes, whole.headers['content-length'], /^\0+$/.test(whole.text)]).toEqual([200, 1000, '1000', true])
    const cases: [string, number, string | undefined, number][] = [
      ['bytes=0-99', 206, 'bytes 0-99/1000', 100],
      ['bytes=990-', 206, 'bytes 990-999/1000', 10],
      ['bytes=-1', 206, 'bytes 999-999/1000', 1],
      ['bytes=900-5000', 206, 'bytes 900-999/1000', 100],
      ['bytes=1000-', 416, 'bytes */1000', -1],
      ['bytes=5-1', 416, 'bytes */1000', -1],
      ['bytes=0-1,5-6', 200, undefined, 1000],
      ['items=0-1', 200, undefined, 1000]
    ]
    for (const [range, status, contentRange, length] of cases) {
      const reply = await origin(0, '/small.bin', { headers: { Range: range } })
      expect([range, reply.status, reply.headers['content-range']]).toEqual([range, status, contentRange])
      if (length >= 0) expect([range, reply.bytes, reply.headers.etag]).toEqual([range, length, '"v1-1000"'])
    }
    const post = await origin(0, '/small.bin', { method: 'POST' })
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD'])
  })

  it('logs every request: source, method, path, Host header, Range, status, version', async () => {
    await emulator()
    await origin(0, '/a.iso?x=1', { method: 'HEAD', headers: { Host: 'origin.example.com' } })
    await origin(0, '/a.iso', { headers: { Range: 'bytes=-1' } })
    expect(gcore!.originLog).toEqual([
      {
        at: expect.any(Number),
        source: 0,
        sourceUrl: gcore!.originUrls[0],
        method: 'HEAD',
        path: '/a.iso?x=1',
        host: 'origin.example.com',
        range: undefined,
        status: 200,
        version: 1
      },
      expect.objectContaining({ method: 'GET', range: 'bytes=-1', status: 206, host: expect.stringMatching(/^127\.0\.0\.1:\d+$/) })
    ])
  })

  it('404 for what a source does not hold: missing paths, and any unpublished path with onlyPublished', async () => {
    await emulator({
      origin: { '/kept.iso': { size: 10 } },
      originGroups: [{ id: 1, sources: [{ missing: ['/gone.iso', '/a b.iso'] }, { onlyPublished: true }] }]
    })
    const gone = await origin(0, '/gone.iso')
    expect([gone.status, gone.headers['content-type'], gone.text]).toEqual([404, 'text/html', expect.stringContaining('404 Not Found')])
    expect((await origin(0, '/a%20b.iso', { method: 'HEAD' })).status).toBe(404)
    expect((await origin(0, '/other.iso', { method: 'HEAD' })).status).toBe(200)
    expect((await origin(1, '/other.iso', { method: 'HEAD' })).status).toBe(404)
    expect((await origin(1, '/kept.iso', { method: 'HEAD' })).headers['content-length']).toBe('10')
    gcore!.publish('/new.iso', { size: 20 }, { sources: [1] })
    expect((await origin(1, '/new.iso', { method: 'HEAD' })).headers.etag).toBe('"v2-20"')
  })

  it('an ACL answers 403 to every HTTP request, while the CDN still fetches through it', async () => {
    await emulator({ originGroups: [{ id: 1, sources: [{ acl: true }] }] })
    for (const method of ['HEAD', 'GET', 'DELETE']) expect((await origin(0, '/a.iso', { method })).status).toBe(403)
    expect((await api(gcore!.url, '/cdn/resources/1/prefetch', { body: { paths: ['/a.iso'] } })).status).toBe(201)
    expect(gcore!.cacheState(1, '/a.iso').complete).toBe(true)
  })

  it('a vhost answers only its own Host header (any case, port ignored); others get the default server 404', async () => {
    await emulator({ originGroups: [{ id: 1, sources: [{ vhost: 'origin.example.com' }] }] })
    expect((await origin(0, '/a.iso', { method: 'HEAD', headers: { Host: 'Origin.Example.com:8080' } })).status).toBe(200)
    expect((await origin(0, '/a.iso', { method: 'HEAD', headers: { Host: 'cdn.example.com' } })).status).toBe(404)
    expect((await origin(0, '/a.iso', { method: 'HEAD' })).status).toBe(404)
    expect(gcore!.originLog.map(entry => [entry.host?.replace(/:\d+$/, ''), entry.status])).toEqual([
      ['Origin.Example.com', 200],
      ['cdn.example.com', 404],
      ['127.0.0.1', 404]
    ])
  })

  it('serves https with the key and certificate given', async () => {
    const tls = join(ROOT, '__tests__', 'fixtures', 'tls')
    const [key, cert, ca] = ['server.key', 'server.pem', 'ca.pem'].map(file => readFileSync(join(tls, file), 'utf8'))
    await emulator({ originGroups: [{ id: 1, sources: [{ tls: { key, cert } }, {}] }] })
    expect(gcore!.originUrls[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(gcore!.originUrls[1]).toMatch(/^http:\/\//)
    const reply = await origin(0, '/a.iso', { method: 'HEAD', tls: { ca, servername: 'api.gcore.test' } })
    expect([reply.status, reply.headers.etag]).toEqual([200, `"v1-${300 * MiB}"`])
  })
})

describe('versions', () => {
  it('a publication becomes visible after its delay, with a new ETag and Last-Modified', async () => {
    await emulator({ origin: { '/v/a.iso': { size: 700 * MiB, version: 1 } } })
    const before = await origin(0, '/v/a.iso', { method: 'HEAD' })
    const published = gcore!.publish('/v/a.iso', { size: 734003200 }, { delayMs: 300 })
    expect(published).toEqual({ size: 734003200, version: 2, etag: '"v2-734003200"', modifiedAt: expect.any(Number) })
    expect((await origin(0, '/v/a.iso', { method: 'HEAD' })).headers.etag).toBe(before.headers.etag)
    await waitFor(async () => (await etagOf(0, '/v/a.iso')) === '"v2-734003200"', 'the new version')
    expect(Date.now() - published.modifiedAt).toBeGreaterThanOrEqual(300)
    const after = await origin(0, '/v/a.iso', { method: 'HEAD' })
    expect(after.headers['content-length']).toBe('734003200')
    expect(Date.parse(after.headers['last-modified']!)).toBeGreaterThanOrEqual(Math.floor((published.modifiedAt + 300) / 1000) * 1000)
  })

  it('one source lags behind the other; setOrigin reaches the others at once; publish can skip a source', async () => {
    await emulator({ originGroups: [{ id: 1, sources: [{}, { lagMs: 300 }, {}] }] })
    gcore!.setOrigin('/a.iso', { size: 2000, version: 'v2' })
    expect(await etagOf(0, '/a.iso')).toBe('"v2-2000"')
    expect(await etagOf(1, '/a.iso')).toBe(`"v1-${300 * MiB}"`)
    await waitFor(async () => (await etagOf(1, '/a.iso')) === '"v2-2000"', 'the lagging source')
    gcore!.publish('/a.iso', { size: 3000, version: 3 }, { sources: [0, 1] })
    expect(await etagOf(0, '/a.iso')).toBe('"v3-3000"')
    expect(await etagOf(1, '/a.iso')).toBe('"v2-2000"')
    expect(await etagOf(2, '/a.iso')).toBe('"v2-2000"') // not sent there
    expect(() => gcore!.publish('/a.iso', { size: 1 }, { sources: [3] })).toThrow(/no origin source 3/)
    expect(() => gcore!.publish('/a.iso', { size: 1, version: 'has space' })).toThrow(/printable/)
    expect(() => gcore!.publish('/a.iso', { size: 3000, version: 'v3' })).toThrow(/same ETag as version 3/)
  })
})

describe('faults on origin requests', () => {
  it('count HTTP requests to any source, not the CDN fetches, and apply every kind', async () => {
    await emulator({ origin: { '/small.bin': { size: 1000 } }, originGroups: [{ id: 1, sources: [{}, {}] }] })
    gcore!.inject({ operation: 'origin', on: [1], fault: { kind: 'reset' } })
    gcore!.inject({ operation: 'origin', on: [2], fault: { kind: 'status', status: 503, headers: { 'Retry-After': '1' } } })
    gcore!.inject({ operation: 'origin', on: [3], fault: { kind: 'cut-body', bytesSent: 10 } })
    await expect(origin(0, '/small.bin')).rejects.toThrow(/socket hang up|ECONNRESET/)
    await api(gcore!.url, '/cdn/resources/1/prefetch', { body: { paths: ['/small.bin'] } })
    const unavailable = await origin(1, '/small.bin')
    expect([unavailable.status, unavailable.headers['retry-after']]).toEqual([503, '1'])
    await expect(origin(0, '/small.bin')).rejects.toThrow(/aborted|premature|ECONNRESET/)
    expect((await origin(1, '/small.bin')).status).toBe(200)
    expect(gcore!.originLog.map(entry => [entry.source, entry.status, entry.fault])).toEqual([
      [0, 'reset', 'reset'],
      [1, 503, 'status'],
      [0, 200, 'cut-body'],
      [1, 200, undefined]
    ])
  })
})
