/**
 * The engine as a command, for other CI systems and laptops:
 *
 *   GCORE_API_KEY=… npx gcore-cdn-prefetch --resource-id 123 --paths-file list.txt --purge auto
 *
 * Logs go to stderr; the report to stdout (text, or `--json`); the exit code
 * says how it went.
 */
import { systemClock } from '../core/clock.js'
import { warm } from '../core/engine.js'
import { formatDuration } from '../core/format.js'
import { httpNetwork } from '../core/http-network.js'
import { nodeFileSource } from '../core/paths/node-file-source.js'
import type { Logger } from '../core/ports.js'
import { outputFields } from '../core/report/json.js'
import type { RunReport } from '../core/report/model.js'
import { resultSentence } from '../core/report/sentence.js'
import { redact } from '../core/text.js'
import { cancelOnSignals, exitWhenIdle } from '../host/signals.js'
import { EXIT_CODES, flagName, inputReader, type ParsedArgs } from './args.js'
import { githubReleases } from './release.js'

/** A line per fact; failed paths listed in full (a terminal can scroll). */
function textReport(report: RunReport): string {
  const lines = [`Result: ${resultSentence(report)}`]
  if (!report.dryRun) lines.push(`Time: ${formatDuration(report.elapsedMs)} (estimate ${formatDuration(report.estimateMs)})`)
  if (report.limits.length) lines.push(`Limits: ${report.limits.join(', ')}`)
  for (const resource of report.resources) {
    const kinds = resource.purgeKinds.map(entry => `${entry.kind} ${entry.paths}`).join(', ')
    lines.push(
      `Resource ${resource.id}${resource.hostname ? ` (${resource.hostname})` : ''}: ${resource.state}${resource.slice ? ', slice on' : ''}${kinds ? `, purge ${kinds}` : ''}${resource.error ? `: ${resource.error}` : ''}`
    )
  }
  if (report.batches.length) lines.push('Batches:')
  for (const batch of report.batches) {
    const request = batch.kind === 'prefetch' ? 'prefetch' : `purge/${batch.kind}`
    lines.push(
      `  ${request.padEnd(13)} resource ${batch.resource}  #${String(batch.index).padEnd(4)} ${String(batch.paths.length).padStart(3)} items  ` +
        `${batch.outcome.padEnd(13)} ${batch.status ?? '-'}  ${batch.attempts} ${batch.attempts === 1 ? 'attempt' : 'attempts'}${batch.error ? `  ${batch.error}` : ''}`
    )
  }
  for (const skip of report.skippedChecks) lines.push(`Origin check skipped for resource ${skip.resource}: ${skip.why}`)
  const origin = report.verify.filter(entry => entry.origin)
  if (origin.length) {
    const notReady = origin.filter(entry => entry.origin!.state !== 'ready')
    lines.push(`Origin: the new file was there for ${origin.length - notReady.length} of ${origin.length} paths before the purge`)
    for (const entry of notReady)
      lines.push(`  ${entry.origin!.state.padEnd(9)} resource ${entry.resource}  ${entry.path}  ${entry.origin!.detail ?? ''}`)
  }
  if (report.verify.some(entry => entry.edge)) {
    lines.push(`Edge: the edge serves the origin's file for ${report.verifiedCount} of ${report.verify.length} paths`)
    for (const entry of report.verify.filter(check => !check.verified)) {
      lines.push(`  ${entry.result.padEnd(10)} resource ${entry.resource}  ${entry.path}  ${entry.error ?? ''}`)
    }
  }
  for (const note of report.notes) lines.push(`Note: ${note}`)
  if (report.failedPaths.length) lines.push('Failed paths:', ...report.failedPaths.map(path => `  ${path}`))
  return lines.join('\n')
}

/** Logs on stderr; a secret an answer carried is masked in every line after it is known. */
function stderrLogger(verbose: boolean): Logger {
  const secrets: string[] = []
  const write = (line: string): void => void process.stderr.write(`${secrets.length ? redact(line, secrets) : line}\n`)
  return {
    info: message => write(message),
    notice: message => write(`notice: ${message}`),
    warning: message => write(`warning: ${message}`),
    debug: message => (verbose ? write(`debug: ${message}`) : undefined),
    group(title, lines) {
      write(title)
      if (verbose) for (const line of lines) write(`    ${line}`)
    },
    secret: value => void secrets.push(value)
  }
}

export async function runCommand(args: ParsedArgs, env: NodeJS.ProcessEnv): Promise<number> {
  const cancellation = cancelOnSignals(() =>
    process.stderr.write('Cancelling: sending nothing more, aborting what is in flight, reporting what is left\n')
  )
  try {
    const outcome = await warm({
      getInput: inputReader(args.inputs, env),
      logger: stderrLogger(args.verbose),
      clock: systemClock,
      files: nodeFileSource,
      network: httpNetwork,
      releases: githubReleases(env),
      signal: cancellation.signal,
      workspace: process.cwd(),
      name: flagName,
      environment: env
    })
    const { report, verdict } = outcome
    if (outcome.inputError) {
      process.stderr.write(`error: ${outcome.inputError.describe(flagName)}\n`)
      if (args.json) process.stdout.write(`${JSON.stringify({ ...outputFields(report, ''), report }, null, 2)}\n`)
      return EXIT_CODES.usage
    }
    process.stdout.write(`${args.json ? JSON.stringify({ ...outputFields(report, ''), report }, null, 2) : textReport(report)}\n`)
    if (outcome.unexpected && args.verbose) process.stderr.write(`${(outcome.unexpected as Error)?.stack ?? ''}\n`)
    if (report.cancelled) return EXIT_CODES.cancelled
    if (verdict.failed) process.stderr.write(`error: ${verdict.message}\n`)
    // Nothing to send and --if-no-paths error: a usage problem, like a bad flag.
    if (verdict.failed && report.totalCount === 0) return EXIT_CODES.usage
    return verdict.failed ? EXIT_CODES.failed : EXIT_CODES.success
  } finally {
    cancellation.dispose()
    exitWhenIdle()
  }
}
