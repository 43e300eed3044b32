/**
 * CDN resources and their rules, in the shape Gcore serves them
 * (ResourceResponse and RuleResponse in ../../shared/gcore-cdn-resources-openapi.yaml;
 * originProtocol and the hostHeader, forward_host_header and rewrite options in
 * ../../shared/gcore-cdn-origins-openapi.yaml).
 *
 * Two catalogs: a closed one, when the emulator is given resources (only those
 * IDs exist), and an open one, where every numeric ID exists with defaults
 * (cname `cdn<id>.example.com`, active, no slice, purge by URL allowed) so tests
 * can use any ID without declaring it.
 */
import { parseRewriteBody, REWRITE_FLAGS, type RewriteOption } from './rewrite.js'

export type ResourceStatus = 'active' | 'suspended' | 'processed' | 'deleted'

/** How CDN servers connect to the origin; Gcore: "If protocol is not specified, HTTP is used". */
export type OriginProtocol = 'HTTP' | 'HTTPS' | 'MATCH'

/** Gcore's option shape. */
export interface OptionValue<V> {
  enabled: boolean
  value: V
}

export interface HeadersHidingPolicy {
  enabled: boolean
  /** `hide`: hide every header except `excepted`; `show`: hide only `excepted`. */
  mode: 'hide' | 'show'
  excepted: string[]
}

/** The options that change caching or edge answers; `null` or absent means the account default. */
export interface ResourceOptions {
  slice?: OptionValue<boolean> | null
  ignoreQueryString?: OptionValue<boolean> | null
  query_params_whitelist?: OptionValue<string[]> | null
  query_params_blacklist?: OptionValue<string[]> | null
  proxy_cache_key?: OptionValue<string> | null
  response_headers_hiding_policy?: HeadersHidingPolicy | null
  /** The Host header the CDN sends the origin (null: the resource's cname). Served as given; the emulator's fetches ignore Host. */
  hostHeader?: OptionValue<string> | null
  /** Send the end user's Host header to the origin. Served as given; the emulator's fetches ignore Host. */
  forward_host_header?: OptionValue<boolean> | null
  /** Changes the path the CDN asks the origin for (rewrite.ts). */
  rewrite?: RewriteOption | null
  /** Any other Gcore option: served as given, otherwise ignored. */
  [option: string]: unknown
}

export interface RuleSpec {
  id: number
  name?: string
  /** A regular expression tested against the path without query (ruleType 1 prepends a `/`). */
  rule: string
  /** 0: regular expression; 1: legacy, Gcore prepends `/`. Default 0. */
  ruleType?: 0 | 1
  /** Lower weights are tried first; the first matching active rule wins. Default 1. */
  weight?: number
  active?: boolean
  deleted?: boolean
  /** Options that override the resource's for matching paths; `null` inherits. */
  options?: ResourceOptions | null
}

export interface ResourceSpec {
  id: number
  /** Default `cdn<id>.example.com`. */
  cname?: string
  secondaryHostnames?: string[]
  /** Default from the flags below, else `active`. */
  status?: ResourceStatus
  active?: boolean
  deleted?: boolean
  suspended?: boolean
  sslEnabled?: boolean
  can_purge_by_urls?: boolean
  /** The origin group the CDN fetches from; default 1. It must exist (EmulatorOptions.originGroups). */
  originGroup?: number
  /** Default HTTP. */
  originProtocol?: OriginProtocol
  options?: ResourceOptions | null
  rules?: RuleSpec[]
  /** Whether GET /cdn/resources/{id} embeds the rules (Gcore's list and detail usually answer `rules: []`). */
  embedRules?: boolean
}

export interface Rule {
  id: number
  name: string
  rule: string
  ruleType: 0 | 1
  weight: number
  active: boolean
  deleted: boolean
  options: ResourceOptions | null
}

/** A resource with every default filled in. */
export interface Resource {
  id: number
  cname: string
  secondaryHostnames: string[]
  status: ResourceStatus
  active: boolean
  deleted: boolean
  suspended: boolean
  sslEnabled: boolean
  canPurgeByUrls: boolean
  originGroup: number
  originGroupName: string
  originProtocol: OriginProtocol
  options: ResourceOptions | null
  rules: Rule[]
  embedRules: boolean
}

const STATUSES: readonly ResourceStatus[] = ['active', 'suspended', 'processed', 'deleted']
export const ORIGIN_PROTOCOLS: readonly OriginProtocol[] = ['HTTP', 'HTTPS', 'MATCH']
const CREATED = '2026-01-05T10:00:00.000000Z'

