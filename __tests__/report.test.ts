import { describe, expect, it } from '@jest/globals'
import { buildPlan } from '../src/plan.js'
import { buildReport, escapeHtml, OUTPUT_BUDGET_BYTES, outputValues, renderSummary } from '../src/report.js'
import { plannedResults, type BatchResult } from '../src/scheduler.js'

const run = { skipped: [] as string[], files: [], purge: false, dryRun: false, cancelled: false, elapsedMs: 61_000, estimateMs: 60_000 }

function finished(paths: string[], outcomes: BatchResult['outcome'][], error: string | null = null) {
  const plan = buildPlan(paths, { resources: [9], purge: false, batchSize: 2, purgeBatchSize: 100 })
  const results = plannedResults(plan).map((result, i) => ({
    ...result,
    outcome: outcomes[i],
    status: outcomes[i] === 'succeeded' ? 201 : 400,
    attempts: 1,
    error: outcomes[i] === 'succeeded' ? null : error,
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

  it('counts a path only when every resource accepted it', () => {
    const plan = buildPlan(['/a', '/b'], { resources: [1, 2], purge: false, batchSize: 1, purgeBatchSize: 100 })
    const results = plannedResults(plan).map(r => ({
      ...r,
      outcome: (r.batch.resource === 2 && r.batch.index === 2 ? 'failed' : 'succeeded') as BatchResult['outcome']
    }))
    const report = buildReport(plan, results, run)
    expect(report).toMatchObject({ prefetchedCount: 1, failedPaths: ['/b'], result: 'partial' })
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
  it('shows a row per batch, the failed paths in <details>, and the time against the estimate', () => {
    const { plan, results } = finished(['/a', '/b<script>', '/c|d'], ['succeeded', 'failed'], 'HTTP 400: <b>bad</b> `x`')
    const summary = renderSummary(buildReport(plan, results, run))
    expect(summary).toContain('## Gcore CDN prefetch: resource 9')
    expect(summary).toContain('**partial** · 3 paths · 2 prefetched · 1 failed')
    expect(summary).toContain('Took 1 min 1 s (estimate 1 min)')
    expect(summary).toContain('<td>HTTP 400: &lt;b&gt;bad&lt;/b&gt; &#96;x&#96;</td>')
    expect(summary).toContain('<details><summary>Failed paths (1)</summary>')
    expect(summary).toContain('/c&#124;d')
    expect(summary).not.toContain('<script>')
    expect(summary).not.toMatch(/\n\n[^\n]*<\/td>/)
  })

  it('stays under its byte budget and says what was cut', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `/a/very/long/path/to/a/release/file-${i}.iso`)
    const { plan, results } = finished(paths, Array(10_000).fill('failed'), 'HTTP 400: nope')
    const summary = renderSummary(buildReport(plan, results, run), { budgetBytes: 100_000, reportFile: '/tmp/r.json' })
    expect(Buffer.byteLength(summary)).toBeLessThan(100_000)
    expect(summary).toMatch(/\d+ of 10000 batch rows were cut/)
    expect(summary).toMatch(/\d+ of 20000 failed paths were cut/)
    expect(summary).toContain('/tmp/r.json')
  })
})

describe('outputValues', () => {
  it('writes every output as a string, JSON where it is a list', () => {
    const { plan, results } = finished(['/a', '/b'], ['failed'], 'boom')
    const outputs = outputValues(buildReport(plan, results, run), '/tmp/report.json').values
    expect(outputs).toMatchObject({
      result: 'failure',
      'total-count': '2',
      'prefetched-count': '0',
      'purged-count': '0',
      'failed-count': '2',
      'failed-paths': '["/a","/b"]',
      'report-file': '/tmp/report.json'
    })
    expect(JSON.parse(outputs.batches)[0]).toMatchObject({ operation: 'prefetch', resource: 9, index: 1, paths: ['/a', '/b'], outcome: 'failed', status: 400, attempts: 1, error: 'boom', started: '2026-01-01T00:00:00.000Z', finished: '2026-01-01T00:00:02.000Z' })
  })

  it('keeps oversized JSON outputs valid and within GitHub’s output limit', () => {
    const paths = Array.from({ length: 60_000 }, (_, i) => `/releases/v2.1.0/file-number-${i}.iso`)
    const { plan, results } = finished(paths, Array(30_000).fill('failed'))
    const { values, notes } = outputValues(buildReport(plan, results, run), '/tmp/r.json')
    for (const name of ['failed-paths', 'batches']) {
      expect(Buffer.byteLength(values[name])).toBeLessThanOrEqual(OUTPUT_BUDGET_BYTES)
      expect(() => JSON.parse(values[name])).not.toThrow()
    }
    expect(JSON.parse(values['failed-paths'])).toEqual(paths.slice(0, JSON.parse(values['failed-paths']).length))
    expect(notes).toHaveLength(2)
    expect(notes[0]).toMatch(/failed-paths lists the first \d+ of 60000 paths/)
    expect(notes[1]).toMatch(/batches leaves out the path lists and the last \d+ of 30000 batches/)
  })
})
