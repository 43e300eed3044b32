/**
 * The report as the action's outputs: the same names (kebab-case) for the step
 * outputs and the CLI's `--json`, typed here, stringified by the action.
 */
import { fitLines } from './fit.js'
import type { RunReport } from './model.js'

/** GitHub caps one output at 1 MB; past this a JSON output is shortened and the report file is complete. */
export const OUTPUT_BUDGET_BYTES = 900 * 1000

const OUTPUT_NAMES = [
  'result',
  'total-count',
  'prefetched-count',
  'purged-count',
  'failed-count',
  'failed-paths',
  'failed-paths-file',
  'skipped-count',
  'skipped-paths',
  'verified-count',
  'verify',
  'batches',
  'resources',
  'report-file'
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]

/** Every output with its natural JSON type; the files' paths where they were written ('' where not). */
export function outputFields(report: RunReport, reportFile: string, failedPathsFile = ''): Record<OutputName, unknown> {
  return {
    result: report.result,
    'total-count': report.totalCount,
    'prefetched-count': report.prefetchedCount,
    'purged-count': report.purgedCount,
    'failed-count': report.failedCount,
    'failed-paths': report.failedPaths,
    'failed-paths-file': failedPathsFile,
    'skipped-count': report.skippedCount,
    'skipped-paths': report.skippedPaths,
    'verified-count': report.verifiedCount,
    verify: report.verify,
    batches: report.batches,
    resources: report.resources.map(resource => ({
      id: resource.id,
      hostname: resource.hostname,
      state: resource.state,
      slice: resource.slice,
      'purge-kind': resource.purgeKind,
      paths: resource.paths
    })),
    'report-file': reportFile
  }
}

/** A JSON array of `items` that fits in `budget` bytes: as many leading items as fit, measured one by one. */
function jsonArrayWithin(items: readonly unknown[], budget: number): { json: string; cut: number } {
  // Each kept item costs its text and one separator; the brackets cost two.
  const { kept, cut } = fitLines(items, item => JSON.stringify(item), budget - 2)
  return { json: `[${kept.join(',')}]`, cut }
}

/**
 * The failed paths as `paths-file` reads them, in pieces: one path per line. A
 * CDN path holds no line break or leading `[`, so the file reads back exactly.
 */
export function* failedPathsChunks(report: RunReport): Generator<string> {
  const CHUNK = 1000
  for (let start = 0; start < report.failedPaths.length; start += CHUNK) {
    yield `${report.failedPaths.slice(start, start + CHUNK).join('\n')}\n`
  }
}

/**
 * The report as pretty JSON, in pieces: a long array is written CHUNK items at
 * a time, so the report of 100,000 paths never exists as one string.
 */
export function* reportJsonChunks(report: object): Generator<string> {
  const CHUNK = 100
  const entries = Object.entries(report)
  yield '{\n'
  for (const [i, [key, value]] of entries.entries()) {
    const comma = i < entries.length - 1 ? ',' : ''
    if (Array.isArray(value) && value.length > CHUNK) {
      yield `  ${JSON.stringify(key)}: [\n`
      for (let start = 0; start < value.length; start += CHUNK) {
        const part = value.slice(start, start + CHUNK).map(item => `    ${JSON.stringify(item)}`)
        yield `${part.join(',\n')}${start + CHUNK < value.length ? ',' : ''}\n`
      }
      yield `  ]${comma}\n`
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`
    }
  }
  yield '}\n'
}

export interface StepOutputs {
  values: Record<OutputName, string>
  /** Why a JSON output is shorter than the report file, for the summary and the log. */
  notes: string[]
}

/**
 * The step outputs as strings. An oversized JSON output stays valid but
 * shortened: `batches` first drops its path lists, then trailing records; the
 * path lists keep the paths that fit. The report file has it all.
 */
export function stepOutputs(report: RunReport, reportFile: string, failedPathsFile = ''): StepOutputs {
  const fields = outputFields(report, reportFile, failedPathsFile)
  const notes: string[] = []
  const values = {} as Record<OutputName, string>
  for (const name of OUTPUT_NAMES) {
    const value = fields[name]
    if (!Array.isArray(value)) {
      values[name] = String(value)
      continue
    }
    let fit = jsonArrayWithin(value, OUTPUT_BUDGET_BYTES)
    if (fit.cut && name === 'batches') {
      fit = jsonArrayWithin(
        report.batches.map(record => ({ ...record, paths: [] })),
        OUTPUT_BUDGET_BYTES
      )
      notes.push(
        `batches leaves out the path lists${fit.cut ? ` and the last ${fit.cut} of ${value.length} batches` : ''} (GitHub's output limit); report-file has them.`
      )
    } else if (fit.cut && name === 'failed-paths' && failedPathsFile) {
      notes.push(
        `failed-paths lists the first ${value.length - fit.cut} of ${value.length} paths (GitHub's output limit); all are in failed-paths-file, one per line, for paths-file.`
      )
    } else if (fit.cut) {
      notes.push(
        `${name} lists the first ${value.length - fit.cut} of ${value.length} entries (GitHub's output limit); all are in report-file.`
      )
    }
    values[name] = fit.json
  }
  return { values, notes }
}
