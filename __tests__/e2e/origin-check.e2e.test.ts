/**
 * The origin check through the committed dist/index.js against the emulator's
 * API and origin servers: what only a process shows (real sockets and their
 * parsing, a signal, the runner's masking of a secret the API answered). Each
 * decision of the check is tested in process: engine/origin-check.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { GcoreEmulator, type EmulatorOptions, type LoggedRequest } from '../../emulator/gcore-emulator.js'
import { expectOutputsPresent, expectPathsPartitioned, keyLeaks } from '../support/checks.js'
import { runAction, type ActionRun } from '../support/run-action.js'

const KEY = 'origin-check-test-key-0123'
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
})

describe('hostile origins, over real sockets', () => {
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
