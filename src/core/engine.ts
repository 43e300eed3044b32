/**
 * The whole warm-up as one pipeline, free of GitHub and of the process:
 *
 *   settings → paths → limits → resources → plan → schedule → verify → report
 *
 * The action and the CLI are thin front ends over `warm`: they supply the
 * inputs, the ports (clock, logger, files, releases) and a cancel signal, and
 * publish the report their own way. Whatever happens once the settings are read
 * (a refused key, a cancel, an unexpected error), `warm` returns a report that
 * accounts for every path it knew of.
 */
import { formatDuration, plural } from './format.js'
import { GcoreError } from './gcore/errors.js'
import { describeLimits, readAccountLimits, resolveLimits, type EffectiveLimits } from './gcore/limits.js'
import { lookUpResources, ResourceCheckFailed, type LookedUp } from './gcore/lookup.js'
import { awaitPurge } from './gcore/purge-status.js'
import { edgeBaseUrl } from './gcore/resource.js'
import { actionInputName, InputError, type NameInput } from './input-error.js'
import { readRelease } from './paths/release.js'
import { checkProxyEnvironment } from './proxy.js'
import { collectPaths, type CollectedPaths } from './paths/sources.js'
import type { Batch } from './plan/batches.js'
import { describePlan, planMessages, slowPatternWarnings } from './plan/describe.js'
import { estimateMs, type LaneIntervals } from './plan/estimate.js'
import { makePlan, type Plan } from './plan/plan.js'
import type { Clock, FileSource, GcoreApi, Logger, Network, PurgeKind, ReleaseApi, ReleaseAsset } from './ports.js'
import { buildReport, verdictOf, type RunReport, type Verdict } from './report/model.js'
import { resourceReports } from './report/resources.js'
import { resultSentence } from './report/sentence.js'
import { labelOf } from './schedule/lane.js'
import { plannedResults, runSchedule, type BatchResult } from './schedule/run.js'
import { readSettings, type InputReader, type Settings } from './settings.js'
import { verifyEdges, type VerifyResult, type VerifyTarget } from './verify.js'

/** The limits, resource and purge-status GETs are optional help: a slow answer must not hold up the run. */
const OPTIONAL_REQUEST_TIMEOUT_MS = 5000

export interface EngineOptions {
  getInput: InputReader
  logger: Logger
  clock: Clock
  files: FileSource
  /** Gcore's API and its edge: http-network.ts, or a fake. */
  network: Network
  /** Needed only with `release-assets`. */
  releases?: ReleaseApi
  signal: AbortSignal
  workspace: string
  /** How messages name an input: `input "paths"` (the action) or `--paths` (the CLI). */
  name?: NameInput
  /** The process environment, for the proxy variables every request honours (checked before any request). */
  environment?: Readonly<Record<string, string | undefined>>
}

export interface EngineOutcome {
  /** Undefined only when the settings themselves could not be read. */
  settings?: Settings
  report: RunReport
  verdict: Verdict
  /** Set when the run stopped on a problem with an input before sending anything. */
  inputError?: InputError
  /** Set when an unexpected error ended the run; its stack is for debug output only. */
  unexpected?: unknown
}

/** Ends the run before anything was sent: a refused key, a resource that must be read, an input, a cancel. */
class StopBeforeSending extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
    readonly inputError?: InputError
  ) {
    super(message)
  }
}

/** One run's context: its options, what it knows so far, and what it told the user. */
class Run {
  readonly startedAt: number
  readonly name: NameInput
  /** Everything the user was told, for the summary too. */
  readonly notes: string[] = []
  settings!: Settings
  collected: CollectedPaths = { paths: [], skipped: [], files: [], warnings: [] }

  constructor(readonly options: EngineOptions) {
    this.startedAt = options.clock.now()
    this.name = options.name ?? actionInputName
  }

  get signal(): AbortSignal {
    return this.options.signal
  }

  /** The end of the time budget, or Infinity. */
  get deadline(): number {
    return this.settings.timeBudgetMs === undefined ? Infinity : this.startedAt + this.settings.timeBudgetMs
  }

  say(level: 'info' | 'notice' | 'warning', text: string): void {
    this.options.logger[level](text)
    this.notes.push(text)
  }