const defaultCname = (id: number): string => `cdn${id}.example.com`
const DEFAULT_ORIGIN_GROUP = 1

function resolveResource(spec: ResourceSpec, originGroupName: string): Resource {
  const status: ResourceStatus =
    spec.status ?? (spec.deleted ? 'deleted' : spec.suspended || spec.active === false ? 'suspended' : 'active')
  return {
    id: spec.id,
    cname: spec.cname ?? defaultCname(spec.id),
    secondaryHostnames: spec.secondaryHostnames ?? [],
    status,
    active: spec.active ?? (status === 'active' || status === 'processed'),
    deleted: spec.deleted ?? status === 'deleted',
    suspended: spec.suspended ?? status === 'suspended',
    sslEnabled: spec.sslEnabled ?? false,
    canPurgeByUrls: spec.can_purge_by_urls ?? true,
    originGroup: spec.originGroup ?? DEFAULT_ORIGIN_GROUP,
    originGroupName,
    originProtocol: spec.originProtocol ?? 'HTTP',
    options: spec.options === undefined ? {} : spec.options,
    rules: (spec.rules ?? []).map(rule => ({
      id: rule.id,
      name: rule.name ?? `Rule ${rule.id}`,
      rule: rule.rule,
      ruleType: rule.ruleType ?? 0,
      weight: rule.weight ?? 1,
      active: rule.active ?? true,
      deleted: rule.deleted ?? false,
      options: rule.options === undefined ? {} : rule.options
    })),
    embedRules: spec.embedRules ?? false
  }
}

/** Gcore no longer knows a deleted resource for purge and prefetch. */
export function isGone(resource: Resource): boolean {
  return resource.deleted || resource.status === 'deleted'
}

/**
 * Why purge and prefetch are refused on a resource that exists, or undefined.
 * Gcore does not document this answer; a suspended resource delivers nothing,
 * so the emulator refuses to fill or clear its cache with a 400 that says why.
 */
export function suspension(resource: Resource): { detail: string } | undefined {
  if (resource.suspended || resource.status === 'suspended' || !resource.active) {
    return { detail: `CDN resource ${resource.id} is suspended. Activate it before purging or prefetching.` }
  }
  return undefined
}

export class ResourceCatalog {
  private readonly resources = new Map<number, Resource>()
  /** Closed: only the given resources exist. Open: any numeric ID does, with defaults. */
  readonly closed: boolean

  /** `originGroups`: the names of the origin groups that exist, by ID; every resource must use one of them. */
  constructor(
    specs: ResourceSpec[] | undefined,
    private readonly originGroups: ReadonlyMap<number, string>
  ) {
    this.closed = specs !== undefined
    if (!this.closed && !originGroups.has(DEFAULT_ORIGIN_GROUP))
      throw new Error(`resources: without a list, every resource uses origin group ${DEFAULT_ORIGIN_GROUP}, which originGroups lacks`)
    checkResourceSpecs(specs ?? [], 'resources').forEach((spec, index) => {
      const group = spec.originGroup ?? DEFAULT_ORIGIN_GROUP
      if (!originGroups.has(group))
        throw new Error(`resources[${index}].originGroup: origin group ${group} does not exist (${[...originGroups.keys()].join(', ')} do)`)
      this.resources.set(spec.id, resolveResource(spec, originGroups.get(group)!))
    })
  }

  /** The resource, or undefined when the ID does not exist. An open catalog creates it on first use. */
  get(id: number): Resource | undefined {
    const known = this.resources.get(id)
    if (known || this.closed || !Number.isSafeInteger(id) || id < 1) return known
    const created = resolveResource({ id }, this.originGroups.get(DEFAULT_ORIGIN_GROUP)!)
    this.resources.set(id, created)
    return created
  }

  /** The resource serving a hostname (its cname or a secondary hostname, any case). */
  byHost(host: string): Resource | undefined {
    const name = host.toLowerCase()
    for (const resource of this.resources.values()) {
      if (resource.cname.toLowerCase() === name || resource.secondaryHostnames.some(other => other.toLowerCase() === name)) return resource
    }
    const implied = this.closed ? null : /^cdn(\d+)\.example\.com$/.exec(name)
    return implied ? this.get(Number(implied[1])) : undefined
  }

