/** The job summary: written before the outputs, and a failure to write it is a warning, never a lost run. */
import * as core from '@actions/core'
import { renderSummary, type RunContext } from '../core/report/markdown.js'
import type { RunReport } from '../core/report/model.js'

export async function writeSummary(
  report: RunReport,
  options: { reportFile: string; failedPathsFile: string; notes: string[]; context: RunContext }
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary.addRaw(renderSummary(report, options)).write()
  } catch (error) {
    core.warning(`The job summary could not be written (${(error as Error).message}); the outputs have the report.`)
  }
}
