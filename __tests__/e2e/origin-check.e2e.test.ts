/**
 * The origin check and the edge held to the origin, through the committed
 * dist/index.js against the emulator's API, origin servers and edge: each case
 * the "Fresh and proven" issue names, as a whole run shows it. The decisions
 * behind them are tested in process too (engine/origin-check.test.ts,
 * engine/verification.test.ts), with every variant.
 *
 * The cases run at once (it.concurrent), each with its own emulator: most of a
 * case is waiting, for the origin or for Gcore's rate.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import type { EmulatorOptions } from '../../emulator/gcore-emulator.js'
import type { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { batchesOf, expectOutputsPresent, expectPathsPartitioned, keyLeaks, verifyOf, type VerifyOutput } from '../support/checks.js'
import { runChecked, startEmulator } from '../support/e2e.js'
import { sent, writes } from '../support/requests.js'
import type { ActionRun, RunOptions } from '../support/run-action.js'
import { workspaceWith } from '../support/workspace.js'

const MiB = 1024 * 1024
const SLICED = { slice: { enabled: true, value: true } }
/** Gcore's answer to a late upload: the CDN fetches what the origin serves, so the purge must wait for it. */
const LATE_UPLOAD_MS = 20_000

const started: GcoreEmulator[] = []
afterAll(() => Promise.all(started.map(gcore => gcore.stop())))

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<GcoreEmulator> {
  const gcore = await startEmulator({ windowMs: 200, ...options })
  started.push(gcore)
  return gcore
}

