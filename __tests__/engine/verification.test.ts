/**
 * Edge verification: after prefetch, ask the edge for each accepted path and
 * count it verified only when the edge provably serves the origin's file: a
 * HIT it held before the check asked, of the origin's size (and ETag), cached
 * after this run's purge, its last part too where the resource slices. Paths
 * not verified are asked again until verify-timeout.
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { SLICED } from '../support/resources.js'
import { workspaceWith } from '../support/workspace.js'

const MiB = 1024 * 1024

describe('edge verification', () => {
  it('checks only the prefetched paths: each one the edge holds is verified, verified-count right', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [2],
      fault: { kind: 'status', status: 400, body: '{"message": "rejected"}' }
    })
    const run = await warmUp(
      { paths: paths(150).join('\n'), 'verify-url': 'http://cdn101.example.com', 'fail-on-error': 'false' },
      { gcore }
    )

    const checked = run.report.verify.filter(entry => entry.result !== 'unchecked')
    expect(checked).toHaveLength(100)
    expect(checked.every(entry => entry.verified && entry.result === 'verified')).toBe(true)
    expect(checked[0]).toMatchObject({
      resource: 101,
      path: '/v/0.iso',
      url: 'http://cdn101.example.com/v/0.iso',
      status: 200,
      attempts: 1,
      expectedSize: 300 * MiB,
      size: 300 * MiB,
      edge: { firstCache: 'HIT', cache: 'HIT' }
    })
    // The paths never prefetched are in the output, unchecked, and say why.
    expect(run.report.verify.filter(entry => entry.result === 'unchecked')).toHaveLength(50)
    expect(run.report.verify.find(entry => entry.path === '/v/149.iso')).toMatchObject({ verified: false, error: 'not prefetched' })
    expect(run.report.verifiedCount).toBe(100)
    // Not sliced: one HEAD per prefetched path, no range.
    expect(gcore.edgeLog).toHaveLength(100)
    expect(gcore.edgeLog.every(entry => entry.method === 'HEAD')).toBe(true)
    expect(run.verdict.failed).toBe(false) // fail-on-error: false
  })

  it("a HIT that follows the check's own MISS proves nothing: unproven, and verify-required fails the run", async () => {
    const gcore = fakeGcore()
    // Another resource's edge knows nothing of resource 101's prefetch: its first answer MISSes and fills its cache.
    const run = await warmUp(
      { paths: '/a.iso', 'verify-url': 'http://cdn999.example.com', 'verify-required': 'true', 'verify-timeout': '12' },
      { gcore }
    )

    expect(run.report.verify).toMatchObject([
      { path: '/a.iso', verified: false, result: 'unproven', status: 200, attempts: 4, edge: { firstCache: 'MISS', cache: 'HIT' } }
    ])
    expect(run.report.verify[0].error).toMatch(/^first part: first answered MISS; the later HIT may be this check's own fetch/)
    expect(run.report.verifiedCount).toBe(0)
    expect(run.verdict).toEqual({
      failed: true,
      message: "Edge verification: the edge does not provably serve the origin's file for 1 of 1 paths (verify-required)."
    })
  })

  it('auto: asks each resource’s own hostname, for the first part and, sliced, the last one', async () => {
    const gcore = fakeGcore({ resources: [SLICED], origin: { '/dl/app.iso': { size: 300 * MiB } } })
    const workspace = workspaceWith({ 'app.iso': 300 * MiB })
    const run = await warmUp({ 'resource-id': '7', files: '*.iso', 'path-prefix': '/dl', 'verify-url': 'auto' }, { gcore, workspace })

    expect(gcore.edgeLog.map(entry => [entry.host, entry.method, entry.range ?? null, entry.cache])).toEqual([
      ['cdn.example.com', 'HEAD', null, 'HIT'],
      ['cdn.example.com', 'GET', 'bytes=-1', 'HIT']
    ])
    expect(run.report.verify).toMatchObject([
      { url: 'http://cdn.example.com/dl/app.iso', result: 'verified', expectedSize: 300 * MiB, size: 300 * MiB }
    ])
    expect(run.report.verify[0].edge?.lastPart).toMatchObject({ status: 206, cache: 'HIT', size: 300 * MiB })
    expect(run.report.verifiedCount).toBe(1)
  })

  it('catches old bytes: a prefetch made before the upload arrived is stale, and not verified', async () => {
    const gcore = fakeGcore({ resources: [SLICED], origin: { '/dl/app.iso': { size: 300 * MiB, version: 'v1' } } })
    // The release's new file reaches the origin half an hour late; this run does not wait for it.
    gcore.publish('/dl/app.iso', { size: 280 * MiB, version: 'v2' }, { delayMs: 30 * 60_000 })
    const workspace = workspaceWith({ 'app.iso': 280 * MiB })
    const run = await warmUp(
      {
        'resource-id': '7',
        files: '*.iso',
        'path-prefix': '/dl',
        purge: 'url',
        'origin-check': 'off',
        'verify-url': 'auto',
        'verify-required': 'true',
        'verify-timeout': '0'
      },
      { gcore, workspace }
    )

    expect(run.report.verify).toMatchObject([{ result: 'stale', expectedSize: 280 * MiB, size: 300 * MiB }])
    expect(run.report.verify[0].error).toBe(`first part: the edge holds a file of ${300 * MiB} bytes, the origin's has ${280 * MiB}`)
    expect(gcore.isStale(7, '/dl/app.iso')).toBe(false) // v1 is still all the origin serves: only the new file's size knows better
    expect(run.report.verifiedCount).toBe(0)
    expect(run.verdict.failed).toBe(true)
  })

  it('says once that a hidden Cache header leaves the edge unable to prove anything', async () => {
    const hiding = { enabled: true, mode: 'hide' as const, excepted: ['Content-Type'] }
    const gcore = fakeGcore({ resources: [{ id: 30, cname: 'hidden.example.com', options: { response_headers_hiding_policy: hiding } }] })
    const run = await warmUp({ 'resource-id': '30', paths: '/a.iso\n/b.iso', 'verify-url': 'auto', 'verify-timeout': '0' }, { gcore })

    expect(run.report.verify.map(entry => entry.result)).toEqual(['unproven', 'unproven'])
    expect(linesAt('notice', run.lines)).toEqual([
      'Resource 30 hides the Cache header (response_headers_hiding_policy): the edge cannot show it holds a file there.'
    ])
  })

  it('an edge that fails to answer, or answers an error, is an error for that path, not a failed run', async () => {
    const gcore = fakeGcore()
      .injectEdge({ on: [1], fault: { kind: 'reset' } })
      .injectEdge({ on: [2], fault: { kind: 'status', status: 404 } })
    const run = await warmUp({ paths: '/a.iso\n/b.iso\n/c.iso', 'verify-url': 'auto', 'verify-timeout': '0' }, { gcore })

    expect(run.report.verify.map(entry => [entry.path, entry.result, entry.error])).toEqual([
      ['/a.iso', 'error', 'first part: connection reset'],
      ['/b.iso', 'error', 'first part: HTTP 404'],
      ['/c.iso', 'verified', null]
    ])
    expect(run.verdict.failed).toBe(false)
  })

  it('asks again until verify-timeout: a path whose first answer was lost is verified on the next pass', async () => {
    const gcore = fakeGcore().injectEdge({ on: [1], fault: { kind: 'reset' } })
    const run = await warmUp({ paths: '/a.iso', 'verify-url': 'auto', 'verify-timeout': '30' }, { gcore })

    expect(run.report.verify).toMatchObject([{ path: '/a.iso', result: 'verified', attempts: 2 }])
    expect(gcore.edgeLog.map(entry => entry.status)).toEqual(['reset', 200])
  })

  it('verify-url auto without the resource’s hostname (settings not read): a warning, not verified', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso', 'verify-url': 'auto', 'resource-check': 'off' }, { gcore })

    expect(run.report.verify).toEqual([])
    expect(gcore.edgeLog).toEqual([])
    expect(linesAt('warning', run.lines)).toHaveLength(1)
  })
})
