import { describe, expect, it } from '@jest/globals'
import { OUTPUT_BUDGET_BYTES, outputFields, stepOutputs } from '../src/core/report/json.js'
import { escapeHtml, renderSummary } from '../src/core/report/markdown.js'
import { buildReport, type RunFacts } from '../src/core/report/model.js'
import { resultSentence } from '../src/core/report/sentence.js'
import { plannedResults, type BatchResult } from '../src/core/schedule/run.js'
import { planOf } from './support/plan.js'

const run: RunFacts = {
  skipped: [],
  files: [],
  limits: [],
  verify: [],
  skippedChecks: [],
  resources: [],
  purge: 'off',
  dryRun: false,
  cancelled: false,
  elapsedMs: 61_000,
  estimateMs: 60_000,
  notes: []
}

function finished(paths: string[], outcomes: BatchResult['outcome'][], error: string | null = null, resources = [9]) {
  const plan = planOf(paths, { resources, sizes: { prefetch: 2 } })
  const results = plannedResults(plan.batches).map((result, i) => ({
    ...result,
    outcome: outcomes[i % outcomes.length],
    status: outcomes[i % outcomes.length] === 'succeeded' ? 201 : 400,
    attempts: 1,
    error: outcomes[i % outcomes.length] === 'succeeded' ? null : error,
    started: Date.UTC(2026, 0, 1),
    finished: Date.UTC(2026, 0, 1, 0, 0, 2)
  }))
  return { plan, results }
}

describe('buildReport', () => {
  it('counts success, partial and failure, keeping prefetched + failed = total', () => {
    const paths = ['/a', '/b', '/c', '/d']
    const cases: [BatchResult['outcome'][], string, number][] = [
      [['succeeded', 'succeeded'], 'success', 0],
      [['succeeded', 'failed'], 'partial', 2],
      [['cancelled', 'not-attempted'], 'failure', 4]
    ]
    for (const [outcomes, result, failed] of cases) {
      const { plan, results } = finished(paths, outcomes)
      const report = buildReport(plan, results, run)
      expect(report.result).toBe(result)
      expect(report.failedCount).toBe(failed)
      expect(report.prefetchedCount + report.failedCount).toBe(4)
    }
  })

  it('counts a path only when every resource accepted it; a resource that failed makes the run partial', () => {
    const plan = planOf(['/a', '/b'], { resources: [1, 2], sizes: { prefetch: 1 } })
    const results = plannedResults(plan.batches).map(r => ({
      ...r,
      outcome: (r.batch.resource === 2 && r.batch.index === 2 ? 'failed' : 'succeeded') as BatchResult['outcome']
    }))
    expect(buildReport(plan, results, run)).toMatchObject({ prefetchedCount: 1, failedPaths: ['/b'], result: 'partial' })

    const oneDown = plannedResults(plan.batches).map(r => ({
      ...r,
      outcome: (r.batch.resource === 2 ? 'not-attempted' : 'succeeded') as BatchResult['outcome']
    }))
    expect(buildReport(plan, oneDown, run)).toMatchObject({ prefetchedCount: 0, failedCount: 2, result: 'partial' })
  })

  it('counts a dry run’s paths as skipped', () => {
    const { plan } = finished(['/a', '/b', '/c'], ['planned'])
    const report = buildReport(plan, plannedResults(plan.batches), { ...run, dryRun: true, skipped: ['/small.iso'] })
    expect(report).toMatchObject({ result: 'dry-run', totalCount: 4, plannedCount: 3, prefetchedCount: 0, failedCount: 0, skippedCount: 4 })
    expect(resultSentence(report)).toBe('dry-run: 3 paths planned, nothing sent, 1 skipped, estimated 1 min')
  })
})

describe('resultSentence', () => {
  it('puts the counts first, with plural forms right', () => {
    const { plan, results } = finished(['/a'], ['succeeded'])
    expect(resultSentence(buildReport(plan, results, { ...run, purge: 'auto' }))).toBe(
      'success: 1 of 1 path prefetched, 0 purged in 1 min 1 s'
    )
    const two = finished(['/a', '/b', '/c'], ['succeeded', 'failed'])
    expect(resultSentence(buildReport(two.plan, two.results, { ...run, cancelled: true, elapsedMs: 500 }))).toBe(
      'partial (cancelled): 2 of 3 paths prefetched, 1 not prefetched in under a second'
    )
  })
})

