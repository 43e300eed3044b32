/**
 * Turns batch results into step outputs, a JSON report file and the job summary.
 *
 * Counting and rendering are pure functions; `publish` is the only part that
 * touches @actions/core and the file system. core.summary escapes nothing, so
 * every user or API string passes through `escapeHtml` here.
 */
import * as core from '@actions/core'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatDuration, type Plan } from './plan.js'
import type { BatchResult, Outcome } from './scheduler.js'
import { formatBytes } from './files.js'
import type { ListedFile } from './sources.js'
import type { RunContext } from './release.js'
import type { VerifyResult } from './verify.js'

export type RunResult = 'success' | 'partial' | 'failure' | 'dry-run'

export interface BatchRecord {
  operation: string
  resource: number
  index: number
  paths: string[]
  outcome: Outcome
  status: number | null
  attempts: number
  error: string | null
  started: string | null
  finished: string | null
}

export interface RunReport {
  result: RunResult
  resources: number[]
  totalCount: number
  prefetchedCount: number
  purgedCount: number
  failedCount: number
  failedPaths: string[]
  skippedCount: number
  skippedPaths: string[]
  files: ListedFile[]
  /** How each limit was chosen, e.g. `prefetch interval 30 s (account: 2/m)`. */
  limits: string[]
  verify: VerifyResult[]
  verifiedCount: number
  batches: BatchRecord[]
  purge: boolean
  cancelled: boolean
  elapsedMs: number
  estimateMs: number
}

/** GitHub caps the step summary at 1 MiB; stay clear of it with room for our own notes. */
export const SUMMARY_BUDGET_BYTES = 1000 * 1024
/** GitHub caps one output at 1 MB; past this a JSON output is shortened and the report file is complete. */
export const OUTPUT_BUDGET_BYTES = 900 * 1000

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

export function toRecord(result: BatchResult): BatchRecord {
  return {
    operation: result.batch.operation,
    resource: result.batch.resource,
    index: result.batch.index,
    paths: result.paths,
    outcome: result.outcome,
    status: result.status,
    attempts: result.attempts,
    error: result.error,
    started: iso(result.started),
    finished: iso(result.finished)
  }
}

/** A path is prefetched (or purged) when every resource accepted it. */
function acceptedByAll(plan: Plan, results: BatchResult[], operation: string): Set<string> {
  const counts = new Map<string, number>()
  for (const result of results) {
    if (result.batch.operation !== operation || result.outcome !== 'succeeded') continue
    for (const path of result.paths) counts.set(path, (counts.get(path) ?? 0) + 1)
  }
  return new Set(plan.paths.filter(path => counts.get(path) === plan.resources.length))
}

export function buildReport(
  plan: Plan,
  results: BatchResult[],
  run: {
    skipped: string[]
    files: ListedFile[]
    limits?: string[]
    verify?: VerifyResult[]
    purge: boolean
    dryRun: boolean
    cancelled: boolean
    elapsedMs: number
    estimateMs: number
  }
): RunReport {
  const prefetched = acceptedByAll(plan, results, 'prefetch')
  const purged = run.purge ? acceptedByAll(plan, results, 'purge') : new Set<string>()
  // A dry run sends nothing: its planned paths count as skipped, so that
  // prefetched + failed + skipped = total holds for every run.
  const failedPaths = run.dryRun ? [] : plan.paths.filter(path => !prefetched.has(path))
  const skippedPaths = run.dryRun ? [...run.skipped, ...plan.paths] : run.skipped
  const total = plan.paths.length + run.skipped.length
  let result: RunResult
  if (run.dryRun) result = 'dry-run'
  else if (failedPaths.length === 0) result = 'success'
  else if (prefetched.size === 0) result = 'failure'
  else result = 'partial'
  return {
    result,
    resources: plan.resources,
    totalCount: total,
    prefetchedCount: prefetched.size,
    purgedCount: purged.size,
    failedCount: failedPaths.length,
    failedPaths,
    skippedCount: skippedPaths.length,
    skippedPaths,
    files: run.files,
    limits: run.limits ?? [],
    verify: run.verify ?? [],
    verifiedCount: (run.verify ?? []).filter(entry => entry.result === 'HIT').length,
    batches: results.map(toRecord),
    purge: run.purge,
    cancelled: run.cancelled,
    elapsedMs: run.elapsedMs,
    estimateMs: run.estimateMs
  }
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  // Markdown's active characters, so no text can turn into a link, table or code span.
  '`': '&#96;',
  '|': '&#124;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '\\': '&#92;',
  '~': '&#126;',
  '#': '&#35;',
  '!': '&#33;'
}

