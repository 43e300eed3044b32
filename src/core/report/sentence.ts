/**
 * The one sentence that says how a run went, written once for the log, the
 * summary's headline and the CLI: `partial: 248 of 250 paths prefetched,
 * 250 purged, 2 failed in 2 min 5 s`.
 */
import { formatDuration, plural, grouped } from '../format.js'
import type { RunReport } from './model.js'

/** The counts, most important first: `248 of 250 paths prefetched, 250 purged, 2 failed`. */
export function countsPhrase(report: RunReport): string {
  const parts = [
    report.dryRun
      ? `${plural(report.plannedCount, 'path')} planned, nothing sent`
      : `${grouped(report.prefetchedCount)} of ${plural(report.totalCount, 'path')} prefetched`
  ]
  if (report.purge !== 'off' && !report.dryRun) parts.push(`${grouped(report.purgedCount)} purged`)
  // After a cancel most of them were never sent: "not prefetched" says both.
  if (report.failedCount) parts.push(`${grouped(report.failedCount)} ${report.cancelled ? 'not prefetched' : 'failed'}`)
  // In a dry run the planned paths are counted as skipped too; name only those left out by size.
  const skipped = report.dryRun ? report.skippedCount - report.plannedCount : report.skippedCount
  if (skipped) parts.push(`${grouped(skipped)} skipped`)
  if (report.verify.some(entry => entry.edge))
    parts.push(`${grouped(report.verifiedCount)} of ${grouped(report.verify.length)} verified at the edge`)
  return parts.join(', ')
}

function resultLabel(report: RunReport): string {
  return `${report.result}${report.cancelled ? ' (cancelled)' : ''}`
}

export function resultSentence(report: RunReport): string {
  const time = report.dryRun ? `, estimated ${formatDuration(report.estimateMs)}` : ` in ${formatDuration(report.elapsedMs)}`
  return `${resultLabel(report)}: ${countsPhrase(report)}${time}`
}
