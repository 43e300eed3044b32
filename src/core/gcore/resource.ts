/**
 * What a CDN resource caches, read from Gcore, and what that means for purge,
 * prefetch and verification (sources: ../shared/gcore-resource-facts.md).
 *
 * - slice: large files are cached in 10 MB parts, and a purge by URL deletes
 *   only the first: such paths must be purged by pattern (or all).
 * - can_purge_by_urls false: the resource keeps Vary variants; purge by URL is
 *   refused or clears one variant: purge by pattern.
 * - proxy_cache_key: a custom cache key; purge by pattern "will not work".
 * - ignoreQueryString, query_params_whitelist/blacklist: which part of the query
 *   string is in the cache key, so which paths are one object.
 * - response_headers_hiding_policy: whether the edge's `Cache` header is visible.
 * - originGroup, originProtocol, hostHeader, forward_host_header, rewrite: where
 *   and how the CDN fetches a path from the origin (see origin/route.ts).
 *
 * A rule overrides the resource's options for the paths it matches: the active
 * rules are tried in `weight` order and the first match applies (a `ruleType` 0
 * rule is a regular expression on the path). Where two matching rules disagree
 * on slice, slice counts as on: a purge by pattern is right either way.
 */
import type { PurgeKind } from '../ports.js'
import type { PurgeMode } from '../settings.js'

/** An option as Gcore returns it: `{enabled, value}`, or null (the account default). */
type GcoreOption =
  { enabled?: unknown; value?: unknown; mode?: unknown; excepted?: unknown; body?: unknown; flag?: unknown } | null | undefined
type GcoreOptions = Record<string, GcoreOption> | null | undefined

interface Rule {
  id: number | null
  rule: string
  ruleType: number
  weight: number
  /** The origin group for its paths, when not the resource's. */
  originGroup: number | null
  /** `overrideOriginProtocol`: the protocol for its paths, when not the resource's. */
  originProtocol: OriginProtocol | null
  options: GcoreOptions
  /** Null when the pattern is not a regular expression JavaScript can read. */
  regex: RegExp | null
}

/** How CDN servers connect to the origin: HTTP when Gcore says nothing. */
type OriginProtocol = 'HTTP' | 'HTTPS' | 'MATCH'

export interface Resource {
  id: number
  hostname: string | null
  secondaryHostnames: string[]
  /** active, suspended, processed, deleted. */
  status: string
  active: boolean
  deleted: boolean
  suspended: boolean
  sslEnabled: boolean
  canPurgeByUrls: boolean
  /** The origin group's ID; null when the answer has none. */
  originGroup: number | null
  originProtocol: OriginProtocol
  options: GcoreOptions
  rules: Rule[]
}

/** The options that matter here, as they apply to one path. */
export interface PathOptions {
  slice: boolean
  ignoreQueryString: boolean
  whitelist: string[] | null
  blacklist: string[] | null
  customCacheKey: boolean
  hidesCacheHeader: boolean
  /** Where the CDN fetches the path: the origin group and protocol (a rule may change both). */
  originGroup: number | null
  originProtocol: OriginProtocol
  /** `hostHeader`: the Host header the CDN sends to the origin, when set. */
  hostHeader: string | null
  /** `forward_host_header`: the end user's Host goes to the origin. */
  forwardHostHeader: boolean
  /** `rewrite`: an nginx rewrite of the path the origin is asked for, when enabled. */
  rewrite: { body: string; flag: string } | null
}

const asBoolean = (value: unknown): boolean => value === true
const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const asId = (value: unknown): number | null => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null)
const PROTOCOLS: readonly OriginProtocol[] = ['HTTP', 'HTTPS', 'MATCH']
const asProtocol = (value: unknown): OriginProtocol | null =>
  PROTOCOLS.includes(value as OriginProtocol) ? (value as OriginProtocol) : null

/** The resource object of `GET /cdn/resources/{id}`, read defensively. */
export function parseResource(body: unknown, rulesBody?: unknown): Resource {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const embedded = Array.isArray(raw.rules) ? raw.rules : []
  const rules = rulesBody === undefined ? embedded : listOf(rulesBody)
  return {
    id: Number(raw.id),
    hostname: asString(raw.cname),
    secondaryHostnames: Array.isArray(raw.secondaryHostnames)
      ? raw.secondaryHostnames.filter((name): name is string => typeof name === 'string')
      : [],
    status: asString(raw.status) ?? 'active',
    active: raw.active === undefined ? true : asBoolean(raw.active),
    deleted: asBoolean(raw.deleted),
    suspended: asBoolean(raw.suspended),
    sslEnabled: asBoolean(raw.sslEnabled),
    // Undocumented absence: assume the safe answer, that URLs cannot be purged one by one.
    canPurgeByUrls: asBoolean(raw.can_purge_by_urls),
    originGroup: asId(raw.originGroup),
    // Gcore: "If protocol is not specified, HTTP is used to connect to an origin server."
    originProtocol: asProtocol(raw.originProtocol) ?? 'HTTP',
    options: (raw.options && typeof raw.options === 'object' ? raw.options : null) as GcoreOptions,
    rules: parseRules(rules)
  }
}

