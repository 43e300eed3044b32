/**
 * The whole warm-up, free of @actions/core: inputs → paths → limits → plan →
 * execute → verify → report. The action (main.ts) and the CLI (cli.ts) are thin
 * front ends over it: they supply inputs, a logger and a cancel signal, and
 * publish the report their own way.
 */
import { GcoreClient } from './gcore-client.js'
import { InputError, readSettings, type InputReader, type Settings } from './inputs.js'
import { describeLimits, readAccountLimits, resolveLimits, type EffectiveLimits } from './limits.js'
import { buildPlan, estimateMs, formatDuration, type Plan } from './plan.js'
import { awaitPurge } from './purge-status.js'
import { releaseAssets, type ReleaseAsset } from './release.js'
import { buildReport, type RunReport } from './report.js'
import { execute, plannedResults, systemClock, type BatchResult, type Logger } from './scheduler.js'
import { collectPaths, type CollectedPaths } from './sources.js'
import { httpEdgeProbe, verifyEdges, type VerifyResult } from './verify.js'

const OPTIONAL_REQUEST_TIMEOUT_MS = 5000

export interface EngineOptions {
  getInput: InputReader
  logger: Logger
  signal: AbortSignal
  workspace: string
}

export type EngineOutcome =
  | { kind: 'invalid-input'; message: string }
  | { kind: 'no-paths'; message: string; fail: boolean }
  | { kind: 'done'; report: RunReport; verdict: Verdict }

/** Whether the run failed, and the one-line reason. */
export interface Verdict {
  failed: boolean
  message: string
}

function describePlan(plan: Plan, limits: EffectiveLimits, estimate: number): string {
  const count = (operation: string): number =>
    plan.batches.filter(batch => batch.operation === operation && batch.resource === plan.resources[0]).length
  const purges = count('purge') ? `${count('purge')} purge and ` : ''
  const resources = plan.resources.length > 1 ? ` on each of ${plan.resources.length} resources` : ''
  return (
    `${plan.paths.length} paths: ${purges}${count('prefetch')} prefetch batches of up to ${limits.batchSize.value}` +
    `${resources}, one prefetch every ${limits.prefetchIntervalMs.value / 1000} s: about ${formatDuration(estimate)}`
  )
}

/** Settings, release assets and paths; an InputError here means nothing was sent. */
async function prepare(options: EngineOptions): Promise<{ settings: Settings; collected: CollectedPaths }> {
  const settings = readSettings(options.getInput)
  let assets: ReleaseAsset[] = []
  if (settings.releaseAssets) {
    const release = await releaseAssets({ tag: settings.releaseTag, token: settings.githubToken })
    options.logger.info(`Release ${release.tag}: ${release.assets.length} assets`)
    assets = release.assets
  }
  const collected = await collectPaths(settings, options.workspace, assets)
  return { settings, collected }
}

async function effectiveLimits(settings: Settings, client: GcoreClient, logger: Logger): Promise<EffectiveLimits> {
  if (settings.limits === 'documented') return resolveLimits(settings, null)
  const { account, problem } = await readAccountLimits(client, ms => systemClock.sleep(ms))
  if (problem) logger.notice(`Could not read the account's limits (${problem}); using Gcore's documented limits.`)
  return resolveLimits(settings, account)
}

function edgeTargets(settings: Settings, plan: Plan, results: BatchResult[]) {
  return plan.resources.map((resource, i) => ({
    resource,
    baseUrl: settings.verifyUrls[settings.verifyUrls.length === 1 ? 0 : i],
    paths: results
      .filter(r => r.batch.resource === resource && r.batch.operation === 'prefetch' && r.outcome === 'succeeded')
      .flatMap(r => r.paths)
  }))
}

export function verdictOf(report: RunReport, settings: Settings): Verdict {
  if (report.cancelled) {
    return { failed: true, message: `Cancelled: ${report.failedCount} paths were not prefetched (see failed-paths).` }
  }
  if (report.failedCount > 0 && settings.failOnError) {
    const firstError = report.batches.find(batch => batch.error)?.error
    const message = `${report.failedCount} of ${report.totalCount} paths were not prefetched${firstError ? `; first error: ${firstError}` : ''}`
    return { failed: true, message }
  }
  const notHit = report.verify.length - report.verifiedCount
  if (settings.verifyRequired && notHit > 0) {
    return { failed: true, message: `Edge verification: ${notHit} of ${report.verify.length} paths are not HIT (verify-required).` }
  }
  return { failed: false, message: report.result }
}

