/**
 * The report: what happened to every path, batch and resource, counted once.
 * Every front end renders this one object (outputs, summary, CLI text, JSON).
 *
 * The invariant every run keeps, cancelled or not:
 * prefetched + failed + skipped = total, and each path is in exactly one of them.
 */
import type { ListedFile } from '../paths/files.js'
import type { RequestKind } from '../ports.js'
import type { BatchResult, Outcome } from '../schedule/run.js'
import type { PurgeMode } from '../settings.js'
import type { PathCheck } from './checks.js'

export type RunResult = 'success' | 'partial' | 'failure' | 'dry-run'

export interface BatchRecord {
  operation: 'purge' | 'prefetch'
  /** `url`, `pattern`, `all` (purges) or `prefetch`. */
  kind: RequestKind
  resource: number
  index: number
  /** What the request carried: paths, URLs or patterns. */
  paths: string[]
  outcome: Outcome
  status: number | null
  attempts: number
  error: string | null
  started: string | null
  finished: string | null
  /** A purge: when it was known to be done. */
  completed: string | null
  /** A purge: Gcore's ID for it, where its purge history gave it. */
  purge_id: number | null
}

/** What the run learnt of a resource and decided for it. */
export interface ResourceReport {
  id: number
  hostname: string | null
  /** `active`, `suspended`, `deleted`, `processed`, or `unknown` when it could not be read. */
  state: string
  /** Whether the resource caches large files in slices; null when unknown. */
  slice: boolean | null
  /** The purge kind used for most of its paths, `mixed`, or `none`. */
  purgeKind: string
  /** Its paths as sent. */
  paths: number
  /** How many paths were purged by each kind, and why. */
  purgeKinds: { kind: string; paths: number; why: string }[]
  /** Set when the resource failed before anything was sent to it. */
  error: string | null
}

export interface RunReport {
  result: RunResult
  cancelled: boolean
  resources: ResourceReport[]
  totalCount: number
  /** Paths that were to be sent (all but those skipped by size); in a dry run, also counted as skipped. */
  plannedCount: number
  prefetchedCount: number
  purgedCount: number
  failedCount: number
  failedPaths: string[]
  skippedCount: number
  skippedPaths: string[]
  files: ListedFile[]
  /** How each limit in use was chosen, e.g. `prefetch interval 30 s (account: 2/m)`. */
  limits: string[]
  /** Per resource and path: the origin's verdict and the edge's. */
  verify: PathCheck[]
  /** Paths the edge provably serves the origin's file for. */
  verifiedCount: number
  /** Checks that could not run for a resource, and why (with the fix). */
  skippedChecks: SkippedCheck[]
  batches: BatchRecord[]
  purge: PurgeMode
  dryRun: boolean
  elapsedMs: number
  estimateMs: number
  /** What the user should know: normalised paths, purge decisions, overlaps, caps. */
  notes: string[]
}

/** A check that could not run for a resource. */
export interface SkippedCheck {
  resource: number
  check: 'origin'
  /** Why, and what would let it run. */
  why: string
}

export interface RunFacts {
  skipped: string[]
  files: ListedFile[]
  limits: string[]
  verify: PathCheck[]
  skippedChecks: SkippedCheck[]
  resources: ResourceReport[]
  purge: PurgeMode
  dryRun: boolean
  cancelled: boolean
  elapsedMs: number
  estimateMs: number
  notes: string[]
}

/** What the report needs of the plan: the run's paths, and each resource's. */
export interface PlannedPaths {
  paths: string[]
  resources: readonly { id: number; paths: string[] }[]
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString()
}

function toRecord(result: BatchResult): BatchRecord {
  const { batch } = result
  return {
    operation: batch.operation,
    kind: batch.kind,
    resource: batch.resource,
    index: batch.index,
    paths: result.items,
    outcome: result.outcome,
    status: result.status,
    attempts: result.attempts,
    error: result.error,
    started: iso(result.started),
    finished: iso(result.finished),
    completed: iso(result.completed),
    purge_id: result.purgeId
  }
}

