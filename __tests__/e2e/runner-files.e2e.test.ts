/**
 * The runner's files, when they misbehave, each on its own: the report file,
 * the failed-paths file and the job summary are written before the step
 * outputs; the report file finds another place, a summary that cannot be
 * written is a warning, and an unusable GITHUB_OUTPUT (a full disk:
 * /dev/full) ends the step with one `::error::` line naming it, never a crash.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { commandLines, expectOutputsPresent } from '../support/checks.js'
import { emulatorPerTest, runChecked } from '../support/e2e.js'
import type { ActionRun } from '../support/run-action.js'

const emulator = emulatorPerTest({ windowMs: 200 })
const MISSING = nodePath.join(tmpdir(), `gcore-missing-${process.pid}`)
afterEach(() => {
  if (existsSync(MISSING)) rmSync(MISSING, { recursive: true, force: true })
})

describe('the runner’s files', () => {
  it('RUNNER_TEMP missing: the report file goes to the OS temp directory, with a warning', async () => {
    const run = await runChecked(emulator.gcore, { paths: '/a.iso' }, { env: { RUNNER_TEMP: nodePath.join(MISSING, 'temp') } })

    expect(run.code).toBe(0)
    expectOutputsPresent(run)
    const file = run.outputs['report-file']
    expect(nodePath.dirname(file)).toBe(tmpdir())
    expect(JSON.parse(readFileSync(file, 'utf8')).prefetchedCount).toBe(1)
    expect(run.stdout).toContain(`::warning::The report file could not be written under RUNNER_TEMP; it is at ${file}.`)
    rmSync(file)
  })

  it('no temp directory at all: every output is still set (report-file empty), with a warning', async () => {
    const run = await runChecked(
      emulator.gcore,
      { paths: '/a.iso' },
      { env: { RUNNER_TEMP: `${MISSING}/runner`, TMPDIR: `${MISSING}/os` } }
    )

    expect(run.code).toBe(0)
    expectOutputsPresent(run)
    expect(run.outputs).toMatchObject({ result: 'success', 'prefetched-count': '1', 'report-file': '' })
    expect(run.stdout).toContain('::warning::The report file could not be written (RUNNER_TEMP and the temp directory refused it)')
  })

  it('GITHUB_STEP_SUMMARY is a directory: a warning, the outputs are set', async () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-summary-dir-'))
    const run = await runChecked(emulator.gcore, { paths: '/a.iso' }, { env: { GITHUB_STEP_SUMMARY: dir } })

    expect(run.code).toBe(0)
    expectOutputsPresent(run)
    expect(run.outputs.result).toBe('success')
    expect(commandLines(run.stdout).filter(line => line.startsWith('::warning::The job summary could not be written'))).toHaveLength(1)
  })

  it.each([
    ['in a missing directory', () => nodePath.join(MISSING, 'output.txt')],
    ['a directory', () => mkdtempSync(nodePath.join(tmpdir(), 'gcore-output-dir-'))]
  ])('GITHUB_OUTPUT %s: one ::error:: line, exit 1, no stack trace', async (_, where) => {
    const run = await runChecked(emulator.gcore, { paths: '/a.iso' }, { env: { GITHUB_OUTPUT: where() } })

    expect(run.code).toBe(1)
    const errors = commandLines(run.stdout).filter(line => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error::The step's outputs could not be written to GITHUB_OUTPUT /)
    expect(run.stderr).toBe('')
  })

  it('GITHUB_OUTPUT unusable with RUNNER_DEBUG: the stack is in a debug line only', async () => {
    const run = await runChecked(
      emulator.gcore,
      { paths: '/a.iso' },
      { env: { GITHUB_OUTPUT: nodePath.join(MISSING, 'o.txt'), RUNNER_DEBUG: '1' } }
    )

    expect(run.code).toBe(1)
    expect(commandLines(run.stdout).filter(line => line.startsWith('::debug::') && /%0A\s+at /.test(line)).length).toBeGreaterThan(0)
  })
})

/** Two paths at the emulator's pace, with the runner's environment changed by `env`. */
const run = (env: Record<string, string>, extra: Record<string, string> = {}) =>
  runChecked(emulator.gcore, { paths: '/a.iso\n/b.iso', 'prefetch-interval': '0.2', ...extra }, { env })