  /** A report of a run that sent nothing: every known path is failed, or cancelled. */
  unsent(cancelled: boolean): RunReport {
    return buildReport({ paths: this.collected.paths, resources: [] }, [], {
      skipped: this.collected.skipped,
      files: this.collected.files,
      limits: [],
      verify: [],
      resources: [],
      purge: this.settings?.purge ?? 'off',
      dryRun: false,
      cancelled,
      elapsedMs: this.options.clock.now() - this.startedAt,
      estimateMs: 0,
      notes: this.notes
    })
  }

  stopped(stop: StopBeforeSending): EngineOutcome {
    if (!stop.inputError) this.notes.push(stop.message)
    const unsent = this.unsent(stop.cancelled)
    // Stopped on a problem, the run failed, whatever the (possibly empty) list of paths would make of it.
    const report = stop.cancelled ? unsent : { ...unsent, result: 'failure' as const }
    const verdict = stop.cancelled && this.settings ? verdictOf(report, this.settings) : { failed: true, message: stop.message }
    return { settings: this.settings, report, verdict, inputError: stop.inputError }
  }

  private apis?: { client: GcoreApi; helper: GcoreApi }

  /** The API client for purge and prefetch, and one with a short deadline for the optional GETs. */
  get api(): { client: GcoreApi; helper: GcoreApi } {
    if (!this.apis) {
      const { apiUrl, apiKey, requestTimeoutMs } = this.settings
      const make = (timeoutMs: number): GcoreApi => this.options.network.api({ apiUrl, apiKey, timeoutMs })
      this.apis = { client: make(requestTimeoutMs), helper: make(Math.min(requestTimeoutMs, OPTIONAL_REQUEST_TIMEOUT_MS)) }
    }
    return this.apis
  }

  /** After any GET before sending: a cancel ends the run here. */
  checkCancel(): void {
    if (this.signal.aborted) throw new StopBeforeSending('Cancelled before anything was sent.', true)
  }
}

export async function warm(options: EngineOptions): Promise<EngineOutcome> {
  const run = new Run(options)
  try {
    run.settings = readSettingsStep(run)
    run.collected = await collectPathsStep(run)
    if (run.collected.paths.length === 0) return nothingToSend(run)
  } catch (error) {
    if (error instanceof StopBeforeSending) return run.stopped(error)
    throw error
  }
  try {
    const limits = await limitsStep(run)
    const plan = planStep(run, limits, await resourcesStep(run))
    const results = await scheduleStep(run, plan)
    const verify = await verifyStep(run, plan, results)
    return reportStep(run, { plan, results, verify })
  } catch (error) {
    if (error instanceof StopBeforeSending) return run.stopped(error)
    // A bug or a fault nothing else caught: still a report that accounts for every path.
    const message = `Unexpected error: ${(error as Error)?.message ?? String(error)}`
    options.logger.debug((error as Error)?.stack ?? message)
    run.notes.push(message)
    const report = { ...run.unsent(run.signal.aborted), result: 'failure' as const }
    return { settings: run.settings, report, verdict: { failed: true, message }, unexpected: error }
  }
}

function readSettingsStep(run: Run): Settings {
  try {
    const settings = readSettings(run.options.getInput)
    for (const notice of settings.notices) run.say('notice', notice)
    const proxies = checkProxyEnvironment(run.options.environment ?? {})
    for (const warning of proxies.warnings) run.say('warning', warning)
    if (proxies.error) {
      run.settings = settings
      throw proxies.error
    }
    return settings
  } catch (error) {
    if (error instanceof InputError) throw new StopBeforeSending(error.describe(run.name), false, error)
    throw error
  }
}

/** Every source of paths; an input error here means nothing was sent. */
async function collectPathsStep(run: Run): Promise<CollectedPaths> {
  const { settings, options, name, signal } = run
  const sources = { files: options.files, workspace: options.workspace, name }
  try {
    let assets: ReleaseAsset[] = []
    if (settings.releaseAssets) {
      if (!options.releases) throw new InputError('release-assets', n => `${n('release-assets')} is not available here.`)
      const release = await readRelease(options.releases, settings, signal)
      options.logger.info(`Release ${release.tag}: ${plural(release.assets.length, 'asset')}`)
      assets = release.assets
    }
    const collected = await collectPaths(settings, { ...sources, assets })
    for (const warning of collected.warnings) run.say('warning', warning)
    return collected
  } catch (error) {
    if (signal.aborted) {
      // The release's assets were never learnt; the paths given besides them are reported, so failed-paths can be fed back.
      run.collected = (await collectPaths({ ...settings, releaseAssets: false }, sources).catch(() => undefined)) ?? run.collected
      throw new StopBeforeSending('Cancelled before anything was sent.', true)
    }
    if (error instanceof InputError) throw new StopBeforeSending(error.describe(run.name), false, error)
    throw error
  }
}

