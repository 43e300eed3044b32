/**
 * Text the API writes never becomes a workflow command: line breaks and `::`
 * in an error body stay text in the log, whichever request it answered.
 */
import { describe, expect, it } from '@jest/globals'
import { batchesOf } from '../support/checks.js'
import { emulatorPerTest, runChecked } from '../support/e2e.js'
import { paths } from '../support/paths.js'

const emulator = emulatorPerTest()
const INJECTED = ['::warning::INJECTED', '::stop-commands::INJECTED', '::error::INJECTED', '::add-mask::INJECTED']
const TEXT = 'refused\n::warning::INJECTED w\r::stop-commands::INJECTED s\r\n  ::error::INJECTED e\n::add-mask::INJECTED m'

describe('API text in the log', () => {
  it('in an error body of a prefetch, a purge, the limits and the resource GETs', async () => {
    const { gcore } = emulator
    const status = (code: number) => ({ kind: 'status' as const, status: code, body: JSON.stringify({ message: TEXT }) })
    gcore.inject({ operation: 'limits', on: 'every', fault: status(403) })
    gcore.inject({ operation: 'resource', on: 'every', fault: status(500) })
    gcore.inject({ operation: 'purge', on: [1], fault: status(502) })
    gcore.inject({ operation: 'prefetch', on: [1], fault: status(400) })
    const run = await runChecked(gcore, { paths: paths(200).join('\n'), purge: 'url' }, { env: { RUNNER_DEBUG: '1' } }, INJECTED)

    expect(run.code).toBe(1)
    // The text is there, as text.
    expect(run.stdout).toContain('INJECTED w')
    expect(batchesOf(run).find(batch => batch.operation === 'prefetch')!.error).toContain('refused : :warning: :INJECTED w')
  })

  it('in an HTML error page', async () => {
    const { gcore } = emulator
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: `<html><body>${TEXT}</body></html>`, headers: { 'Content-Type': 'text/html' } }
    })
    const run = await runChecked(gcore, { paths: '/a.iso' }, {}, INJECTED)

    expect(run.code).toBe(1)
    expect(run.stdout).toContain('INJECTED e')
  })
})