/** A plain list, or the `results` of a paginated one. */
export function listOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body
  const results = (body as { results?: unknown } | null)?.results
  return Array.isArray(results) ? results : []
}

function parseRules(items: unknown[]): Rule[] {
  const rules: Rule[] = []
  for (const item of items) {
    if (!item || typeof item !== 'object') continue
    const raw = item as Record<string, unknown>
    if (raw.active === false || raw.deleted === true || typeof raw.rule !== 'string') continue
    const ruleType = typeof raw.ruleType === 'number' ? raw.ruleType : 0
    // Gcore adds a leading slash to every rule path; type 1 (legacy) puts one before the expression.
    const source = ruleType === 1 ? `/${raw.rule}` : raw.rule.startsWith('/') || raw.rule.startsWith('^') ? raw.rule : `/${raw.rule}`
    let regex: RegExp | null
    try {
      regex = new RegExp(source)
    } catch {
      regex = null
    }
    rules.push({
      id: typeof raw.id === 'number' ? raw.id : null,
      rule: raw.rule,
      ruleType,
      weight: typeof raw.weight === 'number' ? raw.weight : Number.MAX_SAFE_INTEGER,
      originGroup: asId(raw.originGroup),
      originProtocol: asProtocol(raw.overrideOriginProtocol),
      options: (raw.options && typeof raw.options === 'object' ? raw.options : null) as GcoreOptions,
      regex
    })
  }
  return rules.sort((a, b) => a.weight - b.weight)
}

/** What the rules see of a path: its decoded path, without the query. */
function rulePath(path: string): string {
  const bare = path.split('?')[0]
  try {
    return decodeURIComponent(bare)
  } catch {
    return bare
  }
}

/** Rules that apply to a path, first match first; a rule we cannot read counts as matching. */
function matchingRules(resource: Resource, path: string): Rule[] {
  const target = rulePath(path)
  return resource.rules.filter(rule => rule.regex === null || rule.regex.test(target))
}

function option(options: GcoreOptions, name: string): GcoreOption {
  return options ? options[name] : null
}

function isOn(value: GcoreOption): boolean {
  return !!value && value.enabled !== false && value.value === true
}

function listValue(value: GcoreOption): string[] | null {
  return value && value.enabled !== false && Array.isArray(value.value) ? value.value.map(String) : null
}

function hidesCache(value: GcoreOption): boolean {
  if (!value || value.enabled === false) return false
  const excepted = Array.isArray(value.excepted) ? value.excepted.map(header => String(header).toLowerCase()) : []
  if (value.mode === 'hide') return !excepted.includes('cache')
  if (value.mode === 'show') return excepted.includes('cache')
  return false
}

/**
 * pathOptions for many paths: paths matched by the same rules share one result,
 * so 100,000 paths cost one object per combination of rules, not one each.
 */
export function pathOptionsOf(resource: Resource): (path: string) => PathOptions {
  const byRules = new Map<string, PathOptions>()
  return path => {
    const rules = matchingRules(resource, path)
    const key = rules.map(rule => resource.rules.indexOf(rule)).join(',')
    let options = byRules.get(key)
    if (!options) byRules.set(key, (options = optionsFor(resource, rules)))
    return options
  }
}

/** The resource's options, overridden by the first matching rule that sets them. */
function optionsFor(resource: Resource, rules: Rule[]): PathOptions {
  const effective = (name: string): GcoreOption => {
    const set = rules.find(rule => option(rule.options, name) != null)
    return set ? option(set.options, name) : option(resource.options, name)
  }
  const sliceAnywhere = rules.some(rule => isOn(option(rule.options, 'slice')))
  const cacheKey = effective('proxy_cache_key')
  const hostHeader = effective('hostHeader')
  const rewrite = effective('rewrite')
  return {
    slice: isOn(effective('slice')) || sliceAnywhere,
    ignoreQueryString: isOn(effective('ignoreQueryString')),
    whitelist: listValue(effective('query_params_whitelist')),
    blacklist: listValue(effective('query_params_blacklist')),
    // `$request_uri` is Gcore's default key: only another one is custom.
    customCacheKey:
      !!cacheKey && cacheKey.enabled !== false && typeof cacheKey.value === 'string' && !['', '$request_uri'].includes(cacheKey.value),
    hidesCacheHeader: hidesCache(effective('response_headers_hiding_policy')),
    originGroup: rules.find(rule => rule.originGroup !== null)?.originGroup ?? resource.originGroup,
    originProtocol: rules.find(rule => rule.originProtocol !== null)?.originProtocol ?? resource.originProtocol,
    hostHeader:
      hostHeader && hostHeader.enabled !== false && typeof hostHeader.value === 'string' && hostHeader.value ? hostHeader.value : null,
    forwardHostHeader: isOn(effective('forward_host_header')),
    rewrite:
      rewrite && rewrite.enabled !== false && typeof rewrite.body === 'string'
        ? { body: rewrite.body, flag: asString(rewrite.flag) ?? 'break' }
        : null
  }
}