  /** Every resource that exists: all given ones, or those an open catalog has seen so far. */
  list(): Resource[] {
    return [...this.resources.values()].sort((a, b) => a.id - b.id)
  }

  /** Whether a resource uses the origin group (in an open catalog, every resource could use the default one). */
  usesOriginGroup(id: number): boolean {
    return (!this.closed && id === DEFAULT_ORIGIN_GROUP) || this.list().some(resource => resource.originGroup === id)
  }
}

/** GET /cdn/resources/{id}: Gcore's ResourceResponse. */
export function resourceJson(resource: Resource): Record<string, unknown> {
  return {
    id: resource.id,
    cname: resource.cname,
    active: resource.active,
    enabled: true,
    status: resource.status,
    deleted: resource.deleted,
    client: 1,
    name: null,
    description: '',
    created: CREATED,
    updated: CREATED,
    originGroup: resource.originGroup,
    originGroup_name: resource.originGroupName,
    originProtocol: resource.originProtocol,
    secondaryHostnames: resource.secondaryHostnames,
    shielded: false,
    shield_dc: null,
    shield_enabled: false,
    shield_routing_map: null,
    sslEnabled: resource.sslEnabled,
    sslData: resource.sslEnabled ? 1 : null,
    proxy_ssl_enabled: false,
    proxy_ssl_ca: null,
    proxy_ssl_data: null,
    preset_applied: false,
    vp_enabled: false,
    full_custom_enabled: false,
    can_purge_by_urls: resource.canPurgeByUrls,
    suspend_date: null,
    suspended: resource.suspended,
    primary_resource: null,
    is_primary: null,
    waap_domain_id: null,
    rules: resource.embedRules ? resource.rules.map(ruleJson) : [],
    options: resource.options
  }
}

/** GET /cdn/resources/{id}/rules: Gcore's RuleResponse. */
export function ruleJson(rule: Rule): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.name,
    active: rule.active,
    deleted: rule.deleted,
    originGroup: null,
    rule: rule.rule,
    ruleType: rule.ruleType,
    weight: rule.weight,
    originProtocol: 'HTTPS',
    overrideOriginProtocol: null,
    preset_applied: false,
    primary_rule: null,
    options: rule.options
  }
}

/**
 * Checks resource specs from code or a JSON file, so a typo fails at start-up
 * with the place named instead of as a puzzling answer later.
 */
export function checkResourceSpecs(value: unknown, where: string): ResourceSpec[] {
  if (!Array.isArray(value)) throw new Error(`${where}: expected an array of resources`)
  const seen = new Set<number>()
  value.forEach((spec: unknown, index) => {
    const at = `${where}[${index}]`
    if (!isObject(spec)) throw new Error(`${at}: expected an object`)
    if (!isPositiveInteger(spec.id)) throw new Error(`${at}.id: expected a positive integer, got ${JSON.stringify(spec.id)}`)
    if (seen.has(spec.id)) throw new Error(`${at}.id: resource ${spec.id} is given twice`)
    seen.add(spec.id)
    for (const field of ['cname'] as const)
      if (spec[field] !== undefined && typeof spec[field] !== 'string') throw new Error(`${at}.${field}: expected a string`)
    for (const field of ['active', 'deleted', 'suspended', 'sslEnabled', 'can_purge_by_urls', 'embedRules'] as const) {
      if (spec[field] !== undefined && typeof spec[field] !== 'boolean') throw new Error(`${at}.${field}: expected true or false`)
    }
    if (spec.status !== undefined && !STATUSES.includes(spec.status as ResourceStatus)) {
      throw new Error(`${at}.status: expected one of ${STATUSES.join(', ')}, got ${JSON.stringify(spec.status)}`)
    }
    if (spec.secondaryHostnames !== undefined && !isStringArray(spec.secondaryHostnames))
      throw new Error(`${at}.secondaryHostnames: expected an array of strings`)
    if (spec.originGroup !== undefined && !isPositiveInteger(spec.originGroup))
      throw new Error(`${at}.originGroup: expected a positive integer, got ${JSON.stringify(spec.originGroup)}`)
    if (spec.originProtocol !== undefined && !ORIGIN_PROTOCOLS.includes(spec.originProtocol as OriginProtocol))
      throw new Error(`${at}.originProtocol: expected one of ${ORIGIN_PROTOCOLS.join(', ')}, got ${JSON.stringify(spec.originProtocol)}`)
    checkOptions(spec.options, `${at}.options`)
    if (spec.rules !== undefined) {
      if (!Array.isArray(spec.rules)) throw new Error(`${at}.rules: expected an array`)
      spec.rules.forEach((rule: unknown, ruleIndex) => checkRule(rule, `${at}.rules[${ruleIndex}]`))
    }
  })
  return value as ResourceSpec[]
}

