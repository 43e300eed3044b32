/**
 * The Gcore emulator itself, against its real servers on 127.0.0.1: resource
 * endpoints and roles, rate lanes, the per-slice cache model and the edge,
 * every network fault, the fault grammar, and the command line.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { CLI_FLAGS, HELP, parseCliArgs, parseResourceSpec } from '../emulator/cli-args.js'
import { GcoreEmulator, parseFaultSpec, type EmulatorOptions } from '../emulator/gcore-emulator.js'
import { ROOT } from './support/run-action.js'

const KEY = 'test-key'
const MiB = 1024 * 1024
let gcore: GcoreEmulator | undefined

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<GcoreEmulator> {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200, ...options })
  await gcore.start()
  return gcore
}

afterEach(async () => {
  await gcore?.stop()
  gcore = undefined
})

interface Reply {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: unknown
}

/** One request on its own connection; rejects on a network error, as a client would see it. */
function send(
  url: string,
  init: { method?: string; key?: string | null; body?: unknown; headers?: Record<string, string>; path?: string } = {}
): Promise<Reply> {
  const target = new URL(url)
  const headers: Record<string, string> = { ...init.headers }
  if (init.key !== null) headers.Authorization = `APIKey ${init.key ?? KEY}`
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body)
  if (payload !== undefined) headers['Content-Type'] = 'application/json'
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: init.path ?? `${target.pathname}${target.search}`,
        method: init.method ?? (payload ? 'POST' : 'GET'),
        headers,
        agent: false
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown = undefined
          try {
            json = JSON.parse(text)
          } catch {
            // not JSON: the test reads text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
      }
    )
    req.on('error', reject)
    req.end(payload)
  })
}

const api = (path: string, init: Parameters<typeof send>[1] = {}): Promise<Reply> => send(`${gcore!.url}${path}`, init)
const prefetch = (resource: number, paths: string[], key?: string) => api(`/cdn/resources/${resource}/prefetch`, { body: { paths }, key })
const purge = (resource: number, body: unknown, key?: string) => api(`/cdn/resources/${resource}/purge`, { body, key })
const head = (edge: string, path: string, host?: string) =>
  send(`${edge}${path}`, { method: 'HEAD', key: null, headers: host ? { Host: host } : {} })
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
  }
}

