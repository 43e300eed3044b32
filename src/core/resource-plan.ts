/**
 * Per resource, what is sent: its paths as its cache key sees them (query
 * strings rewritten, then de-duplicated), and how each is purged so that the
 * whole file is cleared. Pure: the decisions and what to tell the user about
 * them come back as data; the engine logs them.
 */
import { plural } from './format.js'
import type { LookedUp } from './gcore/lookup.js'
import { cacheKeyPath, decidePurge, pathOptionsOf, stateProblem, type Resource } from './gcore/resource.js'
import { patternCovers, type PathPurge, type Plan, type ResourcePlanInput } from './paths/plan.js'
import type { ResourceReport } from './report/model.js'
import type { Settings } from './settings.js'

interface Message {
  level: 'info' | 'warning'
  text: string
}

interface PurgeCount {
  why: string
  paths: number
}

export interface ResourcePlans {
  inputs: ResourcePlanInput[]
  /** Per resource: how many paths each purge kind takes, and why. */
  kinds: Map<number, Map<string, PurgeCount>>
  /** Resources that cannot serve (deleted, suspended, inactive): nothing is sent to them. */
  failed: { id: number; error: string }[]
  messages: Message[]
}

const PURGE_WORDS: Record<string, string> = {
  url: 'by URL',
  pattern: 'by pattern',
  all: 'by one purge of the whole resource',
  'purge-patterns': 'by a pattern of purge-patterns'
}
const COVERED = 'cleared by a pattern of purge-patterns, so not purged again'

/** The paths a resource's cache keys make of `paths`: rewritten where the query string is not (all) in the key. */
function asCacheKeys(paths: string[], resource: Resource | null): { sent: string[]; rewritten: string[] } {
  if (!resource || !paths.some(path => path.includes('?'))) return { sent: paths, rewritten: [] }
  const optionsOf = pathOptionsOf(resource)
  const seen = new Set<string>()
  const sent: string[] = []
  const rewritten: string[] = []
  for (const path of paths) {
    const key = cacheKeyPath(path, optionsOf(path))
    if (key !== path) rewritten.push(`${path} → ${key}`)
    if (seen.has(key)) continue
    seen.add(key)
    sent.push(key)
  }
  return { sent, rewritten }
}

export function planResources(settings: Settings, paths: string[], looked: LookedUp[]): ResourcePlans {
  const plans: ResourcePlans = { inputs: [], kinds: new Map(), failed: [], messages: [] }
  const say = (text: string, level: Message['level'] = 'info'): void => void plans.messages.push({ level, text })
  for (const { id, resource } of looked) {
    const problem = resource ? stateProblem(resource) : null
    if (problem && 'fail' in problem) {
      plans.failed.push({ id, error: `${problem.fail}; nothing was sent to it` })
      say(`Resource ${id}: ${problem.fail}; nothing is sent to it.`, 'warning')
      continue
    }
    if (problem) say(`Resource ${id}: ${problem.warn}.`, 'warning')

    const { sent, rewritten } = asCacheKeys(paths, resource)
    if (rewritten.length) {
      const shown = `${rewritten.slice(0, 5).join(', ')}${rewritten.length > 5 ? ', …' : ''}`
      say(
        `Resource ${id}: ${plural(rewritten.length, 'path')} rewritten as its cache key sees the query string (${shown}); ${plural(sent.length, 'path')} sent.`
      )
    }

    const counts = new Map<string, PurgeCount>()
    plans.kinds.set(id, counts)
    if (settings.purge === 'off') {
      plans.inputs.push({ resource: id, paths: sent })
      continue
    }
    const optionsOf = resource ? pathOptionsOf(resource) : () => null
    const purge = new Map<string, PathPurge>()
    for (const path of sent) {
      const covered = settings.purgePatterns.some(pattern => patternCovers(pattern, path))
      const decision = covered ? { kind: 'covered' as const, why: COVERED } : decidePurge(settings.purge, resource, optionsOf(path))
      purge.set(path, decision.kind)
      const label = decision.kind === 'covered' ? 'purge-patterns' : decision.kind
      const count = counts.get(label) ?? { why: decision.why, paths: 0 }
      count.paths++
      counts.set(label, count)
    }
    if (resource && settings.purge === 'url') {
      const sliced = sent.filter(path => optionsOf(path)?.slice).length
      if (sliced)
        say(
          `Resource ${id}: purge: url on ${plural(sliced, 'sliced path')}: a purge by URL clears only the first 10 MB part, so old parts can stay at the edge. Use purge: auto.`,
          'warning'
        )
    }
    if (resource && (settings.purge === 'pattern' || settings.purgePatterns.length) && sent.some(path => optionsOf(path)?.customCacheKey)) {
      say(`Resource ${id} has a custom cache key (proxy_cache_key): Gcore says purge by pattern does not work with it.`, 'warning')
    }
    if (settings.purge === 'all')
      say(`Resource ${id}: purge: all clears the whole resource; every file is fetched from the origin again.`, 'warning')
    for (const [kind, count] of counts) say(`Resource ${id}: ${plural(count.paths, 'path')} purged ${PURGE_WORDS[kind]}: ${count.why}.`)
    plans.inputs.push({ resource: id, paths: sent, purge, userPatterns: settings.purgePatterns })
  }
  return plans
}

function describeState(resource: Resource): string {
  if (resource.deleted) return 'deleted'
  if (resource.suspended) return 'suspended'
  if (!resource.active && resource.status === 'active') return 'inactive'
  return resource.status
}

/** Each resource as the report and the `resources` output show it. */
export function resourceReports(settings: Settings, looked: LookedUp[], plans: ResourcePlans, plan: Plan): ResourceReport[] {
  return looked.map(({ id, givenHostname, resource }) => {
    const kinds = [...(plans.kinds.get(id) ?? [])].map(([kind, count]) => ({ kind, paths: count.paths, why: count.why }))
    const paths = plan.resources.find(entry => entry.resource === id)?.paths ?? []
    const optionsOf = resource ? pathOptionsOf(resource) : null
    return {
      id,
      hostname: resource?.hostname ?? givenHostname,
      state: resource ? describeState(resource) : 'unknown',
      slice: optionsOf ? paths.some(path => optionsOf(path).slice) : null,
      purgeKind: settings.purge === 'off' || kinds.length === 0 ? 'none' : kinds.length === 1 ? kinds[0].kind : 'mixed',
      paths: paths.length,
      purgeKinds: kinds,
      error: plans.failed.find(entry => entry.id === id)?.error ?? null
    }
  })
}