/** The files the run left in RUNNER_TEMP (its work directory). */
function leftInTemp(result: ActionRun): { report: string | undefined; failedPaths: string | undefined } {
  const files = readdirSync(result.workDir)
  const read = (name: string | undefined) => (name ? readFileSync(nodePath.join(result.workDir, name), 'utf8') : undefined)
  return {
    report: read(files.find(file => /^gcore-cdn-prefetch-.*\d\.json$/.test(file))),
    failedPaths: read(files.find(file => file.endsWith('-failed-paths.txt')))
  }
}

const errors = (result: ActionRun) => commandLines(result.stdout).filter(line => line.startsWith('::error::'))

describe('GITHUB_OUTPUT on a full disk', () => {
  it('every request is sent; the summary and the report file have the report; one error names GITHUB_OUTPUT', async () => {
    emulator.gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 400, body: '{"message": "no"}' } })
    const result = await run({ GITHUB_OUTPUT: '/dev/full' }, { 'batch-size': '1' })

    expect(result.code).toBe(1)
    expect(emulator.gcore.log.filter(entry => entry.operation === 'prefetch')).toHaveLength(2)
    // The summary was written, with the whole report.
    expect(result.summary).toContain('Gcore CDN prefetch: partial')
    expect(result.summary).toContain('/b.iso')
    // So were the report file and the failed-paths file, under RUNNER_TEMP.
    const { report, failedPaths } = leftInTemp(result)
    expect(JSON.parse(report!)).toMatchObject({ result: 'partial', prefetchedCount: 1, failedPaths: ['/b.iso'] })
    expect(failedPaths).toBe('/b.iso\n')
    // One error line: the verdict, then the file that could not be written, and why.
    expect(errors(result)).toHaveLength(1)
    expect(errors(result)[0]).toMatch(
      /^::error::1 of 2 paths were not prefetched.* The step's outputs could not be written to GITHUB_OUTPUT \(\/dev\/full\): ENOSPC: no space left on device, write\. Later steps will find them empty; the job summary and the report file \(.+\.json\) have the report\.$/
    )
  })

  it('a run that went well still fails, saying which file could not be written', async () => {
    const result = await run({ GITHUB_OUTPUT: '/dev/full' })

    expect(result.code).toBe(1)
    expect(result.summary).toContain('Gcore CDN prefetch: success')
    expect(errors(result)).toEqual([
      expect.stringMatching(/^::error::The step's outputs could not be written to GITHUB_OUTPUT \(\/dev\/full\): ENOSPC/)
    ])
  })
})

describe('GITHUB_STEP_SUMMARY on a full disk', () => {
  it('a warning; the report file and every output are written, and the step goes on as it would', async () => {
    const result = await run({ GITHUB_STEP_SUMMARY: '/dev/full' })

    expect(result.code).toBe(0)
    expectOutputsPresent(result)
    expect(result.outputs.result).toBe('success')
    expect(existsSync(result.outputs['report-file'])).toBe(true)
    expect(result.stdout).toContain('::warning::The job summary could not be written (ENOSPC: no space left on device, write)')
  })

  it('with GITHUB_OUTPUT on it too: the report file is still written, and the error names GITHUB_OUTPUT', async () => {
    const result = await run({ GITHUB_STEP_SUMMARY: '/dev/full', GITHUB_OUTPUT: '/dev/full' })

    expect(result.code).toBe(1)
    expect(JSON.parse(leftInTemp(result).report!).result).toBe('success')
    expect(result.stdout).toContain('::warning::The job summary could not be written')
    expect(errors(result)).toEqual([expect.stringMatching(/GITHUB_OUTPUT \(\/dev\/full\)/)])
  })
})

describe('the failed-paths file', () => {
  it('nowhere to write it while paths failed: the step fails saying so; the paths are in the outputs', async () => {
    const missing = nodePath.join(tmpdir(), `gcore-missing-${process.pid}`)
    emulator.gcore.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'status', status: 400, body: '{"message": "no"}' } })
    const result = await run({ RUNNER_TEMP: `${missing}/runner`, TMPDIR: `${missing}/os` }, { 'fail-on-error': 'false' })

    expect(result.code).toBe(1)
    expectOutputsPresent(result)
    expect(result.outputs).toMatchObject({ 'failed-paths': '["/a.iso","/b.iso"]', 'failed-paths-file': '', 'report-file': '' })
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /^::error::The failed-paths file could not be written \(RUNNER_TEMP and the temp directory refused it: ENOENT.*\): the 2 failed paths are only in the failed-paths output and the job summary\.$/
      )
    ])
  })
})
