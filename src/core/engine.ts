/**
 * The whole warm-up as one pipeline, free of GitHub and of the process:
 *
 *   settings → paths → limits → resources → plan → schedule → verify → report
 *
 * The action and the CLI are thin front ends over `warm`: they supply the
 * inputs, the ports (clock, logger, files, releases) and a cancel signal, and
 * publish the report their own way. Whatever happens after the settings were
 * read (a refused key, a cancel, an unexpected error), `warm` returns a report
 * that accounts for every path it knew of.
 */
import { formatDuration, formatSeconds, plural } from './format.js'
import { GcoreClient, GcoreError } from './gcore/client.js'
import { describeLimits, readAccountLimits, resolveLimits, type EffectiveLimits } from './gcore/limits.js'
import { lookUpResources, ResourceCheckFailed, type LookedUp } from './gcore/lookup.js'
import { awaitPurge } from './gcore/purge-status.js'
import { cacheKeyPath, decidePurge, edgeBaseUrl, pathOptionsOf, stateProblem, type Resource } from './gcore/resource.js'
import type { ListedFile } from './paths/files.js'
import { buildPlan, estimateMs, patternCovers, patternOverlaps, type Batch, type LaneIntervals, type PathPurge, type Plan, type ResourcePlanInput } from './paths/plan.js'
import { collectPaths, type CollectedPaths } from './paths/sources.js'
import type { Clock, FileSource, GcoreApi, Logger, ReleaseAsset, ReleaseSource } from './ports.js'
import { buildReport, verdictOf, type ResourceReport, type RunReport, type Verdict } from './report/model.js'
import { resultSentence } from './report/sentence.js'
import { plannedResults, runSchedule, type BatchResult } from './schedule/run.js'
import { actionInputName, InputError, type NameInput } from './input-error.js'
import { readSettings, type InputReader, type Settings } from './settings.js'
import { httpEdgeProbe, verifyEdges, type EdgeProbe, type VerifyResult, type VerifyTarget } from './verify.js'
import { labelOf } from './schedule/lane.js'

/** The limits and purge-status GETs are optional help: a slow answer must not hold up the run. */
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

/** A report for a run that sent nothing: every known path failed (or cancelled) with `error`. */
function unsentReport(paths: string[], facts: { skipped?: string[]; files?: ListedFile[]; cancelled?: boolean; notes?: string[]; purge?: Settings['purge']; dryRun?: boolean }, startedAt: number, clock: Clock): RunReport {
  const plan: Plan = { paths, resources: [], batches: [] }
  return buildReport(plan, [], {
    skipped: facts.skipped ?? [],
    files: facts.files ?? [],
    limits: [],
    verify: [],
    resources: [],
    purge: facts.purge ?? 'off',
    dryRun: false,
    cancelled: facts.cancelled ?? false,
    elapsedMs: clock.now() - startedAt,
    estimateMs: 0,
    notes: facts.notes ?? []
  })
}

