/**
 * End to end: local files, paths-file and JSON paths through dist/, against the
 * emulator. Mirrors the acceptance list of the "paths from local files" issue.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../emulator/gcore-emulator.js'
import { runAction } from './support/run-action.js'

const KEY = 'files-key'
const MiB = 1024 * 1024
let gcore: GcoreEmulator
let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-ws-'))
  const files: [string, number][] = [
    ['dist/linux/app.iso', 300 * MiB],
    ['dist/win/My App (x64).iso', 300 * MiB],
    ['dist/notes.txt', 10],
    ['dist/tiny.iso', MiB]
  ]
  for (const [file, size] of files) {
    const full = nodePath.join(workspace, file)
    mkdirSync(nodePath.dirname(full), { recursive: true })
    writeFileSync(full, '')
    truncateSync(full, size) // sparse: no 300 MB written to disk
  }
  writeFileSync(nodePath.join(workspace, 'uploaded.txt'), '/up/one.iso\n/up/two.iso\n')
})
afterAll(() => rmSync(workspace, { recursive: true, force: true }))
beforeEach(async () => {
  // The origin holds the same files, as after an upload: the origin check finds each of the size it expects.
  const origin = {
    '/downloads/v2/linux/app.iso': { size: 300 * MiB },
    '/downloads/v2/win/My%20App%20(x64).iso': { size: 300 * MiB },
    '/downloads/v2/tiny.iso': { size: MiB },
    '/downloads/v2/notes.txt': { size: 10 }
  }
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, origin })
  await gcore.start()
})
afterEach(async () => gcore.stop())

const inputs = (extra: Record<string, string>) => ({
  'api-key': KEY,
  'resource-id': '77',
  'api-url': gcore.url,
  'prefetch-interval': '1',
  ...extra
})
const prefetched = () => gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)
const acceptance = { files: '**/*.iso', 'base-dir': 'dist', 'path-prefix': '/downloads/v2' }

describe('paths from local files', () => {
  it('maps globbed files to CDN paths and warns about files outside the size window', async () => {
    const run = await runAction(inputs(acceptance), { cwd: workspace })

    expect(run.code).toBe(0)
    expect(prefetched().sort()).toEqual(['/downloads/v2/linux/app.iso', '/downloads/v2/tiny.iso', '/downloads/v2/win/My%20App%20(x64).iso'])
    const warnings = run.stdout.split('\n').filter(line => line.startsWith('::warning::'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('tiny.iso')
    expect(warnings[0]).not.toContain('app.iso')
    expect(run.outputs).toMatchObject({ 'total-count': '3', 'prefetched-count': '3', 'skipped-count': '0', 'skipped-paths': '[]' })
    expect(run.summary).toContain('<details><summary>Matched files (3)</summary>')
    expect(run.summary).toContain('<tr><td>linux/app.iso</td><td>300 MiB</td><td>/downloads/v2/linux/app.iso</td><td></td></tr>')
    expect(run.summary).toContain(
      '<tr><td>tiny.iso</td><td>1.0 MiB</td><td>/downloads/v2/tiny.iso</td><td>⚠️ outside 200 MB – 5 GB</td></tr>'
    )
  })

  it('leaves small files out with size-check: skip and lists them in skipped-paths', async () => {
    const run = await runAction(inputs({ ...acceptance, 'size-check': 'skip' }), { cwd: workspace })

    expect(run.code).toBe(0)
    expect(prefetched().sort()).toEqual(['/downloads/v2/linux/app.iso', '/downloads/v2/win/My%20App%20(x64).iso'])
    expect(run.outputs).toMatchObject({ 'total-count': '3', 'prefetched-count': '2', 'failed-count': '0', 'skipped-count': '1' })
    expect(JSON.parse(run.outputs['skipped-paths'])).toEqual(['/downloads/v2/tiny.iso'])
  })

  it('combines paths (as JSON), paths-file and files, de-duplicated, first occurrence first', async () => {
    const run = await runAction(
      inputs({ ...acceptance, paths: '["/downloads/v2/tiny.iso", "/extra.iso"]', 'paths-file': 'uploaded.txt', 'batch-size': '100' }),
      { cwd: workspace }
    )

    expect(run.code).toBe(0)
    expect(prefetched()).toEqual([
      '/downloads/v2/tiny.iso',
      '/extra.iso',
      '/up/one.iso',
      '/up/two.iso',
      '/downloads/v2/linux/app.iso',
      '/downloads/v2/win/My%20App%20(x64).iso'
    ])
  })

  it('feeds failed-paths of one run straight into paths of the next', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 400, body: '{"message": "nope"}' } })
    const first = await runAction(inputs({ paths: '/a b.iso\n/c.iso', 'fail-on-error': 'false' }), { cwd: workspace })
    expect(first.code).toBe(0)
    expect(first.outputs.result).toBe('failure')

    const second = await runAction(inputs({ paths: first.outputs['failed-paths'] }), { cwd: workspace })
    expect(second.code).toBe(0)
    expect(prefetched()).toEqual(['/a%20b.iso', '/c.iso'])
  })

  it.each([
    [{ paths: '/videos/*.iso' }, 'Path "/videos/*.iso" from input "paths", line 1 contains `*`'],
    [{ paths: '/ok.iso\n/a\u0001b.iso' }, 'from input "paths", line 2 contains a control character'],
    [{ files: '../*.txt', 'base-dir': 'dist' }, 'Input "files" matched "../uploaded.txt", which is outside base-dir']
  ])('refuses %j before sending anything', async (extra, message) => {
    const run = await runAction(inputs(extra), { cwd: workspace })
    expect(run.code).toBe(1)
    const error = run.stdout.split('\n').find(line => line.startsWith('::error::'))
    expect(error).toContain(message)
    expect(gcore.log).toHaveLength(0)
  })

  it('applies if-no-paths when a pattern matches nothing', async () => {
    const run = await runAction(inputs({ files: '*.zip', 'base-dir': 'dist', 'if-no-paths': 'warn' }), { cwd: workspace })
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('::warning::Pattern "*.zip" in input "files" matched no file under dist.')
    expect(run.outputs).toMatchObject({ result: 'success', 'total-count': '0' })
    expect(gcore.log).toHaveLength(0)
  })
})
