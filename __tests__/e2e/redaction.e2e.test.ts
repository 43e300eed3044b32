/**
 * The key never leaves the process: not in stdout (but its `::add-mask::`
 * line), stderr, the outputs, the summary or the report file, in any form, with
 * step debug on. Every end-to-end run checks this (support/e2e.ts, runChecked);
 * here are the runs where the key itself is the subject. The API echoing it in
 * every form, on every request, is in chaos.e2e.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { commandLines, expectOutputsPresent } from '../support/checks.js'
import { emulatorPerTest, KEY, runChecked } from '../support/e2e.js'
import { malformedKeys } from '../support/keys.js'

const emulator = emulatorPerTest()
const DEBUG = { env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } }

describe('the key', () => {
  it('refused by Gcore, with step debug on: masked, never shown; the run stops before sending anything', async () => {
    const { gcore } = emulator
    const key = 'abc$DEF "quoted" key'
    const run = await runChecked(gcore, { 'api-key': key, paths: '/a.iso\n/b.iso' }, DEBUG)

    expect(run.code).toBe(1)
    expect(gcore.log.map(entry => [entry.operation, entry.answer])).toEqual([['limits', 401]])
    expect(run.stdout).toContain(`::add-mask::${key}`)
    expect(run.stdout).toMatch(
      /^::error::The API refused the key \(GET \/cdn\/clients\/me\/limits: HTTP 401: .*\); nothing was sent\. Check input "api-key"\.$/m
    )
    expect(run.outputs).toMatchObject({ result: 'failure', 'failed-paths': '["/a.iso","/b.iso"]' })
  })

  it.each(malformedKeys(KEY))('%s: refused before the first request, masked as given, never quoted', async (_, key, hint) => {
    const { gcore } = emulator
    const run = await runChecked(gcore, { paths: '/a.iso', 'api-key': key }, DEBUG)

    expect(run.code).toBe(1)
    expect(gcore.log).toEqual([])
    expect(commandLines(run.stdout).filter(line => line.startsWith('::error::'))).toEqual([`::error::Input "api-key" ${hint}`])
    expectOutputsPresent(run)
  })
})