export async function warm(options: EngineOptions): Promise<EngineOutcome> {
  const { logger, signal } = options
  const planningStarted = performance.now()
  let settings: Settings
  let collected: CollectedPaths
  try {
    ;({ settings, collected } = await prepare(options))
  } catch (error) {
    if (error instanceof InputError) return { kind: 'invalid-input', message: error.message }
    throw error
  }
  for (const warning of collected.warnings) logger.warning(warning)
  const { paths } = collected

  if (paths.length === 0) {
    const message = collected.skipped.length
      ? `No paths to prefetch: all ${collected.skipped.length} are outside the size window (size-check: skip).`
      : 'No paths to prefetch: "paths", "paths-file", "files" and "release-assets" gave none.'
    if (settings.ifNoPaths === 'error') return { kind: 'no-paths', message, fail: true }
    if (settings.ifNoPaths === 'warn') logger.warning(message)
    else logger.info(message)
  }

  const client = new GcoreClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, timeoutMs: settings.requestTimeoutMs })
  // The limits and purge-status GETs are optional help: never let a slow answer to
  // one of them hold up the purges and prefetches that matter.
  const helper = new GcoreClient({
    apiUrl: settings.apiUrl,
    apiKey: settings.apiKey,
    timeoutMs: Math.min(settings.requestTimeoutMs, OPTIONAL_REQUEST_TIMEOUT_MS)
  })
  const limits = paths.length ? await effectiveLimits(settings, helper, logger) : resolveLimits(settings, null)
  const plan = buildPlan(paths, {
    resources: settings.resourceIds,
    purge: settings.purge,
    batchSize: limits.batchSize.value,
    purgeBatchSize: limits.purgeBatchSize.value
  })
  const intervals = { prefetchMs: limits.prefetchIntervalMs.value, purgeMs: limits.purgeIntervalMs.value }
  const estimate = estimateMs(plan, intervals)
  const planningMs = Math.round(performance.now() - planningStarted)
  if (paths.length) {
    logger.info(`Limits: ${describeLimits(limits).join(', ')}`)
    logger.info(`${describePlan(plan, limits, estimate)} (planned in ${planningMs} ms)`)
  }

  const started = Date.now()
  const schedule = {
    prefetchIntervalMs: intervals.prefetchMs,
    purgeIntervalMs: intervals.purgeMs,
    maxAttempts: settings.maxAttempts,
    clock: systemClock,
    logger,
    signal
  }
  const afterPurge = settings.waitForPurge
    ? (batch: { resource: number; index: number; paths: string[] }, sentAt: number) =>
        awaitPurge(helper, batch, sentAt, {
          ...schedule,
          timeoutMs: settings.purgeTimeoutMs,
          settleMs: settings.purgeSettleMs,
          pollMs: Math.min(5000, intervals.purgeMs)
        })
    : undefined
  const results = settings.dryRun ? plannedResults(plan) : await execute(plan, client, { ...schedule, afterPurge })

  let verify: VerifyResult[] = []
  if (settings.verifyUrls.length && !settings.dryRun && !signal.aborted) {
    verify = await verifyEdges(edgeTargets(settings, plan, results), httpEdgeProbe(settings.requestTimeoutMs), {
      ...schedule,
      timeoutMs: settings.verifyTimeoutMs,
      concurrency: settings.verifyConcurrency
    })
  }

  const report = buildReport(plan, results, {
    skipped: collected.skipped,
    files: collected.files,
    limits: describeLimits(limits),
    verify,
    purge: settings.purge,
    dryRun: settings.dryRun,
    cancelled: signal.aborted,
    elapsedMs: Date.now() - started,
    estimateMs: estimate
  })
  logger.info(
    `${report.result}: ${report.prefetchedCount} of ${report.totalCount} paths prefetched` +
      `${settings.purge ? `, ${report.purgedCount} purged` : ''}, ${report.failedCount} failed ` +
      `in ${formatDuration(report.elapsedMs)}`
  )
  return { kind: 'done', report, verdict: verdictOf(report, settings) }
}