/** A run on resource 7 at the emulator's pace, checked as every run is (no key, no foreign command, no stack trace). */
const run = (gcore: GcoreEmulator, inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> =>
  runChecked(
    gcore,
    { 'resource-id': '7', 'prefetch-interval': '0.2', 'purge-interval': '0.2', 'purge-pattern-interval': '0.2', ...inputs },
    { timeoutMs: 60_000, ...options }
  )

const entry = (result: ActionRun, path: string): VerifyOutput => verifyOf(result).find(candidate => candidate.path === path)!

describe('before any purge, the origin must hold the new file', () => {
  it.concurrent('neither purges nor prefetches a path the origin lacks, and the others go on', async () => {
    const gcore = await emulator({ originGroups: [{ id: 1, sources: [{ missing: ['/v/gone.iso'] }] }] })
    const paths = ['/v/a.iso', '/v/gone.iso', '/v/b.iso']
    const result = await run(gcore, { paths: paths.join('\n'), purge: 'url', 'origin-timeout': '1' })

    expect(result.code).toBe(1)
    expect(sent(gcore, 'purge')).toEqual(['/v/a.iso', '/v/b.iso'])
    expect(sent(gcore, 'prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
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

  it.concurrent(
    'waits for an upload that reaches the origin 20 s late, then purges; the edge ends with no part of the old file',
    async () => {
      const gcore = await emulator({
        resources: [{ id: 7, options: SLICED }],
        origin: { '/v/app.iso': { size: 300 * MiB, version: 'v1' } }
      })
      const edge = await gcore.startEdge(7)
      await run(gcore, { paths: '/v/app.iso' }) // v1 at the edge, every part
      // The release's new file: its size is known, so the origin's old one is not taken for it.
      const workspace = workspaceWith({ 'app.iso': 280 * MiB })
      const published = Date.now()
      gcore.publish('/v/app.iso', { size: 280 * MiB, version: 'v2' }, { delayMs: LATE_UPLOAD_MS })
      const result = await run(gcore, { files: 'app.iso', 'path-prefix': '/v', purge: 'true', 'verify-url': edge }, { cwd: workspace })

      expect(result.code).toBe(0)
      expect(gcore.acceptedRequests('purge').at(-1)!.at - published).toBeGreaterThanOrEqual(LATE_UPLOAD_MS)
      expect([...gcore.cacheState(7, '/v/app.iso').versions]).toEqual(['v2'])
      expect(entry(result, '/v/app.iso')).toMatchObject({ verified: true, origin: { state: 'ready', size: 280 * MiB } })
    },
    60_000
  )

  it.concurrent('catches a lagging second source before any purge', async () => {
    const gcore = await emulator({
      originGroups: [{ id: 1, sources: [{}, { lagMs: 60_000 }] }],
      origin: { '/v/app.iso': { size: 300 * MiB, version: 1 } }
    })
    gcore.publish('/v/app.iso', { size: 310 * MiB, version: 2 })
    const result = await run(gcore, { paths: '/v/app.iso\n/v/other.iso', purge: 'url', 'origin-timeout': '1' })

    expect(result.code).toBe(1)
    expect(sent(gcore, 'purge')).toEqual(['/v/other.iso'])
    expect(entry(result, '/v/app.iso').origin?.state).toBe('disagree')
    expect(entry(result, '/v/app.iso').error).toMatch(
      /^the origin's sources disagree \(127\.0\.0\.1:\d+: HTTP 200, 325058560 bytes.*; 127\.0\.0\.1:\d+: HTTP 200, 314572800 bytes/
    )
  })

  it.concurrent('asks the origin with the Host header the CDN sends', async () => {
    const gcore = await emulator({
      resources: [
        { id: 7, cname: 'cdn.example.com', options: { hostHeader: { enabled: true, value: 'files.example.com' } } },
        { id: 8, cname: 'dl.example.com' }
      ],
      originGroups: [
        { id: 1, sources: [{ vhost: 'files.example.com' }] },
        { id: 2, sources: [{ host_header_override: 'bucket.example.net', vhost: 'bucket.example.net' }] }
      ]
    })
    const result = await run(gcore, { paths: '/v/a.iso' })

    expect(result.code).toBe(0)
    const hosts = new Set(gcore.originLog.filter(request => request.method === 'HEAD').map(request => request.host))
    expect(hosts).toEqual(new Set(['files.example.com']))
    expect(entry(result, '/v/a.iso').origin?.state).toBe('ready')
  })

  it.concurrent(
    'skips an origin that refuses the runner, with one notice (auto), or fails before anything is sent (required)',
    async () => {
      const gcore = await emulator({ originGroups: [{ id: 1, sources: [{ acl: true }] }] })
      const auto = await run(gcore, { paths: '/v/a.iso\n/v/b.iso', purge: 'url' })

      expect(auto.code).toBe(0)
      expect(sent(gcore, 'prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
      const notices = auto.stdout.split('\n').filter(line => line.startsWith('::notice::Origin check skipped'))
      expect(notices).toHaveLength(1)
      expect(notices[0]).toMatch(/resource 7: the origin refuses the runner \(source 127\.0\.0\.1:\d+: HTTP 403\).*origin-url/)
      expect(auto.summary).toMatch(/Origin check skipped for resource 7: the origin refuses the runner/)

      gcore.log.length = 0
      const required = await run(gcore, { paths: '/v/a.iso', purge: 'url', 'origin-check': 'required' })
      expect(required.code).toBe(1)
      expect(writes(gcore)).toEqual([])
      expect(required.stdout).toMatch(
        /::error::origin-check is required, but the origin of resource 7 cannot be asked: the origin refuses the runner/
      )
      expectOutputsPresent(required)
    }
  )

  it.concurrent('never shows an S3 secret the origin group answers unmasked, in any sink', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    const gcore = await emulator({
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
    const result = await run(gcore, { paths: '/v/a.iso', 'max-attempts': '1' }, { env: { RUNNER_DEBUG: '1' } })

    expect(result.code).toBe(1)
    expect(keyLeaks(result, secret, [secret])).toEqual([]) // the runner consumes its ::add-mask:: line
    expect(result.stdout).toContain('::add-mask::')
  })
})

describe('waiting for the origin is bounded', () => {
  it.concurrent('ends within two seconds of a cancel, every output written and every path accounted for', async () => {
    let prefetched!: () => void
    const accepted = new Promise<void>(resolve => (prefetched = resolve))
    const gcore = await emulator({
      originGroups: [{ id: 1, sources: [{ missing: ['/v/late.iso'] }] }],
      onRequest: event => void (event.server === 'api' && event.request.operation === 'prefetch' && prefetched())
    })
    const paths = ['/v/a.iso', '/v/late.iso']
    // Cancelled while the late path is still awaited at the origin, after the other was prefetched.
    const result = await run(
      gcore,
      { paths: paths.join('\n'), purge: 'url' },
      { signal: { name: 'SIGINT', on: accepted.then(() => new Promise(resolve => setTimeout(resolve, 300))) } }
    )

    expect(result.signalledAt).not.toBeNull()
    expect(result.exitedAt - result.signalledAt!).toBeLessThan(2000)
    expect(result.code).toBe(1)
    expectOutputsPresent(result)
    expectPathsPartitioned(result, paths)
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(['/v/late.iso'])
    expect(result.outputs.result).toBe('partial')
  })
})

describe('the edge held to the origin', () => {
  it.concurrent('does not verify a prefetch that never reached the edge, though a later HEAD is a HIT', async () => {
    const gcore = await emulator()
    const edge = await gcore.startEdge(7)
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'lost' } })
    const result = await run(gcore, { paths: '/v/a.iso', 'verify-url': edge, 'verify-timeout': '1' })

    expect(result.code).toBe(0)
    expect(result.outputs['verified-count']).toBe('0')
    expect(entry(result, '/v/a.iso')).toMatchObject({ verified: false, result: 'unproven' })
    expect(gcore.edgeLog.map(request => request.cache)).toEqual(expect.arrayContaining(['MISS', 'HIT']))
  })

  it.concurrent('catches a same-size replacement whose last part a purge by URL left at the edge', async () => {
    const gcore = await emulator({ resources: [{ id: 7, options: SLICED }], origin: { '/v/app.iso': { size: 300 * MiB, version: 'v1' } } })
    const edge = await gcore.startEdge(7)
    await run(gcore, { paths: '/v/app.iso' })
    await new Promise(resolve => setTimeout(resolve, 1100)) // v1's parts a whole second older than the purge
    gcore.setOrigin('/v/app.iso', { size: 300 * MiB, version: 'v2' })
    const result = await run(gcore, { paths: '/v/app.iso', purge: 'url', 'verify-url': edge, 'verify-required': 'true' })

    expect(result.code).toBe(1)
    expect(entry(result, '/v/app.iso')).toMatchObject({ verified: false, result: 'stale' })
    expect(entry(result, '/v/app.iso').error).toMatch(/^last part: cached at .*, before this run's purge/)
    expect(batchesOf(result).find(batch => batch.kind === 'url')?.purge_id).toEqual(expect.any(Number))
  })
})

describe('hostile origins, over real sockets', () => {
  it.concurrent.each([
    ['a redirect loop', { kind: 'redirect-loop' as const }],
    ['an HTML page', { kind: 'status' as const, status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>blocked</html>' }],
    ['garbage headers', { kind: 'status' as const, status: 200, headers: { 'Content-Length': 'many' } }]
  ])('bounds %s at the origin, reports it per path, and goes on', async (_, fault) => {
    const gcore = await emulator()
    gcore.inject({ operation: 'origin', on: [{ from: 4 }], fault })
    const paths = ['/v/a.iso', '/v/b.iso', '/v/c.iso', '/v/d.iso']
    const result = await run(gcore, { paths: paths.join('\n'), 'origin-timeout': '2', 'request-timeout': '2' })

    expect([0, 1]).toContain(result.code)
    expect(result.durationMs).toBeLessThan(15_000)
    expectOutputsPresent(result)
    expectPathsPartitioned(result, paths)
    expect(verifyOf(result).every(check => check.origin !== null)).toBe(true)
    // The paths asked from the fault on are not ready: failed, with the origin's answer, never purged nor prefetched.
    const notReady = verifyOf(result).filter(check => check.origin!.state !== 'ready')
    expect(notReady.map(check => check.path)).toEqual(['/v/c.iso', '/v/d.iso'])
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(['/v/c.iso', '/v/d.iso'])
    expect(sent(gcore, 'prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
    for (const check of notReady) expect(check.error).toMatch(/^the origin did not answer with the file \(127\.0\.0\.1:\d+: /)
  })
})
