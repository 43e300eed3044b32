/**
 * The plan: one record per resource, made once here and read by the schedule,
 * the verification and the report. A record says what the resource is (what
 * Gcore said of it), what is sent to it (its paths as its cache key sees them),
 * how each path is purged so that the whole file is cleared, and its batches.
 * Pure: what to tell the user about it is worded in describe.ts.
 */
import type { LookedUp } from '../gcore/lookup.js'
import { cacheKeyPath, decidePurge, pathOptionsOf, stateProblem, type PathOptions, type Resource } from '../gcore/resource.js'
import type { PurgeMode, Settings } from '../settings.js'
import { batchesOf, patternCovers, type Batch, type BatchSizes, type PathPurge } from './batches.js'

/** How many of a resource's paths one purge kind takes, and why. */
interface PurgeKindCount {
  /** `url`, `pattern`, `all`, or `purge-patterns` (cleared by a user pattern). */
  kind: PathPurge | 'purge-patterns'
  paths: number
  why: string
}

export interface ResourcePlan {
  id: number
  /** The hostname the user named it by, if any. */
  givenHostname: string | null
  /** What Gcore said of it; null when its settings were not read. */
  resource: Resource | null
  /** Why nothing is sent to it (deleted, suspended, inactive): every path of the run fails there. */
  failure: string | null
  /** A state worth a warning only (being changed, an unknown status). */
  stateWarning: string | null
  /** Its paths as its cache key sees them: unique, in the run's order. */
  paths: string[]
  /** Paths its cache key reads differently: `/a.iso?utm=x → /a.iso`. */
  rewritten: string[]
  /** The options that apply to a path (its rules included), or null when the settings were not read. */
  optionsOf: ((path: string) => PathOptions) | null
  /** What its options mean for this run's paths, counted once. */
  sliced: number
  customCacheKey: number
  hidesCacheHeader: boolean
  /** How each path is purged; empty without purge. */
  purge: ReadonlyMap<string, PathPurge>
  /** `purge-patterns`, purged first (with purge on). */
  userPatterns: string[]
  /** Per purge kind, in the order first used. */
  purgeKinds: PurgeKindCount[]
  /** Its requests: purges by pattern (and all), by URL, then prefetches. */
  batches: Batch[]
}

export interface Plan {
  /** Every unique path of the run, in order (a path sent to several resources counts once). */
  paths: string[]
  resources: ResourcePlan[]
  /** Every resource's batches, resource by resource. */
  batches: Batch[]
}

type PurgeChoice = Exclude<PurgeMode, 'off'>

const COVERED = 'cleared by a pattern of purge-patterns, so not purged again'

export function makePlan(settings: Settings, paths: string[], looked: LookedUp[], sizes: BatchSizes): Plan {
  const resources = looked.map(entry => planResource(settings, paths, entry, sizes))
  return {
    paths: unionOf(resources.map(resource => resource.paths)),
    resources,
    batches: resources.flatMap(resource => resource.batches)
  }
}

function planResource(settings: Settings, runPaths: string[], looked: LookedUp, sizes: BatchSizes): ResourcePlan {
  const { id, resource } = looked
  const optionsOf = resource ? pathOptionsOf(resource) : null
  const problem = resource ? stateProblem(resource) : null
  const failure = problem && 'fail' in problem ? problem.fail : null
  const purging = settings.purge !== 'off' && !failure
  const userPatterns = purging ? settings.purgePatterns : []

  const paths: string[] = []
  const sent = new Set<string>()
  const rewritten: string[] = []
  const facts = { sliced: 0, customCacheKey: 0, hidesCacheHeader: false }
  const purge = new Map<string, PathPurge>()
  const kinds = new Map<string, PurgeKindCount>()
  for (const path of runPaths) {
    const options = optionsOf?.(path) ?? null
    const key = options ? cacheKeyPath(path, options) : path
    if (key !== path) rewritten.push(`${path} → ${key}`)
    if (sent.has(key)) continue
    sent.add(key)
    paths.push(key)
    if (options?.slice) facts.sliced++
    if (options?.customCacheKey) facts.customCacheKey++
    if (options?.hidesCacheHeader) facts.hidesCacheHeader = true
    if (!purging) continue
    const covered = userPatterns.some(pattern => patternCovers(pattern, key))
    const decision = covered ? { kind: 'covered' as const, why: COVERED } : decidePurge(settings.purge as PurgeChoice, resource, options)
    purge.set(key, decision.kind)
    const label = decision.kind === 'covered' ? 'purge-patterns' : decision.kind
    const count = kinds.get(label) ?? { kind: label, paths: 0, why: decision.why }
    count.paths++
    kinds.set(label, count)
  }
  return {
    id,
    givenHostname: looked.givenHostname,
    resource,
    failure,
    stateWarning: problem && 'warn' in problem ? problem.warn : null,
    // A resource that cannot serve sends nothing: every path of the run fails there.
    paths: failure ? runPaths : paths,
    rewritten: failure ? [] : rewritten,
    optionsOf,
    ...facts,
    purge,
    userPatterns,
    purgeKinds: [...kinds.values()],
    batches: failure ? [] : batchesOf({ resource: id, paths, purge, userPatterns }, sizes)
  }
}

/** The paths of every resource, each once, in order: most runs have one resource, so one list as it is. */
function unionOf(lists: string[][]): string[] {
  if (lists.length <= 1) return lists[0] ?? []
  return [...new Set(lists.flat())]
}
