/**
 * The runner's files, when they misbehave: the report file finds another
 * place, a summary that cannot be written is a warning, and an unusable
 * GITHUB_OUTPUT ends the step with one `::error::` line, never a crash.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { commandLines, expectOutputsPresent } from '../support/checks.js'
import { emulatorPerTest, runChecked } from '../support/e2e.js'

const emulator = emulatorPerTest()
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
    expect(errors[0]).toMatch(/^::error::Unexpected error: /)
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
