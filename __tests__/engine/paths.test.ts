/**
 * Where a run's paths come from, through the whole engine: `paths` (lines or
 * JSON), `paths-file`, local `files` mapped under `path-prefix`, and release
 * assets; de-duplicated, first occurrence first, normalised as a browser would
 * send them; files outside Gcore's size window warned about or skipped.
 */
import { describe, expect, it } from '@jest/globals'
import { expectPartitioned, fakeGcore, linesAt, warmUp } from '../support/engine.js'
import { RELEASE_ASSETS, RELEASE_PATHS, stubReleases } from '../support/releases.js'
import { sent } from '../support/requests.js'
import { workspaceWith } from '../support/workspace.js'

const MiB = 1024 * 1024
const WORKSPACE = {
  'dist/linux/app.iso': 300 * MiB,
  'dist/win/My App (x64).iso': 300 * MiB,
  'dist/notes.txt': 10,
  'dist/tiny.iso': MiB,
  'uploaded.txt': '/up/one.iso\n/up/two.iso\n'
}
// These tests are about which paths are sent; the fake origin serves every path as one 300 MiB file, so the
// origin check (engine/origin-check.test.ts) would rightly hold back the files of other sizes.
const NO_ORIGIN_CHECK = { 'origin-check': 'off' }
const FILES = { files: '**/*.iso', 'base-dir': 'dist', 'path-prefix': '/downloads/v2', ...NO_ORIGIN_CHECK }

describe('paths from local files', () => {
  it('maps globbed files to CDN paths, and warns once about the files outside the size window', async () => {
    const gcore = fakeGcore()
    const run = await warmUp(FILES, { gcore, workspace: workspaceWith(WORKSPACE) })

    expect(sent(gcore, 'prefetch').sort()).toEqual([
      '/downloads/v2/linux/app.iso',
      '/downloads/v2/tiny.iso',
      '/downloads/v2/win/My%20App%20(x64).iso'
    ])
    const warnings = linesAt('warning', run.lines)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('tiny.iso')
    expect(warnings[0]).not.toContain('app.iso')
    expect(run.report).toMatchObject({ totalCount: 3, prefetchedCount: 3, skippedCount: 0, skippedPaths: [] })
    expect(run.report.files).toEqual([
      { file: 'linux/app.iso', size: 300 * MiB, cdnPath: '/downloads/v2/linux/app.iso', outsideWindow: false, skipped: false },
      { file: 'tiny.iso', size: MiB, cdnPath: '/downloads/v2/tiny.iso', outsideWindow: true, skipped: false },
      {
        file: 'win/My App (x64).iso',
        size: 300 * MiB,
        cdnPath: '/downloads/v2/win/My%20App%20(x64).iso',
        outsideWindow: false,
        skipped: false
      }
    ])
  })

  it('size-check: skip leaves the small files out and lists them in skipped-paths', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ ...FILES, 'size-check': 'skip' }, { gcore, workspace: workspaceWith(WORKSPACE) })

    expect(sent(gcore, 'prefetch').sort()).toEqual(['/downloads/v2/linux/app.iso', '/downloads/v2/win/My%20App%20(x64).iso'])
    expect(run.report).toMatchObject({
      result: 'success',
      totalCount: 3,
      prefetchedCount: 2,
      failedCount: 0,
      skippedCount: 1,
      skippedPaths: ['/downloads/v2/tiny.iso']
    })
    expectPartitioned(run.report, [...sent(gcore, 'prefetch'), '/downloads/v2/tiny.iso'])
  })

  it('combines paths (as JSON), paths-file and files, de-duplicated, first occurrence first', async () => {
    const gcore = fakeGcore()
    await warmUp(
      { ...FILES, paths: '["/downloads/v2/tiny.iso", "/extra.iso"]', 'paths-file': 'uploaded.txt' },
      { gcore, workspace: workspaceWith(WORKSPACE) }
    )

    expect(sent(gcore, 'prefetch')).toEqual([
      '/downloads/v2/tiny.iso',
      '/extra.iso',
      '/up/one.iso',
      '/up/two.iso',
      '/downloads/v2/linux/app.iso',
      '/downloads/v2/win/My%20App%20(x64).iso'
    ])
  })

  it('a pattern that matches nothing, with if-no-paths: warn, is a warning and a success that sends nothing', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ files: '*.zip', 'base-dir': 'dist', 'if-no-paths': 'warn' }, { gcore, workspace: workspaceWith(WORKSPACE) })

    expect(gcore.log).toEqual([])
    expect(linesAt('warning', run.lines)).toHaveLength(2) // the pattern, and no paths
    expect(run.report).toMatchObject({ result: 'success', totalCount: 0 })
    expect(run.verdict.failed).toBe(false)
  })

  it.each([
    ['error', true, 'failure'],
    ['ignore', false, 'success']
  ])('no paths at all with if-no-paths: %s', async (ifNoPaths, failed, result) => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '', 'if-no-paths': ifNoPaths }, { gcore })

    expect(gcore.log).toEqual([])
    expect(run.verdict.failed).toBe(failed)
    expect(run.report.result).toBe(result)
    expect(linesAt('warning', run.lines)).toEqual([])
  })

  it('feeds failed-paths of one run straight into paths of the next', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: '{"message": "nope"}' }
    })
    const first = await warmUp({ paths: '/a b.iso\n/c.iso', 'fail-on-error': 'false' }, { gcore })
    expect(first.report.result).toBe('failure')
    expect(first.verdict.failed).toBe(false)

    await warmUp({ paths: JSON.stringify(first.report.failedPaths) }, { gcore })
    expect(sent(gcore, 'prefetch')).toEqual(['/a%20b.iso', '/c.iso'])
  })

  it('a 10 MB paths-file is read whole', async () => {
    const line = '/releases/v2.1.0/a-rather-long-directory-name/for-a-large-file'
    const lines = Array.from({ length: Math.ceil((10 * 1024 * 1024) / (line.length + 12)) }, (_, i) => `${line}-${i}.iso`)
    const run = await warmUp({ 'paths-file': 'big.txt', 'dry-run': 'true' }, { workspace: workspaceWith({ 'big.txt': lines.join('\n') }) })

    expect(run.report).toMatchObject({ result: 'dry-run', totalCount: lines.length })
  })
})

