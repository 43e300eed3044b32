/**
 * 100,000 paths through the process: its peak memory within a budget, and
 * outputs, summary and report file that GitHub accepts. How fast it plans them
 * is a target of `npm run bench` (scale rows), never a timed test.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import nodePath from 'node:path'
import { emulatorPerTest, runChecked } from '../support/e2e.js'
import { paths } from '../support/paths.js'
import { ROOT, type ActionRun } from '../support/run-action.js'
import { workspaceWith } from '../support/workspace.js'

const emulator = emulatorPerTest()
const probe = ['--import', nodePath.join(ROOT, '__tests__/support/max-rss.mjs')]
const maxRssMiB = (run: ActionRun) => Number(/max-rss-kib=(\d+)/.exec(run.stderr)?.[1]) / 1024
// Peak resident memory for 100,000 paths. Node 22+ (the action runs on 24) gives V8 a larger young
// generation, so the same run, with a live heap under 60 MB on either, holds more garbage between
// collections there: the budget is 200 MiB on Node 20 and 256 MiB from Node 22.
const RSS_BUDGET_MIB = Number(process.versions.node.split('.')[0]) >= 22 ? 256 : 200
const pathsFile = () => workspaceWith({ 'paths.txt': paths(100_000, '/releases/v2.1.0/assets').join('\n') })

function expectWellFormed(run: ActionRun, total: number): void {
  for (const name of ['failed-paths', 'skipped-paths', 'batches']) {
    expect(() => JSON.parse(run.outputs[name])).not.toThrow()
    expect(Buffer.byteLength(run.outputs[name])).toBeLessThan(1_000_000)
  }
  expect(Buffer.byteLength(run.summary)).toBeLessThan(1024 * 1024)
  const report = JSON.parse(readFileSync(run.outputs['report-file'], 'utf8'))
  expect(report.totalCount).toBe(total)
  expect(report.prefetchedCount + report.failedCount + report.skippedCount).toBe(total)
}

describe('load', () => {
  it('100,000 paths from paths-file, dry run: within the memory budget, outputs well-formed', async () => {
    const run = await runChecked(emulator.gcore, { 'paths-file': 'paths.txt', 'dry-run': 'true' }, { cwd: pathsFile(), nodeArgs: probe })

    expect(run.code).toBe(0)
    expect(emulator.gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules']) // a dry run reads, sends nothing
    expect(run.stdout).toMatch(/planned in \d+ ms/)
    expect(run.outputs).toMatchObject({ result: 'dry-run', 'total-count': '100000', 'skipped-count': '100000' })
    expectWellFormed(run, 100_000)
    expect(run.summary).toContain('skipped-paths lists the first')
    expect(run.summary).toContain(run.outputs['report-file'])
    expect(maxRssMiB(run)).toBeLessThan(RSS_BUDGET_MIB) // last, so that a run over budget has checked everything else
  })

  it('100,000 paths against the emulator with a tiny interval: every path once, within the memory budget', async () => {
    const gcore = await emulator.restart({ windowMs: 5 })
    const run = await runChecked(
      gcore,
      // The schedule's memory: the origin check's 100,000 HEADs are measured by `npm run bench` (origin rows).
      { 'paths-file': 'paths.txt', 'prefetch-interval': '0.008', 'origin-check': 'off' },
      { cwd: pathsFile(), nodeArgs: probe, timeoutMs: 60_000 }
    )

    expect(run.code).toBe(0)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1000)
    expect(new Set(gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)).size).toBe(100_000)
    expect(gcore.log.filter(entry => entry.operation === 'prefetch' && entry.answer !== 201)).toEqual([])
    expect(run.outputs).toMatchObject({ result: 'success', 'prefetched-count': '100000', 'failed-count': '0' })
    expectWellFormed(run, 100_000)
    expect(maxRssMiB(run)).toBeLessThan(RSS_BUDGET_MIB) // last, as above
  }, 90_000)
})
