/**
 * End to end: the account's limits, purge completion, several resources and edge
 * verification, through dist/ against the emulator. Mirrors the acceptance list
 * of the "beyond every CDN action" issue.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { GcoreEmulator, type EmulatorOptions } from '../emulator/gcore-emulator.js'
import { runAction } from './support/run-action.js'

const KEY = 'beyond-key'
let gcore: GcoreEmulator

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<void> {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, ...options })
  await gcore.start()
}
afterEach(async () => gcore?.stop())

const paths = (count: number) => Array.from({ length: count }, (_, i) => `/v/${i}.iso`)
const inputs = (extra: Record<string, string>) => ({ 'api-key': KEY, 'resource-id': '101', 'api-url': gcore.url, ...extra })
const bodies = (operation: 'prefetch' | 'purge', resource?: number) =>
  gcore
    .acceptedRequests(operation)
    .filter(entry => resource === undefined || entry.resource === resource)
    .map(entry => (entry.body as { paths?: string[]; urls?: string[] }).paths ?? (entry.body as { urls: string[] }).urls)

describe("the account's limits", () => {
  it('prefetch_pattern_limit 40: 100 paths go in 3 prefetch requests', async () => {
    await emulator({ maxPrefetchPaths: 40 })
    const run = await runAction(inputs({ paths: paths(100).join('\n') }))

    expect(run.code).toBe(0)
    expect(bodies('prefetch').map(batch => batch.length)).toEqual([40, 40, 20])
    // The account says 1/s (the emulator's 1 s window): no interval input needed.
    expect(run.stdout).toContain('prefetch batch size 40 (account: 40), prefetch interval 1 s (account: 1/s)')
    expect(run.summary).toContain('Limits: prefetch batch size 40 (account: 40)')
  })

  it('limits answer 403: documented values, a notice, success', async () => {
    await emulator({ limits: { status: 403, body: { detail: 'You do not have permission to perform this action.' } } })
    const run = await runAction(inputs({ paths: '/a.iso', 'prefetch-interval': '1' }))

    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      "::notice::Could not read the account's limits (GET /cdn/clients/me/limits: HTTP 403: You do not have permission to perform this action.); using Gcore's documented limits."
    )
    expect(run.stdout).toContain('prefetch batch size 100 (Gcore documented), prefetch interval 1 s (input)')
    expect(run.outputs.result).toBe('success')
  })

  it('limits: documented does not ask the account', async () => {
    await emulator()
    const run = await runAction(inputs({ paths: '/a.iso', limits: 'documented', 'prefetch-interval': '1' }))

    expect(run.code).toBe(0)
    expect(gcore.log.map(entry => entry.operation)).toEqual(['resource', 'rules', 'origin-group', 'prefetch'])
  })
})

describe('purge completion', () => {
  it('prefetches no path before its purge turned Successful', async () => {
    await emulator({ purgeStatus: { durationMs: 2000 } })
    const run = await runAction(inputs({ paths: paths(200).join('\n'), purge: 'true', 'purge-interval': '0.5', 'prefetch-interval': '1' }))

    expect(run.code).toBe(0)
    const purgedAt = new Map<string, number>()
    for (const purge of gcore.purges) for (const url of purge.payload.urls ?? []) purgedAt.set(new URL(url).pathname, purge.createdAt)
    for (const prefetch of gcore.acceptedRequests('prefetch')) {
      for (const path of (prefetch.body as { paths: string[] }).paths)
        expect(prefetch.at).toBeGreaterThanOrEqual(purgedAt.get(path)! + 2000)
    }
    expect(
      gcore.log.some(
        entry => entry.operation === 'purge-status' && entry.url.includes('purge_type=purge_by_url') && entry.url.includes('limit=100')
      )
    ).toBe(true)
    expect(run.outputs).toMatchObject({ 'purged-count': '200', 'prefetched-count': '200' })
  })

  it('with Status report disabled: the settle wait, then prefetch', async () => {
    await emulator({ purgeStatus: { fixed: 'Status report disabled' } })
    const run = await runAction(
      inputs({ paths: '/a.iso', purge: 'true', 'purge-settle': '1.5', 'prefetch-interval': '1', 'purge-interval': '0.5' })
    )

    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      '::notice::purge by URL 1/1 (resource 101): purge status reports are disabled for this account; waiting purge-settle (1.5 s)'
    )
    const [purge] = gcore.purges
    expect(gcore.acceptedRequests('prefetch')[0].at).toBeGreaterThanOrEqual(purge.createdAt + 1500)
  })

  it('a Failed purge fails its paths, which are not prefetched', async () => {
    await emulator({ purgeStatus: { fixed: 'Failed' } })
    const run = await runAction(inputs({ paths: '/a.iso', purge: 'true', 'prefetch-interval': '1', 'purge-interval': '0.5' }))

    expect(run.code).toBe(1)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(0)
    expect(run.outputs).toMatchObject({ result: 'failure', 'purged-count': '0', 'failed-paths': '["/a.iso"]' })
    expect(run.stdout).toContain('purge accepted, but Gcore reports it Failed')
  })
})

describe('several resources', () => {
  it('resource-id "101,202": every path once per resource, concurrently', async () => {
    await emulator()
    const single = await runAction(inputs({ paths: paths(250).join('\n'), 'prefetch-interval': '1' }))
    gcore.log.length = 0
    await gcore.stop()
    await emulator()
    const both = await runAction(inputs({ 'resource-id': '101,202', paths: paths(250).join('\n'), 'prefetch-interval': '1' }))

    expect(both.code).toBe(0)
    for (const resource of [101, 202]) expect(bodies('prefetch', resource).flat()).toEqual(paths(250))
    expect(both.durationMs).toBeLessThan(1.6 * single.durationMs)
    const batches = JSON.parse(both.outputs.batches) as { resource: number }[]
    expect(batches.map(batch => batch.resource)).toEqual([101, 101, 101, 202, 202, 202])
    expect(both.outputs).toMatchObject({ 'total-count': '250', 'prefetched-count': '250' })
    expect(both.summary).toContain('<tr><td>✅ 101</td><td>cdn101.example.com</td><td>active</td>')
    expect(both.summary).toContain('<tr><td>✅ 202</td><td>cdn202.example.com</td><td>active</td>')
    expect(JSON.parse(both.outputs.resources)).toEqual([
      { id: 101, hostname: 'cdn101.example.com', state: 'active', slice: false, 'purge-kind': 'none', paths: 250 },
      { id: 202, hostname: 'cdn202.example.com', state: 'active', slice: false, 'purge-kind': 'none', paths: 250 }
    ])
    expect(both.summary).toContain('### Resource 101')
    expect(both.summary).toContain('### Resource 202')
  })

  it('a path counts as prefetched only when every resource accepted it', async () => {
    await emulator()
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 400, body: '{"message": "nope"}' } })
    const run = await runAction(inputs({ 'resource-id': '101\n202', paths: '/a.iso', 'prefetch-interval': '1' }))

    expect(run.code).toBe(1)
    // Accepted by one resource only: not prefetched, and the run is partial (one resource did its part).
    expect(run.outputs).toMatchObject({ result: 'partial', 'prefetched-count': '0', 'failed-paths': '["/a.iso"]' })
  })
})

describe('edge verification', () => {
  it('verifies the prefetched paths the edge held before it was asked; verified-count is right', async () => {
    await emulator()
    const edge = await gcore.startEdge(101)
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 400, body: '{"message": "rejected"}' } })
    const run = await runAction(
      inputs({ paths: paths(150).join('\n'), 'prefetch-interval': '1', 'verify-url': edge, 'fail-on-error': 'false' })
    )

    expect(run.code).toBe(0)
    const verify = JSON.parse(run.outputs.verify) as { path: string; result: string; url: string; verified: boolean; error: string }[]
    expect(verify).toHaveLength(150) // every path: its origin's verdict, and the edge's where it was prefetched
    expect(verify.filter(entry => entry.verified).map(entry => entry.path)).toEqual(paths(100))
    expect(verify.filter(entry => !entry.verified).map(entry => [entry.result, entry.error])).toEqual(
      Array.from({ length: 50 }, () => ['unchecked', 'not prefetched'])
    )
    expect(verify[0].url).toBe(`${edge}/v/0.iso`)
    expect(run.outputs['verified-count']).toBe('100')
    expect(run.summary).toContain('### The edge')
    expect(run.summary).toContain('100 of 150 verified at the edge')
  })

  it('verify-required fails the step when the only HIT is the check’s own fetch, after verify-timeout', async () => {
    await emulator()
    const edge = await gcore.startEdge(999) // another resource's edge: it fills on the check's own MISS
    const run = await runAction(
      inputs({ paths: '/a.iso', 'prefetch-interval': '1', 'verify-url': edge, 'verify-required': 'true', 'verify-timeout': '1' })
    )

    expect(run.code).toBe(1)
    expect(JSON.parse(run.outputs.verify)).toMatchObject([{ path: '/a.iso', result: 'unproven', status: 200, verified: false }])
    expect(JSON.parse(run.outputs.verify)[0].error).toMatch(/first answered MISS; the later HIT may be this check's own fetch/)
    expect(JSON.parse(run.outputs.verify)[0].attempts).toBeGreaterThanOrEqual(2)
    expect(run.outputs['verified-count']).toBe('0')
    expect(run.stdout).toContain(
      "::error::Edge verification: the edge does not provably serve the origin's file for 1 of 1 paths (verify-required)."
    )
  })
})

describe('dry run', () => {
  it('reads the limits and the resources (GET only) and shows the per-resource plan and estimate, sending nothing', async () => {
    await emulator({ maxPrefetchPaths: 40 })
    const run = await runAction(inputs({ 'resource-id': '101,202', paths: paths(100).join('\n'), purge: 'true', 'dry-run': 'true' }))

    expect(run.code).toBe(0)
    expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules', 'resource', 'rules'])
    expect(gcore.log.every(entry => entry.method === 'GET')).toBe(true)
    expect(run.stdout).toContain(
      '100 paths: 3 purge by URL and 3 prefetch batches of up to 40 on each of 2 resources, one prefetch every 1 s: about 2 s'
    )
    expect(run.summary).toContain('Estimated time 2 s.')
    expect(run.summary).toContain('Dry run: resources and limits were read (GET only); no purge or prefetch was sent.')
    expect(run.summary).toContain('### Resource 202')
  })
})

describe('optional GETs never hold up the run', () => {
  it('a limits endpoint that hangs costs at most a few seconds, then the documented limits apply', async () => {
    await emulator()
    gcore.inject({ operation: 'limits', on: [1, 2], fault: { kind: 'hang' } })
    const run = await runAction(inputs({ paths: '/a.iso', 'prefetch-interval': '1' }))

    expect(run.code).toBe(0)
    expect(run.stdout).toContain("::notice::Could not read the account's limits (no complete answer within 5 s (request-timeout))")
    expect(run.durationMs).toBeLessThan(15_000)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1)
  }, 30_000)
})

describe('cancel while waiting for a purge to finish', () => {
  it('counts the accepted purge, cancels its prefetch, exits within 3 s', async () => {
    await emulator({ purgeStatus: { fixed: 'In progress' } })
    const run = await runAction(inputs({ paths: '/a.iso\n/b.iso', purge: 'true', 'purge-interval': '0.5', 'prefetch-interval': '1' }), {
      signal: { name: 'SIGINT', when: stdout => stdout.includes('purge by URL 1/1') }
    })

    expect(run.code).not.toBe(0)
    expect(run.durationMs).toBeLessThan(3000)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(0)
    expect(run.outputs).toMatchObject({ 'purged-count': '2', 'prefetched-count': '0', 'failed-count': '2' })
    expect(JSON.parse(run.outputs.batches).map((b: { operation: string; outcome: string }) => `${b.operation} ${b.outcome}`)).toEqual([
      'purge succeeded',
      'prefetch cancelled'
    ])
  })
})