export async function warm(options: EngineOptions): Promise<EngineOutcome> {
  const { logger, clock, signal } = options
  const name = options.name ?? actionInputName
  const startedAt = clock.now()
  const failed = (message: string, report: RunReport, inputError?: InputError, settings?: Settings): EngineOutcome => ({
    settings,
    report,
    verdict: { failed: true, message },
    inputError
  })

  let settings: Settings
  try {
    settings = readSettings(options.getInput)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    return failed(error.describe(name), unsentReport([], {}, startedAt, clock), error)
  }
  for (const notice of settings.notices) logger.notice(notice)
  const deadline = settings.timeBudgetMs === undefined ? Infinity : startedAt + settings.timeBudgetMs

  // Paths: an input error here means nothing was sent.
  let collected: CollectedPaths
  try {
    let assets: ReleaseAsset[] = []
    if (settings.releaseAssets) {
      if (!options.releases) throw new InputError('release-assets', n => `${n('release-assets')} is not available here.`)
      const release = await options.releases.release(settings.releaseTag, signal)
      logger.info(`Release ${release.tag}: ${plural(release.assets.length, 'asset')}`)
      assets = release.assets
    }
    collected = await collectPaths(settings, { files: options.files, workspace: options.workspace, assets, name })
  } catch (error) {
    if (signal.aborted) {
      // The release's assets were never learnt; the paths given besides them are reported, so failed-paths can be fed back.
      const known = await collectPaths({ ...settings, releaseAssets: false }, { files: options.files, workspace: options.workspace, name }).catch(() => undefined)
      const facts = { skipped: known?.skipped, files: known?.files, purge: settings.purge, cancelled: true, notes: ['Cancelled before anything was sent.'] }
      const report = unsentReport(known?.paths ?? [], facts, startedAt, clock)
      return { settings, report, verdict: verdictOf(report, settings) }
    }
    if (!(error instanceof InputError)) throw error
    return failed(error.describe(name), unsentReport([], { purge: settings.purge }, startedAt, clock), error, settings)
  }
  for (const warning of collected.warnings) logger.warning(warning)
  const notes = [...settings.notices, ...collected.warnings]
  const base = { skipped: collected.skipped, files: collected.files, purge: settings.purge, notes }

  if (collected.paths.length === 0) {
    const message = collected.skipped.length
      ? `No paths to prefetch: all ${collected.skipped.length} are outside the size window (size-check: skip).`
      : `No paths to prefetch: ${['paths', 'paths-file', 'files', 'release-assets'].map(name).join(', ')} gave none.`
    const report = unsentReport([], { ...base, notes: [...notes, message] }, startedAt, clock)
    if (settings.ifNoPaths === 'error') return failed(message, { ...report, result: 'failure' }, undefined, settings)
    if (settings.ifNoPaths === 'warn') logger.warning(message)
    else logger.info(message)
    return { settings, report, verdict: { failed: false, message } }
  }

  try {
    return await sendPaths({ ...options, name }, settings, collected, { base, notes, startedAt, deadline })
  } catch (error) {
    // A bug or a fault nothing else caught: still a report that accounts for every path.
    const message = `Unexpected error: ${(error as Error)?.message ?? String(error)}`
    logger.debug((error as Error)?.stack ?? message)
    const report = unsentReport(collected.paths, { ...base, cancelled: signal.aborted, notes: [...notes, message] }, startedAt, clock)
    return { settings, report: { ...report, result: 'failure' }, verdict: { failed: true, message }, unexpected: error }
  }
}

interface RunState {
  base: { skipped: string[]; files: ListedFile[]; purge: Settings['purge']; notes: string[] }
  notes: string[]
  startedAt: number
  deadline: number
}

