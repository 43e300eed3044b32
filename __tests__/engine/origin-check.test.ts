/**
 * The origin check (origin-check, origin-url, origin-timeout): before any
 * purge, each path's new file must be at the origin, on every primary source
 * of the resource's origin group, as the CDN will ask for it. A path the
 * origin lacks, or holds in another size, or whose sources disagree, is
 * neither purged nor prefetched; the others go on. Then the edge is held to
 * what the origin serves.
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, MINUTE, warmUp, expectPartitioned, type Warmed } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { sent, writes } from '../support/requests.js'
import { workspaceWith } from '../support/workspace.js'

const MiB = 1024 * 1024
const SLICED = { slice: { enabled: true, value: true } }

const check = (run: Warmed, path: string) => run.report.verify.find(entry => entry.path === path)!

describe('before any purge, the origin must hold the new file', () => {
  it('neither purges nor prefetches a path the origin lacks, asks it until origin-timeout, and the others go on', async () => {
    const gcore = fakeGcore({ originGroups: [{ id: 1, sources: [{ missing: ['/v/gone.iso'] }] }] })
    const given = ['/v/a.iso', '/v/gone.iso', '/v/b.iso']
    const run = await warmUp({ paths: given.join('\n'), purge: 'url', 'origin-timeout': '60' }, { gcore })

    expect(sent(gcore, 'purge')).toEqual(['/v/a.iso', '/v/b.iso'])
    expect(sent(gcore, 'prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
    expect(run.report).toMatchObject({ result: 'partial', failedPaths: ['/v/gone.iso'] })
    expect(check(run, '/v/gone.iso').origin).toMatchObject({ state: 'missing', status: 404, source: 'origin0.fake.test' })
    expect(check(run, '/v/gone.iso').error).toBe('the file is missing at the origin (origin0.fake.test: HTTP 404)')
    // Asked every 5 s, and once more at the deadline.
    const asked = gcore.originLog.filter(request => request.path === '/v/gone.iso').map(request => request.at - gcore.clock.start)
    expect(asked[0]).toBe(0)
    expect(asked.at(-1)).toBe(MINUTE)
    expect(asked.length).toBeGreaterThanOrEqual(12)
    expectPartitioned(run.report, given)
  })

  it('waits for an upload that reaches the origin late, then purges; the edge ends with no part of the old file', async () => {
    const gcore = fakeGcore({ resources: [{ id: 7, options: SLICED }], origin: { '/v/app.iso': { size: 300 * MiB, version: 'v1' } } })
    await warmUp({ 'resource-id': '7', paths: '/v/app.iso' }, { gcore }) // v1 is at the edge
    const published = gcore.clock.now()
    // The release's new file is known by its size, so the origin's old one is not taken for it.
    gcore.publish('/v/app.iso', { size: 280 * MiB, version: 'v2' }, { delayMs: 2 * MINUTE })
    const run = await warmUp(
      { 'resource-id': '7', files: 'app.iso', 'path-prefix': '/v', purge: 'true', 'verify-url': 'auto' },
      { gcore, workspace: workspaceWith({ 'app.iso': 280 * MiB }) }
    )

    expect(gcore.acceptedRequests('purge')[0].at - published).toBeGreaterThanOrEqual(2 * MINUTE)
    expect([...gcore.cacheState(7, '/v/app.iso').versions]).toEqual(['v2'])
    expect(check(run, '/v/app.iso')).toMatchObject({ verified: true, result: 'verified', origin: { state: 'ready', size: 280 * MiB } })
    expect(run.report.result).toBe('success')
  })

  it('catches a source that lags behind the others before any purge, and goes on once it has caught up', async () => {
    const groups = [{ id: 1, sources: [{}, { lagMs: 10 * MINUTE }] }]
    const gcore = fakeGcore({ originGroups: groups, origin: { '/v/app.iso': { size: 300 * MiB, version: 1 } } })
    gcore.publish('/v/app.iso', { size: 310 * MiB, version: 2 })
    const run = await warmUp({ paths: '/v/app.iso\n/v/other.iso', purge: 'url', 'origin-timeout': '60' }, { gcore })

    expect(sent(gcore, 'purge')).toEqual(['/v/other.iso'])
    expect(check(run, '/v/app.iso').origin?.state).toBe('disagree')
    expect(check(run, '/v/app.iso').error).toMatch(
      /^the origin's sources disagree \(origin0\.fake\.test: HTTP 200, 325058560 bytes.*; origin1\.fake\.test: HTTP 200, 314572800 bytes/
    )

    const patient = await warmUp({ paths: '/v/app.iso', purge: 'url', 'origin-timeout': '900' }, { gcore })
    expect(patient.report.result).toBe('success')
    expect(gcore.acceptedRequests('purge').at(-1)!.at - gcore.clock.start).toBeGreaterThanOrEqual(10 * MINUTE)
  })

  it('asks the origin with the Host header the CDN sends', async () => {
    const gcore = fakeGcore({
      resources: [{ id: 7, cname: 'cdn.example.com', options: { hostHeader: { enabled: true, value: 'files.example.com' } } }],
      originGroups: [{ id: 1, sources: [{ vhost: 'files.example.com' }] }]
    })
    const run = await warmUp({ 'resource-id': '7', paths: '/v/a.iso' }, { gcore })

    expect(new Set(gcore.originLog.map(request => request.host))).toEqual(new Set(['files.example.com']))
    expect(check(run, '/v/a.iso').origin?.state).toBe('ready')
  })

  it('skips an origin that refuses the runner with one notice (auto), or stops before anything is sent (required)', async () => {
    const acl = { originGroups: [{ id: 1, sources: [{ acl: true }] }] }
    const gcore = fakeGcore(acl)
    const auto = await warmUp({ paths: '/v/a.iso\n/v/b.iso', purge: 'url' }, { gcore })

    expect(sent(gcore, 'prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
    expect(linesAt('notice', auto.lines)).toEqual([
      'Origin check skipped for resource 101: the origin refuses the runner (source origin0.fake.test: HTTP 403). ' +
        "Its paths are purged and prefetched without it; to check it, give origin-url (a URL where the runner can read the files), or let the runner through the origin's ACL."
    ])
    expect(auto.report.skippedChecks).toEqual([
      { resource: 101, check: 'origin', why: expect.stringMatching(/^the origin refuses the runner/) }
    ])
    // Only the first paths are asked before the origin is given up: not every path of a long list.
    expect(gcore.originLog.length).toBeLessThanOrEqual(3)

    const strict = fakeGcore(acl)
    const required = await warmUp({ paths: '/v/a.iso', purge: 'url', 'origin-check': 'required' }, { gcore: strict })
    expect(writes(strict)).toEqual([])
    expect(required.verdict).toEqual({
      failed: true,
      message: expect.stringMatching(
        /^origin-check is required, but the origin of resource 101 cannot be asked: the origin refuses the runner/
      )
    })
    expect(required.report.failedPaths).toEqual(['/v/a.iso'])
  })

  it('origin-url: where the origin refuses the runner, it asks there instead, with the path as the CDN asks for it', async () => {
    const gcore = fakeGcore({
      originGroups: [
        { id: 1, sources: [{ acl: true }] },
        { id: 2, sources: [{}] }
      ]
    })
    const run = await warmUp({ paths: '/v/a.iso', 'origin-url': 'http://origin1.fake.test/' }, { gcore })

    expect(run.report.skippedChecks).toEqual([])
    expect(new Set(gcore.originLog.map(request => `${request.source} ${request.path} ${request.status}`))).toEqual(
      new Set(['1 /v/a.iso 200'])
    )
    expect(check(run, '/v/a.iso').origin).toMatchObject({ state: 'ready', source: 'origin1.fake.test', size: 300 * MiB })
  })

  it('gives up on a path the origin does not have by the end of the time budget', async () => {
    const gcore = fakeGcore({ originGroups: [{ id: 1, sources: [{ missing: ['/v/late.iso'] }] }] })
    const run = await warmUp({ paths: '/v/a.iso\n/v/late.iso', 'time-budget': '120', 'request-timeout': '10' }, { gcore })

    expect(run.elapsed).toBeLessThanOrEqual(120_000)
    expect(run.report.failedPaths).toEqual(['/v/late.iso'])
    expect(check(run, '/v/late.iso').origin?.state).toBe('missing')
  })

  it('asks each path once, two batches ahead of the schedule, or all first where a purge all waits for every path', async () => {
    const given = paths(1000)
    const gcore = fakeGcore()
    const run = await warmUp({ paths: given.join('\n'), purge: 'url' }, { gcore })
    expect(run.report).toMatchObject({ result: 'success', prefetchedCount: 1000 })
    // Each HEAD, by the path's place in the list, against the groups formed by then (each sent at once as its purge).
    const heads = gcore.originLog.slice(1) // after the probe
    expect(heads.map(request => request.path)).toEqual(given)
    const purgeTimes = gcore.acceptedRequests('purge').map(request => request.at)
    heads.forEach((request, i) => expect(i).toBeLessThan((purgeTimes.filter(at => at <= request.at).length + 2) * 100))
    expect(heads.at(-1)!.at).toBeGreaterThan(gcore.acceptedRequests('prefetch')[0].at)

    const all = fakeGcore()
    await warmUp({ paths: given.join('\n'), purge: 'all' }, { gcore: all })
    const purgeAt = all.acceptedRequests('purge')[0].at
    expect(all.originLog.filter(request => request.at <= purgeAt)).toHaveLength(1001)
  })

  it('origin-check off asks nothing of the origin, not even its group', async () => {
    const gcore = fakeGcore()
    await warmUp({ paths: '/v/a.iso', 'origin-check': 'off' }, { gcore })

    expect(gcore.originLog).toEqual([])
    expect(gcore.log.map(entry => entry.operation)).not.toContain('origin-group')
  })
})

describe('hostile origins', () => {
  it.each([
    ['a redirect loop', { kind: 'redirect-loop' as const }],
    ['an HTML page', { kind: 'status' as const, status: 200, headers: { 'Content-Type': 'text/html' }, body: '<html>blocked</html>' }],
    ['a Content-Length that is no number', { kind: 'status' as const, status: 200, headers: { 'Content-Length': 'many' } }]
  ])('%s is reported per path, never taken for the file, and the others go on', async (_, fault) => {
    const gcore = fakeGcore().inject({ operation: 'origin', on: [{ from: 4 }], fault })
    const given = ['/v/a.iso', '/v/b.iso', '/v/c.iso', '/v/d.iso']
    const run = await warmUp({ paths: given.join('\n'), 'origin-timeout': '20' }, { gcore })

    const notReady = run.report.verify.filter(entry => entry.origin?.state !== 'ready')
    expect(notReady.map(entry => entry.path)).toEqual(['/v/c.iso', '/v/d.iso'])
    for (const entry of notReady) expect(entry.error).toMatch(/^the origin did not answer with the file \(origin0\.fake\.test: /)
    expect(sent(gcore, 'prefetch')).toEqual(['/v/a.iso', '/v/b.iso'])
    expect(run.report.failedPaths).toEqual(['/v/c.iso', '/v/d.iso'])
    expectPartitioned(run.report, given)
  })
})

describe('the edge held to the origin', () => {
  it('does not verify a prefetch that never reached the edge, though the check’s own MISS makes later answers HITs', async () => {
    const gcore = fakeGcore().inject({ operation: 'prefetch', on: [1], fault: { kind: 'lost' } })
    const run = await warmUp({ paths: '/v/a.iso', 'verify-url': 'auto', 'verify-timeout': '30' }, { gcore })

    expect(run.report.verifiedCount).toBe(0)
    expect(check(run, '/v/a.iso')).toMatchObject({ verified: false, result: 'unproven', edge: { firstCache: 'MISS', cache: 'HIT' } })
  })

  it('catches a same-size replacement whose last part a purge by URL left at the edge', async () => {
    const gcore = fakeGcore({ resources: [{ id: 7, options: SLICED }], origin: { '/v/app.iso': { size: 300 * MiB, version: 'v1' } } })
    await warmUp({ 'resource-id': '7', paths: '/v/app.iso' }, { gcore })
    await gcore.clock.sleep(MINUTE)
    gcore.setOrigin('/v/app.iso', { size: 300 * MiB, version: 'v2' })
    const run = await warmUp(
      { 'resource-id': '7', paths: '/v/app.iso', purge: 'url', 'verify-url': 'auto', 'verify-required': 'true', 'verify-timeout': '0' },
      { gcore }
    )

    expect(gcore.isStale(7, '/v/app.iso')).toBe(true)
    expect(check(run, '/v/app.iso')).toMatchObject({ verified: false, result: 'stale' })
    expect(check(run, '/v/app.iso').error).toMatch(/^last part: cached at .*, before this run's purge/)
    expect(run.report.batches.find(batch => batch.kind === 'url')?.purge_id).toEqual(expect.any(Number))
    expect(run.verdict.failed).toBe(true)
  })
})

describe('bad input', () => {
  it.each([
    ['origin-url', 'https://user:pa55word@origin.example.com', /^Input "origin-url" must not carry a user name or password/],
    ['origin-url', 'https://a.example.com\nhttps://b.example.com', /^Input "origin-url" needs one URL, or one per resource \(1\), got 2/],
    ['origin-timeout', '-1', /^Input "origin-timeout" must be a number of seconds 0 or more/],
    ['origin-check', 'sometimes', /^Input "origin-check" must be one of auto, required, off, got "sometimes"/]
  ])('%s %j is an input error before anything is sent', async (name, value, error) => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/v/a.iso', [name]: value }, { gcore })

    expect(run.inputError?.input).toBe(name)
    expect(run.verdict.message).toMatch(error)
    expect(run.verdict.message).not.toContain('pa55word')
    expect(gcore.log).toEqual([])
  })
})
