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
import { formatDuration, formatSeconds, plural } from './format.js'
import { GcoreClient, GcoreError } from './gcore/client.js'
import { describeLimits, readAccountLimits, resolveLimits, type EffectiveLimits } from './gcore/limits.js'
import { lookUpResources, ResourceCheckFailed, type LookedUp } from './gcore/lookup.js'
import { awaitPurge } from './gcore/purge-status.js'
import { edgeBaseUrl, pathOptionsOf } from './gcore/resource.js'
import { actionInputName, InputError, type NameInput } from './input-error.js'
import { buildPlan, estimateMs, patternOverlaps, type Batch, type LaneIntervals, type Plan } from './paths/plan.js'
import { collectPaths, type CollectedPaths } from './paths/sources.js'
import type { Clock, FileSource, GcoreApi, Logger, PurgeKind, ReleaseAsset, ReleaseSource } from './ports.js'
import { buildReport, verdictOf, type RunReport, type Verdict } from './report/model.js'
import { resultSentence } from './report/sentence.js'
import { planResources, resourceReports, type ResourcePlans } from './resource-plan.js'
import { labelOf } from './schedule/lane.js'
import { plannedResults, runSchedule, type BatchResult } from './schedule/run.js'
import { readSettings, type InputReader, type Settings } from './settings.js'
import { httpEdgeProbe, verifyEdges, type EdgeProbe, type VerifyResult, type VerifyTarget } from './verify.js'

/** The limits, resource and purge-status GETs are optional help: a slow answer must not hold up the run. */
const OPTIONAL_REQUEST_TIMEOUT_MS = 5000
/** Pattern purges slower than this get a warning with the alternatives. */
const SLOW_PATTERN_PURGES_MS = 10 * 60_000

