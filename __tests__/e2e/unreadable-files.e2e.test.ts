/**
 * A run as an unprivileged user, through dist/index.js against the emulator: a
 * directory under base-dir it cannot read is named in a warning (its files are
 * left out, never silently), and an input error when a pattern names it. Tests
 * running as root run the action as `nobody`; others take away their own rights.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { runAction } from '../support/run-action.js'

const KEY = 'unreadable-key'
const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined
let workspace: string
let gcore: GcoreEmulator

beforeAll(() => {
  workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-unreadable-'))
  for (const file of ['dist/a.iso', 'dist/pub/b.iso', 'dist/private/secret.iso', 'dist/odd/c.iso']) {
    mkdirSync(nodePath.dirname(nodePath.join(workspace, file)), { recursive: true })
    writeFileSync(nodePath.join(workspace, file), '')
  }
  for (const dir of ['', 'dist', 'dist/pub']) chmodSync(nodePath.join(workspace, dir), 0o755)
  chmodSync(nodePath.join(workspace, 'dist/private'), 0o700) // neither listed nor entered by others
  chmodSync(nodePath.join(workspace, 'dist/odd'), 0o744) // listed, not entered: c.iso cannot be stat-ed
  if (!user)
    for (const dir of ['dist/private', 'dist/odd']) chmodSync(nodePath.join(workspace, dir), dir.endsWith('private') ? 0o000 : 0o444)
})
afterAll(() => {
  for (const dir of ['dist/private', 'dist/odd']) chmodSync(nodePath.join(workspace, dir), 0o755)
  rmSync(workspace, { recursive: true, force: true })
})
beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  await gcore.start()
})
afterEach(() => gcore.stop())

const run = (files: string) =>
  runAction(
    {
      'api-key': KEY,
      'resource-id': '9',
      'api-url': gcore.url,
      // Empty stand-in files: the emulator's origin holds 300 MiB ones, so no origin check (it has tests of its own).
      'origin-check': 'off',
      'prefetch-interval': '0.2',
      files,
      'base-dir': 'dist',
      'size-check': 'off'
    },
    { cwd: workspace, user }
  )
const prefetched = () => gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)

describe('unreadable directories and files under base-dir', () => {
  it('found by a glob: a warning names each, and the files that could be read are sent', async () => {
    const result = await run('**/*.iso')

    expect(result.code).toBe(0)
    expect(prefetched()).toEqual(['/a.iso', '/pub/b.iso'])
    expect(result.outputs['total-count']).toBe('2')
    expect(result.stdout).toContain(
      '::warning::1 directory under dist could not be read, so the files in it are left out of input "files": private (EACCES).'
    )
    expect(result.stdout).toContain('::warning::1 file under dist could not be read and is left out of input "files": odd/c.iso (EACCES).')
    expect(result.summary).toContain('private (EACCES)')
  })

  it('named by a pattern: an input error naming it, before any request', async () => {
    const result = await run('private/*.iso')

    expect(result.code).toBe(1)
    expect(gcore.log).toEqual([])
    expect(result.stdout).toContain(
      '::error::Input "files" names "private" (pattern "private/*.iso"), but the directory "private" under dist cannot be read (EACCES).'
    )
  })
})
