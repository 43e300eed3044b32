/**
 * What a run leaves behind, in the order that loses the least: the report file
 * and the failed-paths file (RUNNER_TEMP, else the OS temp directory), then the
 * job summary, then the step outputs. Each sink is written on its own: one that
 * fails (a full disk, a directory where a file belongs) is said, and the others
 * are still written. What must fail the step is returned: the outputs not
 * written (GITHUB_OUTPUT unusable), or failed paths that no file could hold.
 */
import * as core from '@actions/core'
import { closeSync, openSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { failedPathsChunks, reportJsonChunks, stepOutputs } from '../core/report/json.js'
import type { RunContext } from '../core/report/markdown.js'
import type { RunReport } from '../core/report/model.js'
import { writeSummary } from './summary.js'

/** Writes every sink; returns the problems that fail the step (none when all went well). */
export async function publish(report: RunReport, context: RunContext): Promise<string[]> {
  const problems: string[] = []
  const stem = `gcore-cdn-prefetch-${Date.now()}-${process.pid}`
  const reportFile = writeReportFile(`${stem}.json`, report)
  const failedPathsFile = writeFailedPathsFile(`${stem}-failed-paths.txt`, report, reportFile, problems)
  const outputs = stepOutputs(report, reportFile, failedPathsFile)
  for (const note of outputs.notes) core.warning(note)
  await writeSummary(report, { reportFile, failedPathsFile, notes: outputs.notes, context })
  const outputProblem = setOutputs(outputs.values, reportFile)
  if (outputProblem) problems.push(outputProblem)
  return problems
}

/** The report file, under RUNNER_TEMP or else the temp directory; '' (with a warning) when neither takes it. */
function writeReportFile(name: string, report: RunReport): string {
  const written = writeInTemp(name, () => reportJsonChunks(report))
  if (written.file && written.moved) core.warning(`The report file could not be written under RUNNER_TEMP; it is at ${written.file}.`)
  if (!written.file) {
    core.warning(
      'The report file could not be written (RUNNER_TEMP and the temp directory refused it); the outputs and the summary have the report.'
    )
  }
  return written.file
}

/**
 * The failed paths, one per line, for `paths-file` in a later step: written
 * even when there are none (an empty file), so the output always names a file.
 * Failed paths that no file could hold fail the step: the hand-off is lost.
 */
function writeFailedPathsFile(name: string, report: RunReport, reportFile: string, problems: string[]): string {
  const written = writeInTemp(name, () => failedPathsChunks(report))
  const count = report.failedPaths.length
  if (written.file && written.moved && count) {
    core.warning(`The failed-paths file could not be written under RUNNER_TEMP; it is at ${written.file}.`)
  }
  if (!written.file && count) {
    problems.push(
      `The failed-paths file could not be written (RUNNER_TEMP and the temp directory refused it: ${written.error}): ` +
        `the ${count} failed paths are only in the failed-paths output${reportFile ? ', the report file' : ''} and the job summary.`
    )
  }
  return written.file
}

/** Writes the chunks to `name` under RUNNER_TEMP, else the OS temp directory (each try from the first chunk). */
function writeInTemp(name: string, chunks: () => Iterable<string>): { file: string; moved: boolean; error?: string } {
  const preferred = join(process.env.RUNNER_TEMP || tmpdir(), name)
  const fallback = join(tmpdir(), name)
  let error = ''
  for (const file of preferred === fallback ? [preferred] : [preferred, fallback]) {
    try {
      writeChunks(file, chunks())
      return { file, moved: file !== preferred }
    } catch (caught) {
      error = (caught as Error).message
      core.debug(`${file}: ${error}`)
    }
  }
  return { file: '', moved: false, error }
}

function writeChunks(file: string, chunks: Iterable<string>): void {
  const fd = openSync(file, 'w')
  try {
    for (const chunk of chunks) writeSync(fd, chunk)
  } finally {
    closeSync(fd)
  }
}

/** Every output, each on its own: one refused does not keep the others from being tried. */
function setOutputs(values: Record<string, string>, reportFile: string): string | null {
  let failure: Error | null = null
  for (const [name, value] of Object.entries(values)) {
    try {
      core.setOutput(name, value)
    } catch (error) {
      failure ??= error as Error
    }
  }
  if (!failure) return null
  core.debug(failure.stack ?? failure.message)
  const where = process.env.GITHUB_OUTPUT ? ` (${process.env.GITHUB_OUTPUT})` : ''
  const report = reportFile ? `the job summary and the report file (${reportFile}) have the report` : 'the job summary has the report'
  return `The step's outputs could not be written to GITHUB_OUTPUT${where}: ${failure.message}. Later steps will find them empty; ${report}.`
}