describe('resources and rules', () => {
  const rule = {
    id: 7,
    name: 'Videos',
    rule: '^/videos/',
    ruleType: 0 as const,
    weight: 1,
    options: { ignoreQueryString: { enabled: true, value: true } }
  }
  const resources = [
    {
      id: 10,
      cname: 'cdn.example.com',
      secondaryHostnames: ['Files.Example.com'],
      options: { slice: { enabled: true, value: true } },
      rules: [rule]
    },
    { id: 11, cname: 'static.example.org', embedRules: true, rules: [rule], sslEnabled: true },
    { id: 12, status: 'suspended' as const },
    { id: 13, status: 'deleted' as const }
  ]

  it('serves a resource in Gcore shape, rules embedded only when asked', async () => {
    await emulator({ resources })
    const plain = await api('/cdn/resources/10')
    expect(plain.status).toBe(200)
    expect(plain.json).toMatchObject({
      id: 10,
      cname: 'cdn.example.com',
      secondaryHostnames: ['Files.Example.com'],
      status: 'active',
      active: true,
      deleted: false,
      suspended: false,
      sslEnabled: false,
      can_purge_by_urls: true,
      rules: [],
      options: { slice: { enabled: true, value: true } }
    })
    expect((await api('/cdn/resources/11')).json).toMatchObject({
      sslEnabled: true,
      rules: [{ id: 7, rule: '^/videos/', ruleType: 0, weight: 1, active: true }]
    })
    expect((await api('/cdn/resources/12')).json).toMatchObject({ status: 'suspended', suspended: true, active: false })
  })

  it('answers 404 for IDs it was not given, on every endpoint', async () => {
    await emulator({ resources })
    for (const reply of [
      await api('/cdn/resources/99'),
      await api('/cdn/resources/99/rules'),
      await prefetch(99, ['/a.iso']),
      await purge(99, { urls: ['/a.iso'] })
    ]) {
      expect([reply.status, reply.json]).toEqual([404, { detail: 'Not found.' }])
    }
  })

  it('knows every numeric ID with defaults when given no resources', async () => {
    await emulator()
    expect((await api('/cdn/resources/123456')).json).toMatchObject({
      id: 123456,
      cname: 'cdn123456.example.com',
      status: 'active',
      can_purge_by_urls: true,
      sslEnabled: false,
      rules: []
    })
    expect((await api('/cdn/resources?cname=CDN202.example.com')).json).toMatchObject([{ id: 202 }])
  })

  it('lists rules as a plain array, or a page with limit', async () => {
    await emulator({ resources })
    expect((await api('/cdn/resources/10/rules')).json).toMatchObject([
      { id: 7, name: 'Videos', options: { ignoreQueryString: { enabled: true } } }
    ])
    expect((await api('/cdn/resources/10/rules?limit=1')).json).toMatchObject({
      count: 1,
      next: null,
      previous: null,
      results: [{ id: 7 }]
    })
    expect((await api('/cdn/resources/10/rules/7')).json).toMatchObject({ id: 7 })
    expect((await api('/cdn/resources/10/rules/8')).status).toBe(404)
    expect((await api('/cdn/resources/10/rules?limit=0')).status).toBe(400)
  })

  it('filters the list by cname and secondary hostname (exact, any case), status and deleted, and pages it', async () => {
    await emulator({ resources })
    const ids = async (query: string) => ((await api(`/cdn/resources${query}`)).json as { id: number }[]).map(resource => resource.id)
    expect(await ids('')).toEqual([10, 11, 12, 13])
    expect(await ids('?cname=CDN.EXAMPLE.COM')).toEqual([10])
    expect(await ids('?cname=example.com')).toEqual([])
    expect(await ids('?secondaryHostnames=files.example.com')).toEqual([10])
    expect(await ids('?status=suspended')).toEqual([12])
    expect(await ids('?deleted=true')).toEqual([13])
    const page = (await api('/cdn/resources?limit=2&offset=1')).json as { count: number; next: string; results: { id: number }[] }
    expect(page).toMatchObject({ count: 4, results: [{ id: 11 }, { id: 12 }] })
    expect(new URL(page.next).searchParams.get('offset')).toBe('3')
    for (const bad of ['?limit=0', '?limit=1001', '?limit=x', '?status=gone']) expect((await api(`/cdn/resources${bad}`)).status).toBe(400)
  })

  it('a restricted key may purge, prefetch and read limits and purge statuses, but gets 403 on resources', async () => {
    await emulator({ restrictedKeys: ['purge-only'] })
    const forbidden = { detail: 'You do not have permission to perform this action.' }
    for (const path of ['/cdn/resources/1', '/cdn/resources/1/rules', '/cdn/resources']) {
      const reply = await api(path, { key: 'purge-only' })
      expect([reply.status, reply.json]).toEqual([403, forbidden])
    }
    expect((await prefetch(1, ['/a.iso'], 'purge-only')).status).toBe(201)
    expect((await purge(1, { urls: ['/a.iso'] }, 'purge-only')).status).toBe(201)
    expect((await api('/cdn/clients/me/limits', { key: 'purge-only' })).status).toBe(200)
    expect((await api('/cdn/purge_statuses', { key: 'purge-only' })).status).toBe(200)
    const refused = await api('/cdn/resources/1', { key: 'other' })
    expect([refused.status, refused.json]).toEqual([401, { detail: 'Invalid authentication credentials.' }])
  })

  it('refuses purge by URL where can_purge_by_urls is false, but not a pattern purge', async () => {
    await emulator({ resources: [{ id: 1, can_purge_by_urls: false }] })
    const reply = await purge(1, { urls: ['/a.iso'] })
    expect([reply.status, reply.json]).toEqual([
      400,
      { errors: { urls: ['Purge by URLs is not allowed. To purge by URLs, contact support.'] } }
    ])
    expect((await purge(1, { paths: ['/a.iso'] })).status).toBe(201)
  })

  it('refuses purge and prefetch on suspended (400) and deleted (404) resources', async () => {
    await emulator({ resources })
    const suspended = await prefetch(12, ['/a.iso'])
    expect(suspended.status).toBe(400)
    expect(suspended.json).toEqual({ detail: expect.stringContaining('suspended') })
    expect((await purge(13, { paths: [] })).status).toBe(404)
  })
})

