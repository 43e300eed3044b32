/**
 * The job summary: GitHub-flavoured markdown with HTML tables, read at a glance.
 *
 * Counts and the verdict first, an icon per resource and batch, limits only for
 * the lanes used, failed paths open when there are few; more than 20 batches of
 * a resource are tallied, the ones that need a look shown and all folded. Short
 * cells do not wrap, so an icon stays with its word at any page width. Every
 * text that came from a user or the network passes through `escapeHtml`, and
 * long paths are shortened in the middle (the JSON outputs and the report file
 * keep them whole). The whole stays under GitHub's 1 MiB step-summary cap.
 */
import { formatBytes, formatDuration, formatSeconds, middleEllipsis, plural, grouped } from '../format.js'
import type { ListedFile } from '../paths/files.js'
import { describeRequest } from '../plan/batches.js'
import type { Outcome } from '../schedule/run.js'
import type { PathCheck } from './checks.js'
import type { BatchRecord, ResourceReport, RunReport, RunResult } from './model.js'
import { fitLines } from './fit.js'
import { countsPhrase } from './sentence.js'

/** GitHub caps the step summary at 1 MiB; stay clear of it with room for our own notes. */
const SUMMARY_BUDGET_BYTES = 1000 * 1024
/** Failed paths are listed open up to this many; more are folded. */
export const OPEN_FAILED_PATHS = 20
/** A resource's batches are listed open up to this many; more are folded behind a tally and the batches that need a look. */
const OPEN_BATCH_ROWS = 20
/** Paths longer than this are shortened in the middle. */
export const PATH_CELL_CHARS = 80

/** Repository, event, ref, commit and run link: the first line of the log and the summary. */
export interface RunContext {
  repository: string
  event: string
  /** The release tag on a release event, else the ref. */
  ref: string
  sha: string
  runUrl: string | null
}

