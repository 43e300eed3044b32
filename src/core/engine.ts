/**
 * The whole warm-up as one pipeline, free of GitHub and of the process:
 *
 *   settings → paths → limits → resources → plan → origins → origin check
 *            → schedule → verify → report
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
import { readOriginGroups } from './gcore/origin-group.js'
import { awaitPurge } from './gcore/purge-status.js'
import { edgeBaseUrl } from './gcore/resource.js'
import { actionInputName, InputError, type NameInput } from './input-error.js'
import { askOrigin, OriginCheck, type CheckedResource } from './origin/check.js'
import { isNotCheckable, originUrlRouter, resourceRouter, type NotCheckable, type Router } from './origin/route.js'
import { readRelease } from './paths/release.js'
import { checkProxyEnvironment } from './proxy.js'
import { collectPaths, type CollectedPaths } from './paths/sources.js'
import type { Batch, BatchSizes } from './plan/batches.js'
import { describePlan, planMessages, slowPatternWarnings } from './plan/describe.js'
import { estimateMs, type LaneIntervals } from './plan/estimate.js'
import { makePlan, type Plan } from './plan/plan.js'
import type { Clock, EdgeProbe, FileSource, GcoreApi, Logger, Network, OriginProbe, PurgeKind, ReleaseApi, ReleaseAsset } from './ports.js'
import { pathChecks } from './report/checks.js'
import { buildReport, verdictOf, type RunReport, type SkippedCheck, type Verdict } from './report/model.js'
import { resourceReports } from './report/resources.js'
import { resultSentence } from './report/sentence.js'
import { labelOf } from './schedule/lane.js'
import { plannedResults, runSchedule, type BatchResult } from './schedule/run.js'
import { readSettings, type InputReader, type Settings } from './settings.js'
import { verifyEdges, type EdgeCheck, type Reference, type VerifyTarget } from './verify.js'

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
  /** Checks that could not run for a resource. */
  readonly skippedChecks: SkippedCheck[] = []
  /** Secrets an answer carried (an origin group's S3 keys), kept out of every text. */
  readonly secrets: string[] = []
  settings!: Settings
  collected: CollectedPaths = { paths: [], skipped: [], files: [], warnings: [] }

  constructor(readonly options: EngineOptions) {
    this.startedAt = options.clock.now()
    this.name = options.name ?? actionInputName
  }

  get signal(): AbortSignal {
    return this.options.signal
  }

  private knownSizes?: Map<string, number>

  /** The new files' sizes by CDN path: local files and release assets. */
  get sizes(): Map<string, number> {
    this.knownSizes ??= new Map(this.collected.files.map(file => [file.cdnPath, file.size]))
    return this.knownSizes
  }

  private probes: { origin?: OriginProbe; edge?: EdgeProbe } = {}

  /** HEAD requests at the origin, for the check before the purge and the reference after the prefetch. */
  get originProbe(): OriginProbe {
    this.probes.origin ??= this.options.network.origin(this.settings.requestTimeoutMs)
    return this.probes.origin
  }

  /** Requests at the edge, for the verification. */
  get edgeProbe(): EdgeProbe {
    this.probes.edge ??= this.options.network.edge(this.settings.requestTimeoutMs)
    return this.probes.edge
  }

  /** The probes keep connections for their next request: the run closes them when it ends. */
  closeProbes(): void {
    this.probes.origin?.close()
    this.probes.edge?.close()
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
      skippedChecks: this.skippedChecks,
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
      const make = (timeoutMs: number): GcoreApi => this.options.network.api({ apiUrl, apiKey, timeoutMs, secrets: this.secrets })
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
    const routers = await originsStep(run, plan)
    const check = await originCheckStep(run, plan, routers)
    const results = await scheduleStep(run, plan, check)
    const edge = await verifyStep(run, plan, results, routers)
    return reportStep(run, { plan, results, edge, check })
  } catch (error) {
    if (error instanceof StopBeforeSending) return run.stopped(error)
    // A bug or a fault nothing else caught: still a report that accounts for every path.
    const message = `Unexpected error: ${(error as Error)?.message ?? String(error)}`
    options.logger.debug((error as Error)?.stack ?? message)
    run.notes.push(message)
    const report = { ...run.unsent(run.signal.aborted), result: 'failure' as const }
    return { settings: run.settings, report, verdict: { failed: true, message }, unexpected: error }
  } finally {
    run.closeProbes()
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
  const sizes: BatchSizes = {
    prefetch: limits.batchSize.value,
    purgeUrl: limits.purgeUrlBatchSize.value,
    purgePattern: limits.purgePatternBatchSize.value
  }
  const plan = makePlan(settings, collected.paths, looked, sizes)
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
  return { ...plan, sizes, intervals, estimate, limitLines }
}