describe('rate lanes', () => {
  it('purge by pattern and purge all share one lane; purge by URL and prefetch have their own', async () => {
    await emulator({ windowMs: 600 }) // room for nine requests inside one window on a busy machine
    expect((await purge(5, { paths: ['/v/'] })).status).toBe(201)
    expect((await purge(5, { paths: [] })).status).toBe(429)
    expect((await purge(5, { paths: ['/w/'] })).status).toBe(429)
    expect((await purge(5, { urls: ['/a'] })).status).toBe(201)
    expect((await purge(5, { urls: ['/b'] })).status).toBe(201)
    expect((await purge(5, { urls: ['/c'] })).status).toBe(429)
    expect((await prefetch(5, ['/a'])).status).toBe(201)
    expect((await prefetch(5, ['/a'])).status).toBe(429)
    expect((await purge(6, { paths: [] })).status).toBe(201) // per resource
    await sleep(620)
    expect((await purge(5, { paths: [] })).status).toBe(201)
  })

  it('reports the lanes in the account limits', async () => {
    await emulator({ windowMs: 60_000, rates: { prefetch: 3, purge_by_url: 2, purge_by_pattern: 1 } })
    expect((await api('/cdn/clients/me/limits')).json).toMatchObject({
      prefetch_pattern_limit: 100,
      prefetch_request_limit: '3/m',
      purge_max_urls_limit: 100,
      purge_by_urls_request_limit: '2/m',
      purge_pattern_limit: 10,
      purge_request_limit: '1/m'
    })
  })

  it('rejects a * inside a purge pattern', async () => {
    await emulator()
    expect((await purge(5, { paths: ['/v/*/a.iso'] })).status).toBe(400)
  })
})