function nothingToSend(run: Run): EngineOutcome {
  const { settings, collected, name } = run
  const message = collected.skipped.length
    ? `No paths to prefetch: all ${collected.skipped.length} are outside the size window (size-check: skip).`
    : `No paths to prefetch: ${(['paths', 'paths-file', 'files', 'release-assets'] as const).map(input => name(input)).join(', ')} gave none.`
  // With if-no-paths: error, the message is the step's error; otherwise it is said here.
  if (settings.ifNoPaths === 'error') run.notes.push(message)
  else run.say(settings.ifNoPaths === 'warn' ? 'warning' : 'info', message)
  const report = run.unsent(false)
  if (settings.ifNoPaths === 'error') return { settings, report: { ...report, result: 'failure' }, verdict: { failed: true, message } }
  return { settings, report, verdict: { failed: false, message } }
}

function keyRefused(run: Run, error: GcoreError): StopBeforeSending {
  return new StopBeforeSending(`The API refused the key (${error.message}); nothing was sent. Check ${run.name('api-key')}.`)
}

/** The account's limits (a GET, also in a dry run): a refused key stops the run here. */
async function limitsStep(run: Run): Promise<EffectiveLimits> {
  if (run.settings.limits === 'documented') return resolveLimits(run.settings, null)
  const read = await readAccountLimits(run.api.helper, run.options.clock, run.signal)
  run.checkCancel()
  if (read.refused) throw keyRefused(run, read.refused)
  if (read.problem) run.options.logger.notice(`Could not read the account's limits (${read.problem}); using Gcore's documented limits.`)
  return resolveLimits(run.settings, read.account)
}

/** Each resource found (by ID or hostname) and read, with its rules. */
async function resourcesStep(run: Run): Promise<LookedUp[]> {
  try {
    const lookup = await lookUpResources(
      { api: run.api.helper, clock: run.options.clock, signal: run.signal },
      run.settings.resources,
      run.settings.resourceCheck
    )
    for (const notice of lookup.notices) run.say('notice', notice)
    for (const warning of lookup.warnings) run.say('warning', warning)
    return lookup.resources
  } catch (error) {
    run.checkCancel()
    if (error instanceof InputError) throw new StopBeforeSending(error.describe(run.name), false, error)
    if (error instanceof ResourceCheckFailed) throw new StopBeforeSending(error.message)
    if (error instanceof GcoreError && error.kind === 'auth') throw keyRefused(run, error)
    throw error
  }
}

/** One record per resource (its paths as its cache key sees them, how each is purged, its batches), and the plan in words. */
function planStep(run: Run, limits: EffectiveLimits, looked: LookedUp[]): PlanOfRun {
  const { settings, collected, options } = run
  const plan = makePlan(settings, collected.paths, looked, {
    prefetch: limits.batchSize.value,
    purgeUrl: limits.purgeUrlBatchSize.value,
    purgePattern: limits.purgePatternBatchSize.value
  })
  const intervals: LaneIntervals = {
    prefetchMs: limits.prefetchIntervalMs.value,
    purgeUrlMs: limits.purgeUrlIntervalMs.value,
    purgePatternMs: limits.purgePatternIntervalMs.value
  }
  const estimate = estimateMs(plan.resources, intervals)
  const limitLines = describeLimits(limits, {
    purgeUrl: plan.batches.some(b => b.lane === 'purge-url'),
    purgePattern: plan.batches.some(b => b.lane === 'purge-pattern')
  })
  for (const message of planMessages(plan, settings)) run.say(message.level, message.text)
  options.logger.info(`Limits: ${limitLines.join(', ')}`)
  options.logger.info(
    `${describePlan(plan, estimate, limits.batchSize.value, intervals)} (planned in ${options.clock.now() - run.startedAt} ms)`
  )
  for (const text of slowPatternWarnings(plan, intervals)) run.say('warning', text)
  if (run.startedAt + estimate > run.deadline) {
    run.say(
      'warning',
      `The plan takes about ${formatDuration(estimate)}, longer than time-budget (${formatDuration(settings.timeBudgetMs!)}): what cannot finish in time is not sent.`
    )
  }
  run.checkCancel()
  return { ...plan, intervals, estimate, limitLines }
}