/** Paths done by every resource that has them: accepted prefetches, or purges that cleared them. */
function doneEverywhere(plan: PlannedPaths, results: BatchResult[], operation: 'purge' | 'prefetch'): Set<string> {
  const done = new Map<number, Set<string>>(plan.resources.map(resource => [resource.id, new Set<string>()]))
  for (const result of results) {
    if (result.batch.operation !== operation || result.outcome !== 'succeeded') continue
    const paths = operation === 'prefetch' ? result.items : result.batch.covers
    for (const path of paths) done.get(result.batch.resource)!.add(path)
  }
  // One resource holds every path: what it did is what was done.
  if (plan.resources.length === 1) return done.get(plan.resources[0].id)!
  const everywhere = new Set<string>()
  const holders = plan.resources.map(resource => ({ paths: new Set(resource.paths), done: done.get(resource.id)! }))
  for (const path of plan.paths) {
    const holding = holders.filter(holder => holder.paths.has(path))
    if (holding.length > 0 && holding.every(holder => holder.done.has(path))) everywhere.add(path)
  }
  return everywhere
}

export function buildReport(plan: PlannedPaths, results: BatchResult[], facts: RunFacts): RunReport {
  const prefetched = doneEverywhere(plan, results, 'prefetch')
  const purged = facts.purge === 'off' ? new Set<string>() : doneEverywhere(plan, results, 'purge')
  // A dry run sends nothing: its planned paths count as skipped, so that
  // prefetched + failed + skipped = total holds for every run.
  const failedPaths = facts.dryRun ? [] : plan.paths.filter(path => !prefetched.has(path))
  const skippedPaths = facts.dryRun ? [...facts.skipped, ...plan.paths] : facts.skipped
  const anyAccepted = results.some(result => result.batch.operation === 'prefetch' && result.outcome === 'succeeded')
  let result: RunResult
  if (facts.dryRun) result = 'dry-run'
  // Cancelled before any path was known: nothing was done, which is no success.
  else if (facts.cancelled && plan.paths.length === 0) result = 'failure'
  else if (failedPaths.length === 0) result = 'success'
  else if (!anyAccepted) result = 'failure'
  else result = 'partial'
  return {
    result,
    cancelled: facts.cancelled,
    resources: facts.resources,
    totalCount: plan.paths.length + facts.skipped.length,
    plannedCount: plan.paths.length,
    prefetchedCount: facts.dryRun ? 0 : prefetched.size,
    purgedCount: facts.dryRun ? 0 : purged.size,
    failedCount: failedPaths.length,
    failedPaths,
    skippedCount: skippedPaths.length,
    skippedPaths,
    files: facts.files,
    limits: facts.limits,
    verify: facts.verify,
    verifiedCount: facts.verify.filter(entry => entry.verified).length,
    skippedChecks: facts.skippedChecks,
    batches: results.map(toRecord),
    purge: facts.purge,
    dryRun: facts.dryRun,
    elapsedMs: facts.elapsedMs,
    estimateMs: facts.estimateMs,
    notes: facts.notes
  }
}

/** Whether the run failed, and the one-line reason. */
export interface Verdict {
  failed: boolean
  message: string
}

export function verdictOf(report: RunReport, rules: { failOnError: boolean; verifyRequired: boolean }): Verdict {
  if (report.cancelled) {
    return {
      failed: true,
      message: `Cancelled: ${report.failedCount} of ${report.totalCount} paths were not prefetched (see failed-paths).`
    }
  }
  if (report.failedCount > 0 && rules.failOnError) {
    const firstError =
      report.resources.find(resource => resource.error)?.error ??
      report.verify.find(entry => entry.origin && entry.origin.state !== 'ready')?.origin?.detail ??
      report.batches.find(batch => batch.error)?.error
    return {
      failed: true,
      message: `${report.failedCount} of ${report.totalCount} paths were not prefetched${firstError ? `; first error: ${firstError}` : ''}`
    }
  }
  const notVerified = report.verify.length - report.verifiedCount
  if (rules.verifyRequired && (notVerified > 0 || report.verify.length === 0)) {
    return {
      failed: true,
      message: `Edge verification: the edge does not provably serve the origin's file for ${notVerified} of ${report.verify.length} paths (verify-required).`
    }
  }
  return { failed: false, message: report.result }
}