describe('cache model and edge', () => {
  const sliced = [
    { id: 1, cname: 'cdn.example.com', secondaryHostnames: ['dl.example.com'], options: { slice: { enabled: true, value: true } } }
  ]
  const origin = { '/v/app.iso': { size: 25 * MiB } }

  it('a sliced file after a release: URL purge + prefetch leaves old parts, whose last one tells the old size', async () => {
    await emulator({ resources: sliced, origin })
    const edge = await gcore!.startEdge()
    await prefetch(1, ['/v/app.iso'])
    expect(gcore!.cacheState(1, '/v/app.iso').parts.map(part => part.bytes)).toEqual([10 * MiB, 10 * MiB, 5 * MiB])
    const fresh = await head(edge, '/v/app.iso', 'cdn.example.com')
    expect([fresh.headers.cache, fresh.headers['content-length'], fresh.headers['x-id']]).toEqual([
      'HIT',
      String(25 * MiB),
      'edge-emulator'
    ])

    gcore!.setOrigin('/v/app.iso', { size: 28 * MiB })
    await purge(1, { urls: ['/v/app.iso'] })
    expect((await head(edge, '/v/app.iso', 'cdn.example.com')).headers.cache).toBe('MISS')
    await sleep(210)
    await prefetch(1, ['/v/app.iso'])
    const stitched = await head(edge, '/v/app.iso', 'cdn.example.com')
    expect(stitched.headers.cache).toBe('HIT')
    expect(stitched.headers['content-length']).toBe(String(28 * MiB)) // a HEAD tells part 0, which is new
    const last = await send(`${edge}/v/app.iso`, { key: null, headers: { Host: 'cdn.example.com', Range: 'bytes=-1' } })
    expect([last.status, last.headers.cache, last.headers['content-range']]).toEqual([
      206,
      'HIT',
      `bytes ${25 * MiB - 1}-${25 * MiB - 1}/${25 * MiB}`
    ])
    expect(gcore!.cacheState(1, '/v/app.iso').parts.map(part => part.version)).toEqual([2, 1, 1])
    expect(gcore!.isStale(1, '/v/app.iso')).toBe(true)
  })

  it('a pattern purge + prefetch brings every part to the new version (BYPASS in between)', async () => {
    await emulator({ resources: sliced, origin })
    const edge = await gcore!.startEdge()
    await prefetch(1, ['/v/app.iso'])
    gcore!.setOrigin('/v/app.iso', { size: 28 * MiB, version: 'v2' })
    expect((await purge(1, { paths: ['/v/*'] })).status).toBe(201)
    expect((await head(edge, '/v/app.iso', 'dl.example.com')).headers.cache).toBe('BYPASS')
    await sleep(210)
    await prefetch(1, ['/v/app.iso'])
    const reply = await head(edge, '/v/app.iso', 'dl.example.com')
    expect([reply.headers.cache, reply.headers['content-length']]).toEqual(['HIT', String(28 * MiB)])
    expect(gcore!.cacheState(1, '/v/app.iso').versions).toEqual(new Set(['v2']))
    expect(gcore!.isStale(1, '/v/app.iso')).toBe(false)
  })

  it('purge all clears the resource and records every purge kind in the history', async () => {
    await emulator({ resources: sliced })
    const edge = await gcore!.startEdge(1)
    await prefetch(1, ['/a.iso', '/b/c.iso'])
    await purge(1, { paths: [] })
    expect((await head(edge, '/b/c.iso')).headers.cache).toBe('BYPASS')
    await sleep(210)
    await purge(1, { paths: ['/b'] })
    await purge(1, { urls: ['/a.iso'] })
    const history = (await api('/cdn/purge_statuses')).json as { purge_type: string; payload: unknown; resource: unknown }[]
    expect(history.map(purge => [purge.purge_type, purge.payload])).toEqual([
      ['purge_all', { paths: [] }],
      ['purge_by_pattern', { paths: ['/b'] }],
      ['purge_by_url', { urls: ['http://cdn.example.com/a.iso'] }]
    ])
    expect(history[0].resource).toEqual({ id: 1, cname: 'cdn.example.com' })
  })

  it('without slice, a URL purge + prefetch gives the new version', async () => {
    await emulator({ origin })
    await prefetch(3, ['/v/app.iso'])
    gcore!.setOrigin('/v/app.iso', { size: 28 * MiB })
    await purge(3, { urls: ['/v/app.iso'] })
    await sleep(210)
    await prefetch(3, ['/v/app.iso'])
    expect(gcore!.cacheState(3, '/v/app.iso')).toMatchObject({ parts: [{ index: 0, version: 2, bytes: 28 * MiB }], complete: true })
  })

  it('with proxy_cache_key, a pattern purge is accepted and clears nothing', async () => {
    await emulator({ resources: [{ id: 1, options: { proxy_cache_key: { enabled: true, value: '$scheme$uri' } } }] })
    const edge = await gcore!.startEdge(1)
    await prefetch(1, ['/v/a.iso'])
    expect((await purge(1, { paths: ['/v/'] })).status).toBe(201)
    expect((await head(edge, '/v/a.iso')).headers.cache).toBe('HIT')
    await sleep(210)
    await purge(1, { paths: [] })
    expect((await head(edge, '/v/a.iso')).headers.cache).toBe('BYPASS')
  })

  it('builds cache keys from the query options, a matching rule overriding the resource', async () => {
    const rules = [{ id: 1, rule: '^/ignored/', options: { ignoreQueryString: { enabled: true, value: true } } }]
    await emulator({
      resources: [
        { id: 1, options: { query_params_whitelist: { enabled: true, value: ['v'] } }, rules },
        { id: 2, options: { query_params_blacklist: { enabled: true, value: ['utm'] } } }
      ]
    })
    await prefetch(1, ['/a.iso?v=1&utm=x', '/ignored/b.iso?v=1'])
    await prefetch(2, ['/a.iso?v=1&utm=x'])
    const key = (resource: number, path: string) => gcore!.cacheState(resource, path)
    expect(key(1, '/a.iso?utm=y&v=1')).toMatchObject({ key: '/a.iso?v=1', complete: true })
    expect(key(1, '/a.iso?v=2').complete).toBe(false)
    expect(key(1, '/ignored/b.iso?v=9')).toMatchObject({ key: '/ignored/b.iso', complete: true })
    expect(key(2, '/a.iso?v=1&utm=z')).toMatchObject({ key: '/a.iso?v=1', complete: true })
    expect(key(2, '/a.iso?v=2&utm=x').complete).toBe(false)
  })

  it('a purge by URL with a query the cache key drops misses the file', async () => {
    await emulator({ resources: [{ id: 1, options: { ignoreQueryString: { enabled: true, value: true } } }] })
    await prefetch(1, ['/a.iso'])
    await purge(1, { urls: ['/a.iso?v=1'] })
    expect(gcore!.cacheState(1, '/a.iso').complete).toBe(true)
    await purge(1, { urls: ['/a.iso'] })
    expect(gcore!.cacheState(1, '/a.iso').complete).toBe(false)
  })

  it('hides the Cache header as the hiding policy says; Content-Length always stays', async () => {
    await emulator({
      resources: [
        {
          id: 1,
          cname: 'show.example.com',
          options: { response_headers_hiding_policy: { enabled: true, mode: 'show', excepted: ['cache'] } }
        },
        {
          id: 2,
          cname: 'hide.example.com',
          options: { response_headers_hiding_policy: { enabled: true, mode: 'hide', excepted: ['Cache', 'Content-Length'] } }
        },
        { id: 3, cname: 'all.example.com', options: { response_headers_hiding_policy: { enabled: true, mode: 'hide', excepted: [] } } }
      ]
    })
    const edge = await gcore!.startEdge()
    const show = await head(edge, '/a.iso', 'show.example.com')
    expect([show.headers.cache, show.headers['x-id'], show.headers['content-length']]).toEqual([
      undefined,
      'edge-emulator',
      String(300 * MiB)
    ])
    const hide = await head(edge, '/a.iso', 'hide.example.com')
    expect([hide.headers.cache, hide.headers['x-id']]).toEqual(['MISS', undefined])
    const all = await head(edge, '/a.iso', 'all.example.com')
    expect([all.headers.cache, all.headers['content-length']]).toEqual([undefined, String(300 * MiB)])
  })

  it('works as an HTTP proxy (absolute-form targets), and GET sends the bytes it announces', async () => {
    await emulator({ resources: [{ id: 1, cname: 'cdn.example.com' }], origin: { '/small.bin': { size: 100_000 } } })
    const edge = await gcore!.startEdge()
    await prefetch(1, ['/small.bin'])
    const viaProxy = await send(edge, {
      method: 'GET',
      key: null,
      path: 'http://cdn.example.com/small.bin',
      headers: { Host: 'cdn.example.com' }
    })
    expect([viaProxy.status, viaProxy.headers.cache, viaProxy.headers['content-length'], viaProxy.text.length]).toEqual([
      200,
      'HIT',
      '100000',
      100_000
    ])
    expect(gcore!.edgeLog.at(-1)).toMatchObject({ host: 'cdn.example.com', resource: 1, cache: 'HIT' })
  })

  it('a purge takes effect when its status turns Successful', async () => {
    await emulator({ purgeStatus: { durationMs: 300 } })
    const edge = await gcore!.startEdge(4)
    await prefetch(4, ['/a.iso'])
    await purge(4, { urls: ['/a.iso'] })
    expect((await head(edge, '/a.iso')).headers.cache).toBe('HIT')
    await sleep(320)
    expect((await head(edge, '/a.iso')).headers.cache).toBe('MISS')
  })
})

