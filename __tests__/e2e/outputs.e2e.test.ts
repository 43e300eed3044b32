/**
 * What the runner reads of a run, through the committed dist/index.js: the
 * exit code, the step outputs (GITHUB_OUTPUT), the report file, the job
 * summary and the `::error::` line; and the real clock pacing real requests.
 * What each decision is, is tested in process (__tests__/engine/).
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { commandLines, expectOutputsPresent, expectPathsPartitioned } from '../support/checks.js'
import { emulatorPerTest, KEY, runChecked } from '../support/e2e.js'
import { paths } from '../support/paths.js'
import { gaps, sent, timesOf } from '../support/requests.js'
import { declaredOutputs } from '../support/run-action.js'

const emulator = emulatorPerTest()
const errorLines = (stdout: string) => commandLines(stdout).filter(line => line.startsWith('::error::'))

describe('the outputs of a run', () => {
  it('success: exit 0, every output set and agreeing with the report file, three requests paced in real time, the key sent as given', async () => {
    const { gcore } = emulator
    const given = paths(250)
    const run = await runChecked(gcore, { paths: given.join('\n') })

    expect(run.code).toBe(0)
    expect(sent(gcore, 'prefetch')).toEqual(given)
    const times = timesOf(gcore, 'prefetch')
    expect(gcore.log.filter(entry => entry.operation === 'prefetch').map(entry => entry.answer)).toEqual([201, 201, 201])
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(1000)
    expect(times[2] - times[0]).toBeLessThan(2600)
    expect(gcore.log.every(entry => entry.authorization === `APIKey ${KEY}`)).toBe(true)

    expect(Object.keys(run.outputs).sort()).toEqual(declaredOutputs().sort())
    expectPathsPartitioned(run, given)
    const report = JSON.parse(readFileSync(run.outputs['report-file'], 'utf8'))
    expect(run.outputs).toMatchObject({
      result: report.result,
      'total-count': String(report.totalCount),
      'prefetched-count': String(report.prefetchedCount),
      'purged-count': String(report.purgedCount),
      'failed-count': String(report.failedCount),
      'skipped-count': String(report.skippedCount),
      'verified-count': String(report.verifiedCount)
    })
    expect(report).toMatchObject({ result: 'success', totalCount: 250, prefetchedCount: 250 })
    expect(JSON.parse(run.outputs.batches)).toEqual(report.batches)
    expect(JSON.parse(run.outputs['failed-paths'])).toEqual([])
    expect(JSON.parse(run.outputs.resources)).toEqual([
      { id: 321, hostname: 'cdn321.example.com', state: 'active', slice: false, 'purge-kind': 'none', paths: 250 }
    ])
    expect(run.summary).toContain('## ✅ Gcore CDN prefetch: success')
    expect(errorLines(run.stdout)).toEqual([])
  })

  it('failure: exit 1, and the verdict as the one ::error:: line', async () => {
    const { gcore } = emulator
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 400, body: '{"message": "nope"}' } })
    const run = await runChecked(gcore, { paths: paths(150).join('\n') })

    expect(run.code).toBe(1)
    expect(errorLines(run.stdout)).toEqual(['::error::50 of 150 paths were not prefetched; first error: HTTP 400: nope'])
    expect(run.outputs).toMatchObject({ result: 'partial', 'failed-count': '50' })
  })

  it('fail-on-error: false: a run with failed paths exits 0, and its outputs say what failed', async () => {
    const { gcore } = emulator
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 400, body: '{"message": "nope"}' } })
    const run = await runChecked(gcore, { paths: '/a.iso', 'fail-on-error': 'false' })

    expect(run.code).toBe(0)
    expect(errorLines(run.stdout)).toEqual([])
    expect(run.outputs).toMatchObject({ result: 'failure', 'failed-paths': '["/a.iso"]' })
  })

  it('an input refused: exit 1, one ::error:: line naming it, every output still set, no request', async () => {
    const { gcore } = emulator
    const run = await runChecked(gcore, { paths: '/a.iso', 'resource-id': 'abc' })

    expect(run.code).toBe(1)
    expect(errorLines(run.stdout)).toEqual([
      '::error::Input "resource-id" must be a positive integer or a CDN hostname such as cdn.example.com, got "abc".'
    ])
    expectOutputsPresent(run)
    expect(gcore.log).toEqual([])
  })
})