/** Safe for HTML text and attributes and inert as markdown; line breaks become spaces. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`|*_[\]\\~#!]/g, char => HTML_ENTITIES[char]).replace(/[\r\n]+/g, ' ')
}

function duration(record: BatchRecord): string {
  if (!record.started || !record.finished) return ''
  return formatDuration(Date.parse(record.finished) - Date.parse(record.started))
}

/** Adds lines until the byte budget is spent; reports how many did not fit. */
function fitLines(lines: string[], budget: number): { kept: string[]; cut: number; bytes: number } {
  const kept: string[] = []
  let bytes = 0
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1
    if (bytes + size > budget) break
    kept.push(line)
    bytes += size
  }
  return { kept, cut: lines.length - kept.length, bytes }
}

/** Repository · event · ref or tag · commit · run link: the first line of the log and the summary. */
export function renderContextLine(context: RunContext, format: 'text' | 'html'): string {
  const parts = [context.repository, context.event, context.ref, context.sha].filter(part => part !== '')
  if (format === 'text') return [...parts, context.runUrl ?? ''].filter(part => part !== '').join(' · ')
  const link = context.runUrl ? [`<a href="${escapeHtml(context.runUrl)}">run</a>`] : []
  return [...parts.map(part => `<code>${escapeHtml(part)}</code>`), ...link].join(' · ')
}

function batchRow(record: BatchRecord): string {
  return (
    `<tr><td>${record.operation}</td><td>${record.index}</td><td>${record.paths.length}</td>` +
    `<td>${record.outcome}</td><td>${record.status ?? ''}</td><td>${record.attempts}</td>` +
    `<td>${duration(record)}</td><td>${escapeHtml(record.error ?? '')}</td></tr>`
  )
}

function fileRow(file: ListedFile): string {
  const mark = file.skipped ? '⚠️ outside 200 MB – 5 GB, skipped' : file.outsideWindow ? '⚠️ outside 200 MB – 5 GB' : ''
  return `<tr><td>${escapeHtml(file.file)}</td><td>${formatBytes(file.size)}</td><td>${escapeHtml(file.cdnPath)}</td><td>${mark}</td></tr>`
}

function verifyRow(entry: VerifyResult): string {
  return (
    `<tr><td>${entry.resource}</td><td>${escapeHtml(entry.path)}</td><td>${escapeHtml(entry.result)}</td>` +
    `<td>${entry.status ?? ''}</td><td>${entry.attempts}</td><td>${escapeHtml(entry.error ?? '')}</td></tr>`
  )
}

/** A table of `rows` (or as many as fit), optionally in a collapsed <details>. */
function table(header: string, rows: string[], fit: { kept: string[] }, summary?: string): string[] {
  const lines = ['<table>', `<tr>${header}</tr>`, ...fit.kept, '</table>']
  return summary ? [`<details><summary>${summary} (${rows.length})</summary>`, '', ...lines, '</details>', ''] : [...lines, '']
}

