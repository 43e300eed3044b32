/**
 * The plan in words, for the log and the summary: what was decided for each
 * resource and why, the one-line plan, and what the user should know before
 * anything is sent (pattern overlaps, slow pattern purges).
 */
import { formatDuration, formatSeconds, plural } from '../format.js'
import type { Settings } from '../settings.js'
import { patternOf, type Batch } from './batches.js'
import { intervalOf, type LaneIntervals } from './estimate.js'
import type { Plan, ResourcePlan } from './plan.js'

export interface Message {
  level: 'info' | 'warning'
  text: string
}

/** Pattern purges slower than this get a warning with the alternatives. */
const SLOW_PATTERN_PURGES_MS = 10 * 60_000
/** How many examples a note lists before "…". */
const EXAMPLES = 5

const PURGE_WORDS: Record<string, string> = {
  url: 'by URL',
  pattern: 'by pattern',
  all: 'by one purge of the whole resource',
  'purge-patterns': 'by a pattern of purge-patterns'
}

const examples = (items: string[], max = EXAMPLES): string => `${items.slice(0, max).join(', ')}${items.length > max ? ', …' : ''}`

/** What was decided for each resource and why, and what a pattern purge clears besides. */
export function planMessages(plan: Plan, settings: Settings): Message[] {
  return [
    ...plan.resources.flatMap(resource => resourceMessages(resource, settings)),
    ...overlapNotes(plan).map(text => ({ level: 'info' as const, text }))
  ]
}

function resourceMessages(record: ResourcePlan, settings: Settings): Message[] {
  const { id } = record
  const messages: Message[] = []
  const say = (text: string, level: Message['level'] = 'info'): void => void messages.push({ level, text })
  if (record.failure) return [{ level: 'warning', text: `Resource ${id}: ${record.failure}; nothing is sent to it.` }]
  if (record.stateWarning) say(`Resource ${id}: ${record.stateWarning}.`, 'warning')
  if (record.rewritten.length) {
    say(
      `Resource ${id}: ${plural(record.rewritten.length, 'path')} rewritten as its cache key sees the query string (${examples(record.rewritten)}); ${plural(record.paths.length, 'path')} sent.`
    )
  }
  if (settings.purge === 'off') return messages
  if (settings.purge === 'url' && record.sliced) {
    say(
      `Resource ${id}: purge: url on ${plural(record.sliced, 'sliced path')}: a purge by URL clears only the first 10 MB part, so old parts can stay at the edge. Use purge: auto.`,
      'warning'
    )
  }
  if ((settings.purge === 'pattern' || record.userPatterns.length) && record.customCacheKey) {
    say(`Resource ${id} has a custom cache key (proxy_cache_key): Gcore says purge by pattern does not work with it.`, 'warning')
  }
  if (settings.purge === 'all')
    say(`Resource ${id}: purge: all clears the whole resource; every file is fetched from the origin again.`, 'warning')
  for (const count of record.purgeKinds)
    say(`Resource ${id}: ${plural(count.paths, 'path')} purged ${PURGE_WORDS[count.kind]}: ${count.why}.`)
  return messages
}

/**
 * Among the run's own paths, those a pattern of this plan clears besides its own:
 * Gcore's pattern is a recursive prefix, so `/a.iso` also clears `/a.iso.sig`.
 * User patterns are left out: clearing a folder is what they are for.
 */
export function patternOverlaps(record: Pick<ResourcePlan, 'paths' | 'batches'>): { pattern: string; alsoClears: string[] }[] {
  const own = (batch: Batch): boolean => batch.kind === 'pattern' && !batch.fromInput
  if (!record.batches.some(own)) return []
  const sorted = record.paths.map(path => [patternOf(path), path] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const keys = sorted.map(([key]) => key)
  const overlaps: { pattern: string; alsoClears: string[] }[] = []
  for (const batch of record.batches.filter(own)) {
    for (const pattern of batch.items) {
      const alsoClears: string[] = []
      for (let i = lowerBound(keys, pattern); i < keys.length && keys[i].startsWith(pattern); i++) {
        if (keys[i] !== pattern) alsoClears.push(sorted[i][1])
      }
      if (alsoClears.length) overlaps.push({ pattern, alsoClears })
    }
  }
  return overlaps
}

function lowerBound(sorted: string[], value: string): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const mid = (low + high) >>> 1
    if (sorted[mid] < value) low = mid + 1
    else high = mid
  }
  return low
}

function overlapNotes(plan: Plan): string[] {
  return plan.resources.flatMap(record => {
    const overlaps = patternOverlaps(record)
    if (overlaps.length === 0) return []
    const shown = overlaps.slice(0, EXAMPLES).map(entry => `${entry.pattern} also clears ${examples(entry.alsoClears, 3)}`)
    const more = overlaps.length > EXAMPLES ? `; and ${overlaps.length - EXAMPLES} more` : ''
    return [`Resource ${record.id}: a purge by pattern is a prefix, so ${shown.join('; ')}${more}.`]
  })
}

/** Pattern purges that take long at the pattern lane's rate, with what clears the same faster. */
export function slowPatternWarnings(plan: Plan, intervals: LaneIntervals): string[] {
  return plan.resources.flatMap(record => {
    const patterns = record.batches.filter(batch => batch.lane === 'purge-pattern').length
    const interval = intervalOf('purge-pattern', intervals)
    const time = (patterns - 1) * interval
    if (patterns < 2 || time <= SLOW_PATTERN_PURGES_MS) return []
    return [
      `Resource ${record.id}: ${plural(patterns, 'purge by pattern request')} at one per ${formatDuration(interval)} take about ${formatDuration(time)}. ` +
        'A few folder patterns in purge-patterns, or purge: all, clear the same in one or two requests.'
    ]
  })
}

/** `250 paths: 3 purge by URL and 3 prefetch batches of up to 100, one prefetch every 60 s: about 2 min`. */
export function describePlan(plan: Plan, estimate: number, batchSize: number, intervals: LaneIntervals): string {
  const first = plan.resources.find(record => !record.failure) ?? plan.resources[0]
  const count = (lane: string): number => first?.batches.filter(batch => batch.lane === lane).length ?? 0
  const purges = [
    count('purge-url') && `${count('purge-url')} purge by URL`,
    count('purge-pattern') && `${count('purge-pattern')} purge by pattern`
  ].filter(Boolean)
  const resources = plan.resources.length > 1 ? ` on each of ${plan.resources.length} resources` : ''
  const time = estimate < 1000 ? 'under a second' : `about ${formatDuration(estimate)}`
  const pace = count('prefetch') > 1 ? `, one prefetch every ${formatSeconds(intervals.prefetchMs)}` : ''
  return `${plural(plan.paths.length, 'path')}: ${purges.length ? `${purges.join(', ')} and ` : ''}${plural(count('prefetch'), 'prefetch batch', 'prefetch batches')} of up to ${batchSize}${resources}${pace}: ${time}`
}