async function sendPaths(options: EngineOptions & { name: NameInput }, settings: Settings, collected: CollectedPaths, state: RunState): Promise<EngineOutcome> {
  const { logger, clock, signal, name } = options
  const { base, notes, startedAt, deadline } = state
  const failed = (message: string, report: RunReport, inputError?: InputError): EngineOutcome => ({ settings, report, verdict: { failed: true, message }, inputError })
  const api = options.api ?? ((s: Settings, timeoutMs: number) => new GcoreClient({ apiUrl: s.apiUrl, apiKey: s.apiKey, timeoutMs }))
  const client = api(settings, settings.requestTimeoutMs)
  const helper = api(settings, Math.min(settings.requestTimeoutMs, OPTIONAL_REQUEST_TIMEOUT_MS))
  const stopBeforeSending = (message: string, cancelled = false): EngineOutcome => {
    const report = unsentReport(collected.paths, { ...base, cancelled, notes: [...notes, message] }, startedAt, clock)
    return cancelled ? { settings, report, verdict: verdictOf(report, settings) } : failed(message, report)
  }
  const cancelledBeforeSending = (): EngineOutcome => stopBeforeSending('Cancelled before anything was sent.', true)

  // Limits and resources: GETs only, so a dry run makes them too.
  let limits: EffectiveLimits = resolveLimits(settings, null)
  if (settings.limits === 'auto') {
    const read = await readAccountLimits(helper, clock, signal)
    if (signal.aborted) return cancelledBeforeSending()
    if (read.refused) return stopBeforeSending(`The API refused the key (${read.refused.message}); nothing was sent. Check ${name('api-key')}.`)
    if (read.problem) logger.notice(`Could not read the account's limits (${read.problem}); using Gcore's documented limits.`)
    limits = resolveLimits(settings, read.account)
  }
  let looked: LookedUp[]
  try {
    const lookup = await lookUpResources({ api: helper, clock, signal }, settings.resources, settings.resourceCheck)
    for (const notice of lookup.notices) logger.notice(notice)
    for (const warning of lookup.warnings) logger.warning(warning)
    notes.push(...lookup.notices, ...lookup.warnings)
    looked = lookup.resources
  } catch (error) {
    if (signal.aborted) return cancelledBeforeSending()
    if (error instanceof InputError) {
      const report = unsentReport(collected.paths, { ...base, notes: [...notes, error.describe(name)] }, startedAt, clock)
      return failed(error.describe(name), report, error)
    }
    if (error instanceof ResourceCheckFailed) return stopBeforeSending(error.message)
    if (error instanceof GcoreError && error.kind === 'auth') return stopBeforeSending(`The API refused the key (${error.message}); nothing was sent. Check ${name('api-key')}.`)
    throw error
  }

  // The plan: per resource, the paths as its cache key sees them, and how each is purged.
  const planned = planResources(settings, collected.paths, looked, logger, notes)
  const intervals: LaneIntervals = {
    prefetchMs: limits.prefetchIntervalMs.value,
    purgeUrlMs: limits.purgeUrlIntervalMs.value,
    purgePatternMs: limits.purgePatternIntervalMs.value
  }
  const plan = buildPlan(planned.inputs, {
    prefetch: limits.batchSize.value,
    purgeUrl: limits.purgeUrlBatchSize.value,
    purgePattern: limits.purgePatternBatchSize.value
  })
  // Resources that failed their state check keep their paths, with no batch: those paths fail there.
  if (planned.failedResources.length) {
    for (const failure of planned.failedResources) plan.resources.push({ resource: failure.id, paths: collected.paths, batches: [] })
    plan.paths = [...new Set([...plan.paths, ...collected.paths])]
  }
  sayOverlaps(plan, logger, notes)
  const estimate = estimateMs(plan, intervals)
  const used = { purgeUrl: plan.batches.some(b => b.lane === 'purge-url'), purgePattern: plan.batches.some(b => b.lane === 'purge-pattern') }
  const limitLines = describeLimits(limits, used)
  logger.info(`Limits: ${limitLines.join(', ')}`)
  const planningMs = clock.now() - startedAt
  logger.info(`${describePlan(plan, estimate, limits.batchSize.value, intervals.prefetchMs)} (planned in ${planningMs} ms)`)
  warnAboutSlowPatterns(plan, intervals, logger, notes)
  if (Number.isFinite(deadline) && startedAt + estimate > deadline) {
    const warning = `The plan takes about ${formatDuration(estimate)}, longer than time-budget (${formatDuration(settings.timeBudgetMs!)}): what cannot finish in time is not sent.`
    logger.warning(warning)
    notes.push(warning)
  }
  if (signal.aborted) return cancelledBeforeSending()

  // Send.
  let results: BatchResult[]
  if (settings.dryRun) {
    results = plannedResults(plan)
    notes.push('Dry run: resources and limits were read (GET only); no purge or prefetch was sent.')
  } else {
    results = await runSchedule(plan, client, {
      intervals,
      maxAttempts: settings.maxAttempts,
      clock,
      logger,
      signal,
      sendBy: deadline - settings.requestTimeoutMs,
      afterPurge: settings.waitForPurge
        ? (batch: Batch, sentAt: number) =>
            awaitPurge(helper, { resource: batch.resource, kind: batch.kind as 'url' | 'pattern' | 'all', items: batch.items, label: labelOf(batch) }, sentAt, {
              clock,
              logger,
              signal,
              timeoutMs: Math.max(0, Math.min(settings.purgeTimeoutMs, deadline - clock.now())),
              settleMs: settings.purgeSettleMs,
              pollMs: Math.min(5000, intervals.purgeUrlMs)
            })
        : undefined
    })
  }

  // Verify at the edge.
  let verify: VerifyResult[] = []
  const targets = verifyTargets(settings, plan, results, looked, logger, notes)
  if (targets.length && !settings.dryRun && !signal.aborted) {
    const probe = (options.probe ?? httpEdgeProbe)(settings.requestTimeoutMs)
    verify = await verifyEdges(targets, probe, {
      clock,
      logger,
      signal,
      timeoutMs: Math.max(0, Math.min(settings.verifyTimeoutMs, deadline - clock.now())),
      concurrency: settings.verifyConcurrency,
      sizes: new Map(collected.files.map(file => [file.cdnPath, file.size]))
    })
  }

  const report = buildReport(plan, results, {
    ...base,
    limits: limitLines,
    verify,
    resources: resourceReports(settings, looked, planned, plan),
    dryRun: settings.dryRun,
    cancelled: signal.aborted,
    elapsedMs: clock.now() - startedAt,
    estimateMs: estimate,
    notes
  })
  logger.info(resultSentence(report))
  return { settings, report, verdict: verdictOf(report, settings) }
}

const PURGE_WORDS: Record<string, string> = { url: 'by URL', pattern: 'by pattern', all: 'by one purge of the whole resource', 'purge-patterns': 'by a pattern of purge-patterns' }

interface PlannedResources {
  inputs: ResourcePlanInput[]
  /** Per resource: paths per purge kind, with the reason. */
  kinds: Map<number, Map<string, { why: string; paths: number }>>
  failedResources: { id: number; error: string }[]
}