describe('network faults', () => {
  it('cut-body: the client sees the answer end early', async () => {
    await emulator()
    gcore!.inject({ operation: 'limits', on: [1], fault: { kind: 'cut-body' } })
    await expect(api('/cdn/clients/me/limits')).rejects.toThrow(/aborted|premature|socket hang up|ECONNRESET/)
    expect(gcore!.log[0]).toMatchObject({ answer: 200, fault: 'cut-body' })
  })

  it('trickle: a valid answer, about N ms per byte, and the request still counts', async () => {
    await emulator()
    gcore!.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'trickle', msPerByte: 4 } })
    const started = Date.now()
    const reply = await prefetch(1, ['/a.iso'])
    const elapsed = Date.now() - started
    const bytes = 'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'.length
    expect(reply.status).toBe(201)
    expect(elapsed).toBeGreaterThanOrEqual(bytes * 4 * 0.9)
    expect(elapsed).toBeLessThan(bytes * 4 * 5)
    expect(gcore!.acceptedRequests('prefetch')).toHaveLength(1)
  })

  it('hang-after-headers: headers arrive, the body never does', async () => {
    await emulator()
    gcore!.inject({ operation: 'purge-status', on: [1], fault: { kind: 'hang-after-headers' } })
    const result = await new Promise<{ status: number; ended: boolean }>(resolve => {
      const req = request(`${gcore!.url}/cdn/purge_statuses`, { headers: { Authorization: `APIKey ${KEY}` }, agent: false }, res => {
        let ended = false
        res.on('end', () => (ended = true))
        res.on('error', () => undefined)
        res.resume()
        setTimeout(() => resolve({ status: res.statusCode ?? 0, ended }), 250)
      })
      req.on('error', () => undefined)
      req.end()
    })
    expect(result).toEqual({ status: 200, ended: false })
  })

  it('never-close: a complete answer, then the connection stays open after the client half-closes', async () => {
    await emulator()
    gcore!.inject({ operation: 'limits', on: [1], fault: { kind: 'never-close' } })
    const socket = connect({ host: '127.0.0.1', port: gcore!.port, allowHalfOpen: true })
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
    await emulator()
    gcore!.inject({ operation: 'prefetch', on: [1], fault: { kind: 'huge-body' } })
    gcore!.inject({ operation: 'prefetch', on: [2], fault: { kind: 'huge-body', status: 503, bytes: 1000 } })
    const first = await prefetch(1, ['/a.iso'])
    expect([first.status, first.headers['content-type'], first.text.length, /^<+$/.test(first.text)]).toEqual([
      502,
      'text/html',
      200_000,
      true
    ])
    const second = await prefetch(1, ['/a.iso'])
    expect([second.status, second.text.length]).toEqual([503, 1000])
    expect(gcore!.acceptedRequests('prefetch')).toHaveLength(0)
  })

  it('status faults on every request or a range, with any headers', async () => {
    await emulator()
    gcore!.inject({
      operation: 'resources',
      on: [{ from: 2, to: 3 }],
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': '-1' } }
    })
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await api('/cdn/resources')).status)
    expect(statuses).toEqual([200, 429, 429, 200])
    gcore!.inject({ operation: 'rules', on: 'every', fault: { kind: 'status', status: 500 } })
    expect((await api('/cdn/resources/1/rules')).status).toBe(500)
    expect((await api('/cdn/resources/1/rules')).status).toBe(500)
  })

  it('stop() destroys hanging, trickling and never-closing connections', async () => {
    await emulator()
    gcore!.inject({ operation: 'any', on: [1], fault: { kind: 'hang' } })
    gcore!.inject({ operation: 'any', on: [2], fault: { kind: 'trickle', msPerByte: 1000 } })
    gcore!.inject({ operation: 'any', on: [3], fault: { kind: 'never-close' } })
    const ended: Promise<void>[] = []
    const sockets = []
    for (let i = 0; i < 3; i++) {
      const socket = connect({ host: '127.0.0.1', port: gcore!.port, allowHalfOpen: true })
      sockets.push(socket.resume())
      // Half-open client sockets see the server's side go as 'end' (or a reset as 'error').
      ended.push(new Promise(resolve => (socket.on('end', () => resolve()), socket.on('error', () => resolve()))))
      socket.write(`GET /cdn/clients/me/limits HTTP/1.1\r\nHost: x\r\nAuthorization: APIKey ${KEY}\r\n\r\n`)
      await sleep(30)
    }
    const started = Date.now()
    await gcore!.stop()
    await Promise.all(ended)
    expect(Date.now() - started).toBeLessThan(500)
    for (const socket of sockets) socket.destroy()
    gcore = undefined
  })
})

