/**
 * The emulator's edge over real HTTP on 127.0.0.1, as Gcore's documented
 * edge behaves: fill on a MISS, BYPASS after a pattern purge or purge all,
 * X-Cached-Since per part in both formats, the ETag concealed on sliced
 * paths, the last part through `Range: bytes=-1`, a prefetch that never
 * reaches the edge, parts fetched from the group's sources in turn and at
 * the rewritten path, and faults on edge requests.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { GcoreEmulator, parseFaultSpec, type EmulatorOptions, type ResourceSpec } from '../../emulator/gcore-emulator.js'
import { api, KEY, MiB, send, shiftedClock, type Reply } from '../support/emulator-client.js'

let gcore: GcoreEmulator | undefined
let edge = ''

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<GcoreEmulator> {
  gcore = new GcoreEmulator({
    apiKey: KEY,
    windowMs: 100,
    rates: { prefetch: 10, purge_by_url: 10, purge_by_pattern: 10, purge_all: 10 },
    ...options
  })
  await gcore.start()
  edge = await gcore.startEdge(1)
  return gcore
}

afterEach(async () => {
  await gcore?.stop()
  gcore = undefined
})

const SLICED: ResourceSpec = { id: 1, options: { slice: { enabled: true, value: true } } }
const prefetch = (paths: string[]) => api(gcore!.url, '/cdn/resources/1/prefetch', { body: { paths } })
const purge = (body: unknown) => api(gcore!.url, '/cdn/resources/1/purge', { body })
const head = (path: string): Promise<Reply> => send(`${edge}${path}`, { method: 'HEAD' })
const lastByte = (path: string): Promise<Reply> => send(`${edge}${path}`, { headers: { Range: 'bytes=-1' } })
const verdicts = (replies: Reply[]) => replies.map(reply => reply.headers.cache)

/** 2024-07-03T09:47:49+00:00, to the second. */
const isoSecond = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}+00:00`

describe('the edge fills on a MISS, like Gcore', () => {
  it('MISS then HIT; a HIT tells X-Cached-Since, the ETag and Last-Modified of the cached version', async () => {
    const clock = shiftedClock()
    await emulator({ origin: { '/a.bin': { size: 1000 } }, clock: clock.now })
    const miss = await head('/a.bin')
    expect(miss.headers).toMatchObject({ cache: 'MISS', etag: '"v1-1000"', 'content-length': '1000', 'x-id': 'edge-emulator' })
    expect(miss.headers['x-cached-since']).toBeUndefined()
    const cachedAt = gcore!.cacheState(1, '/a.bin').parts[0].cachedAt
    clock.advance(5000)
    const hit = await head('/a.bin')
    expect(hit.headers).toMatchObject({ cache: 'HIT', etag: '"v1-1000"', 'x-cached-since': isoSecond(cachedAt) })
    expect(Date.parse(hit.headers['last-modified']!)).toBeLessThanOrEqual(cachedAt)
    expect(gcore!.edgeLog.map(entry => [entry.cache, entry.part, entry.status])).toEqual([
      ['MISS', 0, 200],
      ['HIT', 0, 200]
    ])
  })

  it("X-Cached-Since in Gcore's other format", async () => {
    await emulator({ cachedSinceFormat: 'space', clock: () => Date.parse('2025-11-14T08:32:19.750Z') })
    await prefetch(['/a.iso'])
    expect((await head('/a.iso')).headers['x-cached-since']).toBe('2025-11-14 08:32:19')
  })

  it('sliced: the ETag is concealed; a HEAD fills part 0 only, a GET every part, a range the parts it covers', async () => {
    await emulator({ resources: [SLICED], sliceBytes: 1000, origin: { '/a.bin': { size: 2500 }, '/b.bin': { size: 2500 } } })
    const miss = await head('/a.bin')
    expect(miss.headers).toMatchObject({ cache: 'MISS', 'content-length': '2500' })
    expect(miss.headers.etag).toBeUndefined()
    expect(gcore!.cacheState(1, '/a.bin').parts.map(part => part.index)).toEqual([0])
    const whole = await send(`${edge}/a.bin`)
    expect([whole.status, whole.headers.cache, whole.bytes, whole.headers.etag]).toEqual([200, 'HIT', 2500, undefined])
    expect(gcore!.cacheState(1, '/a.bin')).toMatchObject({ complete: true, bytes: 2500 })
    const middle = await send(`${edge}/b.bin`, { headers: { Range: 'bytes=1500-1599' } })
    expect([middle.status, middle.headers.cache, middle.headers['content-range'], middle.bytes]).toEqual([
      206,
      'MISS',
      'bytes 1500-1599/2500',
      100
    ])
    expect(gcore!.cacheState(1, '/b.bin').parts.map(part => part.index)).toEqual([0, 1]) // part 0 first, for the size
    expect((await send(`${edge}/b.bin`, { headers: { Range: 'bytes=2500-' } })).headers['content-range']).toBe('bytes */2500')
  })

  it('each part has its own cache time: HEAD answers about part 0, bytes=-1 about the last part', async () => {
    const clock = shiftedClock()
    await emulator({ resources: [SLICED], origin: { '/v/a.iso': { size: 25 * MiB } }, clock: clock.now })
    const first = await lastByte('/v/a.iso')
    expect([first.status, first.headers.cache, first.headers['content-range'], first.bytes]).toEqual([
      206,
      'MISS',
      `bytes ${25 * MiB - 1}-${25 * MiB - 1}/${25 * MiB}`,
      1
    ])
    const lastCachedAt = gcore!.cacheState(1, '/v/a.iso').parts.at(-1)!.cachedAt
    clock.advance(60_000)
    expect((await head('/v/a.iso')).headers.cache).toBe('HIT') // part 0 came with the first request, for the size
    await purge({ urls: ['/v/a.iso'] })
    clock.advance(60_000)
    const refilled = [await head('/v/a.iso'), await head('/v/a.iso'), await lastByte('/v/a.iso')]
    expect(verdicts(refilled)).toEqual(['MISS', 'HIT', 'HIT'])
    expect(refilled[1].headers['x-cached-since']).toBe(isoSecond(gcore!.cacheState(1, '/v/a.iso').parts[0].cachedAt))
    expect(refilled[2].headers['x-cached-since']).toBe(isoSecond(lastCachedAt))
  })
})

describe('purges', () => {
  it('BYPASS for the first request of each part after a pattern purge or purge all; MISS after a purge by URL', async () => {
    await emulator({ resources: [SLICED], origin: { '/v/a.iso': { size: 25 * MiB } } })
    await prefetch(['/v/a.iso'])
    for (const body of [{ paths: ['/v/'] }, { paths: [] }]) {
      expect((await purge(body)).status).toBe(201)
      const replies = [await head('/v/a.iso'), await head('/v/a.iso'), await lastByte('/v/a.iso'), await lastByte('/v/a.iso')]
      expect([body, verdicts(replies)]).toEqual([body, ['BYPASS', 'HIT', 'BYPASS', 'HIT']])
    }
    await purge({ urls: ['/v/a.iso'] })
    expect(verdicts([await head('/v/a.iso'), await lastByte('/v/a.iso')])).toEqual(['MISS', 'HIT']) // the URL purge cleared part 0 only
  })

  it('a purge by URL and a prefetch of a same-size new version leave the last part old, with an older X-Cached-Since', async () => {
    const clock = shiftedClock()
    await emulator({ resources: [SLICED], origin: { '/v/a.iso': { size: 25 * MiB, version: 'v1' } }, clock: clock.now })
    await prefetch(['/v/a.iso'])
    clock.advance(3_600_000)
    gcore!.setOrigin('/v/a.iso', { size: 25 * MiB, version: 'v2' })
    await purge({ urls: ['/v/a.iso'] })
    await prefetch(['/v/a.iso'])
    const [first, last] = [await head('/v/a.iso'), await lastByte('/v/a.iso')]
    expect([first.headers.cache, first.headers['content-length'], first.headers.etag]).toEqual(['HIT', String(25 * MiB), undefined])
    expect([last.headers.cache, last.headers['content-range']]).toEqual(['HIT', `bytes ${25 * MiB - 1}-${25 * MiB - 1}/${25 * MiB}`])
    const olderBy = Date.parse(String(first.headers['x-cached-since'])) - Date.parse(String(last.headers['x-cached-since']))
    expect(olderBy).toBeGreaterThanOrEqual(3_600_000) // to the second: the two times may straddle a second's end
    expect(olderBy).toBeLessThanOrEqual(3_601_000)
    expect(gcore!.cacheState(1, '/v/a.iso').parts.map(part => part.version)).toEqual(['v2', 'v1', 'v1'])
    expect(gcore!.isStale(1, '/v/a.iso')).toBe(true)
  })

  it('a prefetch that never reaches the edge: 201, nothing cached, the first edge request a MISS', async () => {
    await emulator()
    gcore!.inject(parseFaultSpec('prefetch:1=lost'))
    const reply = await prefetch(['/a.iso'])
    expect(reply.status).toBe(201)
    expect(gcore!.acceptedRequests('prefetch')).toEqual([expect.objectContaining({ answer: 201, fault: 'lost' })])
    expect(gcore!.cacheState(1, '/a.iso').parts).toEqual([])
    expect((await head('/a.iso')).headers.cache).toBe('MISS')
    await prefetch(['/b.iso'])
    expect((await head('/b.iso')).headers.cache).toBe('HIT')
  })
})

describe('where the CDN fetches from', () => {
  it("a lagging source: each part from the group's enabled primary sources in turn, so the file mixes two versions", async () => {
    await emulator({
      resources: [SLICED],
      sliceBytes: 1000,
      origin: { '/a.bin': { size: 3000, version: 'v1' } },
      originGroups: [{ id: 1, sources: [{}, { lagMs: 60_000 }, { backup: true }, { enabled: false }] }]
    })
    gcore!.setOrigin('/a.bin', { size: 3000, version: 'v2' })
    await prefetch(['/a.bin'])
    const state = gcore!.cacheState(1, '/a.bin')
    expect(state.parts.map(part => [part.source, part.version])).toEqual([
      [0, 'v2'],
      [1, 'v1'],
      [0, 'v2']
    ])
    expect(gcore!.isStale(1, '/a.bin')).toBe(true)
  })

  it('backups give the parts only when the group has no enabled primary source', async () => {
    await emulator({ origin: { '/a.bin': { size: 10 } }, originGroups: [{ id: 1, sources: [{ enabled: false }, { backup: true }] }] })
    await prefetch(['/a.bin'])
    expect(gcore!.cacheState(1, '/a.bin').parts.map(part => part.source)).toEqual([1])
  })

  it('the rewrite option: the origin is asked for the rewritten path; redirect and permanent answer 302 / 301', async () => {
    const rewrite = (flag?: 'redirect' | 'permanent') => ({
      rewrite: { enabled: true, body: '^/(.*)$ /media/$1', ...(flag ? { flag } : {}) }
    })
    await emulator({
      resources: [
        { id: 1, cname: 'rewritten.example.com', options: rewrite() },
        { id: 2, cname: 'plain.example.com' },
        { id: 3, cname: 'moved.example.com', options: rewrite('permanent') }
      ],
      origin: { '/media/a.bin': { size: 1000 } },
      originGroups: [{ id: 1, sources: [{ onlyPublished: true }] }]
    })
    const on = (host: string) => send(`${edge}/a.bin`, { method: 'HEAD', headers: { Host: host } })
    const rewritten = await on('rewritten.example.com')
    expect([rewritten.status, rewritten.headers.cache, rewritten.headers['content-length']]).toEqual([200, 'MISS', '1000'])
    const plain = await on('plain.example.com')
    expect([plain.status, plain.headers.cache]).toEqual([404, 'MISS'])
    expect(gcore!.cacheState(2, '/a.bin').parts).toEqual([])
    const moved = await on('moved.example.com')
    expect([moved.status, moved.headers.location, moved.headers.cache]).toEqual([301, '/media/a.bin', undefined])
  })

  it('502 when the group has no host source to fetch from', async () => {
    await emulator({
      originGroups: [{ id: 1, sources: [{ origin_type: 'fastedge', config: { app_id: '1' } }] }]
    })
    expect(gcore!.originUrls).toEqual([])
    expect((await head('/a.iso')).status).toBe(502)
  })
})

describe('edge headers and faults', () => {
  it('the hiding policy hides X-Cached-Since, ETag and Last-Modified as it hides Cache', async () => {
    const policy = { enabled: true, mode: 'show' as const, excepted: ['X-Cached-Since', 'etag', 'Last-Modified'] }
    await emulator({ resources: [{ id: 1, options: { response_headers_hiding_policy: policy } }] })
    await prefetch(['/a.iso'])
    const reply = await head('/a.iso')
    expect(reply.headers.cache).toBe('HIT')
    for (const name of ['x-cached-since', 'etag', 'last-modified']) expect(reply.headers[name]).toBeUndefined()
    expect(reply.headers['content-length']).toBe(String(300 * MiB))
  })

  it('made-up answers (a 302 claiming a HIT, a 200 HTML page, a redirect loop) fill nothing; a cut body still fills', async () => {
    await emulator({ origin: { '/a.bin': { size: 1000 } } })
    for (const spec of [
      'edge:1=status:302:location=/login:cache=HIT',
      'edge:2=status:200:content-type=text/html:body=<html>Sign in</html>',
      'edge:3=redirect-loop',
      'edge:4=cut-body:10'
    ]) {
      gcore!.inject(parseFaultSpec(spec))
    }
    const redirect = await send(`${edge}/a.bin`)
    expect([redirect.status, redirect.headers.location, redirect.headers.cache]).toEqual([302, '/login', 'HIT'])
    const page = await send(`${edge}/a.bin`)
    expect([page.status, page.headers['content-type'], page.text]).toEqual([200, 'text/html', '<html>Sign in</html>'])
    const loop = await send(`${edge}/a.bin?x=1`)
    expect([loop.status, loop.headers.location]).toEqual([302, '/a.bin?x=1'])
    expect(gcore!.cacheState(1, '/a.bin').parts).toEqual([])
    await expect(send(`${edge}/a.bin`)).rejects.toThrow(/aborted|premature|ECONNRESET/)
    expect(gcore!.cacheState(1, '/a.bin').complete).toBe(true)
    expect(gcore!.edgeLog.map(entry => [entry.status, entry.fault])).toEqual([
      [302, 'status'],
      [200, 'status'],
      [302, 'redirect-loop'],
      [200, 'cut-body']
    ])
  })
})