describe('inputs that silently meant something else', () => {
  it('backslashes and doubled slashes keep every segment, and the run says so', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '\\releases\\v2\\app.iso\n\\\\server\\share\\b.iso\n//mirror//v2///c.iso' }, { gcore })

    expect(sent(gcore, 'prefetch')).toEqual(['/releases/v2/app.iso', '/server/share/b.iso', '/mirror/v2/c.iso'])
    const [warning] = linesAt('warning', run.lines)
    expect(warning).toMatch(/^3 paths normalised: /)
    expect(run.report.notes).toContain(warning)
  })

  it('several paths on one line are split, and said', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso /b.iso, /c.iso\n/d.iso' }, { gcore })

    expect(sent(gcore, 'prefetch')).toEqual(['/a.iso', '/b.iso', '/c.iso', '/d.iso'])
    expect(linesAt('warning', run.lines)).toEqual([
      '1 line held several paths separated by spaces or commas, sent as separate paths: input "paths", line 1 (3 paths).'
    ])
  })
})

describe('release assets', () => {
  const RELEASE = { 'release-assets': 'true', 'path-prefix': '/releases/v2.1.0', ...NO_ORIGIN_CHECK }

  it('from a release event: no call to GitHub, a warning for the asset outside the size window', async () => {
    const { api, calls } = stubReleases({ event: 'release', eventRelease: { tag: 'v2.1.0', assets: RELEASE_ASSETS } })
    const gcore = fakeGcore()
    const run = await warmUp(RELEASE, { gcore, releases: api })

    expect(sent(gcore, 'prefetch')).toEqual(RELEASE_PATHS)
    expect(calls).toEqual([])
    const [warning] = linesAt('warning', run.lines)
    expect(warning).toContain('checksums.txt')
    expect(warning).not.toContain('App Setup')
  })

  it('size-check: skip leaves out the assets outside the size window', async () => {
    const { api } = stubReleases({ event: 'release', eventRelease: { tag: 'v2.1.0', assets: RELEASE_ASSETS } })
    const gcore = fakeGcore()
    const run = await warmUp({ ...RELEASE, 'size-check': 'skip' }, { gcore, releases: api })

    expect(sent(gcore, 'prefetch')).toEqual(RELEASE_PATHS.slice(0, 2))
    expect(run.report.skippedPaths).toEqual([RELEASE_PATHS[2]])
  })

  it('by release-tag: read through the ReleaseApi with github-token', async () => {
    const { api, calls } = stubReleases({ byTag: async () => RELEASE_ASSETS })
    const gcore = fakeGcore()
    await warmUp({ ...RELEASE, 'release-tag': 'v2.1.0', 'github-token': 'ghs_token' }, { gcore, releases: api })

    expect(calls).toEqual(['v2.1.0 ghs_token'])
    expect(sent(gcore, 'prefetch')).toEqual(RELEASE_PATHS)
  })
})