const RESULT_ICON: Record<RunResult, string> = { success: '✅', partial: '⚠️', failure: '❌', 'dry-run': '📝' }
const CANCELLED_ICON = '⏹️'
const OUTCOME_ICON: Record<Outcome, string> = { succeeded: '✅', failed: '❌', cancelled: '⏹️', 'not-attempted': '⏭️', planned: '📝' }
const EDGE_ICON: Record<string, string> = { verified: '✅', stale: '❌', error: '❌', unproven: '⚠️', 'not-cached': '⚠️', unchecked: '⏭️' }
const ORIGIN_ICON: Record<string, string> = { ready: '✅', missing: '❌', size: '❌', disagree: '❌', error: '⚠️' }

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
  return text.replace(/[&<>"'`|*_[\]\\~#!]/g, char => HTML_ENTITIES[char]).replace(/[\r\n\u2028\u2029]+/g, ' ')
}

const shortPath = (path: string): string => escapeHtml(middleEllipsis(path, PATH_CELL_CHARS))

/**
 * A short cell that must not wrap: `✅ succeeded`, `purge by URL`, `31 ms`.
 * When a long error widens the table, the browser would otherwise put the icon
 * on one line and its word on the next. (GitHub drops `style`, so the spaces
 * themselves are made non-breaking.)
 */
const unbroken = (text: string): string => text.replace(/ /g, '&nbsp;')

/** A run without spaces long enough to widen a table: a path or URL quoted in an error. */
const LONG_WORD = /[^\s"]{41,}/g

/**
 * An error in a cell. A path quoted in it (Gcore names the path it refused) is
 * shortened in the middle like a path cell, and may wrap after each `/`
 * (`<wbr>`), so that one long path does not push the table past the page.
 */
function shortError(error: string): string {
  let html = ''
  let from = 0
  for (const match of error.matchAll(LONG_WORD)) {
    html += escapeHtml(error.slice(from, match.index)) + escapeHtml(middleEllipsis(match[0], PATH_CELL_CHARS)).replace(/\//g, '/<wbr>')
    from = match.index + match[0].length
  }
  return html + escapeHtml(error.slice(from))
}

export function renderContextLine(context: RunContext, format: 'text' | 'html'): string {
  const parts = [context.repository, context.event, context.ref, context.sha].filter(part => part !== '')
  if (format === 'text') return [...parts, context.runUrl ?? ''].filter(part => part !== '').join(' · ')
  const link = context.runUrl ? [`<a href="${escapeHtml(context.runUrl)}">run</a>`] : []
  return [...parts.map(part => `<code>${escapeHtml(part)}</code>`), ...link].join(' · ')
}

function timeBetween(from: string | null, to: string | null): string {
  if (!from || !to) return ''
  return formatSeconds(Date.parse(to) - Date.parse(from))
}

function batchRow(record: BatchRecord): string {
  const done =
    record.operation === 'purge' && record.completed ? formatDuration(Date.parse(record.completed) - Date.parse(record.started!)) : ''
  return (
    `<tr><td>${unbroken(`${OUTCOME_ICON[record.outcome]} ${record.outcome}`)}</td><td>${unbroken(describeRequest(record.kind))}</td><td>${record.index}</td>` +
    `<td>${grouped(record.paths.length)}</td><td>${record.status ?? ''}</td><td>${record.attempts}</td>` +
    `<td>${unbroken(timeBetween(record.started, record.finished))}</td><td>${unbroken(done)}</td><td>${shortError(record.error ?? '')}</td></tr>`
  )
}

const EDGE_HEADER = ['Edge', 'Resource', 'Path', 'First answer', 'Edge size', 'Origin size', 'Attempts', 'Why']
const BATCH_HEADER = ['Outcome', 'Request', 'Batch', 'Paths', 'HTTP', 'Attempts', 'Took', 'Purge done after', 'Error']
const OUTCOME_ORDER: Outcome[] = ['failed', 'not-attempted', 'cancelled', 'succeeded', 'planned']
/** Outcomes a reader has to look at. */
const NEEDS_A_LOOK: ReadonlySet<Outcome> = new Set(['failed', 'not-attempted', 'cancelled'])

/** `100 batches: 1 ❌ failed, 99 ✅ succeeded`: the worst outcomes first. */
function batchTally(rows: readonly BatchRecord[]): string {
  const tally = OUTCOME_ORDER.map(outcome => [outcome, rows.filter(row => row.outcome === outcome).length] as const).filter(
    ([, n]) => n > 0
  )
  return `${plural(rows.length, 'batch', 'batches')}: ${tally.map(([outcome, n]) => `${grouped(n)} ${OUTCOME_ICON[outcome]} ${outcome}`).join(', ')}.`
}

function fileRow(file: ListedFile): string {
  const mark = file.skipped ? '⚠️ outside 200 MB – 5 GB, skipped' : file.outsideWindow ? '⚠️ outside 200 MB – 5 GB' : ''
  return `<tr><td>${shortPath(file.file)}</td><td>${formatBytes(file.size)}</td><td>${shortPath(file.cdnPath)}</td><td>${mark}</td></tr>`
}

function edgeRow(entry: PathCheck): string {
  const size = (bytes: number | null): string => (bytes === null ? '' : formatBytes(bytes))
  return (
    `<tr><td>${unbroken(`${EDGE_ICON[entry.result] ?? '⚠️'} ${entry.result}`)}</td><td>${entry.resource}</td><td>${shortPath(entry.path)}</td>` +
    `<td>${escapeHtml(entry.edge?.firstCache ?? '')}</td><td>${size(entry.size)}</td><td>${size(entry.expectedSize)}</td>` +
    `<td>${entry.attempts}</td><td>${shortError(entry.error ?? '')}</td></tr>`
  )
}

function originRow(entry: PathCheck): string {
  const origin = entry.origin!
  return (
    `<tr><td>${unbroken(`${ORIGIN_ICON[origin.state] ?? '⚠️'} ${origin.state}`)}</td><td>${entry.resource}</td><td>${shortPath(entry.path)}</td>` +
    `<td>${escapeHtml(origin.source ?? '')}</td><td>${origin.status ?? ''}</td><td>${origin.size === null ? '' : formatBytes(origin.size)}</td>` +
    `<td>${shortError(origin.detail ?? '')}</td></tr>`
  )
}

function resourceIcon(resource: ResourceReport, batches: BatchRecord[]): string {
  if (resource.error) return '❌'
  const own = batches.filter(batch => batch.resource === resource.id)
  const failed = (batch: BatchRecord): boolean => batch.outcome === 'failed' || batch.outcome === 'not-attempted'
  // Nothing of it went through: as failed as the run that failed.
  if (own.length > 0 && own.every(failed)) return '❌'
  if (own.some(failed)) return '⚠️'
  if (own.some(batch => batch.outcome === 'cancelled')) return CANCELLED_ICON
  if (own.every(batch => batch.outcome === 'planned')) return '📝'
  return '✅'
}

function resourceRow(resource: ResourceReport, batches: BatchRecord[]): string {
  const kinds = resource.purgeKinds.map(entry => `${entry.kind}: ${plural(entry.paths, 'path')}`).join(', ') || 'none'
  const slice = resource.slice === null ? 'unknown' : resource.slice ? 'on' : 'off'
  return (
    `<tr><td>${resourceIcon(resource, batches)} ${resource.id}</td><td>${escapeHtml(resource.hostname ?? '')}</td><td>${escapeHtml(resource.state)}</td>` +
    `<td>${slice}</td><td>${escapeHtml(kinds)}</td><td>${grouped(resource.paths)}</td><td>${shortError(resource.error ?? '')}</td></tr>`
  )
}

function table(header: string[], rows: string[]): string[] {
  return ['<table>', `<tr>${header.map(cell => `<th>${cell}</th>`).join('')}</tr>`, ...rows, '</table>', '']
}

function folded(title: string, body: string[], open = false): string[] {
  return [`<details${open ? ' open' : ''}><summary>${title}</summary>`, '', ...body, '</details>', '']
}

export interface SummaryOptions {
  budgetBytes?: number
  reportFile?: string
  /** The failed paths, one per line, for `paths-file` in a later step. */
  failedPathsFile?: string
  /** Extra notes from publishing (outputs that were shortened). */
  notes?: string[]
  context?: RunContext
}

export function renderSummary(report: RunReport, options: SummaryOptions = {}): string {
  const budget = options.budgetBytes ?? SUMMARY_BUDGET_BYTES
  const time = report.dryRun
    ? `Estimated time ${formatDuration(report.estimateMs)}.`
    : `Took ${formatDuration(report.elapsedMs)} (estimate ${formatDuration(report.estimateMs)}).`
  const head = [
    ...(options.context?.repository ? [renderContextLine(options.context, 'html'), ''] : []),
    `## ${report.cancelled ? CANCELLED_ICON : RESULT_ICON[report.result]} Gcore CDN prefetch: ${report.result}${report.cancelled ? ' (cancelled)' : ''}`,
    '',
    `**${escapeHtml(countsPhrase(report))}.** ${time}`,
    ''
  ]
  const showResources = report.resources.length > 1 || report.resources.some(resource => resource.state !== 'unknown' || resource.error)
  if (showResources) {
    head.push(
      ...table(
        ['Resource', 'Hostname', 'State', 'Slice', 'Purge', 'Paths', 'Error'],
        report.resources.map(resource => resourceRow(resource, report.batches))
      )
    )
  }
  if (report.limits.length) head.push(`Limits: ${report.limits.map(escapeHtml).join(' · ')}.`, '')

  const notes = [...report.notes, ...(options.notes ?? [])].map(escapeHtml)
  const where = options.reportFile ? ' The full report is in the report file (output report-file).' : ''
  // Share the byte budget: batches first, then files, verification, failed paths.
  let left = budget - Buffer.byteLength(head.join('\n')) - Buffer.byteLength(notes.join('\n')) - 8192
  const take = <T>(items: readonly T[], render: (item: T) => string, share: number): ReturnType<typeof fitLines> => {
    const fit = fitLines(items, render, Math.max(0, left * share))
    left -= fit.bytes
    return fit
  }
  const body: string[] = []
  const cutNotes: string[] = []
  let batchRowsCut = 0
  const ids = [...new Set([...report.resources.map(resource => resource.id), ...report.batches.map(batch => batch.resource)])]
  ids.forEach((id, i) => {
    const rows = report.batches.filter(record => record.resource === id)
    if (rows.length === 0) return
    const hostname = report.resources.find(resource => resource.id === id)?.hostname
    if (ids.length > 1) body.push(`### Resource ${id}${hostname ? ` (${escapeHtml(hostname)})` : ''}`, '')
    if (rows.length <= OPEN_BATCH_ROWS) {
      const fit = take(rows, batchRow, 0.5 / (ids.length - i))
      batchRowsCut += fit.cut
      body.push(...table(BATCH_HEADER, fit.kept))
      return
    }
    // Many batches: the tally, the few that need a look open, every batch folded.
    body.push(batchTally(rows), '')
    const problems = rows.filter(row => NEEDS_A_LOOK.has(row.outcome))
    if (problems.length > 0 && problems.length <= OPEN_BATCH_ROWS) body.push(...table(BATCH_HEADER, take(problems, batchRow, 0.1).kept))
    const fit = take(rows, batchRow, 0.5 / (ids.length - i))
    batchRowsCut += fit.cut
    body.push(...folded(`All ${plural(rows.length, 'batch', 'batches')}`, table(BATCH_HEADER, fit.kept)))
  })
  if (batchRowsCut)
    cutNotes.push(`${batchRowsCut} of ${report.batches.length} batch rows were cut to stay under the 1 MiB summary cap.${where}`)
  if (report.files.length) {
    const fit = take(report.files, fileRow, 0.5)
    if (fit.cut) cutNotes.push(`${fit.cut} of ${report.files.length} matched files were cut from the files table.${where}`)
    body.push(...folded(`Matched files (${report.files.length})`, table(['File', 'Size', 'CDN path', 'Size window'], fit.kept)))
  }
  const origin = report.verify.filter(entry => entry.origin)
  if (origin.length || report.skippedChecks.length) {
    const notReady = origin.filter(entry => entry.origin!.state !== 'ready')
    body.push('### The origin', '')
    if (origin.length)
      body.push(
        `**The origin had the new file for ${grouped(origin.length - notReady.length)} of ${plural(origin.length, 'path')} before the purge.**`,
        ''
      )
    for (const skip of report.skippedChecks) body.push(`Origin check skipped for resource ${skip.resource}: ${escapeHtml(skip.why)}.`, '')
    if (notReady.length) {
      const fit = take(notReady, originRow, 0.25)
      if (fit.cut) cutNotes.push(`${fit.cut} of ${notReady.length} paths not ready at the origin were cut from the table.${where}`)
      body.push(
        ...folded(
          `Not ready at the origin, neither purged nor prefetched (${notReady.length})`,
          table(['Origin', 'Resource', 'Path', 'Source', 'HTTP', 'Size', 'Why'], fit.kept),
          notReady.length <= OPEN_FAILED_PATHS
        )
      )
    }
  }
  const edge = report.verify.filter(entry => entry.edge)
  if (edge.length) {
    const failing = report.verify.filter(entry => !entry.verified)
    body.push(
      '### The edge',
      '',
      `**The edge serves the origin's file: ${grouped(report.verifiedCount)} of ${grouped(report.verify.length)}.**`,
      ''
    )
    if (failing.length) {
      const fit = take(failing, edgeRow, 0.25)
      if (fit.cut) cutNotes.push(`${fit.cut} of ${failing.length} paths not verified were cut from the table.${where}`)
      body.push(...folded(`Not verified (${failing.length})`, table(EDGE_HEADER, fit.kept), failing.length <= OPEN_FAILED_PATHS))
    }
    body.push('One edge server answers each check: a verified path is on that server, not on every one.', '')
  }
  if (report.failedPaths.length) {
    const fit = take(report.failedPaths, shortPath, 1)
    if (fit.cut) cutNotes.push(`${fit.cut} of ${report.failedPaths.length} failed paths were cut from this list.${where}`)
    body.push(
      ...folded(
        `Failed paths (${report.failedPaths.length})`,
        ['<pre>', ...fit.kept, '</pre>'],
        report.failedPaths.length <= OPEN_FAILED_PATHS
      )
    )
    if (options.failedPathsFile) {
      body.push(
        `All ${plural(report.failedPaths.length, 'failed path')}, one per line, are in <code>${escapeHtml(options.failedPathsFile)}</code> ` +
          `(output <code>failed-paths-file</code>): give it to <code>paths-file</code> in a later step to try them again.`,
        ''
      )
    }
  }
  for (const note of [...notes, ...cutNotes]) body.push(`> ${note}`, '')
  if (options.reportFile && (cutNotes.length || notes.length)) {
    body.push(`The full report is in <code>${escapeHtml(options.reportFile)}</code> (output <code>report-file</code>).`, '')
  }
  return [...head, ...body].join('\n')
}
