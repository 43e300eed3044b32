/**
 * The origin check and the edge held to the origin, through the committed
 * dist/index.js against the emulator's API, origin servers and edge: the cases
 * of the "Fresh and proven" issue that only a whole run shows.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator, type EmulatorOptions, type LoggedRequest } from '../../emulator/gcore-emulator.js'
import { expectOutputsPresent, expectPathsPartitioned, keyLeaks } from '../support/checks.js'
import { runAction, type ActionRun } from '../support/run-action.js'

const KEY = 'origin-check-test-key-0123'
const MiB = 1024 * 1024
const SLICED = { slice: { enabled: true, value: true } }
let gcore: GcoreEmulator

afterEach(async () => gcore?.stop())

async function start(options: Partial<EmulatorOptions> = {}): Promise<GcoreEmulator> {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200, ...options })
  await gcore.start()
  return gcore
}

const run = (inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> =>
  runAction(
    {
      'api-key': KEY,
      'resource-id': '7',
      'api-url': gcore.url,
      'prefetch-interval': '0.2',
      'purge-interval': '0.2',
      'purge-pattern-interval': '0.2',
      ...inputs
    },
    { env, timeoutMs: 40_000 }
  )

/** The paths each accepted purge or prefetch carried, in order. */
const sent = (operation: 'purge' | 'prefetch'): string[] =>
  gcore.acceptedRequests(operation).flatMap((entry: LoggedRequest) => {
    const body = entry.body as { paths?: string[]; urls?: string[] }
    return body.urls ?? body.paths ?? []
  })

interface VerifyEntry {
  path: string
  verified: boolean
  result: string
  error: string | null
  origin: { state: string; source: string | null; status: number | null; size: number | null; detail: string | null } | null
}
const verifyOf = (result: ActionRun): VerifyEntry[] => JSON.parse(result.outputs.verify)
const entry = (result: ActionRun, path: string): VerifyEntry => verifyOf(result).find(candidate => candidate.path === path)!

