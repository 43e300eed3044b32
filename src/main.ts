/**
 * Wires the steps: inputs → paths → limits → plan → execute → verify → report.
 * The only module that fails the step; everything it calls takes plain values
 * and a logger.
 */
import * as core from '@actions/core'
import { GcoreClient } from './gcore-client.js'
import { InputError, readSettings, type Settings } from './inputs.js'
import { describeLimits, readAccountLimits, resolveLimits, type EffectiveLimits } from './limits.js'
import { buildPlan, estimateMs, formatDuration, type Plan } from './plan.js'
import { awaitPurge } from './purge-status.js'
import { releaseAssets, runContext, type ReleaseAsset } from './release.js'
import { buildReport, publish, renderContextLine } from './report.js'
import { execute, plannedResults, systemClock, type BatchResult, type Logger } from './scheduler.js'
import { collectPaths, type CollectedPaths } from './sources.js'
import { httpEdgeProbe, verifyEdges, type VerifyResult } from './verify.js'

const coreLogger: Logger = {
  info: message => core.info(message),
  notice: message => core.notice(message),
  warning: message => core.warning(message),
  debug: message => core.debug(message),
  group(title, lines) {
    core.startGroup(title)
    for (const line of lines) core.info(line)
    core.endGroup()
  }
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

/** Settings, release assets and paths; an InputError means nothing was sent. */
async function prepare(): Promise<{ settings: Settings; collected: CollectedPaths }> {
  const settings = readSettings(name => core.getInput(name))
  let assets: ReleaseAsset[] = []
  if (settings.releaseAssets) {
    const release = await releaseAssets({ tag: settings.releaseTag, token: settings.githubToken })
    core.info(`Release ${release.tag}: ${release.assets.length} assets`)
    assets = release.assets
  }
  const collected = await collectPaths(settings, process.env.GITHUB_WORKSPACE || process.cwd(), assets)
  return { settings, collected }
}

async function effectiveLimits(settings: Settings, client: GcoreClient): Promise<EffectiveLimits> {
  const explicit = {
    batchSize: settings.batchSize,
    prefetchIntervalMs: settings.prefetchIntervalMs,
    purgeIntervalMs: settings.purgeIntervalMs
  }
  if (settings.limits === 'documented') return resolveLimits(explicit, null)
  const { account, problem } = await readAccountLimits(client, ms => systemClock.sleep(ms))
  if (problem) core.notice(`Could not read the account's limits (${problem}); using Gcore's documented limits.`)
  return resolveLimits(explicit, account)
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

export async function run(): Promise<void> {
  // Mask the secrets before anything else can print them.
  for (const secret of [core.getInput('api-key'), core.getInput('github-token')]) if (secret) core.setSecret(secret)

  const context = runContext()
  const contextLine = renderContextLine(context, 'text')
  if (contextLine) core.info(contextLine)

  const controller = new AbortController()
  const cancel = (signal: string): void => {
    if (controller.signal.aborted) return
    core.warning(`${signal} received: sending nothing more, reporting what is left as cancelled`)
    controller.abort()
  }
  process.on('SIGINT', () => cancel('SIGINT'))
  process.on('SIGTERM', () => cancel('SIGTERM'))

  const planningStarted = performance.now()
  let settings: Settings
  let collected: CollectedPaths
  try {
    ;({ settings, collected } = await prepare())
  } catch (error) {
    if (error instanceof InputError) return core.setFailed(error.message)
    throw error
  }
  for (const warning of collected.warnings) core.warning(warning)
  const { paths } = collected

  if (paths.length === 0) {
    const message = collected.skipped.length
      ? `No paths to prefetch: all ${collected.skipped.length} are outside the size window (size-check: skip).`
      : 'No paths to prefetch: "paths", "paths-file", "files" and "release-assets" gave none.'
    if (settings.ifNoPaths === 'error') return core.setFailed(message)
    if (settings.ifNoPaths === 'warn') core.warning(message)
    else core.info(message)
  }

  const client = new GcoreClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, timeoutMs: settings.requestTimeoutMs })
  const limits = paths.length ? await effectiveLimits(settings, client) : resolveLimits(settings, null)
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
    core.info(`Limits: ${describeLimits(limits).join(', ')}`)
    core.info(`${describePlan(plan, limits, estimate)} (planned in ${planningMs} ms)`)
  }

  const started = Date.now()
  const schedule = {
    prefetchIntervalMs: intervals.prefetchMs,
    purgeIntervalMs: intervals.purgeMs,
    maxAttempts: settings.maxAttempts,
    clock: systemClock,
    logger: coreLogger,
    signal: controller.signal
  }
  const afterPurge = settings.waitForPurge
    ? (batch: { resource: number; index: number; paths: string[] }, sentAt: number) =>
        awaitPurge(client, batch, sentAt, {
          ...schedule,
          timeoutMs: settings.purgeTimeoutMs,
          settleMs: settings.purgeSettleMs,
          pollMs: Math.min(5000, intervals.purgeMs)
        })
    : undefined
  const results = settings.dryRun ? plannedResults(plan) : await execute(plan, client, { ...schedule, afterPurge })

  let verify: VerifyResult[] = []
  if (settings.verifyUrls.length && !settings.dryRun && !controller.signal.aborted) {
    verify = await verifyEdges(edgeTargets(settings, plan, results), httpEdgeProbe(settings.requestTimeoutMs), {
      ...schedule,
      timeoutMs: settings.verifyTimeoutMs,
      concurrency: settings.verifyConcurrency
    })
  }

  const cancelled = controller.signal.aborted
  const report = buildReport(plan, results, {
    skipped: collected.skipped,
    files: collected.files,
    limits: describeLimits(limits),
    verify,
    purge: settings.purge,
    dryRun: settings.dryRun,
    cancelled,
    elapsedMs: Date.now() - started,
    estimateMs: estimate
  })
  await publish(report, context)

  core.info(
    `${report.result}: ${report.prefetchedCount} of ${report.totalCount} paths prefetched` +
      `${settings.purge ? `, ${report.purgedCount} purged` : ''}, ${report.failedCount} failed ` +
      `in ${formatDuration(report.elapsedMs)}`
  )
  if (cancelled) {
    core.setFailed(`Cancelled: ${report.failedCount} paths were not prefetched (see failed-paths).`)
    // A request may still be in flight; do not let its socket hold the runner.
    process.exit(1)
  }
  if (report.failedCount > 0 && settings.failOnError) {
    const firstError = report.batches.find(batch => batch.error)?.error
    core.setFailed(
      `${report.failedCount} of ${report.totalCount} paths were not prefetched` +
        `${firstError ? `; first error: ${firstError}` : ''}`
    )
  } else if (settings.verifyRequired && report.verifiedCount < verify.length) {
    core.setFailed(`Edge verification: ${verify.length - report.verifiedCount} of ${verify.length} paths are not HIT (verify-required).`)
  }
}