export function renderSummary(
  report: RunReport,
  options: { budgetBytes?: number; reportFile?: string; notes?: string[]; context?: RunContext } = {}
): string {
  const budget = options.budgetBytes ?? SUMMARY_BUDGET_BYTES
  const resources = report.resources.join(', ')
  const verifyLine = report.verify.length ? ` · ${report.verifiedCount} of ${report.verify.length} HIT at the edge` : ''
  const head = [
    ...(options.context && options.context.repository ? [renderContextLine(options.context, 'html'), ''] : []),
    `## Gcore CDN prefetch: resource${report.resources.length > 1 ? 's' : ''} ${escapeHtml(resources)}`,
    '',
    `**${report.result}**${report.cancelled ? ' (cancelled)' : ''} · ${report.totalCount} paths · ` +
      `${report.prefetchedCount} prefetched · ${report.purge ? `${report.purgedCount} purged · ` : ''}` +
      `${report.failedCount} failed${report.skippedCount ? ` · ${report.skippedCount} skipped` : ''}${verifyLine}`,
    '',
    report.result === 'dry-run'
      ? `Dry run: nothing was sent. Estimated time: ${formatDuration(report.estimateMs)}.`
      : `Took ${formatDuration(report.elapsedMs)} (estimate ${formatDuration(report.estimateMs)}).`,
    '',
    ...(report.limits.length ? [`Limits: ${report.limits.map(escapeHtml).join(' · ')}.`, ''] : [])
  ]
  const failed = report.failedPaths.map(escapeHtml)
  const fileRows = report.files.map(fileRow)
  const verifyRows = report.verify.map(verifyRow)
  const notes = (options.notes ?? []).map(escapeHtml)
  const where = options.reportFile ? ` The full report is in ${escapeHtml(options.reportFile)} (output report-file).` : ''

  // Share the byte budget: batches first, then files, verification, failed paths.
  let left = budget - Buffer.byteLength(head.join('\n')) - 8192 // table frames, headings, notes
  const take = (rows: string[], share: number): ReturnType<typeof fitLines> => {
    const fit = fitLines(rows, Math.max(0, left * share))
    left -= fit.bytes
    return fit
  }
  const body: string[] = []
  let batchRowsCut = 0
  report.resources.forEach((resource, i) => {
    const rows = report.batches.filter(record => record.resource === resource).map(batchRow)
    const fit = take(rows, 0.5 / (report.resources.length - i))
    batchRowsCut += fit.cut
    if (report.resources.length > 1) body.push(`### Resource ${resource}`, '')
    body.push(...table('<th>Operation</th><th>Batch</th><th>Paths</th><th>Outcome</th><th>HTTP</th><th>Attempts</th><th>Duration</th><th>Error</th>', rows, fit))
  })
  if (batchRowsCut) notes.push(`${batchRowsCut} of ${report.batches.length} batch rows were cut to stay under the 1 MiB summary cap.${where}`)
  if (fileRows.length) {
    const fit = take(fileRows, 0.5)
    if (fit.cut) notes.push(`${fit.cut} of ${fileRows.length} matched files were cut from the files table.${where}`)
    body.push(...table('<th>File</th><th>Size</th><th>CDN path</th><th>Size window</th>', fileRows, fit, 'Matched files'))
  }
  if (verifyRows.length) {
    const fit = take(verifyRows, 0.5)
    if (fit.cut) notes.push(`${fit.cut} of ${verifyRows.length} edge checks were cut from the table.${where}`)
    body.push(
      '### Edge verification',
      '',
      'One HIT shows that one edge server (the one that answered) has the file, not every edge server.',
      '',
      ...table('<th>Resource</th><th>Path</th><th>Cache</th><th>HTTP</th><th>Attempts</th><th>Error</th>', verifyRows, fit, 'Edge checks')
    )
  }
  if (failed.length) {
    const fit = take(failed, 1)
    if (fit.cut) notes.push(`${fit.cut} of ${failed.length} failed paths were cut from this list.${where}`)
    body.push(`<details><summary>Failed paths (${failed.length})</summary>`, '', '<pre>', ...fit.kept, '</pre>', '</details>', '')
  }
  for (const note of notes) body.push(`> ${note}`, '')
  if (notes.length && options.reportFile) {
    body.push(`The full report is in <code>${escapeHtml(options.reportFile)}</code> (output <code>report-file</code>).`, '')
  }
  return [...head, ...body].join('\n')
}

