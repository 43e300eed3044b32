/**
 * Edge verification: after prefetch, HEAD each accepted path at the CDN and
 * read its Cache header, asking again until verify-timeout; where the new
 * file's size is known, a cached file of another size is `stale`.
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { SLICED } from '../support/resources.js'
import { workspaceWith } from '../support/workspace.js'

const MiB = 1024 * 1024

describe('edge verification', () => {
  it('checks only the prefetched paths: HIT for each, verified-count right', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [2],
      fault: { kind: 'status', status: 400, body: '{"message": "rejected"}' }
    })
    const run = await warmUp(
      { paths: paths(150).join('\n'), 'verify-url': 'http://cdn101.example.com', 'fail-on-error': 'false' },
      { gcore }
    )

    expect(run.report.verify).toHaveLength(100)
    expect(run.report.verify.every(entry => entry.result === 'HIT')).toBe(true)
    expect(run.report.verify[0]).toMatchObject({
      resource: 101,
      path: '/v/0.iso',
      url: 'http://cdn101.example.com/v/0.iso',
      status: 200,
      attempts: 1
    })
    expect(run.report.verifiedCount).toBe(100)
    expect(gcore.edgeLog).toHaveLength(100)
    expect(run.verdict.failed).toBe(false) // fail-on-error: false
  })

  it('verify-required fails the run on a path not HIT, after asking again until verify-timeout', async () => {
    const gcore = fakeGcore()
    // An edge that knows nothing of resource 101's prefetches.
    const run = await warmUp(
      { paths: '/a.iso', 'verify-url': 'http://cdn999.example.com', 'verify-required': 'true', 'verify-timeout': '12' },
      { gcore }
    )

    expect(run.report.verify).toMatchObject([{ path: '/a.iso', result: 'MISS', status: 200, attempts: 4 }])
    expect(run.report.verifiedCount).toBe(0)
    expect(run.verdict).toEqual({ failed: true, message: 'Edge verification: 1 of 1 paths are not HIT (verify-required).' })
  })

  it('auto: asks each resource’s own hostname, and HITs the files, size and all', async () => {
    const gcore = fakeGcore({ resources: [SLICED], origin: { '/dl/app.iso': { size: 300 * MiB } } })
    const workspace = workspaceWith({ 'app.iso': 300 * MiB })
    const run = await warmUp({ 'resource-id': '7', files: '*.iso', 'path-prefix': '/dl', 'verify-url': 'auto' }, { gcore, workspace })

    expect(gcore.edgeLog.map(entry => entry.host)).toEqual(['cdn.example.com'])
    expect(run.report.verify).toMatchObject([
      { url: 'http://cdn.example.com/dl/app.iso', result: 'HIT', expectedSize: 300 * MiB, size: 300 * MiB }
    ])
    expect(run.report.verifiedCount).toBe(1)
  })

  it('catches old parts: a cached file of another size than the new one is stale, and not verified', async () => {
    const gcore = fakeGcore({ resources: [SLICED], origin: { '/dl/app.iso': { size: 300 * MiB, version: 'v1' } } })
    await warmUp({ 'resource-id': '7', paths: '/dl/app.iso' }, { gcore })
    // v2 is smaller: its first part replaces v1's, parts 2…30 of v1 stay, and the edge holds more bytes than v2 has.
    gcore.setOrigin('/dl/app.iso', { size: 280 * MiB, version: 'v2' })
    const workspace = workspaceWith({ 'app.iso': 280 * MiB })
    const run = await warmUp(
      { 'resource-id': '7', files: '*.iso', 'path-prefix': '/dl', purge: 'url', 'verify-url': 'auto', 'verify-required': 'true' },
      { gcore, workspace }
    )

    expect(run.report.verify).toMatchObject([{ result: 'stale', expectedSize: 280 * MiB, size: 300 * MiB }])
    expect(run.report.verifiedCount).toBe(0)
    expect(run.verdict.failed).toBe(true)
  })

  it('says once that a hidden Cache header leaves only the size to judge', async () => {
    const hiding = { enabled: true, mode: 'hide' as const, excepted: ['Content-Type'] }
    const gcore = fakeGcore({ resources: [{ id: 30, cname: 'hidden.example.com', options: { response_headers_hiding_policy: hiding } }] })
    const run = await warmUp({ 'resource-id': '30', paths: '/a.iso\n/b.iso', 'verify-url': 'auto' }, { gcore })

    expect(run.report.verify.map(entry => entry.result)).toEqual(['no-header', 'no-header'])
    expect(linesAt('notice', run.lines)).toEqual([
      'Resource 30 hides the Cache header (response_headers_hiding_policy): verification cannot judge HIT there, only the size.'
    ])
  })

  it('an edge that fails to answer, or answers an error, is an error for that path, not a failed run', async () => {
    const gcore = fakeGcore()
      .injectEdge({ on: [1], fault: { kind: 'reset' } })
      .injectEdge({ on: [2], fault: { kind: 'status', status: 404 } })
    const run = await warmUp({ paths: '/a.iso\n/b.iso\n/c.iso', 'verify-url': 'auto' }, { gcore })

    expect(run.report.verify.map(entry => [entry.path, entry.result, entry.error])).toEqual([
      ['/a.iso', 'error', 'connection reset'],
      ['/b.iso', 'error', 'HTTP 404'],
      ['/c.iso', 'HIT', null]
    ])
    expect(run.verdict.failed).toBe(false)
  })

  it('verify-url auto without the resource’s hostname (settings not read): a warning, not verified', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso', 'verify-url': 'auto', 'resource-check': 'off' }, { gcore })

    expect(run.report.verify).toEqual([])
    expect(gcore.edgeLog).toEqual([])
    expect(linesAt('warning', run.lines)).toHaveLength(1)
  })
})
