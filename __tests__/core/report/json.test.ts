import { describe, expect, it } from '@jest/globals'
import { OUTPUT_BUDGET_BYTES, outputFields, stepOutputs } from '../../../src/core/report/json.js'
import { buildReport } from '../../../src/core/report/model.js'
import { finished, RUN } from '../../support/report.js'

describe('outputs', () => {
  it('writes every output as a string, JSON where it is a list', () => {
    const { plan, results } = finished(['/a', '/b'], ['failed'], 'boom')
    const outputs = stepOutputs(buildReport(plan, results, RUN), '/tmp/report.json').values
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
    expect(outputFields(buildReport(plan, results, RUN), '')).toMatchObject({ 'total-count': 1, 'failed-paths': [], result: 'success' })
  })

  it('keeps oversized JSON outputs valid and within GitHub’s output limit', () => {
    const paths = Array.from({ length: 60_000 }, (_, i) => `/releases/v2.1.0/file-number-${i}.iso`)
    const { plan, results } = finished(paths, ['failed'])
    const { values, notes } = stepOutputs(buildReport(plan, results, RUN), '/tmp/r.json')
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
