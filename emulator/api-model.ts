/**
 * The API's decisions, without HTTP: which endpoint a request names, and what
 * Gcore answers to it, in Gcore's order (auth, route, method, role, content
 * type, body, resource state, rate lane, effect). The emulator's server asks
 * it for every request; the tests' fake Gcore asks it too, so the two answer
 * alike by construction.
 */
import type { CdnModel } from './cdn-model.js'
import type { ApiOperation } from './faults.js'
import type { OriginGroups } from './origin-groups.js'
import type { Answer } from './pagination.js'
import type { PurgeHistory } from './purge-history.js'
import { rateNotation, type RateKind, type RateLanes } from './rate-lanes.js'
import { getResource, getRules, listResources } from './resource-endpoints.js'
import { isGone, suspension } from './resources.js'
import { checkPrefetch, checkPurge, type WriteLimits } from './write-requests.js'

export interface Route {
  operation: ApiOperation
  resource: number | null
  rule: number | null
  /** The origin group ID, for origin-group. */
  group: number | null
}

/** Which endpoint a request target names; resource IDs only when numeric. */
export function routeOf(target: string): Route {
  const pathname = new URL(target, 'http://x').pathname.replace(/\/+$/, '') || '/'
  const id = (text: string | undefined): number | null => (text !== undefined && /^\d+$/.test(text) ? Number(text) : null)
  const none = { resource: null, rule: null, group: null }
  const write = /^\/cdn\/resources\/([^/]+)\/(prefetch|purge)$/.exec(pathname)
  if (write) return { ...none, operation: write[2] as ApiOperation, resource: id(write[1]) }
  const rules = /^\/cdn\/resources\/([^/]+)\/rules(?:\/([^/]+))?$/.exec(pathname)
  if (rules)
    return {
      ...none,
      operation: rules[2] !== undefined && id(rules[2]) === null ? 'other' : 'rules',
      resource: id(rules[1]),
      rule: id(rules[2])
    }
  const resource = /^\/cdn\/resources\/([^/]+)$/.exec(pathname)
  if (resource) return { ...none, operation: 'resource', resource: id(resource[1]) }
  const group = /^\/cdn\/origin_groups\/([^/]+)$/.exec(pathname)
  if (group) return { ...none, operation: 'origin-group', group: id(group[1]) }
  const fixed: Record<string, ApiOperation> = {
    '/cdn/resources': 'resources',
    '/cdn/clients/me/limits': 'limits',
    '/cdn/purge_statuses': 'purge-status'
  }
  return { ...none, operation: fixed[pathname] ?? 'other' }
}

/** One API request, as it arrived. */
export interface ApiRequest {
  method: string
  /** The request target: path and query. */
  target: string
  authorization: string
  contentType: string
  /** The body as sent. */
  text: string
  /** A `lost` fault: a prefetch accepted, and never carried out. */
  lost: boolean
}

export interface ApiSettings extends WriteLimits {
  apiKey: string
  restrictedKeys?: string[]
  windowMs: number
  /** The answer of GET /cdn/clients/me/limits; by default derived from the settings. */
  limits?: { status: number; body: unknown }
  unmaskedS3Secrets?: boolean
}

export interface ApiParts {
  model: CdnModel
  groups: OriginGroups
  lanes: RateLanes
  history: PurgeHistory
  now: () => number
  /** Where host source `index` listens, as an origin group shows it (`host:port`). */
  address: (index: number) => string
  /** The API's own base URL, for pagination links. */
  base: () => string
}

export class ApiModel {
  constructor(
    private readonly settings: ApiSettings,
    private readonly parts: ApiParts
  ) {}

  /** The documented contract: [status, JSON body]; `kind` is the rate lane an accepted-or-throttled write was for. */
  answer(request: ApiRequest, route: Route = routeOf(request.target)): { answer: Answer; kind?: RateKind } {
    const role = this.roleOf(request.authorization)
    if (!role) return { answer: [401, { detail: 'Invalid authentication credentials.' }] }
    const expected = route.operation === 'prefetch' || route.operation === 'purge' ? 'POST' : 'GET'
    if (route.operation === 'other') return { answer: [404, { detail: 'Not found.' }] }
    if (request.method !== expected) return { answer: [405, { detail: `Method "${request.method}" not allowed.` }] }
    const listUrl = new URL(request.target, this.parts.base() || 'http://127.0.0.1')
    const query = listUrl.searchParams
    const readsSettings = ['resource', 'rules', 'resources', 'origin-group'].includes(route.operation)
    if (readsSettings && role === 'purge-and-prefetch') {
      return { answer: [403, { detail: 'You do not have permission to perform this action.' }] }
    }
    const { catalog } = this.parts.model
    switch (route.operation) {
      case 'limits':
        return { answer: this.limitsAnswer() }
      case 'purge-status':
        return { answer: this.parts.history.query(query, listUrl, this.parts.now()) }
      case 'resource':
        return { answer: getResource(catalog, route.resource) }
      case 'rules':
        return { answer: getRules(catalog, route.resource, route.rule, query, listUrl) }
      case 'resources':
        return { answer: listResources(catalog, query, listUrl) }
      case 'origin-group':
        return { answer: this.originGroupAnswer(route.group) }
      default:
        return this.write(request, route)
    }
  }