export interface EngineOptions {
  getInput: InputReader
  logger: Logger
  clock: Clock
  files: FileSource
  /** Needed only with `release-assets`. */
  releases?: ReleaseSource
  signal: AbortSignal
  workspace: string
  /** How messages name an input: `input "paths"` (the action) or `--paths` (the CLI). */
  name?: NameInput
  /** For tests: the API and the edge probe; by default the real HTTP ones. */
  api?: (settings: Settings, timeoutMs: number) => GcoreApi
  probe?: (timeoutMs: number) => EdgeProbe
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
    return buildReport({ paths: this.collected.paths, resources: [], batches: [] }, [], {
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
    const report = this.unsent(stop.cancelled)
    const verdict = stop.cancelled && this.settings ? verdictOf(report, this.settings) : { failed: true, message: stop.message }
    return { settings: this.settings, report, verdict, inputError: stop.inputError }
  }

  private apis?: { client: GcoreApi; helper: GcoreApi }

  /** The API client for purge and prefetch, and one with a short deadline for the optional GETs. */
  get api(): { client: GcoreApi; helper: GcoreApi } {
    if (!this.apis) {
      const make =
        this.options.api ?? ((s: Settings, timeoutMs: number) => new GcoreClient({ apiUrl: s.apiUrl, apiKey: s.apiKey, timeoutMs }))
      const { requestTimeoutMs } = this.settings
      this.apis = {
        client: make(this.settings, requestTimeoutMs),
        helper: make(this.settings, Math.min(requestTimeoutMs, OPTIONAL_REQUEST_TIMEOUT_MS))
      }
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
    const looked = await resourcesStep(run)
    const { plan, plans, intervals, estimate, limitLines } = planStep(run, limits, looked)
    const results = await scheduleStep(run, plan, intervals)
    const verify = await verifyStep(run, plan, results, looked)
    return reportStep(run, { plan, results, verify, looked, plans, limitLines, estimate })
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
      const release = await options.releases.release(settings.releaseTag, signal)
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
    : `No paths to prefetch: ${['paths', 'paths-file', 'files', 'release-assets'].map(name).join(', ')} gave none.`
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

/** Per resource: its paths as its cache key sees them, how each is purged, the batches and lanes. */
function planStep(run: Run, limits: EffectiveLimits, looked: LookedUp[]) {
  const { settings, collected, options } = run
  const plans = planResources(settings, collected.paths, looked)
  for (const message of plans.messages) run.say(message.level, message.text)
  const plan = buildPlan(plans.inputs, {
    prefetch: limits.batchSize.value,
    purgeUrl: limits.purgeUrlBatchSize.value,
    purgePattern: limits.purgePatternBatchSize.value
  })
  // Resources that cannot serve keep the run's paths, with no batch: those paths fail there.
  if (plans.failed.length) {
    for (const failure of plans.failed) plan.resources.push({ resource: failure.id, paths: collected.paths, batches: [] })
    plan.paths = [...new Set([...plan.paths, ...collected.paths])]
  }
  const intervals: LaneIntervals = {
    prefetchMs: limits.prefetchIntervalMs.value,
    purgeUrlMs: limits.purgeUrlIntervalMs.value,
    purgePatternMs: limits.purgePatternIntervalMs.value
  }
  const estimate = estimateMs(plan, intervals)
  const limitLines = describeLimits(limits, {
    purgeUrl: plan.batches.some(b => b.lane === 'purge-url'),
    purgePattern: plan.batches.some(b => b.lane === 'purge-pattern')
  })
  for (const text of overlapNotes(plan)) run.say('info', text)
  options.logger.info(`Limits: ${limitLines.join(', ')}`)
  options.logger.info(
    `${describePlan(plan, estimate, limits.batchSize.value, intervals.prefetchMs)} (planned in ${options.clock.now() - run.startedAt} ms)`
  )
  for (const text of slowPatternWarnings(plan, intervals)) run.say('warning', text)
  if (run.startedAt + estimate > run.deadline) {
    run.say(
      'warning',
      `The plan takes about ${formatDuration(estimate)}, longer than time-budget (${formatDuration(settings.timeBudgetMs!)}): what cannot finish in time is not sent.`
    )
  }
  run.checkCancel()
  return { plan, plans, intervals, estimate, limitLines }
}

/** The requests, lane by lane; a dry run plans them and sends nothing. */
async function scheduleStep(run: Run, plan: Plan, intervals: LaneIntervals): Promise<BatchResult[]> {
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
      pollMs: Math.min(5000, intervals.purgeUrlMs)
    })
  return runSchedule(plan, client, {
    intervals,
    maxAttempts: settings.maxAttempts,
    clock: options.clock,
    logger: options.logger,
    signal,
    sendBy: run.deadline - settings.requestTimeoutMs,
    afterPurge: settings.waitForPurge ? afterPurge : undefined
  })
}

/** Edge checks of what was prefetched; the size compared where the new file's is known. */
async function verifyStep(run: Run, plan: Plan, results: BatchResult[], looked: LookedUp[]): Promise<VerifyResult[]> {
  const { settings, options, signal } = run
  const targets = verifyTargets(run, plan, results, looked)
  if (targets.length === 0 || settings.dryRun || signal.aborted) return []
  return verifyEdges(targets, (options.probe ?? httpEdgeProbe)(settings.requestTimeoutMs), {
    clock: options.clock,
    logger: options.logger,
    signal,
    timeoutMs: Math.max(0, Math.min(settings.verifyTimeoutMs, run.deadline - options.clock.now())),
    concurrency: settings.verifyConcurrency,
    sizes: new Map(run.collected.files.map(file => [file.cdnPath, file.size]))
  })
}

interface Done {
  plan: Plan
  results: BatchResult[]
  verify: VerifyResult[]
  looked: LookedUp[]
  plans: ResourcePlans
  limitLines: string[]
  estimate: number
}

function reportStep(run: Run, done: Done): EngineOutcome {
  const { settings, collected, options } = run
  const report = buildReport(done.plan, done.results, {
    skipped: collected.skipped,
    files: collected.files,
    limits: done.limitLines,
    verify: done.verify,
    resources: resourceReports(settings, done.looked, done.plans, done.plan),
    purge: settings.purge,
    dryRun: settings.dryRun,
    cancelled: run.signal.aborted,
    elapsedMs: options.clock.now() - run.startedAt,
    estimateMs: done.estimate,
    notes: run.notes
  })
  options.logger.info(resultSentence(report))
  return { settings, report, verdict: verdictOf(report, settings) }
}

/** Among the run's own paths, those a pattern purge clears besides its own. */
function overlapNotes(plan: Plan): string[] {
  return plan.resources.flatMap(resource => {
    const overlaps = patternOverlaps(resource)
    if (overlaps.length === 0) return []
    const shown = overlaps
      .slice(0, 5)
      .map(entry => `${entry.pattern} also clears ${entry.alsoClears.slice(0, 3).join(', ')}${entry.alsoClears.length > 3 ? ', …' : ''}`)
    return [
      `Resource ${resource.resource}: a purge by pattern is a prefix, so ${shown.join('; ')}${overlaps.length > 5 ? `; and ${overlaps.length - 5} more` : ''}.`
    ]
  })
}

function slowPatternWarnings(plan: Plan, intervals: LaneIntervals): string[] {
  return plan.resources.flatMap(resource => {
    const patterns = resource.batches.filter(batch => batch.lane === 'purge-pattern').length
    const time = (patterns - 1) * intervals.purgePatternMs
    if (patterns < 2 || time <= SLOW_PATTERN_PURGES_MS) return []
    return [
      `Resource ${resource.resource}: ${plural(patterns, 'purge by pattern request')} at one per ${formatDuration(intervals.purgePatternMs)} take about ${formatDuration(time)}. ` +
        'A few folder patterns in purge-patterns, or purge: all, clear the same in one or two requests.'
    ]
  })
}

/** `250 paths: 3 purge by URL and 3 prefetch batches of up to 100, one prefetch every 60 s: about 2 min`. */
function describePlan(plan: Plan, estimate: number, batchSize: number, prefetchMs: number): string {
  const first = plan.resources[0]
  const count = (lane: string): number => first?.batches.filter(batch => batch.lane === lane).length ?? 0
  const purges = [
    count('purge-url') && `${count('purge-url')} purge by URL`,
    count('purge-pattern') && `${count('purge-pattern')} purge by pattern`
  ].filter(Boolean)
  const resources = plan.resources.length > 1 ? ` on each of ${plan.resources.length} resources` : ''
  const time = estimate < 1000 ? 'under a second' : `about ${formatDuration(estimate)}`
  const pace = count('prefetch') > 1 ? `, one prefetch every ${formatSeconds(prefetchMs)}` : ''
  return `${plural(plan.paths.length, 'path')}: ${purges.length ? `${purges.join(', ')} and ` : ''}${plural(count('prefetch'), 'prefetch batch', 'prefetch batches')} of up to ${batchSize}${resources}${pace}: ${time}`
}

/** Where to check each resource's prefetched paths: its hostname (`auto`) or the given base URLs. */
function verifyTargets(run: Run, plan: Plan, results: BatchResult[], looked: LookedUp[]): VerifyTarget[] {
  const { verifyUrls } = run.settings
  if (verifyUrls !== 'auto' && verifyUrls.length === 0) return []
  const accepted = (resource: number): string[] =>
    results
      .filter(r => r.batch.resource === resource && r.batch.operation === 'prefetch' && r.outcome === 'succeeded')
      .flatMap(r => r.items)
  const targets: VerifyTarget[] = []
  looked.forEach((entry, i) => {
    const baseUrl =
      verifyUrls !== 'auto'
        ? verifyUrls[verifyUrls.length === 1 ? 0 : i]
        : entry.resource
          ? edgeBaseUrl(entry.resource)
          : entry.givenHostname
            ? `https://${entry.givenHostname}`
            : null
    if (!baseUrl) {
      run.say('warning', `verify-url auto: the hostname of resource ${entry.id} is unknown (its settings were not read); not verified.`)
      return
    }
    if (entry.resource) {
      const optionsOf = pathOptionsOf(entry.resource)
      const paths = plan.resources.find(r => r.resource === entry.id)?.paths ?? []
      if (paths.some(path => optionsOf(path).hidesCacheHeader)) {
        run.say(
          'notice',
          `Resource ${entry.id} hides the Cache header (response_headers_hiding_policy): verification cannot judge HIT there, only the size.`
        )
      }
    }
    targets.push({ resource: entry.id, baseUrl, paths: accepted(entry.id) })
  })
  return targets
}