/** A JSON array of `items` that fits in `budget` bytes: as many leading items as fit. */
function jsonArrayWithin(items: unknown[], budget: number): { json: string; cut: number } {
  const json = JSON.stringify(items)
  if (Buffer.byteLength(json) <= budget) return { json, cut: 0 }
  const fit = fitLines(
    items.map(item => JSON.stringify(item)),
    budget - 2
  )
  return { json: `[${fit.kept.join(',')}]`, cut: fit.cut }
}

export interface Outputs {
  values: Record<string, string>
  /** Why a JSON output is shorter than the report file, for the summary and the log. */
  notes: string[]
}

/**
 * The step outputs. GitHub caps one output at 1 MB, so an oversized JSON output
 * stays valid but shortened: `batches` first drops its path lists, then trailing
 * records; `failed-paths` keeps the paths that fit. The report file has it all.
 */
export function outputValues(report: RunReport, reportFile: string): Outputs {
  const notes: string[] = []
  const failed = jsonArrayWithin(report.failedPaths, OUTPUT_BUDGET_BYTES)
  const skipped = jsonArrayWithin(report.skippedPaths, OUTPUT_BUDGET_BYTES)
  const verify = jsonArrayWithin(report.verify, OUTPUT_BUDGET_BYTES)
  if (verify.cut) notes.push(`verify lists the first ${report.verify.length - verify.cut} of ${report.verify.length} edge checks (GitHub's output limit); all are in report-file.`)
  if (skipped.cut) {
    notes.push(`skipped-paths lists the first ${report.skippedCount - skipped.cut} of ${report.skippedCount} paths (GitHub's output limit); all are in report-file.`)
  }
  if (failed.cut) {
    notes.push(`failed-paths lists the first ${report.failedCount - failed.cut} of ${report.failedCount} paths (GitHub's output limit); all are in report-file.`)
  }
  let batches = jsonArrayWithin(report.batches, OUTPUT_BUDGET_BYTES)
  if (batches.cut) {
    batches = jsonArrayWithin(
      report.batches.map(record => ({ ...record, paths: [] })),
      OUTPUT_BUDGET_BYTES
    )
    notes.push(
      `batches leaves out the path lists${batches.cut ? ` and the last ${batches.cut} of ${report.batches.length} batches` : ''} (GitHub's output limit); report-file has them.`
    )
  }
  return {
    values: {
      result: report.result,
      'total-count': String(report.totalCount),
      'prefetched-count': String(report.prefetchedCount),
      'purged-count': String(report.purgedCount),
      'failed-count': String(report.failedCount),
      'failed-paths': failed.json,
      'skipped-count': String(report.skippedCount),
      'skipped-paths': skipped.json,
      'verified-count': String(report.verifiedCount),
      verify: verify.json,
      batches: batches.json,
      'report-file': reportFile
    },
    notes
  }
}

export function reportFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.RUNNER_TEMP || tmpdir()
  return join(dir, `gcore-cdn-prefetch-${Date.now()}-${process.pid}.json`)
}

/** Writes the report file, the outputs and the job summary. */
export async function publish(report: RunReport, context?: RunContext): Promise<string> {
  const reportFile = reportFilePath()
  await writeFile(reportFile, JSON.stringify(report, null, 2))
  const outputs = outputValues(report, reportFile)
  for (const [name, value] of Object.entries(outputs.values)) core.setOutput(name, value)
  for (const note of outputs.notes) core.warning(note)
  if (process.env.GITHUB_STEP_SUMMARY) {
    await core.summary.addRaw(renderSummary(report, { reportFile, notes: outputs.notes, context })).write()
  }
  return reportFile
}