function checkRule(rule: unknown, at: string): void {
  if (!isObject(rule)) throw new Error(`${at}: expected an object`)
  if (!isPositiveInteger(rule.id)) throw new Error(`${at}.id: expected a positive integer`)
  if (typeof rule.rule !== 'string') throw new Error(`${at}.rule: expected a string (a regular expression)`)
  try {
    new RegExp(rule.rule)
  } catch {
    throw new Error(`${at}.rule: not a regular expression: ${rule.rule}`)
  }
  if (rule.ruleType !== undefined && rule.ruleType !== 0 && rule.ruleType !== 1) throw new Error(`${at}.ruleType: expected 0 or 1`)
  if (rule.weight !== undefined && !isPositiveInteger(rule.weight)) throw new Error(`${at}.weight: expected a positive integer`)
  checkOptions(rule.options, `${at}.options`)
}

function checkOptions(options: unknown, at: string): void {
  if (options === undefined || options === null) return
  if (!isObject(options)) throw new Error(`${at}: expected an object or null`)
  for (const name of ['slice', 'ignoreQueryString', 'query_params_whitelist', 'query_params_blacklist', 'proxy_cache_key'] as const) {
    const option = options[name]
    if (option !== undefined && option !== null && !(isObject(option) && typeof option.enabled === 'boolean' && 'value' in option)) {
      throw new Error(`${at}.${name}: expected {"enabled": true|false, "value": …} or null`)
    }
  }
  for (const name of ['query_params_whitelist', 'query_params_blacklist'] as const) {
    const option = options[name]
    if (isObject(option) && !isStringArray(option.value)) throw new Error(`${at}.${name}.value: expected an array of parameter names`)
  }
  const policy = options.response_headers_hiding_policy
  if (
    policy !== undefined &&
    policy !== null &&
    !(
      isObject(policy) &&
      typeof policy.enabled === 'boolean' &&
      (policy.mode === 'hide' || policy.mode === 'show') &&
      isStringArray(policy.excepted)
    )
  ) {
    throw new Error(`${at}.response_headers_hiding_policy: expected {"enabled": …, "mode": "hide"|"show", "excepted": [header, …]} or null`)
  }
  checkOriginOptions(options, at)
}

/** hostHeader, forward_host_header (not both on: Gcore refuses it) and rewrite. */
function checkOriginOptions(options: Record<string, unknown>, at: string): void {
  const { hostHeader, forward_host_header: forward, rewrite } = options
  if (hostHeader !== undefined && hostHeader !== null && !(isOption(hostHeader) && typeof hostHeader.value === 'string'))
    throw new Error(`${at}.hostHeader: expected {"enabled": true|false, "value": "<host>"} or null`)
  if (forward !== undefined && forward !== null && !(isOption(forward) && typeof forward.value === 'boolean'))
    throw new Error(`${at}.forward_host_header: expected {"enabled": true|false, "value": true|false} or null`)
  if (isOption(hostHeader) && hostHeader.enabled && isOption(forward) && forward.enabled && forward.value === true)
    throw new Error(`${at}: hostHeader and forward_host_header cannot be enabled simultaneously (Gcore)`)
  if (rewrite === undefined || rewrite === null) return
  if (!isObject(rewrite) || typeof rewrite.enabled !== 'boolean' || typeof rewrite.body !== 'string')
    throw new Error(`${at}.rewrite: expected {"enabled": true|false, "body": "<regex> <replacement>", "flag": …} or null`)
  const parsed = parseRewriteBody(rewrite.body)
  if (typeof parsed === 'string') throw new Error(`${at}.rewrite.body: ${parsed}`)
  if (rewrite.flag !== undefined && !(REWRITE_FLAGS as readonly unknown[]).includes(rewrite.flag))
    throw new Error(`${at}.rewrite.flag: expected one of ${REWRITE_FLAGS.join(', ')}`)
}

function isOption(value: unknown): value is { enabled: boolean; value: unknown } {
  return isObject(value) && typeof value.enabled === 'boolean' && 'value' in value
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(item => typeof item === 'string')
}