describe('before any purge, the origin must hold the new file', () => {
  it('neither purges nor prefetches a path the origin lacks, and the others go on', async () => {
    await start({ originGroups: [{ id: 1, sources: [{ missing: ['/v/gone.iso'] }] }] })
    const paths = ['/v/a.iso', '/v/gone.iso', '/v/b.iso']
    const result = await run({ paths: paths.join('\n'), purge: 'url', 'origin-timeout': '1' })

    expect(result.code).toBe(1)
    expect(sent('purge')).toEqual(['/v/a.iso', '/v/b.iso'])
    expect(sent('prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(['/v/gone.iso'])
    expect(result.outputs.result).toBe('partial')
    expect(entry(result, '/v/gone.iso').origin).toMatchObject({
      state: 'missing',
      status: 404,
      source: expect.stringMatching(/^127\.0\.0\.1:\d+$/)
    })
    expect(entry(result, '/v/gone.iso').error).toMatch(/^the file is missing at the origin \(127\.0\.0\.1:\d+: HTTP 404\)$/)
    expectPathsPartitioned(result, paths)
    expect(result.summary).toContain('Not ready at the origin, neither purged nor prefetched (1)')
  })

  it('waits for an upload that reaches the origin late, then purges; the edge ends with no part of the old file', async () => {
    await start({ resources: [{ id: 7, options: SLICED }], origin: { '/v/app.iso': { size: 300 * MiB, version: 'v1' } } })
    const edge = await gcore.startEdge(7)
    await run({ paths: '/v/app.iso' })
    // The release's new file: its size is known, so the origin's old one is not taken for it.
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-late-'))
    writeFileSync(nodePath.join(dir, 'app.iso'), '')
    truncateSync(nodePath.join(dir, 'app.iso'), 280 * MiB)
    const published = Date.now()
    gcore.publish('/v/app.iso', { size: 280 * MiB, version: 'v2' }, { delayMs: 6000 })
    const result = await runAction(
      {
        'api-key': KEY,
        'resource-id': '7',
        'api-url': gcore.url,
        files: 'app.iso',
        'path-prefix': '/v',
        purge: 'true',
        'verify-url': edge,
        'prefetch-interval': '0.2',
        'purge-pattern-interval': '0.2'
      },
      { cwd: dir, timeoutMs: 40_000 }
    )

    expect(result.code).toBe(0)
    expect(gcore.acceptedRequests('purge').at(-1)!.at - published).toBeGreaterThanOrEqual(6000)
    expect([...gcore.cacheState(7, '/v/app.iso').versions]).toEqual(['v2'])
    expect(entry(result, '/v/app.iso')).toMatchObject({ verified: true, origin: { state: 'ready', size: 280 * MiB } })
  }, 30_000)

  it('catches a lagging second source before any purge', async () => {
    await start({ originGroups: [{ id: 1, sources: [{}, { lagMs: 60_000 }] }], origin: { '/v/app.iso': { size: 300 * MiB, version: 1 } } })
    gcore.publish('/v/app.iso', { size: 310 * MiB, version: 2 })
    const result = await run({ paths: '/v/app.iso\n/v/other.iso', purge: 'url', 'origin-timeout': '1' })

    expect(result.code).toBe(1)
    expect(sent('purge')).toEqual(['/v/other.iso'])
    expect(entry(result, '/v/app.iso').origin?.state).toBe('disagree')
    expect(entry(result, '/v/app.iso').error).toMatch(
      /^the origin's sources disagree \(127\.0\.0\.1:\d+: HTTP 200, 325058560 bytes.*; 127\.0\.0\.1:\d+: HTTP 200, 314572800 bytes/
    )
  })

  it('asks the origin with the Host header the CDN sends', async () => {
    await start({
      resources: [
        { id: 7, cname: 'cdn.example.com', options: { hostHeader: { enabled: true, value: 'files.example.com' } } },
        { id: 8, cname: 'dl.example.com' }
      ],
      originGroups: [
        { id: 1, sources: [{ vhost: 'files.example.com' }] },
        { id: 2, sources: [{ host_header_override: 'bucket.example.net', vhost: 'bucket.example.net' }] }
      ]
    })
    const result = await run({ paths: '/v/a.iso', 'resource-id': '7' })
    expect(result.code).toBe(0)
    const hosts = new Set(gcore.originLog.filter(request => request.method === 'HEAD').map(request => request.host))
    expect(hosts).toEqual(new Set(['files.example.com']))
    expect(entry(result, '/v/a.iso').origin?.state).toBe('ready')
  })

  it('skips an origin that refuses the runner, with one notice (auto), or fails before anything is sent (required)', async () => {
    await start({ originGroups: [{ id: 1, sources: [{ acl: true }] }] })
    const auto = await run({ paths: '/v/a.iso\n/v/b.iso', purge: 'url' })
    expect(auto.code).toBe(0)
    expect(sent('prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
    const notices = auto.stdout.split('\n').filter(line => line.startsWith('::notice::Origin check skipped'))
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatch(/resource 7: the origin refuses the runner \(source 127\.0\.0\.1:\d+: HTTP 403\).*origin-url/)
    expect(auto.summary).toMatch(/Origin check skipped for resource 7: the origin refuses the runner/)

    gcore.log.length = 0
    const required = await run({ paths: '/v/a.iso', purge: 'url', 'origin-check': 'required' })
    expect(required.code).toBe(1)
    expect(gcore.log.filter(request => request.method === 'POST')).toEqual([])
    expect(required.stdout).toMatch(
      /::error::origin-check is required, but the origin of resource 7 cannot be asked: the origin refuses the runner/
    )
    expectOutputsPresent(required)
  })

  it('never shows an S3 secret the origin group answers unmasked, in any sink', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    await start({
      unmaskedS3Secrets: true,
      originGroups: [
        {
          id: 1,
          sources: [
            {},
            {
              origin_type: 's3',
              backup: true,
              config: { s3_type: 'amazon', s3_bucket_name: 'media', s3_region: 'eu-west-1', s3_secret_access_key: secret }
            }
          ]
        }
      ]
    })
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: JSON.stringify({ message: `bad ${secret}` }) }
    })
    const result = await run({ paths: '/v/a.iso', 'max-attempts': '1' }, { RUNNER_DEBUG: '1' })
    expect(result.code).toBe(1)
    expect(keyLeaks(result, secret, [secret])).toEqual([]) // the runner consumes its ::add-mask:: line
    expect(result.stdout).toContain('::add-mask::')
  })
})

describe('waiting for the origin is bounded', () => {
  it('ends within two seconds of a cancel, every output written and every path accounted for', async () => {
    let prefetched!: () => void
    const accepted = new Promise<void>(resolve => (prefetched = resolve))
    await start({
      originGroups: [{ id: 1, sources: [{ missing: ['/v/late.iso'] }] }],
      onRequest: event => void (event.server === 'api' && event.request.operation === 'prefetch' && prefetched())
    })
    const paths = ['/v/a.iso', '/v/late.iso']
    // Cancelled while the late path is still awaited at the origin, after the other was prefetched.
    const result = await runAction(
      { 'api-key': KEY, 'resource-id': '7', 'api-url': gcore.url, paths: paths.join('\n'), purge: 'url', 'prefetch-interval': '0.2' },
      { signal: { name: 'SIGINT', on: accepted.then(() => new Promise(resolve => setTimeout(resolve, 300))) }, timeoutMs: 20_000 }
    )
    expect(result.signalledAt).not.toBeNull()
    expect(result.exitedAt - result.signalledAt!).toBeLessThan(2000)
    expect(result.code).toBe(1)
    expectOutputsPresent(result)
    expectPathsPartitioned(result, paths)
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(['/v/late.iso'])
    expect(result.outputs.result).toBe('partial')
  })

  it('gives up on a path the origin does not have by the end of the time budget', async () => {
    await start({ originGroups: [{ id: 1, sources: [{ missing: ['/v/late.iso'] }] }] })
    const result = await run({ paths: '/v/a.iso\n/v/late.iso', 'time-budget': '3', 'request-timeout': '1' })
    expect(result.durationMs).toBeLessThan(3000 + 1500)
    expect(result.code).toBe(1)
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(['/v/late.iso'])
    expect(entry(result, '/v/late.iso').origin?.state).toBe('missing')
  })
})

