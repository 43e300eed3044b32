/**
 * The failed-paths hand-off that fits any size, through dist/index.js against
 * the emulator: 2,600 failed paths of realistic length (about 135 kB, more than
 * the 128 KiB Linux allows one environment variable, so `failed-paths` cannot
 * be handed to a later step's `paths`) go through `failed-paths-file` into
 * `paths-file` of a second run, which prefetches exactly them.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { expectOutputsPresent, expectPathsPartitioned } from '../support/checks.js'
import { runAction } from '../support/run-action.js'

const KEY = 'hand-off-key'
/** Paths of about 52 bytes, as a release tree has them. */
const PATHS = Array.from({ length: 2600 }, (_, i) => `/downloads/releases/v2.1.${i % 10}/linux-x64/app-${String(i).padStart(5, '0')}.iso`)
let gcore: GcoreEmulator

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 50 })
  await gcore.start()
})
afterEach(() => gcore.stop())

const inputs = (extra: Record<string, string>) => ({
  'api-key': KEY,
  'resource-id': '9',
  'api-url': gcore.url,
  'prefetch-interval': '0.05',
  'max-attempts': '1',
  'fail-on-error': 'false',
  ...extra
})
const prefetched = () => gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)

describe('failed-paths-file', () => {
  it('2,600 failed paths go through the file into paths-file of a second run, which prefetches exactly them', async () => {
    // The first run, from an upload step's list: every prefetch refused.
    const workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-hand-off-'))
    writeFileSync(nodePath.join(workspace, 'uploaded.txt'), PATHS.join('\n'))
    gcore.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'status', status: 503, body: '{"message": "busy"}' } })
    const first = await runAction(inputs({ 'paths-file': 'uploaded.txt' }), { cwd: workspace })

    expect(first.code).toBe(0) // fail-on-error: false
    expectOutputsPresent(first)
    expectPathsPartitioned(first, PATHS)
    expect(first.outputs['failed-count']).toBe('2600')
    // failed-paths holds them all, but is too large for one environment variable (Linux: 128 KiB)...
    expect(Buffer.byteLength(first.outputs['failed-paths'])).toBeGreaterThan(128 * 1024)
    await expect(runAction(inputs({ paths: first.outputs['failed-paths'] }))).rejects.toThrow(/E2BIG/)
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
    const accepted = prefetched().length
    const second = await runAction(inputs({ 'paths-file': file, 'fail-on-error': 'true' }), { cwd: workspace })

    expect(second.code).toBe(0)
    expect(second.outputs).toMatchObject({ result: 'success', 'total-count': '2600', 'prefetched-count': '2600', 'failed-count': '0' })
    expect(prefetched().slice(accepted)).toEqual(PATHS)
    // No failed paths: the file is there, and empty.
    expect(readFileSync(second.outputs['failed-paths-file'], 'utf8')).toBe('')
  })

  it('paths that needed encoding read back as the same paths', async () => {
    const given = ['/rel/v#1.iso', '/My App (x64).iso', '/ünï.iso', '/q.iso?v=2&x=a b']
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 400, body: '{"message": "no"}' } })
    const first = await runAction(inputs({ paths: given.join('\n') }))
    const sent = JSON.parse(first.outputs['failed-paths']) as string[]
    expect(sent).toHaveLength(4)

    const second = await runAction(inputs({ 'paths-file': first.outputs['failed-paths-file'] }))
    expect(second.code).toBe(0)
    expect(second.stdout).not.toContain('normalised')
    expect(prefetched()).toEqual(sent)
  })
})
