/** The failed paths as a file `paths-file` reads as it is, and how the outputs and the summary name it. */
import { describe, expect, it } from '@jest/globals'
import { failedPathsChunks, stepOutputs } from '../../../src/core/report/json.js'
import { renderSummary } from '../../../src/core/report/markdown.js'
import { buildReport, type RunFacts } from '../../../src/core/report/model.js'
import { splitPathList } from '../../../src/core/paths/normalise.js'
import { plannedResults } from '../../../src/core/schedule/run.js'
import { planOf } from '../../support/plan.js'

const facts: RunFacts = {
  skipped: [],
  files: [],
  limits: [],
  verify: [],
  skippedChecks: [],
  resources: [],
  purge: 'off',
  dryRun: false,
  cancelled: false,
  elapsedMs: 1000,
  estimateMs: 1000,
  notes: []
}

function failedReport(paths: string[]) {
  const plan = planOf(paths, { resources: [9] })
  const results = plannedResults(plan.batches).map(result => ({
    ...result,
    outcome: 'failed' as const,
    status: 400,
    attempts: 1,
    error: 'no'
  }))
  return buildReport(plan, results, facts)
}

describe('the failed-paths file', () => {
  it('is one path per line, which paths-file reads back as the same paths', () => {
    const paths = Array.from({ length: 2500 }, (_, i) => `/r/v%23${i}.iso?x=a%20b`)
    const text = [...failedPathsChunks(failedReport(paths))].join('')
    expect(text).toBe(`${paths.join('\n')}\n`)
    expect(splitPathList(text, { input: 'paths-file', file: 'f.txt' }).map(entry => entry.raw)).toEqual(paths)
  })

  it('is empty when nothing failed', () => {
    expect([...failedPathsChunks(failedReport([]))].join('')).toBe('')
  })

  it('is named by failed-paths-file, and failed-paths cut at GitHub’s limit points at it', () => {
    const paths = Array.from({ length: 30_000 }, (_, i) => `/releases/v2.1.0/linux/x64/file-number-${i}.iso`)
    const { values, notes } = stepOutputs(failedReport(paths), '/t/r.json', '/t/r-failed-paths.txt')
    expect(values['failed-paths-file']).toBe('/t/r-failed-paths.txt')
    expect(notes).toContainEqual(
      expect.stringMatching(
        /^failed-paths lists the first \d+ of 30000 paths \(GitHub's output limit\); all are in failed-paths-file, one per line, for paths-file\.$/
      )
    )
  })

  it('is named in the summary, under the failed paths', () => {
    const summary = renderSummary(failedReport(['/a', '/b']), { failedPathsFile: '/t/<x>-failed-paths.txt' })
    expect(summary).toContain(
      'All 2 failed paths, one per line, are in <code>/t/&lt;x&gt;-failed-paths.txt</code> (output <code>failed-paths-file</code>): give it to <code>paths-file</code> in a later step to try them again.'
    )
    expect(renderSummary(failedReport(['/a']), {})).not.toContain('failed-paths-file')
  })
})