function planResources(settings: Settings, paths: string[], looked: LookedUp[], logger: Logger, notes: string[]): PlannedResources {
  const inputs: ResourcePlanInput[] = []
  const kinds = new Map<number, Map<string, { why: string; paths: number }>>()
  const failedResources: { id: number; error: string }[] = []
  const say = (text: string, level: 'warning' | 'info' = 'info'): void => {
    logger[level](text)
    notes.push(text)
  }
  for (const { id, resource } of looked) {
    const problem = resource ? stateProblem(resource) : null
    if (problem && 'fail' in problem) {
      failedResources.push({ id, error: `${problem.fail}; nothing was sent to it` })
      say(`Resource ${id}: ${problem.fail}; nothing is sent to it.`, 'warning')
      continue
    }
    if (problem) say(`Resource ${id}: ${problem.warn}.`, 'warning')

    // Query strings as the cache key sees them; paths that become one object are sent once.
    const optionsOf = resource ? pathOptionsOf(resource) : () => null
    let sent = paths
    const rewritten: string[] = []
    if (resource && paths.some(path => path.includes('?'))) {
      const seen = new Set<string>()
      sent = []
      for (const path of paths) {
        const key = cacheKeyPath(path, optionsOf(path)!)
        if (key !== path) rewritten.push(`${path} → ${key}`)
        if (seen.has(key)) continue
        seen.add(key)
        sent.push(key)
      }
    }
    if (rewritten.length) {
      say(`Resource ${id}: ${plural(rewritten.length, 'path')} rewritten as its cache key sees the query string (${rewritten.slice(0, 5).join(', ')}${rewritten.length > 5 ? ', …' : ''}); ${plural(sent.length, 'path')} sent.`)
    }

    let purge: Map<string, PathPurge> | undefined
    const counts = new Map<string, { why: string; paths: number }>()
    if (settings.purge !== 'off') {
      purge = new Map()
      const userPatterns = settings.purgePatterns
      for (const path of sent) {
        const covering = userPatterns.find(pattern => patternCovers(pattern, path))
        const decision = covering ? { kind: 'covered' as const, why: 'cleared by a pattern of purge-patterns, so not purged again' } : decidePurge(settings.purge, resource, optionsOf(path))
        purge.set(path, decision.kind)
        const label = decision.kind === 'covered' ? 'purge-patterns' : decision.kind
        const entry = counts.get(label) ?? { why: decision.why, paths: 0 }
        entry.paths++
        counts.set(label, entry)
      }
      if (resource && settings.purge === 'url') {
        const sliced = sent.filter(path => optionsOf(path)?.slice).length
        if (sliced) say(`Resource ${id}: purge: url on ${plural(sliced, 'sliced path')}: a purge by URL clears only the first 10 MB part, so old parts can stay at the edge. Use purge: auto.`, 'warning')
      }
      if (resource && (settings.purge === 'pattern' || userPatterns.length) && sent.some(path => optionsOf(path)?.customCacheKey)) {
        say(`Resource ${id} has a custom cache key (proxy_cache_key): Gcore says purge by pattern does not work with it.`, 'warning')
      }
      if (settings.purge === 'all') say(`Resource ${id}: purge: all clears the whole resource; every file is fetched from the origin again.`, 'warning')
      for (const [kind, entry] of counts) say(`Resource ${id}: ${plural(entry.paths, 'path')} purged ${PURGE_WORDS[kind]}: ${entry.why}.`)
    }
    kinds.set(id, counts)
    inputs.push({ resource: id, paths: sent, purge, userPatterns: settings.purge === 'off' ? [] : settings.purgePatterns })
  }
  return { inputs, kinds, failedResources }
}

/** Among the run's own paths, those a pattern purge clears besides its own. */
function sayOverlaps(plan: Plan, logger: Logger, notes: string[]): void {
  for (const resource of plan.resources) {
    const overlaps = patternOverlaps(resource)
    if (overlaps.length === 0) continue
    const shown = overlaps.slice(0, 5).map(entry => `${entry.pattern} also clears ${entry.alsoClears.slice(0, 3).join(', ')}${entry.alsoClears.length > 3 ? ', …' : ''}`)
    const text = `Resource ${resource.resource}: a purge by pattern is a prefix, so ${shown.join('; ')}${overlaps.length > 5 ? `; and ${overlaps.length - 5} more` : ''}.`
    logger.info(text)
    notes.push(text)
  }
}

