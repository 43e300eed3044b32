/**
 * The runner's files, each on its own: the report file, the failed-paths file
 * and the job summary are written before the step outputs, and a sink that
 * fails (a full disk: /dev/full) is said without taking the others down. The
 * step fails when the outputs or the failed-paths hand-off are lost, naming
 * the file. Through dist/index.js against the emulator.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { commandLines, expectOutputsPresent, stackTraces } from '../support/checks.js'
import { runAction, type ActionRun } from '../support/run-action.js'

const KEY = 'runner-files-key'
let gcore: GcoreEmulator

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  await gcore.start()
})
afterEach(() => gcore.stop())

const run = (env: Record<string, string>, extra: Record<string, string> = {}) =>
  runAction(
    { 'api-key': KEY, 'resource-id': '9', 'api-url': gcore.url, 'prefetch-interval': '0.2', paths: '/a.iso\n/b.iso', ...extra },
    { env }
  )

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
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 400, body: '{"message": "no"}' } })
    const result = await run({ GITHUB_OUTPUT: '/dev/full' }, { 'batch-size': '1' })

    expect(result.code).toBe(1)
    expect(gcore.log.filter(entry => entry.operation === 'prefetch')).toHaveLength(2)
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
    expect(stackTraces(result)).toEqual([])
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
    gcore.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'status', status: 400, body: '{"message": "no"}' } })
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