describe('fault grammar', () => {
  it.each([
    ['prefetch:2=cut-body', { operation: 'prefetch', on: [2], fault: { kind: 'cut-body' } }],
    ['any:1,3=status:503', { operation: 'any', on: [1, 3], fault: { kind: 'status', status: 503 } }],
    [
      'prefetch:*=status:429:retry-after=0',
      { operation: 'prefetch', on: 'every', fault: { kind: 'status', status: 429, headers: { 'retry-after': '0' } } }
    ],
    ['limits:1=trickle:1000', { operation: 'limits', on: [1], fault: { kind: 'trickle', msPerByte: 1000 } }],
    ['purge:1-3=hang', { operation: 'purge', on: [{ from: 1, to: 3 }], fault: { kind: 'hang' } }],
    ['purge-status:4-=reset', { operation: 'purge-status', on: [{ from: 4 }], fault: { kind: 'reset' } }],
    ['resource:1=huge-body:5000:status=500', { operation: 'resource', on: [1], fault: { kind: 'huge-body', bytes: 5000, status: 500 } }],
    ['rules:1=never-close:status=204', { operation: 'rules', on: [1], fault: { kind: 'never-close', status: 204 } }],
    ['resources:2=cut-body:10', { operation: 'resources', on: [2], fault: { kind: 'cut-body', bytesSent: 10 } }],
    ['limits:1=hang-after-headers', { operation: 'limits', on: [1], fault: { kind: 'hang-after-headers' } }],
    [
      'prefetch:1=status:429:retry-after=Wed, 21 Oct 2015 07%3A28%3A00 GMT:body={"detail": "a:b"}',
      {
        operation: 'prefetch',
        on: [1],
        fault: { kind: 'status', status: 429, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' }, body: '{"detail": "a:b"}' }
      }
    ]
  ])('parses %s', (spec, rule) => {
    expect(parseFaultSpec(spec)).toEqual(rule)
  })

  it.each([
    ['prefetch', /no "="/],
    ['prefetch=hang', /does not say which requests/],
    ['fetch:1=hang', /unknown operation "fetch"/],
    ['prefetch:x=hang', /"x" is not a request number/],
    ['prefetch:0=hang', /counted from 1/],
    ['prefetch:3-1=hang', /ends before it starts/],
    ['prefetch:1=explode', /unknown fault "explode"/],
    ['prefetch:1=status', /needs its status code/],
    ['prefetch:1=status:99', /not between 100 and 599/],
    ['prefetch:1=status:abc', /"abc" is not a whole number/],
    ['prefetch:1=hang:5', /"5" is not a <parameter>=<value> \(hang takes no number\)/],
    ['prefetch:1=reset:x=1', /reset takes no parameters/],
    ['prefetch:1=trickle:fast', /milliseconds per byte "fast"/],
    ['prefetch:1=status:503:bad header=1', /"bad header" is not a header name/],
    ['prefetch:1=status:503:retry-after=%zz', /bad percent-escape/]
  ])('rejects %s, naming the bad part', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(message)
  })
})