/** The plan, with the pace and the limits it was made for. */
interface PlanOfRun extends Plan {
  sizes: BatchSizes
  intervals: LaneIntervals
  estimate: number
  limitLines: string[]
}

/** The requests, lane by lane; a dry run plans them and sends nothing. */
async function scheduleStep(run: Run, plan: PlanOfRun, check: OriginCheck | null): Promise<BatchResult[]> {
  const { settings, options, signal } = run
  if (settings.dryRun) {
    run.notes.push('Dry run: resources and limits were read (GET only); no purge or prefetch was sent.')
    return plannedResults(plan.batches)
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
  try {
    return await runSchedule(plan.resources, client, {
      intervals: plan.intervals,
      sizes: plan.sizes,
      readiness: check ?? undefined,
      maxAttempts: settings.maxAttempts,
      clock: options.clock,
      logger: options.logger,
      signal,
      sendBy: run.deadline - settings.requestTimeoutMs,
      afterPurge: settings.waitForPurge ? afterPurge : undefined,
      warn: text => run.say('warning', text)
    })
  } finally {
    // Whatever is still being asked at the origin has missed its turn: the check ends with the schedule.
    await check?.stop()
  }
}

/**
 * Where the CDN fetches each resource's files: `origin-url`, or its origin
 * groups (read once each), for the origin check and as the edge's reference.
 */
async function originsStep(run: Run, plan: Plan): Promise<Map<number, Router | NotCheckable>> {
  const { settings, options } = run
  const routers = new Map<number, Router | NotCheckable>()
  const wanted = settings.originCheck !== 'off' || settings.verifyUrls === 'auto' || settings.verifyUrls.length > 0
  if (!wanted || settings.dryRun) return routers
  const records = plan.resources.filter(record => !record.failure)
  if (settings.originUrls.length) {
    for (const record of records) {
      const i = plan.resources.indexOf(record)
      routers.set(record.id, originUrlRouter(settings.originUrls[settings.originUrls.length === 1 ? 0 : i]))
    }
    return routers
  }
  const ids = records.flatMap(({ resource }) => (resource ? [resource.originGroup, ...resource.rules.map(rule => rule.originGroup)] : []))
  let groups
  try {
    groups = await readOriginGroups(
      run.api.helper,
      ids.filter((id): id is number => id !== null),
      options.clock,
      run.signal
    )
  } catch (error) {
    run.checkCancel()
    if (error instanceof GcoreError && error.kind === 'auth') throw keyRefused(run, error)
    throw error
  }
  for (const group of groups.values()) {
    if (typeof group === 'string') continue
    for (const secret of group.secrets) {
      run.secrets.push(secret)
      options.logger.secret(secret)
    }
  }
  for (const record of records) {
    routers.set(
      record.id,
      record.resource && record.optionsOf
        ? resourceRouter(record.resource, record.optionsOf, groups)
        : {
            why: 'its settings were not read (see resource-check)',
            fix: 'give origin-url (a base URL where the runner can read the files)'
          }
    )
  }
  return routers
}

/**
 * Before any purge: the origin check starts, each resource's sources are
 * probed, and a resource whose origin cannot be asked is skipped (`auto`, with
 * a notice) or stops the run before anything is sent (`required`).
 */
async function originCheckStep(run: Run, plan: PlanOfRun, routers: Map<number, Router | NotCheckable>): Promise<OriginCheck | null> {
  const { settings, options } = run
  if (settings.originCheck === 'off' || settings.dryRun) return null
  const skipped = new Map<number, NotCheckable>()
  const checked: CheckedResource[] = []
  for (const record of plan.resources.filter(entry => !entry.failure)) {
    const router = routers.get(record.id)!
    if (isNotCheckable(router)) skipped.set(record.id, router)
    // Asked two batches ahead of the schedule; all at once where a purge all or purge-patterns waits for every path it clears.
    else if (record.batches.some(batch => batch.kind === 'all' || batch.fromInput))
      checked.push({ id: record.id, paths: record.paths, router })
    else checked.push({ id: record.id, paths: record.paths, router, ahead: 2 * plan.sizes.prefetch })
  }
  const check = new OriginCheck(checked, {
    probe: run.originProbe,
    clock: options.clock,
    logger: options.logger,
    signal: run.signal,
    deadline: Math.min(options.clock.now() + settings.originTimeoutMs, run.deadline),
    sizes: run.sizes,
    secrets: run.secrets
  })
  for (const [id, why] of await check.probe()) skipped.set(id, why)
  run.checkCancel()
  const alike = new Map<string, number[]>()
  for (const [resource, { why, fix }] of skipped) {
    if (settings.originCheck === 'required') {
      throw new StopBeforeSending(`origin-check is required, but the origin of resource ${resource} cannot be asked: ${why}; ${fix}.`)
    }
    run.skippedChecks.push({ resource, check: 'origin', why: `${why}; to check it, ${fix}` })
    const reason = `${why}. Its paths are purged and prefetched without it; to check it, ${fix}.`
    alike.set(reason, [...(alike.get(reason) ?? []), resource])
  }
  // Said once per reason here (many resources often share one, such as a key that may not read settings);
  // the summary and the CLI's report name each resource from skippedChecks.
  for (const [reason, resources] of alike) {
    const which = resources.length === 1 ? `resource ${resources[0]}` : `each of resources ${resources.join(', ')}`
    options.logger.notice(`Origin check skipped for ${which}: ${reason}`)
  }
  void check.run()
  return check
}

/** After the prefetch: does the edge provably serve the origin's file? */
async function verifyStep(run: Run, plan: Plan, results: BatchResult[], routers: Map<number, Router | NotCheckable>): Promise<EdgeCheck[]> {
  const { settings, options, signal } = run
  const targets = verifyTargets(run, plan, results, routers)
  if (targets.length === 0 || settings.dryRun || signal.aborted) return []
  return verifyEdges(targets, run.edgeProbe, {
    clock: options.clock,
    logger: options.logger,
    signal,
    timeoutMs: Math.max(0, Math.min(settings.verifyTimeoutMs, run.deadline - options.clock.now())),
    concurrency: settings.verifyConcurrency,
    secrets: run.secrets
  })
}

function reportStep(
  run: Run,
  done: { plan: PlanOfRun; results: BatchResult[]; edge: EdgeCheck[]; check: OriginCheck | null }
): EngineOutcome {
  const { settings, collected, options } = run
  const edgeAsked = new Set(done.edge.map(entry => entry.resource))
  const checked = done.plan.resources
    .filter(record => !record.failure)
    .map(record => ({
      id: record.id,
      paths: record.paths,
      origin: done.check?.verdicts(record.id) ?? new Map(),
      edgeAsked: edgeAsked.has(record.id)
    }))
  const report = buildReport(done.plan, done.results, {
    skipped: collected.skipped,
    files: collected.files,
    limits: done.plan.limitLines,
    verify: pathChecks(checked, done.edge),
    skippedChecks: run.skippedChecks,
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

/**
 * Where to check each resource's prefetched paths (its hostname, or the given
 * base URLs), and what each must show: the origin's file, asked again now, or
 * the new file's known size; and when this run's purge of it took effect.
 */
function verifyTargets(run: Run, plan: Plan, results: BatchResult[], routers: Map<number, Router | NotCheckable>): VerifyTarget[] {
  const { verifyUrls } = run.settings
  if (verifyUrls !== 'auto' && verifyUrls.length === 0) return []
  const targets: VerifyTarget[] = []
  plan.resources.forEach((record, i) => {
    if (record.failure) return
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
        `Resource ${record.id} hides the Cache header (response_headers_hiding_policy): the edge cannot show it holds a file there.`
      )
    }
    const own = results.filter(result => result.batch.resource === record.id && result.outcome === 'succeeded')
    const purgedAt = new Map<string, number | null>()
    for (const result of own.filter(r => r.batch.operation === 'purge')) {
      const at = result.purgeCreatedAt ?? result.acceptedAt
      for (const path of result.batch.covers) purgedAt.set(path, Math.max(purgedAt.get(path) ?? 0, at ?? 0) || null)
    }
    const router = routers.get(record.id)
    // A resource whose sources refused the runner before is not asked again; its files' known sizes still count.
    const askable = router && !isNotCheckable(router) && !run.skippedChecks.some(skip => skip.resource === record.id) ? router : null
    const reference = async (path: string, signal?: AbortSignal): Promise<Reference> => {
      const known = run.sizes.get(path) ?? null
      const route = askable?.(path)
      if (route && !isNotCheckable(route)) {
        const verdict = await askOrigin(route, known, { probe: run.originProbe, signal, secrets: run.secrets })
        if (verdict.state === 'ready') return { size: verdict.size, etag: verdict.etag }
        return known !== null
          ? { size: known, etag: null }
          : { size: null, etag: null, missing: verdict.detail ?? 'the origin gave no size' }
      }
      if (known !== null) return { size: known, etag: null }
      const why = router && isNotCheckable(router) ? router.why : 'the origin could not be asked'
      return { size: null, etag: null, missing: `${why}, and the new file's size is unknown` }
    }
    targets.push({
      resource: record.id,
      baseUrl,
      paths: own.filter(r => r.batch.operation === 'prefetch').flatMap(r => r.items),
      sliced: path => (record.optionsOf ? record.optionsOf(path).slice : null),
      purgedAt: path => (purgedAt.has(path) ? purgedAt.get(path)! : undefined),
      reference
    })
  })
  return targets
}
