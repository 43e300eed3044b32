/**
 * The failed-paths hand-off that fits any size, through dist/index.js against
 * the emulator: 2,600 failed paths of realistic length (about 135 kB, more than
 * the 128 KiB Linux allows one environment variable, so `failed-paths` cannot
 * be handed to a later step's `paths`) go through `failed-paths-file` into
 * `paths-file` of a second run, which prefetches exactly them.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import nodePath from 'node:path'
import { expectOutputsPresent, expectPathsPartitioned } from '../support/checks.js'
import { actionInputs, emulatorPerTest, runChecked } from '../support/e2e.js'
import { sent } from '../support/requests.js'
import { runAction } from '../support/run-action.js'
import { workspaceWith } from '../support/workspace.js'

/** Paths of about 52 bytes, as a release tree has them. */
const PATHS = Array.from({ length: 2600 }, (_, i) => `/downloads/releases/v2.1.${i % 10}/linux-x64/app-${String(i).padStart(5, '0')}.iso`)
const emulator = emulatorPerTest({ windowMs: 50 })
const FAST = { 'prefetch-interval': '0.05', 'max-attempts': '1', 'fail-on-error': 'false' }

describe('failed-paths-file', () => {
  it('2,600 failed paths go through the file into paths-file of a second run, which prefetches exactly them', async () => {
    const { gcore } = emulator
    // The first run, from an upload step's list: every prefetch refused.
    const workspace = workspaceWith({ 'uploaded.txt': PATHS.join('\n') })
    gcore.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'status', status: 503, body: '{"message": "busy"}' } })
    const first = await runChecked(gcore, { ...FAST, 'paths-file': 'uploaded.txt' }, { cwd: workspace })

    expect(first.code).toBe(0) // fail-on-error: false
    expectOutputsPresent(first)
    expectPathsPartitioned(first, PATHS)
    expect(first.outputs['failed-count']).toBe('2600')
    // failed-paths holds them all, but is too large for one environment variable (Linux: 128 KiB)...
    expect(Buffer.byteLength(first.outputs['failed-paths'])).toBeGreaterThan(128 * 1024)
    await expect(runAction(actionInputs(gcore, { ...FAST, paths: first.outputs['failed-paths'] }))).rejects.toThrow(/E2BIG/)
    // ...so the file, beside the report file under RUNNER_TEMP, one path per line.
    const file = first.outputs['failed-paths-file']
    expect(nodePath.dirname(file)).toBe(first.workDir)
    expect(nodePath.dirname(file)).toBe(nodePath.dirname(first.outputs['report-file']))
    expect(readFileSync(file, 'utf8')).toBe(`${PATHS.join('\n')}\n`)
    expect(first.summary).toContain(
      `All 2,600 failed paths, one per line, are in <code>${file}</code> (output <code>failed-paths-file</code>)`
    )

    // The second run, as the README's recipe has it: paths-file: failed-paths-file.
    gcore.faults.length = 0
    const second = await runChecked(gcore, { ...FAST, 'paths-file': file, 'fail-on-error': 'true' }, { cwd: workspace })

    expect(second.code).toBe(0)
    expect(second.outputs).toMatchObject({ result: 'success', 'total-count': '2600', 'prefetched-count': '2600', 'failed-count': '0' })
    expect(sent(gcore, 'prefetch')).toEqual(PATHS)
    // No failed paths: the file is there, and empty.
    expect(readFileSync(second.outputs['failed-paths-file'], 'utf8')).toBe('')
  })

  it('paths that needed encoding read back as the same paths', async () => {
    const { gcore } = emulator
    const given = ['/rel/v#1.iso', '/My App (x64).iso', '/ünï.iso', '/q.iso?v=2&x=a b']
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 400, body: '{"message": "no"}' } })
    const first = await runChecked(gcore, { ...FAST, paths: given.join('\n') })
    const failed = JSON.parse(first.outputs['failed-paths']) as string[]
    expect(failed).toHaveLength(4)

    const second = await runChecked(gcore, { ...FAST, 'paths-file': first.outputs['failed-paths-file'] })
    expect(second.code).toBe(0)
    expect(second.stdout).not.toContain('normalised')
    expect(sent(gcore, 'prefetch')).toEqual(failed)
  })
})
