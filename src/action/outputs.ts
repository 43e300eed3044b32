/**
 * Step outputs and the report file. Outputs are set first, so that a report
 * file that cannot be written (RUNNER_TEMP missing, a full disk) never loses
 * them; the file then goes to the OS temp directory, with a warning.
 */
import * as core from '@actions/core'
import { closeSync, openSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { reportJsonChunks, stepOutputs } from '../core/report/json.js'
import type { RunReport } from '../core/report/model.js'

function reportFileName(): string {
  return `gcore-cdn-prefetch-${Date.now()}-${process.pid}.json`
}

/** Sets every output, then writes the report file; returns notes on anything shortened or moved. */
export function publishOutputs(report: RunReport): { reportFile: string; notes: string[] } {
  const name = reportFileName()
  const preferred = join(process.env.RUNNER_TEMP || tmpdir(), name)
  const outputs = stepOutputs(report, preferred)
  for (const [output, value] of Object.entries(outputs.values)) core.setOutput(output, value)
  for (const note of outputs.notes) core.warning(note)

  for (const file of [preferred, join(tmpdir(), name)]) {
    try {
      writeReportFile(file, report)
      if (file !== preferred) {
        core.warning(`The report file could not be written under RUNNER_TEMP; it is at ${file}.`)
        core.setOutput('report-file', file)
      }
      return { reportFile: file, notes: outputs.notes }
    } catch (error) {
      core.debug(`report file ${file}: ${(error as Error).message}`)
    }
  }
  core.warning(
    'The report file could not be written (RUNNER_TEMP and the temp directory refused it); the outputs and the summary have the report.'
  )
  core.setOutput('report-file', '')
  return { reportFile: '', notes: outputs.notes }
}

function writeReportFile(file: string, report: RunReport): void {
  const fd = openSync(file, 'w')
  try {
    for (const chunk of reportJsonChunks(report)) writeSync(fd, chunk)
  } finally {
    closeSync(fd)
  }
}
