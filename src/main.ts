/**
 * Wires the steps: inputs → paths → plan → execute → report. The only module that
 * fails the step; everything it calls takes plain values and a logger.
 */
import * as core from '@actions/core'
import { GcoreClient } from './gcore-client.js'
import { InputError, readSettings, type Settings } from './inputs.js'
import { buildPlan, estimateMs, formatDuration, type Plan } from './plan.js'
import { buildReport, publish } from './report.js'
import { execute, plannedResults, systemClock, type Logger } from './scheduler.js'
import { collectPaths, type CollectedPaths } from './sources.js'
import { releaseAssets, runContext, type ReleaseAsset } from './release.js'
import { renderContextLine } from './report.js'

const PURGE_MAX_URLS = 100

const coreLogger: Logger = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  debug: message => core.debug(message),
  group(title, lines) {
    core.startGroup(title)
    for (const line of lines) core.info(line)
    core.endGroup()
  }
}

function describePlan(plan: Plan, settings: Settings, estimate: number): string {
  const count = (operation: string): number =>
    plan.batches.filter(batch => batch.operation === operation && batch.resource === plan.resources[0]).length
  const purges = settings.purge ? `${count('purge')} purge and ` : ''
  const resources = plan.resources.length > 1 ? ` on each of ${plan.resources.length} resources` : ''
  return (
    `${plan.paths.length} paths: ${purges}${count('prefetch')} prefetch batches of up to ${settings.batchSize}` +
    `${resources}, one prefetch every ${settings.prefetchIntervalMs / 1000} s: about ${formatDuration(estimate)}`
  )
}

export async function run(): Promise<void> {
  // Mask the key before anything else can print it.
  const rawKey = core.getInput('api-key')
  if (rawKey) core.setSecret(rawKey)
  const githubToken = core.getInput('github-token')
  if (githubToken) core.setSecret(githubToken)

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
    settings = readSettings(name => core.getInput(name))
    let assets: ReleaseAsset[] = []
    if (settings.releaseAssets) {
      const release = await releaseAssets({ tag: settings.releaseTag, token: settings.githubToken })
      core.info(`Release ${release.tag}: ${release.assets.length} assets`)
      assets = release.assets
    }
    collected = await collectPaths(settings, process.env.GITHUB_WORKSPACE || process.cwd(), assets)
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

  const plan = buildPlan(paths, {
    resources: settings.resourceIds,
    purge: settings.purge,
    batchSize: settings.batchSize,
    purgeBatchSize: PURGE_MAX_URLS
  })
  const estimate = estimateMs(plan, { prefetchMs: settings.prefetchIntervalMs, purgeMs: settings.purgeIntervalMs })
  const planningMs = Math.round(performance.now() - planningStarted)
  if (paths.length) core.info(`${describePlan(plan, settings, estimate)} (planned in ${planningMs} ms)`)

  const started = Date.now()
  const results = settings.dryRun
    ? plannedResults(plan)
    : await execute(
        plan,
        new GcoreClient({ apiUrl: settings.apiUrl, apiKey: settings.apiKey, timeoutMs: settings.requestTimeoutMs }),
        {
          prefetchIntervalMs: settings.prefetchIntervalMs,
          purgeIntervalMs: settings.purgeIntervalMs,
          maxAttempts: settings.maxAttempts,
          clock: systemClock,
          logger: coreLogger,
          signal: controller.signal
        }
      )
  const cancelled = controller.signal.aborted
  const report = buildReport(plan, results, {
    skipped: collected.skipped,
    files: collected.files,
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
  }
}