describe('the edge held to the origin', () => {
  it('does not verify a prefetch that never reached the edge, though a later HEAD is a HIT', async () => {
    await start()
    const edge = await gcore.startEdge(7)
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'lost' } })
    const result = await run({ paths: '/v/a.iso', 'verify-url': edge, 'verify-timeout': '1' })

    expect(result.code).toBe(0)
    expect(result.outputs['verified-count']).toBe('0')
    expect(entry(result, '/v/a.iso')).toMatchObject({ verified: false, result: 'unproven' })
    expect(gcore.edgeLog.map(request => request.cache)).toEqual(expect.arrayContaining(['MISS', 'HIT']))
  })

  it('catches a same-size replacement whose last part a purge by URL left at the edge', async () => {
    await start({ resources: [{ id: 7, options: SLICED }], origin: { '/v/app.iso': { size: 300 * MiB, version: 'v1' } } })
    const edge = await gcore.startEdge(7)
    await run({ paths: '/v/app.iso' })
    await new Promise(resolve => setTimeout(resolve, 1100)) // v1's parts are a whole second older than the purge
    gcore.setOrigin('/v/app.iso', { size: 300 * MiB, version: 'v2' })
    const result = await run({ paths: '/v/app.iso', purge: 'url', 'verify-url': edge, 'verify-required': 'true' })

    expect(result.code).toBe(1)
    expect(entry(result, '/v/app.iso')).toMatchObject({ verified: false, result: 'stale' })
    expect(entry(result, '/v/app.iso').error).toMatch(/^last part: cached at .*, before this run's purge/)
    expect(JSON.parse(result.outputs.batches).find((batch: { kind: string }) => batch.kind === 'url').purge_id).toEqual(expect.any(Number))
  })
})

describe('bad input and hostile origins', () => {
  it.each([
    ['origin-url', 'https://user:pa55word@origin.example.com', /Input "origin-url" must not carry a user name or password/],
    ['origin-url', 'https://a.example.com\nhttps://b.example.com', /Input "origin-url" needs one URL, or one per resource \(1\), got 2/],
    ['origin-timeout', '-1', /Input "origin-timeout" must be a number of seconds 0 or more/],
    ['origin-check', 'sometimes', /Input "origin-check" must be one of auto, required, off, got "sometimes"/]
  ])('%s %j is an input error before anything is sent', async (name, value, error) => {
    await start()
    const result = await run({ paths: '/v/a.iso', [name]: value })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(error)
    expect(result.stdout).not.toContain('pa55word')
    expect(gcore.log).toEqual([])
  })

  it.each([
    ['a redirect loop', { kind: 'redirect-loop' as const }],
    ['an HTML page', { kind: 'status' as const, status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>blocked</html>' }],
    ['garbage headers', { kind: 'status' as const, status: 200, headers: { 'Content-Length': 'many' } }]
  ])('bounds %s at the origin, reports it per path, and goes on', async (_, fault) => {
    await start()
    gcore.inject({ operation: 'origin', on: [{ from: 4 }], fault })
    const paths = ['/v/a.iso', '/v/b.iso', '/v/c.iso', '/v/d.iso']
    const result = await run({ paths: paths.join('\n'), 'origin-timeout': '2', 'request-timeout': '2' })
    expect([0, 1]).toContain(result.code)
    expect(result.durationMs).toBeLessThan(15_000)
    expectOutputsPresent(result)
    expectPathsPartitioned(result, paths)
    expect(verifyOf(result).every(check => check.origin !== null)).toBe(true)
    // The paths asked from the fault on are not ready: failed, with the origin's answer, never purged nor prefetched.
    const notReady = verifyOf(result).filter(check => check.origin!.state !== 'ready')
    expect(notReady.map(check => check.path)).toEqual(['/v/c.iso', '/v/d.iso'])
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(['/v/c.iso', '/v/d.iso'])
    expect(sent('prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
    for (const check of notReady) expect(check.error).toMatch(/^the origin did not answer with the file \(127\.0\.0\.1:\d+: /)
  })
})