/** The plan, with the pace and the limits it was made for. */
interface PlanOfRun extends Plan {
  intervals: LaneIntervals
  estimate: number
  limitLines: string[]
}

/** The requests, lane by lane; a dry run plans them and sends nothing. */
async function scheduleStep(run: Run, plan: PlanOfRun): Promise<BatchResult[]> {
  const { settings, options, signal } = run
  if (settings.dryRun) {
    run.notes.push('Dry run: resources and limits were read (GET only); no purge or prefetch was sent.')
    return plannedResults(plan)
  }
  const { client, helper } = run.api
  const afterPurge = (batch: Batch, sentAt: number) =>
    awaitPurge(helper, { resource: batch.resource, kind: batch.kind as PurgeKind, items: batch.items, label: labelOf(batch) }, sentAt, {
      clock: options.clock,
      logger: options.logger,
      signal,
      timeoutMs: Math.max(0, Math.min(settings.purgeTimeoutMs, run.deadline - options.clock.now())),
      settleMs: settings.purgeSettleMs,
      pollMs: Math.min(5000, plan.intervals.purgeUrlMs)
    })
  return runSchedule(plan, client, {
    intervals: plan.intervals,
    maxAttempts: settings.maxAttempts,
    clock: options.clock,
    logger: options.logger,
    signal,
    sendBy: run.deadline - settings.requestTimeoutMs,
    afterPurge: settings.waitForPurge ? afterPurge : undefined
  })
}

/** Edge checks of what was prefetched; the size compared where the new file's is known. */
async function verifyStep(run: Run, plan: Plan, results: BatchResult[]): Promise<VerifyResult[]> {
  const { settings, options, signal } = run
  const targets = verifyTargets(run, plan, results)
  if (targets.length === 0 || settings.dryRun || signal.aborted) return []
  return verifyEdges(targets, options.network.edge(settings.requestTimeoutMs), {
    clock: options.clock,
    logger: options.logger,
    signal,
    timeoutMs: Math.max(0, Math.min(settings.verifyTimeoutMs, run.deadline - options.clock.now())),
    concurrency: settings.verifyConcurrency,
    sizes: new Map(run.collected.files.map(file => [file.cdnPath, file.size]))
  })
}

function reportStep(run: Run, done: { plan: PlanOfRun; results: BatchResult[]; verify: VerifyResult[] }): EngineOutcome {
  const { settings, collected, options } = run
  const report = buildReport(done.plan, done.results, {
    skipped: collected.skipped,
    files: collected.files,
    limits: done.plan.limitLines,
    verify: done.verify,
    resources: resourceReports(done.plan, settings.purge),
    purge: settings.purge,
    dryRun: settings.dryRun,
    cancelled: run.signal.aborted,
    elapsedMs: options.clock.now() - run.startedAt,
    estimateMs: done.plan.estimate,
    notes: run.notes
  })
  options.logger.info(resultSentence(report))
  return { settings, report, verdict: verdictOf(report, settings) }
}

/** Where to check each resource's prefetched paths: its hostname (`auto`) or the given base URLs. */
function verifyTargets(run: Run, plan: Plan, results: BatchResult[]): VerifyTarget[] {
  const { verifyUrls } = run.settings
  if (verifyUrls !== 'auto' && verifyUrls.length === 0) return []
  const accepted = (resource: number): string[] =>
    results
      .filter(r => r.batch.resource === resource && r.batch.operation === 'prefetch' && r.outcome === 'succeeded')
      .flatMap(r => r.items)
  const targets: VerifyTarget[] = []
  plan.resources.forEach((record, i) => {
    const baseUrl =
      verifyUrls !== 'auto'
        ? verifyUrls[verifyUrls.length === 1 ? 0 : i]
        : record.resource
          ? edgeBaseUrl(record.resource)
          : record.givenHostname
            ? `https://${record.givenHostname}`
            : null
    if (!baseUrl) {
      run.say('warning', `verify-url auto: the hostname of resource ${record.id} is unknown (its settings were not read); not verified.`)
      return
    }
    if (record.hidesCacheHeader) {
      run.say(
        'notice',
        `Resource ${record.id} hides the Cache header (response_headers_hiding_policy): verification cannot judge HIT there, only the size.`
      )
    }
    targets.push({ resource: record.id, baseUrl, paths: accepted(record.id) })
  })
  return targets
}
