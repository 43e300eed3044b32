/**
 * `#` in paths, file names and release asset names, through dist/index.js
 * against the emulator: three files that differ after a `#` are three paths,
 * sent as %23, never merged into the part before the `#`; a full URL with a
 * fragment is refused by name, before any request.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { runAction } from '../support/run-action.js'

const KEY = 'hash-key'
const SENT = ['/rel/v%231.iso', '/rel/v%232.iso', '/rel/v%233.iso']
let gcore: GcoreEmulator

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  await gcore.start()
})
afterEach(() => gcore.stop())

const inputs = (extra: Record<string, string>) => ({
  'api-key': KEY,
  'resource-id': '9',
  'api-url': gcore.url,
  // Empty stand-in files: the emulator's origin holds 300 MiB ones, so no origin check (it has tests of its own).
  'origin-check': 'off',
  'prefetch-interval': '0.2',
  ...extra
})
/** stdout as the runner shows it: workflow commands carry `%` as `%25`. */
const shown = (stdout: string) => stdout.replace(/%25/g, '%')
const prefetched = () => gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)

describe('paths with #', () => {
  it('paths: /rel/v#1.iso, #2, #3 are three paths, sent as %23, and the log says so', async () => {
    const run = await runAction(inputs({ paths: '/rel/v#1.iso\n/rel/v#2.iso\n/rel/v#3.iso' }))

    expect(run.code).toBe(0)
    expect(prefetched()).toEqual(SENT)
    expect(run.outputs['total-count']).toBe('3')
    expect(shown(run.stdout)).toContain('::warning::3 paths normalised: "/rel/v#1.iso" → "/rel/v%231.iso" (# sent as %23)')
  })

  it('files: names with # match as distinct files, and release assets from the event too', async () => {
    const workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-hash-'))
    mkdirSync(nodePath.join(workspace, 'out'))
    for (const name of ['v#1.iso', 'v#2.iso']) writeFileSync(nodePath.join(workspace, 'out', name), '')
    const eventPath = nodePath.join(workspace, 'event.json')
    writeFileSync(eventPath, JSON.stringify({ release: { tag_name: 'v1', assets: [{ name: 'v#3.iso', size: 1 }] } }))

    const run = await runAction(
      inputs({ files: '*.iso', 'base-dir': 'out', 'path-prefix': '/rel', 'size-check': 'off', 'release-assets': 'true' }),
      { cwd: workspace, env: { GITHUB_EVENT_NAME: 'release', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: 'acme/app' } }
    )

    expect(run.code).toBe(0)
    expect(prefetched()).toEqual(SENT)
    expect(run.outputs['total-count']).toBe('3')
  })

  it('a full URL with a fragment is refused by name, with the fix, before any request', async () => {
    const run = await runAction(inputs({ paths: '/a.iso\nhttps://cdn.example.com/rel/v#1.iso' }))

    expect(run.code).toBe(1)
    expect(gcore.log).toEqual([])
    expect(shown(run.stdout)).toContain(
      '::error::Path "https://cdn.example.com/rel/v#1.iso" from input "paths", line 2 has a "#", where a URL ends'
    )
    expect(shown(run.stdout)).toContain('write %23 for a "#" that is part of the name ("https://cdn.example.com/rel/v%231.iso")')
  })
})