  private roleOf(authorization: string): 'full' | 'purge-and-prefetch' | null {
    const [scheme, ...rest] = authorization.split(' ')
    const key = rest.join(' ')
    if (scheme?.toLowerCase() !== 'apikey') return null
    if (key === this.settings.apiKey) return 'full'
    return this.settings.restrictedKeys?.includes(key) ? 'purge-and-prefetch' : null
  }

  /** POST purge or prefetch: resource, body, resource state, rate, then the effect on the cache (none for a `lost` prefetch). */
  private write(request: ApiRequest, route: Route): { answer: Answer; kind?: RateKind } {
    const { model, lanes, history, now } = this.parts
    const resource = route.resource === null ? undefined : model.catalog.get(route.resource)
    if (!resource || isGone(resource)) return { answer: [404, { detail: 'Not found.' }] }
    if (!request.contentType.startsWith('application/json')) {
      return { answer: [415, { detail: `Unsupported media type "${request.contentType}" in request.` }] }
    }
    let body: unknown
    try {
      body = JSON.parse(request.text)
    } catch (error) {
      return { answer: [400, { message: `JSON parse error - ${(error as Error).message}` }] }
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return { answer: [400, { message: 'JSON parse error - Expected an object' }] }
    }
    const fields = body as Record<string, unknown>
    const checked = route.operation === 'prefetch' ? checkPrefetch(fields, this.settings) : checkPurge(fields, this.settings)
    if ('error' in checked) return { answer: [400, { errors: checked.error }] }
    const kind = checked.kind
    const suspended = suspension(resource)
    if (suspended) return { answer: [400, suspended], kind }
    if (checked.kind === 'purge_by_url' && !resource.canPurgeByUrls) {
      return { answer: [400, { errors: { urls: ['Purge by URLs is not allowed. To purge by URLs, contact support.'] } }], kind }
    }
    if (!lanes.tryTake(resource.id, checked.kind, now())) return { answer: [429, { detail: 'Request was throttled.' }], kind }
    if (checked.kind === 'prefetch') {
      if (!request.lost) model.prefetch(resource, checked.paths)
    } else {
      const items = checked.kind === 'purge_by_url' ? checked.urls : checked.kind === 'purge_by_pattern' ? checked.patterns : []
      const record = history.add({ id: resource.id, cname: resource.cname }, checked.kind, items, now())
      model.schedulePurge(resource, checked, history.effectiveAt(record))
    }
    return { answer: [201, undefined], kind }
  }

  /** GET /cdn/origin_groups/{id}: the group, its host sources at their addresses. */
  private originGroupAnswer(id: number | null): Answer {
    const body =
      id === null
        ? undefined
        : this.parts.groups.json(id, {
            address: this.parts.address,
            unmasked: this.settings.unmaskedS3Secrets ?? false,
            related: this.parts.model.catalog.usesOriginGroup(id)
          })
    return body ? [200, body] : [404, { detail: 'Not found.' }]
  }

  private limitsAnswer(): Answer {
    if (this.settings.limits) return [this.settings.limits.status, this.settings.limits.body]
    const { lanes } = this.parts
    const rate = (lane: keyof RateLanes['rates']): string => rateNotation(lanes.rates[lane], this.settings.windowMs)
    return [
      200,
      {
        id: 1,
        resources_limit: 30,
        prefetch_pattern_limit: this.settings.maxPrefetchPaths,
        prefetch_request_limit: rate('prefetch'),
        purge_max_urls_limit: this.settings.maxPurgeUrls,
        purge_by_urls_request_limit: rate('purge_by_url'),
        purge_pattern_limit: this.settings.maxPurgePatterns,
        purge_request_limit: rate('purge_request')
      }
    ]
  }
}
