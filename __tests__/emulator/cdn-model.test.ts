/** The emulator's cache model and edge (emulator/cdn-model.ts, cache.ts, cache-key.ts, edge.ts): what a purge and a prefetch leave at the edge. */
import { describe, expect, it } from '@jest/globals'
import { emulatorPerTest } from '../support/e2e.js'
import { apiOf, head, send, sleep } from '../support/emulator-client.js'

const MiB = 1024 * 1024
const emulator = emulatorPerTest({ windowMs: 200 })
const { api, prefetch, purge } = apiOf(() => emulator.gcore)

describe('cache model and edge', () => {
  const sliced = [
    { id: 1, cname: 'cdn.example.com', secondaryHostnames: ['dl.example.com'], options: { slice: { enabled: true, value: true } } }
  ]
  const origin = { '/v/app.iso': { size: 25 * MiB } }

  it('a sliced file after a release: URL purge + prefetch leaves old parts, whose last one tells the old size', async () => {
    await emulator.restart({ windowMs: 200, resources: sliced, origin })
    const edge = await emulator.gcore.startEdge()
    await prefetch(1, ['/v/app.iso'])
    expect(emulator.gcore.cacheState(1, '/v/app.iso').parts.map(part => part.bytes)).toEqual([10 * MiB, 10 * MiB, 5 * MiB])
    const fresh = await head(edge, '/v/app.iso', 'cdn.example.com')
    expect([fresh.headers.cache, fresh.headers['content-length'], fresh.headers['x-id']]).toEqual([
      'HIT',
      String(25 * MiB),
      'edge-emulator'
    ])

    emulator.gcore.setOrigin('/v/app.iso', { size: 28 * MiB })
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
    expect(emulator.gcore.cacheState(1, '/v/app.iso').parts.map(part => part.version)).toEqual([2, 1, 1])
    expect(emulator.gcore.isStale(1, '/v/app.iso')).toBe(true)
  })

  it('a pattern purge + prefetch brings every part to the new version (BYPASS in between)', async () => {
    await emulator.restart({ windowMs: 200, resources: sliced, origin })
    const edge = await emulator.gcore.startEdge()
    await prefetch(1, ['/v/app.iso'])
    emulator.gcore.setOrigin('/v/app.iso', { size: 28 * MiB, version: 'v2' })
    expect((await purge(1, { paths: ['/v/*'] })).status).toBe(201)
    expect((await head(edge, '/v/app.iso', 'dl.example.com')).headers.cache).toBe('BYPASS')
    await sleep(210)
    await prefetch(1, ['/v/app.iso'])
    const reply = await head(edge, '/v/app.iso', 'dl.example.com')
    expect([reply.headers.cache, reply.headers['content-length']]).toEqual(['HIT', String(28 * MiB)])
    expect(emulator.gcore.cacheState(1, '/v/app.iso').versions).toEqual(new Set(['v2']))
    expect(emulator.gcore.isStale(1, '/v/app.iso')).toBe(false)
  })

  it('purge all clears the resource and records every purge kind in the history', async () => {
    await emulator.restart({ windowMs: 200, resources: sliced })
    const edge = await emulator.gcore.startEdge(1)
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
    await emulator.restart({ windowMs: 200, origin })
    await prefetch(3, ['/v/app.iso'])
    emulator.gcore.setOrigin('/v/app.iso', { size: 28 * MiB })
    await purge(3, { urls: ['/v/app.iso'] })
    await sleep(210)
    await prefetch(3, ['/v/app.iso'])
    expect(emulator.gcore.cacheState(3, '/v/app.iso')).toMatchObject({ parts: [{ index: 0, version: 2, bytes: 28 * MiB }], complete: true })
  })

  it('with proxy_cache_key, a pattern purge is accepted and clears nothing', async () => {
    await emulator.restart({ windowMs: 200, resources: [{ id: 1, options: { proxy_cache_key: { enabled: true, value: '$scheme$uri' } } }] })
    const edge = await emulator.gcore.startEdge(1)
    await prefetch(1, ['/v/a.iso'])
    expect((await purge(1, { paths: ['/v/'] })).status).toBe(201)
    expect((await head(edge, '/v/a.iso')).headers.cache).toBe('HIT')
    await sleep(210)
    await purge(1, { paths: [] })
    expect((await head(edge, '/v/a.iso')).headers.cache).toBe('BYPASS')
  })

  it('builds cache keys from the query options, a matching rule overriding the resource', async () => {
    const rules = [{ id: 1, rule: '^/ignored/', options: { ignoreQueryString: { enabled: true, value: true } } }]
    await emulator.restart({
      windowMs: 200,
      resources: [
        { id: 1, options: { query_params_whitelist: { enabled: true, value: ['v'] } }, rules },
        { id: 2, options: { query_params_blacklist: { enabled: true, value: ['utm'] } } }
      ]
    })
    await prefetch(1, ['/a.iso?v=1&utm=x', '/ignored/b.iso?v=1'])
    await prefetch(2, ['/a.iso?v=1&utm=x'])
    const key = (resource: number, path: string) => emulator.gcore.cacheState(resource, path)
    expect(key(1, '/a.iso?utm=y&v=1')).toMatchObject({ key: '/a.iso?v=1', complete: true })
    expect(key(1, '/a.iso?v=2').complete).toBe(false)
    expect(key(1, '/ignored/b.iso?v=9')).toMatchObject({ key: '/ignored/b.iso', complete: true })
    expect(key(2, '/a.iso?v=1&utm=z')).toMatchObject({ key: '/a.iso?v=1', complete: true })
    expect(key(2, '/a.iso?v=2&utm=x').complete).toBe(false)
  })

  it('a purge by URL with a query the cache key drops misses the file', async () => {
    await emulator.restart({ windowMs: 200, resources: [{ id: 1, options: { ignoreQueryString: { enabled: true, value: true } } }] })
    await prefetch(1, ['/a.iso'])
    await purge(1, { urls: ['/a.iso?v=1'] })
    expect(emulator.gcore.cacheState(1, '/a.iso').complete).toBe(true)
    await purge(1, { urls: ['/a.iso'] })
    expect(emulator.gcore.cacheState(1, '/a.iso').complete).toBe(false)
  })

  it('hides the Cache header as the hiding policy says; Content-Length always stays', async () => {
    await emulator.restart({
      windowMs: 200,
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
    const edge = await emulator.gcore.startEdge()
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
    await emulator.restart({ windowMs: 200, resources: [{ id: 1, cname: 'cdn.example.com' }], origin: { '/small.bin': { size: 100_000 } } })
    const edge = await emulator.gcore.startEdge()
    await prefetch(1, ['/small.bin'])
    const viaProxy = await send(edge, {
      method: 'GET',
      key: null,
      path: 'http://cdn.example.com/small.bin',
      headers: { Host: 'cdn.example.com' }
    })
    expect([viaProxy.status, viaProxy.headers.cache, viaProxy.headers['content-length'], viaProxy.bytes]).toEqual([
      200,
      'HIT',
      '100000',
      100_000
    ])
    expect(emulator.gcore.edgeLog.at(-1)).toMatchObject({ host: 'cdn.example.com', resource: 1, cache: 'HIT' })
  })

  it('a purge takes effect when its status turns Successful', async () => {
    await emulator.restart({ windowMs: 200, purgeStatus: { durationMs: 300 } })
    const edge = await emulator.gcore.startEdge(4)
    await prefetch(4, ['/a.iso'])
    await purge(4, { urls: ['/a.iso'] })
    expect((await head(edge, '/a.iso')).headers.cache).toBe('HIT')
    await sleep(320)
    expect((await head(edge, '/a.iso')).headers.cache).toBe('MISS')
  })
})