function warnAboutSlowPatterns(plan: Plan, intervals: LaneIntervals, logger: Logger, notes: string[]): void {
  for (const resource of plan.resources) {
    const patterns = resource.batches.filter(batch => batch.lane === 'purge-pattern').length
    const time = (patterns - 1) * intervals.purgePatternMs
    if (patterns > 1 && time > SLOW_PATTERN_PURGES_MS) {
      const warning =
        `Resource ${resource.resource}: ${plural(patterns, 'purge by pattern request')} at one per ${formatDuration(intervals.purgePatternMs)} take about ${formatDuration(time)}. ` +
        'A few folder patterns in purge-patterns, or purge: all, clear the same in one or two requests.'
      logger.warning(warning)
      notes.push(warning)
    }
  }
}

function describePlan(plan: Plan, estimate: number, batchSize: number, prefetchMs: number): string {
  const first = plan.resources[0]
  const count = (lane: string): number => first?.batches.filter(batch => batch.lane === lane).length ?? 0
  const purges = [count('purge-url') && `${count('purge-url')} purge by URL`, count('purge-pattern') && `${count('purge-pattern')} purge by pattern`].filter(Boolean)
  const resources = plan.resources.length > 1 ? ` on each of ${plan.resources.length} resources` : ''
  const time = estimate < 1000 ? 'under a second' : `about ${formatDuration(estimate)}`
  const pace = count('prefetch') > 1 ? `, one prefetch every ${formatSeconds(prefetchMs)}` : ''
  return `${plural(plan.paths.length, 'path')}: ${purges.length ? `${purges.join(', ')} and ` : ''}${plural(count('prefetch'), 'prefetch batch', 'prefetch batches')} of up to ${batchSize}${resources}${pace}: ${time}`
}

function verifyTargets(settings: Settings, plan: Plan, results: BatchResult[], looked: LookedUp[], logger: Logger, notes: string[]): VerifyTarget[] {
  if (settings.verifyUrls !== 'auto' && settings.verifyUrls.length === 0) return []
  const accepted = (resource: number): string[] =>
    results.filter(r => r.batch.resource === resource && r.batch.operation === 'prefetch' && r.outcome === 'succeeded').flatMap(r => r.items)
  const targets: VerifyTarget[] = []
  looked.forEach((entry, i) => {
    let baseUrl: string | null
    if (settings.verifyUrls === 'auto') {
      baseUrl = entry.resource ? edgeBaseUrl(entry.resource) : entry.givenHostname ? `https://${entry.givenHostname}` : null
      if (!baseUrl) {
        const warning = `verify-url auto: the hostname of resource ${entry.id} is unknown (its settings were not read); not verified.`
        logger.warning(warning)
        notes.push(warning)
        return
      }
    } else {
      baseUrl = settings.verifyUrls[settings.verifyUrls.length === 1 ? 0 : i]
    }
    if (entry.resource && entry.resource.options !== undefined && plan.resources.some(r => r.resource === entry.id)) {
      const optionsOf = pathOptionsOf(entry.resource)
      const hidden = plan.resources.find(r => r.resource === entry.id)!.paths.some(path => optionsOf(path).hidesCacheHeader)
      if (hidden) {
        const note = `Resource ${entry.id} hides the Cache header (response_headers_hiding_policy): verification cannot judge HIT there, only the size.`
        logger.notice(note)
        notes.push(note)
      }
    }
    targets.push({ resource: entry.id, baseUrl, paths: accepted(entry.id) })
  })
  return targets
}

function resourceReports(settings: Settings, looked: LookedUp[], planned: PlannedResources, plan: Plan): ResourceReport[] {
  return looked.map(({ id, givenHostname, resource }) => {
    const failure = planned.failedResources.find(entry => entry.id === id)
    const counts = planned.kinds.get(id) ?? new Map()
    const kinds = [...counts].map(([kind, entry]) => ({ kind, paths: entry.paths, why: entry.why }))
    const main = kinds.length === 0 ? 'none' : kinds.length === 1 ? kinds[0].kind : 'mixed'
    const optionsOf = resource ? pathOptionsOf(resource) : null
    const sliced = optionsOf ? (plan.resources.find(r => r.resource === id)?.paths.some(path => optionsOf(path).slice) ?? false) : null
    return {
      id,
      hostname: resource?.hostname ?? givenHostname,
      state: resource ? describeState(resource) : 'unknown',
      slice: sliced,
      purgeKind: settings.purge === 'off' ? 'none' : main,
      paths: plan.resources.find(r => r.resource === id)?.paths.length ?? 0,
      purgeKinds: kinds,
      error: failure?.error ?? null
    }
  })
}

function describeState(resource: Resource): string {
  if (resource.deleted) return 'deleted'
  if (resource.suspended) return 'suspended'
  if (!resource.active && resource.status === 'active') return 'inactive'
  return resource.status
}
