/**
 * `#` in paths, file names and release asset names, through dist/index.js
 * against the emulator: three files that differ after a `#` are three paths,
 * sent as %23, never merged into the part before the `#`; a full URL with a
 * fragment is refused by name, before any request.
 */
import { describe, expect, it } from '@jest/globals'
import nodePath from 'node:path'
import { emulatorPerTest, runChecked } from '../support/e2e.js'
import { sent } from '../support/requests.js'
import { workspaceWith } from '../support/workspace.js'

const SENT = ['/rel/v%231.iso', '/rel/v%232.iso', '/rel/v%233.iso']
const emulator = emulatorPerTest({ windowMs: 200 })
// Empty stand-in files: the emulator's origin holds 300 MiB ones, so no origin check (it has tests of its own).
const FAST = { 'origin-check': 'off', 'prefetch-interval': '0.2' }
/** stdout as the runner shows it: workflow commands carry `%` as `%25`. */
const shown = (stdout: string) => stdout.replace(/%25/g, '%')

describe('paths with #', () => {
  it('paths: /rel/v#1.iso, #2, #3 are three paths, sent as %23, and the log says so', async () => {
    const run = await runChecked(emulator.gcore, { ...FAST, paths: '/rel/v#1.iso\n/rel/v#2.iso\n/rel/v#3.iso' })

    expect(run.code).toBe(0)
    expect(sent(emulator.gcore, 'prefetch')).toEqual(SENT)
    expect(run.outputs['total-count']).toBe('3')
    expect(shown(run.stdout)).toContain('::warning::3 paths normalised: "/rel/v#1.iso" → "/rel/v%231.iso" (# sent as %23)')
  })

  it('files: names with # match as distinct files, and release assets from the event too', async () => {
    const workspace = workspaceWith({
      'out/v#1.iso': '',
      'out/v#2.iso': '',
      'event.json': JSON.stringify({ release: { tag_name: 'v1', assets: [{ name: 'v#3.iso', size: 1 }] } })
    })

    const run = await runChecked(
      emulator.gcore,
      { ...FAST, files: '*.iso', 'base-dir': 'out', 'path-prefix': '/rel', 'size-check': 'off', 'release-assets': 'true' },
      {
        cwd: workspace,
        env: { GITHUB_EVENT_NAME: 'release', GITHUB_EVENT_PATH: nodePath.join(workspace, 'event.json'), GITHUB_REPOSITORY: 'acme/app' }
      }
    )

    expect(run.code).toBe(0)
    expect(sent(emulator.gcore, 'prefetch')).toEqual(SENT)
    expect(run.outputs['total-count']).toBe('3')
  })

  it('a full URL with a fragment is refused by name, with the fix, before any request', async () => {
    const run = await runChecked(emulator.gcore, { ...FAST, paths: '/a.iso\nhttps://cdn.example.com/rel/v#1.iso' })

    expect(run.code).toBe(1)
    expect(emulator.gcore.log).toEqual([])
    expect(shown(run.stdout)).toContain(
      '::error::Path "https://cdn.example.com/rel/v#1.iso" from input "paths", line 2 has a "#", where a URL ends'
    )
    expect(shown(run.stdout)).toContain('write %23 for a "#" that is part of the name ("https://cdn.example.com/rel/v%231.iso")')
  })
})