describe('escapeHtml', () => {
  it('neutralises HTML and markdown', () => {
    const hostile = '<img src=x onerror=alert(1)> | `code` *b* _i_ [l](http://x) ![i](y) ~s~ # h \\ & "q" \'s\'\nnext'
    const escaped = escapeHtml(hostile)
    expect(escaped.replace(/&(#\d+|[a-z]+);/g, '')).not.toMatch(/[<>`|*_[\]\\~#!"'&\n]/)
    expect(escaped).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})

describe('renderSummary', () => {
  it('shows the verdict and counts first, a row per batch with an icon, failed paths open, the time against the estimate', () => {
    const { plan, results } = finished(['/a', '/b<script>', '/c|d'], ['succeeded', 'failed'], 'HTTP 400: <b>bad</b> `x`')
    const summary = renderSummary(buildReport(plan, results, run))
    expect(summary).toContain('## ⚠️ Gcore CDN prefetch: partial')
    expect(summary).toContain('**2 of 3 paths prefetched, 1 failed.** Took 1 min 1 s (estimate 1 min).')
    expect(summary).toContain(
      '<td>❌&nbsp;failed</td><td>prefetch</td><td>2</td><td>1</td><td>400</td><td>1</td><td>2&nbsp;s</td><td></td><td>HTTP 400: &lt;b&gt;bad&lt;/b&gt; &#96;x&#96;</td>'
    )
    expect(summary).toContain('<details open><summary>Failed paths (1)</summary>')
    expect(summary).toContain('/c&#124;d')
    expect(summary).not.toContain('<script>')
    expect(summary).not.toMatch(/\n\n[^\n]*<\/td>/)
  })

  it('folds failed paths when there are more than 20, and shortens long paths in the middle', () => {
    const long = Array.from({ length: 21 }, (_, i) => `/releases/v2.1.0/${'very-long-directory-name/'.repeat(4)}file-${i}.iso`)
    const { plan, results } = finished(long, ['failed'], 'HTTP 400: nope')
    const summary = renderSummary(buildReport(plan, results, run))
    expect(summary).toContain('<details><summary>Failed paths (21)</summary>')
    expect(summary).toContain('/releases/v2.1.0/very-long-directory-nam…ame/very-long-directory-name/file-0.iso')
  })

  it('stays under its byte budget and says what was cut', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `/a/very/long/path/to/a/release/file-${i}.iso`)
    const { plan, results } = finished(paths, ['failed'], 'HTTP 400: nope')
    const summary = renderSummary(buildReport(plan, results, run), { budgetBytes: 100_000, reportFile: '/tmp/r.json' })
    expect(Buffer.byteLength(summary)).toBeLessThan(100_000)
    expect(summary).toMatch(/\d+ of 10000 batch rows were cut/)
    expect(summary).toMatch(/\d+ of 20000 failed paths were cut/)
    expect(summary).toContain('/tmp/r.json')
  })
})

describe('outputs', () => {
  it('writes every output as a string, JSON where it is a list', () => {
    const { plan, results } = finished(['/a', '/b'], ['failed'], 'boom')
    const outputs = stepOutputs(buildReport(plan, results, run), '/tmp/report.json').values
    expect(outputs).toMatchObject({
      result: 'failure',
      'total-count': '2',
      'prefetched-count': '0',
      'purged-count': '0',
      'failed-count': '2',
      'failed-paths': '["/a","/b"]',
      resources: '[]',
      'report-file': '/tmp/report.json'
    })
    expect(JSON.parse(outputs.batches)[0]).toMatchObject({
      operation: 'prefetch',
      kind: 'prefetch',
      resource: 9,
      index: 1,
      paths: ['/a', '/b'],
      outcome: 'failed',
      status: 400,
      attempts: 1,
      error: 'boom',
      started: '2026-01-01T00:00:00.000Z',
      finished: '2026-01-01T00:00:02.000Z',
      completed: null
    })
  })

  it('has the same keys, typed, for the CLI’s --json', () => {
    const { plan, results } = finished(['/a'], ['succeeded'])
    expect(outputFields(buildReport(plan, results, run), '')).toMatchObject({ 'total-count': 1, 'failed-paths': [], result: 'success' })
  })

  it('keeps oversized JSON outputs valid and within GitHub’s output limit', () => {
    const paths = Array.from({ length: 60_000 }, (_, i) => `/releases/v2.1.0/file-number-${i}.iso`)
    const { plan, results } = finished(paths, ['failed'])
    const { values, notes } = stepOutputs(buildReport(plan, results, run), '/tmp/r.json')
    for (const name of ['failed-paths', 'batches'] as const) {
      expect(Buffer.byteLength(values[name])).toBeLessThanOrEqual(OUTPUT_BUDGET_BYTES)
      expect(() => JSON.parse(values[name])).not.toThrow()
    }
    expect(JSON.parse(values['failed-paths'])).toEqual(paths.slice(0, JSON.parse(values['failed-paths']).length))
    expect(notes).toHaveLength(2)
    expect(notes[0]).toMatch(/failed-paths lists the first \d+ of 60000 entries/)
    expect(notes[1]).toMatch(/batches leaves out the path lists and the last \d+ of 30000 batches/)
  })
})