/** The path as the cache key sees it: its query string dropped or filtered as the options say. */
export function cacheKeyPath(path: string, options: PathOptions): string {
  const at = path.indexOf('?')
  if (at === -1) return path
  const bare = path.slice(0, at)
  if (options.ignoreQueryString) return bare
  const keep = options.whitelist
    ? (name: string) => options.whitelist!.includes(name)
    : options.blacklist
      ? (name: string) => !options.blacklist!.includes(name)
      : null
  if (!keep) return path
  const pairs = path
    .slice(at + 1)
    .split('&')
    .filter(pair => pair !== '' && keep(decodeName(pair.split('=')[0])))
  return pairs.length ? `${bare}?${pairs.join('&')}` : bare
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '))
  } catch {
    return name
  }
}

export interface PurgeDecision {
  kind: PurgeKind
  /** Why, in words for the summary. */
  why: string
}

const WHY = {
  unknown: 'resource settings not read: purge by URL, as the action always did',
  chosen: 'chosen by the purge input',
  urlClears: 'purge by URL clears the whole file',
  slice: 'slice on: purge by URL clears only the first 10 MB part',
  vary: 'can_purge_by_urls is false (the resource keeps Vary variants): purge by URL is refused or clears one variant',
  customKey: 'custom cache key: purge by pattern does not work, and purge by URL would leave parts or variants',
  all: 'purge all: one request clears the whole resource'
} as const

/** How to purge one path so that the whole file is cleared. */
export function decidePurge(mode: Exclude<PurgeMode, 'off'>, resource: Resource | null, options: PathOptions | null): PurgeDecision {
  if (mode === 'url' || mode === 'pattern') return { kind: mode, why: WHY.chosen }
  if (mode === 'all') return { kind: 'all', why: WHY.all }
  if (!resource || !options) return { kind: 'url', why: WHY.unknown }
  const urlFallsShort = options.slice || !resource.canPurgeByUrls
  if (!urlFallsShort) return { kind: 'url', why: WHY.urlClears }
  if (options.customCacheKey) return { kind: 'all', why: WHY.customKey }
  return { kind: 'pattern', why: options.slice ? WHY.slice : WHY.vary }
}

/** Fails fast on a resource that cannot serve; a resource being changed is only a warning. */
export function stateProblem(resource: Resource): { fail: string } | { warn: string } | null {
  if (resource.deleted || resource.status === 'deleted') return { fail: `resource ${resource.id} is deleted` }
  if (resource.suspended || resource.status === 'suspended') return { fail: `resource ${resource.id} is suspended: it serves no content` }
  if (!resource.active) return { fail: `resource ${resource.id} is not active (active: false): it serves no content` }
  if (resource.status === 'processed')
    return {
      warn: `resource ${resource.id} is being changed (status processed): a new setting can take about 15 minutes to reach every location`
    }
  if (resource.status !== 'active') return { warn: `resource ${resource.id} has status ${JSON.stringify(resource.status)}` }
  return null
}

/** The base URL the edge answers on: the resource's hostname, https when it serves SSL. */
export function edgeBaseUrl(resource: Resource): string | null {
  return resource.hostname ? `${resource.sslEnabled ? 'https' : 'http'}://${resource.hostname}` : null
}

/** Resources whose hostname (main, then secondary) is `hostname`, deleted ones left out. */
export function withHostname(items: unknown[], hostname: string, field: 'cname' | 'secondaryHostnames'): number[] {
  const want = hostname.toLowerCase()
  const ids = new Set<number>()
  for (const item of items) {
    const raw = (item ?? {}) as Record<string, unknown>
    if (raw.deleted === true || raw.status === 'deleted' || typeof raw.id !== 'number') continue
    const names = field === 'cname' ? [raw.cname] : Array.isArray(raw.secondaryHostnames) ? raw.secondaryHostnames : []
    if (names.some(name => typeof name === 'string' && name.toLowerCase() === want)) ids.add(raw.id)
  }
  return [...ids]
}
