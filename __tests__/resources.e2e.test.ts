/**
 * End to end: knowing the resource. The committed dist/index.js reads each
 * resource before sending, purges what a sliced or Vary-keeping resource really
 * caches, fails fast on a wrong or dead resource, rewrites query strings as the
 * cache key sees them, and verifies the new bytes at the edge. The emulator
 * models the edge cache per 10 MB slice, so "stale parts" are measured, not assumed.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator, type EmulatorOptions, type ResourceSpec } from '../emulator/gcore-emulator.js'
import { ConnectProxy } from './support/connect-proxy.js'
import { runAction, type ActionRun } from './support/run-action.js'

const KEY = 'resource-key'
const MiB = 1024 * 1024
let gcore: GcoreEmulator
let proxy: ConnectProxy | undefined

const SLICED: ResourceSpec = { id: 7, cname: 'cdn.example.com', options: { slice: { enabled: true, value: true } } }
const PLAIN: ResourceSpec = { id: 8, cname: 'plain.example.com', secondaryHostnames: ['dl.example.com'] }

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<void> {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, resources: [SLICED, PLAIN], ...options })
  await gcore.start()
}
afterEach(async () => {
  await gcore?.stop()
  await proxy?.stop()
  proxy = undefined
})

const paths = (count: number, dir = '/iso') => Array.from({ length: count }, (_, i) => `${dir}/${i}.iso`)
const inputs = (extra: Record<string, string>) => ({
  'api-key': KEY,
  'resource-id': '7',
  'api-url': gcore.url,
  'prefetch-interval': '1',
  ...extra
})
const writes = () => gcore.log.filter(entry => entry.method === 'POST')
const purges = () => gcore.acceptedRequests('purge')
const batches = (run: ActionRun) =>
  JSON.parse(run.outputs.batches) as { operation: string; kind: string; paths: string[]; outcome: string; completed: string | null }[]

describe('a sliced resource with purge: true', () => {
  it('purges its paths only by pattern, at most 10 patterns a request, at the pattern rate, each prefetch after its patterns', async () => {
    await emulator()
    const list = paths(25)
    const run = await runAction(inputs({ paths: list.join('\n'), purge: 'true' }))

    expect(run.code).toBe(0)
    expect(purges().map(entry => entry.kind)).toEqual(['purge_by_pattern', 'purge_by_pattern', 'purge_by_pattern'])
    const patterns = purges().map(entry => (entry.body as { paths: string[] }).paths)
    expect(patterns.map(batch => batch.length)).toEqual([10, 10, 5])
    expect(patterns.flat()).toEqual(list)
    // Pattern purges and purge all share one lane at purge_request_limit (the emulator's 1 a window).
    const at = purges().map(entry => entry.at)
    expect(at[1] - at[0]).toBeGreaterThanOrEqual(1000)
    expect(at[2] - at[1]).toBeGreaterThanOrEqual(1000)
    expect(gcore.acceptedRequests('prefetch')[0].at).toBeGreaterThanOrEqual(at[2])
    expect(gcore.log.filter(entry => entry.answer === 429)).toEqual([])
    expect(
      batches(run)
        .filter(batch => batch.operation === 'purge')
        .map(batch => batch.kind)
    ).toEqual(['pattern', 'pattern', 'pattern'])
    expect(JSON.parse(run.outputs.resources)).toEqual([
      { id: 7, hostname: 'cdn.example.com', state: 'active', slice: true, 'purge-kind': 'pattern', paths: 25 }
    ])
    expect(run.stdout).toContain('Resource 7: 25 paths purged by pattern: slice on: purge by URL clears only the first 10 MB part.')
    expect(run.summary).toContain('slice on: purge by URL clears only the first 10 MB part')
    expect(run.outputs['purged-count']).toBe('25')
  })

  it('leaves no old part at the edge, where purge: url leaves the old parts 2…n of a new release', async () => {
    const release = async (purge: string) => {
      await emulator({ origin: { '/app.iso': { size: 300 * MiB, version: 'v1' } } })
      // Users downloaded v1: every 10 MB part is cached. Then v2 is uploaded to the origin.
      await runAction(inputs({ paths: '/app.iso' }))
      gcore.setOrigin('/app.iso', { size: 320 * MiB, version: 'v2' })
      const run = await runAction(inputs({ paths: '/app.iso', purge }))
      const state = gcore.cacheState(7, '/app.iso')
      await gcore.stop()
      return { run, versions: [...state.versions], stale: state.versions.size > 1 }
    }

    const byUrl = await release('url')
    expect(byUrl.run.code).toBe(0)
    expect(byUrl.stale).toBe(true) // the corrupt download every check calls a success
    expect(byUrl.run.stdout).toContain(
      '::warning::Resource 7: purge: url on 1 sliced path: a purge by URL clears only the first 10 MB part'
    )

    const auto = await release('true')
    expect(auto.run.code).toBe(0)
    expect(auto.versions).toEqual(['v2'])
  })

  it('waits for each pattern purge to complete (found in the history by type) before prefetching', async () => {
    await emulator({ purgeStatus: { durationMs: 1500 } })
    const run = await runAction(inputs({ paths: '/a.iso', purge: 'pattern', 'purge-pattern-interval': '1' }))

    expect(run.code).toBe(0)
    expect(gcore.log.some(entry => entry.operation === 'purge-status' && entry.url.includes('purge_type=purge_by_pattern'))).toBe(true)
    const [purge] = purges()
    expect(gcore.acceptedRequests('prefetch')[0].at - purge.at).toBeGreaterThanOrEqual(1500)
    const record = batches(run).find(batch => batch.operation === 'purge')!
    expect(record.completed).not.toBeNull()
  })
})

describe('purge kinds', () => {
  it('auto: by URL on a resource without slice that ignores Vary, as before', async () => {
    await emulator()
    const run = await runAction(inputs({ 'resource-id': '8', paths: paths(3).join('\n'), purge: 'auto' }))

    expect(run.code).toBe(0)
    expect(purges().map(entry => entry.kind)).toEqual(['purge_by_url'])
    expect(JSON.parse(run.outputs.resources)[0]).toMatchObject({ slice: false, 'purge-kind': 'url' })
  })

  it('auto: by pattern where can_purge_by_urls is false, and the summary says why', async () => {
    await emulator({ resources: [{ id: 9, can_purge_by_urls: false }] })
    const run = await runAction(inputs({ 'resource-id': '9', paths: '/a.iso', purge: 'true' }))

    expect(run.code).toBe(0)
    expect(purges().map(entry => entry.kind)).toEqual(['purge_by_pattern'])
    expect(run.summary).toContain('can&#95;purge&#95;by&#95;urls is false')
  })

  it('auto follows the rules: slice on only for /big/ purges those by pattern and the rest by URL', async () => {
    const rules = [{ id: 1, rule: '^/big/.*', weight: 1, options: { slice: { enabled: true, value: true } } }]
    await emulator({ resources: [{ id: 10, rules }] })
    const run = await runAction(inputs({ 'resource-id': '10', paths: '/big/a.iso\n/small/b.iso', purge: 'auto' }))

    expect(run.code).toBe(0)
    const sent = purges().map(entry => [entry.kind, entry.body])
    expect(sent).toContainEqual(['purge_by_pattern', { paths: ['/big/a.iso'] }])
    expect(sent).toContainEqual(['purge_by_url', { urls: ['/small/b.iso'] }])
  })

  it('all: one purge all per resource, before every prefetch, with a warning', async () => {
    await emulator()
    const run = await runAction(inputs({ 'resource-id': '7,8', paths: paths(3).join('\n'), purge: 'all' }))

    expect(run.code).toBe(0)
    expect(purges().map(entry => [entry.resource, entry.kind, entry.body])).toEqual([
      [7, 'purge_all', { paths: [] }],
      [8, 'purge_all', { paths: [] }]
    ])
    expect(run.stdout).toContain('::warning::Resource 7: purge: all clears the whole resource')
  })

  it('purge-patterns clears folders first; the paths they cover are not purged again', async () => {
    await emulator()
    const list = [...paths(30, '/v2'), '/other/x.iso']
    const run = await runAction(inputs({ paths: list.join('\n'), purge: 'true', 'purge-patterns': '/v2/\n/old/*' }))

    expect(run.code).toBe(0)
    expect(purges().map(entry => (entry.body as { paths: string[] }).paths)).toEqual([['/v2/', '/old/*'], ['/other/x.iso']])
    expect(run.outputs['purged-count']).toBe('31')
  })

  it('lists the run paths that a pattern also clears, a pattern being a prefix', async () => {
    await emulator()
    const run = await runAction(inputs({ paths: '/app.iso\n/app.iso.sig', purge: 'true' }))

    expect(run.code).toBe(0)
    expect(run.summary).toContain('/app.iso also clears /app.iso.sig')
  })

  it('warns at the start when pattern purges would take longer than 10 minutes, and names the faster ways', async () => {
    await emulator()
    const run = await runAction(inputs({ paths: paths(150).join('\n'), purge: 'true', 'purge-pattern-interval': '60', 'dry-run': 'true' }))

    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      '::warning::Resource 7: 15 purge by pattern requests at one per 1 min take about 14 min. A few folder patterns in purge-patterns, or purge: all, clear the same in one or two requests.'
    )
  })
})

describe('a wrong, dead or hostname-named resource', () => {
  it('an unknown ID fails before anything is sent, naming the ID', async () => {
    await emulator()
    const run = await runAction(inputs({ 'resource-id': '999', paths: '/a.iso', purge: 'true' }))

    expect(run.code).toBe(1)
    expect(writes()).toEqual([])
    expect(run.stdout).toContain(`::error::Input "resource-id" 999: the key's account has no CDN resource with that ID (HTTP 404).`)
    expect(run.outputs).toMatchObject({ result: 'failure', 'failed-paths': '["/a.iso"]' })
  })

  it('a hostname is looked up: the cname, then the secondary hostnames', async () => {
    await emulator()
    const byCname = await runAction(inputs({ 'resource-id': 'CDN.example.com', paths: '/a.iso' }))
    expect(byCname.code).toBe(0)
    expect(gcore.acceptedRequests('prefetch').map(entry => entry.resource)).toEqual([7])
    expect(gcore.log.find(entry => entry.operation === 'resources')?.url).toContain('cname=cdn.example.com')

    const bySecondary = await runAction(inputs({ 'resource-id': 'dl.example.com', paths: '/b.iso' }))
    expect(bySecondary.code).toBe(0)
    expect(gcore.acceptedRequests('prefetch').map(entry => entry.resource)).toEqual([7, 8])
  })

  it('a hostname no resource has fails before anything is sent, naming it; several resources are listed', async () => {
    await emulator({ resources: [SLICED, PLAIN, { id: 11, cname: 'twin.example.com' }, { id: 12, cname: 'twin.example.com' }] })
    const unknown = await runAction(inputs({ 'resource-id': 'nope.example.com', paths: '/a.iso' }))
    expect(unknown.code).toBe(1)
    expect(unknown.stdout).toContain(
      `::error::Input "resource-id": no CDN resource of this key's account has the hostname "nope.example.com".`
    )

    const twins = await runAction(inputs({ 'resource-id': 'twin.example.com', paths: '/a.iso' }))
    expect(twins.code).toBe(1)
    expect(twins.stdout).toContain('belongs to several resources (11, 12)')
    expect(writes()).toEqual([])
  })

  it('a suspended resource fails fast with its state; the other resource goes on, and the run is partial', async () => {
    await emulator({ resources: [SLICED, { id: 13, status: 'suspended', suspended: true }] })
    const run = await runAction(inputs({ 'resource-id': '7,13', paths: '/a.iso' }))

    expect(run.code).toBe(1)
    expect(gcore.log.filter(entry => entry.resource === 13 && entry.method === 'POST')).toEqual([])
    expect(gcore.acceptedRequests('prefetch').map(entry => entry.resource)).toEqual([7])
    expect(run.outputs.result).toBe('partial')
    expect(JSON.parse(run.outputs.resources)).toContainEqual({
      id: 13,
      hostname: 'cdn13.example.com',
      state: 'suspended',
      slice: false,
      'purge-kind': 'none',
      paths: 1
    })
    expect(run.stdout).toContain('::warning::Resource 13: resource 13 is suspended: it serves no content; nothing is sent to it.')
  })

  it('a resource being changed (processed) is only a warning', async () => {
    await emulator({ resources: [{ id: 14, status: 'processed' }] })
    const run = await runAction(inputs({ 'resource-id': '14', paths: '/a.iso' }))

    expect(run.code).toBe(0)
    expect(run.stdout).toContain('status processed')
  })
})

describe('resource-check', () => {
  it('auto: a key that may purge and prefetch but not read settings gets one notice, and purges by URL as before', async () => {
    await emulator({ restrictedKeys: ['restricted'] })
    const run = await runAction(inputs({ 'api-key': 'restricted', 'resource-id': '7,8', paths: '/a.iso', purge: 'true' }))

    expect(run.code).toBe(0)
    const notices = run.stdout.split('\n').filter(line => line.startsWith('::notice::Resource settings not read'))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toContain('the key has no permission to view CDN resources (HTTP 403')
    expect(purges().map(entry => entry.kind)).toEqual(['purge_by_url', 'purge_by_url'])
  })

  it('required: the same key fails before anything is sent', async () => {
    await emulator({ restrictedKeys: ['restricted'] })
    const run = await runAction(inputs({ 'api-key': 'restricted', paths: '/a.iso', purge: 'true', 'resource-check': 'required' }))

    expect(run.code).toBe(1)
    expect(writes()).toEqual([])
    expect(run.stdout).toContain('::error::resource-check is required, but resource 7: the key has no permission to view CDN resources')
  })

  it('off: reads nothing; a dry run then sends nothing at all', async () => {
    await emulator()
    const run = await runAction(
      inputs({ paths: '/a.iso', purge: 'true', 'resource-check': 'off', limits: 'documented', 'dry-run': 'true' })
    )

    expect(run.code).toBe(0)
    expect(gcore.log).toEqual([])
    expect(run.outputs.result).toBe('dry-run')
  })

  it('a 401 on the resource stops the run before anything is sent, like any refused key', async () => {
    await emulator()
    gcore.inject({
      operation: 'resource',
      on: [1],
      fault: { kind: 'status', status: 401, body: '{"detail": "Invalid authentication credentials."}' }
    })
    const run = await runAction(inputs({ paths: '/a.iso', limits: 'documented' }))

    expect(run.code).toBe(1)
    expect(writes()).toEqual([])
    expect(run.stdout).toContain('::error::The API refused the key')
  })
})

describe('query strings as the cache key sees them', () => {
  it('ignoreQueryString: sent without the query, once, and the summary says so', async () => {
    await emulator({ resources: [{ id: 20, options: { ignoreQueryString: { enabled: true, value: true } } }] })
    const run = await runAction(inputs({ 'resource-id': '20', paths: '/a.iso?v=1\n/a.iso?v=2\n/b.iso', purge: 'true' }))

    expect(run.code).toBe(0)
    expect(gcore.acceptedRequests('prefetch').map(entry => entry.body)).toEqual([{ paths: ['/a.iso', '/b.iso'] }])
    expect(purges().map(entry => entry.body)).toEqual([{ urls: ['/a.iso', '/b.iso'] }])
    expect(run.outputs['total-count']).toBe('2')
    expect(run.summary).toContain('2 paths rewritten as its cache key sees the query string (/a.iso?v=1 → /a.iso, /a.iso?v=2 → /a.iso)')
  })

  it('a whitelist keeps only its parameters; a blacklist drops its own', async () => {
    await emulator({
      resources: [
        { id: 21, options: { query_params_whitelist: { enabled: true, value: ['v'] } } },
        { id: 22, options: { query_params_blacklist: { enabled: true, value: ['utm'] } } }
      ]
    })
    const white = await runAction(inputs({ 'resource-id': '21', paths: '/a.iso?v=2&utm=x' }))
    const black = await runAction(inputs({ 'resource-id': '22', paths: '/a.iso?v=2&utm=x' }))

    expect([white.code, black.code]).toEqual([0, 0])
    expect(gcore.acceptedRequests('prefetch').map(entry => [entry.resource, entry.body])).toEqual([
      [21, { paths: ['/a.iso?v=2'] }],
      [22, { paths: ['/a.iso?v=2'] }]
    ])
  })
})

describe('verification of the new bytes', () => {
  /** verify-url: auto asks http://<cname>/…; a CONNECT proxy takes that to the emulator's edge, which routes by Host. */
  async function edgeProxy(): Promise<Record<string, string>> {
    const edge = new URL(await gcore.startEdge())
    proxy = new ConnectProxy({ host: '127.0.0.1', port: Number(edge.port) })
    await proxy.start()
    return { http_proxy: proxy.url }
  }

  function localFiles(sizes: Record<string, number>): string {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-verify-'))
    for (const [file, size] of Object.entries(sizes)) {
      mkdirSync(nodePath.dirname(nodePath.join(dir, file)), { recursive: true })
      writeFileSync(nodePath.join(dir, file), '')
      truncateSync(nodePath.join(dir, file), size)
    }
    return dir
  }

  it('auto uses the resource hostname and verifies the files, first and last part, size and all', async () => {
    await emulator({ origin: { '/dl/app.iso': { size: 300 * MiB } } })
    const env = await edgeProxy()
    const dir = localFiles({ 'app.iso': 300 * MiB })
    const run = await runAction(inputs({ files: '*.iso', 'path-prefix': '/dl', 'verify-url': 'auto' }), { cwd: dir, env })

    expect(run.code).toBe(0)
    // The first part (HEAD) and the last (Range: bytes=-1) of this sliced resource.
    expect(proxy!.tunnels).toEqual(['cdn.example.com:80', 'cdn.example.com:80'])
    expect(JSON.parse(run.outputs.verify)).toMatchObject([
      { url: 'http://cdn.example.com/dl/app.iso', result: 'verified', verified: true, expectedSize: 300 * MiB, size: 300 * MiB }
    ])
    expect(run.outputs['verified-count']).toBe('1')
  })

  it('catches old parts: a last part cached from another size than the new one is stale, and not verified', async () => {
    await emulator({ origin: { '/dl/app.iso': { size: 300 * MiB, version: 'v1' } } })
    const env = await edgeProxy()
    await runAction(inputs({ paths: '/dl/app.iso' }))
    // v2 is smaller: its first part replaces v1's, parts 2…30 of v1 stay: the last part is still v1's.
    gcore.setOrigin('/dl/app.iso', { size: 280 * MiB, version: 'v2' })
    const dir = localFiles({ 'app.iso': 280 * MiB })
    const run = await runAction(
      inputs({ files: '*.iso', 'path-prefix': '/dl', purge: 'url', 'verify-url': 'auto', 'verify-required': 'true' }),
      { cwd: dir, env }
    )

    expect(run.code).toBe(1)
    expect(JSON.parse(run.outputs.verify)).toMatchObject([
      { result: 'stale', expectedSize: 280 * MiB, size: 280 * MiB, edge: { lastPart: { size: 300 * MiB } } }
    ])
    expect(JSON.parse(run.outputs.verify)[0].error).toMatch(/^last part: the edge holds a file of 314572800 bytes/)
    expect(run.outputs['verified-count']).toBe('0')
    expect(run.summary).toContain('❌&nbsp;stale')
  })

  it('says once that a hidden Cache header proves nothing, and verifies nothing there', async () => {
    const hiding = { enabled: true, mode: 'hide' as const, excepted: ['Content-Type'] }
    await emulator({ resources: [{ id: 30, cname: 'hidden.example.com', options: { response_headers_hiding_policy: hiding } }] })
    const env = await edgeProxy()
    const run = await runAction(inputs({ 'resource-id': '30', paths: '/a.iso\n/b.iso', 'verify-url': 'auto' }), { env })

    expect(run.code).toBe(0)
    expect(JSON.parse(run.outputs.verify).map((entry: { result: string }) => entry.result)).toEqual(['unproven', 'unproven'])
    expect(run.stdout.split('\n').filter(line => line.includes('hides the Cache header'))).toHaveLength(1)
  })
})