describe('command line', () => {
  it('parses flags, resource specs and faults into emulator options', () => {
    const parsed = parseCliArgs([
      '--port=0',
      '--window',
      '0.5',
      '--restricted-key',
      'ro',
      '--resource',
      'id=123456,cname=cdn.example.com,slice=on,can_purge_by_urls=false,ignore_query=on,ssl=off,status=active,secondary=a.example.com|b.example.com',
      '--origin',
      'path=/v/a.iso,size=700MiB,version=2',
      '--fault',
      'prefetch:2=cut-body'
    ])
    expect(parsed).toMatchObject({
      help: false,
      config: {
        port: 0,
        edgePort: 0,
        quiet: false,
        faults: [{ operation: 'prefetch', on: [2], fault: { kind: 'cut-body' } }],
        options: {
          apiKey: 'test-key',
          restrictedKeys: ['ro'],
          windowMs: 500,
          origin: { '/v/a.iso': { size: 700 * MiB, version: 2 } },
          resources: [
            {
              id: 123456,
              cname: 'cdn.example.com',
              secondaryHostnames: ['a.example.com', 'b.example.com'],
              status: 'active',
              can_purge_by_urls: false,
              sslEnabled: false,
              options: { slice: { enabled: true, value: true }, ignoreQueryString: { enabled: true, value: true } }
            }
          ]
        }
      }
    })
  })

  it.each([
    ['id=1,slice=maybe', /slice=maybe: expected on or off/],
    ['cname=x.example.com', /id=<positive integer> is required/],
    ['id=1,colour=blue', /unknown key "colour"/],
    ['id=1,ignore_query=on,query_whitelist=v', /cannot be combined/],
    ['id=1,status=gone', /status=gone/]
  ])('rejects --resource %s', (spec, message) => {
    expect(() => parseResourceSpec(spec)).toThrow(message)
  })

  it('--help lists every flag and exits 0; the server prints one line per request and stops on SIGTERM', async () => {
    const built = buildEmulator()
    const help = spawnSync(process.execPath, [join(built, 'cli.js'), '--help'], { encoding: 'utf8', timeout: 10_000 })
    expect(help.status).toBe(0)
    expect(help.stdout.trim()).toBe(HELP)
    for (const flag of CLI_FLAGS) expect(help.stdout).toContain(`--${flag}`)
    for (const flag of [
      'port',
      'edge-port',
      'key',
      'restricted-key',
      'window',
      'latency',
      'purge-duration',
      'resource',
      'resources',
      'fault',
      'quiet'
    ]) {
      expect(CLI_FLAGS).toContain(flag)
    }

    const bad = spawnSync(process.execPath, [join(built, 'cli.js'), '--fault', 'prefetch:0=hang'], { encoding: 'utf8', timeout: 10_000 })
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('counted from 1')])

    const server = spawn(process.execPath, [join(built, 'cli.js'), '--port', '0', '--resource', 'id=7'], { cwd: built })
    let output = ''
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    await waitFor(() => output.includes('\n'), 'the first line')
    const apiUrl = /API (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]
    expect(output).toMatch(/edge http:\/\/127\.0\.0\.1:\d+/)
    expect(output).not.toContain(built)
    expect((await send(`${apiUrl}/cdn/resources/7`)).status).toBe(200)
    await waitFor(() => output.includes('GET /cdn/resources/7 → 200'), 'the request line')
    const exit = new Promise<number | null>(resolve => server.on('close', code => resolve(code)))
    server.kill('SIGTERM')
    expect(await exit).toBe(0)
  })
})

/** emulator/*.ts as JavaScript in a temporary folder (transpile only: `npm run typecheck` checks types). */
function buildEmulator(): string {
  const out = mkdtempSync(join(tmpdir(), 'gcore-emulator-'))
  writeFileSync(join(out, 'package.json'), '{"type": "module"}')
  for (const file of readdirSync(join(ROOT, 'emulator')).filter(name => name.endsWith('.ts'))) {
    const source = readFileSync(join(ROOT, 'emulator', file), 'utf8')
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 }
    }).outputText
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), output)
  }
  return out
}
