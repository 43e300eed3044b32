/**
 * A cancelled job, as the runner cancels it: SIGINT or SIGTERM to the process
 * of the committed dist/index.js. Whatever it was doing, it sends nothing
 * more, writes its outputs, report file and summary, and exits non-zero
 * within 2 s. Which batches a cancel leaves cancelled at each kind of wait is
 * tested in process (__tests__/engine/cancel.test.ts).
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { batchesOf, expectOutputsPresent, expectPathsPartitioned } from '../support/checks.js'
import { emulatorPerTest, runChecked, whenLogged } from '../support/e2e.js'
import { paths } from '../support/paths.js'
import type { ActionRun } from '../support/run-action.js'

const emulator = emulatorPerTest()

/** What every cancelled run must show: prompt publication, nothing sent after the signal, every path accounted for. */
function expectCancelledPromptly(run: ActionRun, given: string[]): void {
  expect(run.code).not.toBe(0)
  expect(run.signalledAt).not.toBeNull()
  expect(run.exitedAt - run.signalledAt!).toBeLessThan(2000)
  expect(emulator.gcore.log.filter(entry => entry.at > run.signalledAt! + 20)).toEqual([])
  expect(run.stdout).toContain('received: sending nothing more, aborting what is in flight, reporting what is left as cancelled')
  expectOutputsPresent(run)
  expectPathsPartitioned(run, given)
  expect(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8')).cancelled).toBe(true)
  expect(run.summary).toContain('(cancelled)')
}

describe('a cancelled job', () => {
  it('SIGINT while waiting for the next slot', async () => {
    const given = paths(300)
    const run = await runChecked(
      emulator.gcore,
      { paths: given.join('\n'), 'prefetch-interval': '30' },
      {
        signal: { name: 'SIGINT', when: stdout => stdout.includes('waiting 30 s') }
      }
    )

    expectCancelledPromptly(run, given)
    expect(batchesOf(run).map(batch => batch.outcome)).toEqual(['succeeded', 'cancelled', 'cancelled'])
  })

  it('SIGTERM with a request in flight', async () => {
    const { gcore } = emulator
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'hang' } })
    const run = await runChecked(
      gcore,
      { paths: '/a.iso', 'request-timeout': '20' },
      {
        signal: { name: 'SIGTERM', on: whenLogged(gcore, entry => entry.operation === 'prefetch') }
      }
    )

    expectCancelledPromptly(run, ['/a.iso'])
    expect(batchesOf(run)[0]).toMatchObject({ outcome: 'cancelled', attempts: 1 })
    expect(run.outputs['failed-paths']).toBe('["/a.iso"]')
  })

  it('SIGTERM during the GitHub release lookup', async () => {
    const requests: string[] = []
    let arrived!: () => void
    const lookup = new Promise<void>(resolve => (arrived = resolve))
    const github = createServer(req => {
      requests.push(req.url ?? '')
      arrived() // never answered
    })
    await new Promise<void>(resolve => github.listen(0, '127.0.0.1', resolve))
    try {
      const env = {
        GITHUB_API_URL: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_EVENT_NAME: 'workflow_dispatch'
      }
      const given = ['/docs/a.iso', '/docs/b.iso']
      const run = await runChecked(
        emulator.gcore,
        { paths: given.join('\n'), 'release-assets': 'true', 'release-tag': 'v1.0.0', 'github-token': 'ghs_releaseLookupToken' },
        { env, signal: { name: 'SIGTERM', on: lookup } }
      )

      expectCancelledPromptly(run, given)
      expect(requests).toEqual(['/repos/acme/app/releases/tags/v1.0.0'])
      expect(emulator.gcore.log).toEqual([])
      expect(JSON.parse(run.outputs['failed-paths'])).toEqual(given)
    } finally {
      github.closeAllConnections()
      github.close()
    }
  })
})
