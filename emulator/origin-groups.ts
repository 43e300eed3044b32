/**
 * Origin groups: what `GET /cdn/origin_groups/{id}` answers (the "None Auth"
 * OriginGroupsResponse of ../../shared/gcore-cdn-origins-openapi.yaml, with
 * host, S3 and FastEdge sources inline), and which source the CDN asks for
 * each part it fetches.
 *
 * Host sources are the emulator's origin servers (origin-server.ts), numbered
 * from 0 across all groups in the order given; that index names a source in
 * `publish`, `originUrls` and the origin log. S3 and FastEdge sources are
 * entries of the answer only: nothing serves them, so the CDN never fetches
 * from them here.
 */
import { splitRequestPath } from './cache-key.js'

/** The fields every kind of source has. */
interface SourceFlags {
  /** Gcore: "will not be used until one of active origins become unavailable". Default false. */
  backup?: boolean
  /** A disabled source is listed but never fetched from. Default true. */
  enabled?: boolean
  /** Default `default`. */
  tag?: string
  /** The Host header the CDN sends this source instead of the resource's. Default null. */
  host_header_override?: string | null
}

/** A host source: one origin server of the emulator, listed as `127.0.0.1:<port>`. */
export interface HostSourceSpec extends SourceFlags {
  origin_type?: 'host'
  /** Port to listen on; default 0 (a free one). */
  port?: number
  /** Serve https with this key and certificate (PEM) instead of http. */
  tls?: { key: string; cert: string }
  /** Every publication reaches this source this many ms late: a mirror that replicates behind. Default 0. */
  lagMs?: number
  /**
   * Answer 403 to every HTTP request, as an origin whose ACL lets only the
   * CDN's servers in. The CDN's own fetches are in-process and get through.
   */
  acl?: boolean
  /** Answer only requests whose Host header is this name (any case, port ignored); others get 404, as from nginx's default server. */
  vhost?: string
  /** Origin paths this source does not have (404). */
  missing?: string[]
  /** Only published paths exist (the `origin` option, setOrigin, publish); any other is 404 instead of the default file. */
  onlyPublished?: boolean
}

/** Gcore's S3Config. The keys default to the OpenAPI's example keys. */
export interface S3Config {
  s3_type: 'amazon' | 'other'
  s3_bucket_name: string
  /** Required for `amazon`. */
  s3_region?: string
  /** Required for `other`. */
  s3_storage_hostname?: string
  s3_access_key_id?: string
  s3_secret_access_key?: string
  /** Default `awsSignatureV4`. */
  s3_auth_type?: string
}

export interface S3SourceSpec extends SourceFlags {
  origin_type: 's3'
  config: S3Config
}

export interface FastedgeSourceSpec extends SourceFlags {
  origin_type: 'fastedge'
  config: { app_id: string }
}

export type OriginSourceSpec = HostSourceSpec | S3SourceSpec | FastedgeSourceSpec

export interface OriginGroupSpec {
  id: number
  /** Default `Emulated origin` for group 1, `Origin group <id>` for others. */
  name?: string
  /** At least one enabled (Gcore: "Origin group must contain at least one enabled origin"). */
  sources: OriginSourceSpec[]
}

/** Without `originGroups`: group 1 with one plain host source. */
const DEFAULT_GROUPS: OriginGroupSpec[] = [{ id: 1, sources: [{}] }]

/** What Gcore shows instead of S3 keys. */
const MASK = 'SECRET_VALUE'
const EXAMPLE_KEY_ID = 'EXAMPLEFODNN7EXAMPLE'
const EXAMPLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'

/** A host source with its defaults filled in. */
export interface HostSource {
  index: number
  backup: boolean
  enabled: boolean
  port: number
  tls: { key: string; cert: string } | undefined
  lagMs: number
  acl: boolean
  /** Lower case, or null: any Host. */
  vhost: string | null
  /** Percent-encoded as the origin keys paths. */
  missing: Set<string>
  onlyPublished: boolean
}

interface Group {
  id: number
  name: string
  /** Each source with its host source index (none for S3 and FastEdge sources). */
  sources: { spec: OriginSourceSpec; hostIndex?: number }[]
}

/** How a group is shown: where its host sources listen, whether S3 keys are masked, whether resources use it. */
export interface GroupView {
  address: (index: number) => string
  unmasked: boolean
  related: boolean
}

export class OriginGroups {
  readonly hostSources: HostSource[] = []
  private readonly groups = new Map<number, Group>()
  /** Per group, how many parts it has given: nginx's round robin over its upstream servers. */
  private readonly turns = new Map<number, number>()

  constructor(specs: OriginGroupSpec[] = DEFAULT_GROUPS) {
    for (const spec of checkOriginGroups(specs, 'originGroups')) {
      const sources = spec.sources.map(source => {
        if (source.origin_type !== undefined && source.origin_type !== 'host') return { spec: source }
        const hostIndex = this.hostSources.length
        this.hostSources.push({
          index: this.hostSources.length,
          backup: source.backup ?? false,
          enabled: source.enabled ?? true,
          port: source.port ?? 0,
          tls: source.tls,
          lagMs: source.lagMs ?? 0,
          acl: source.acl ?? false,
          vhost: source.vhost?.toLowerCase() ?? null,
          missing: new Set((source.missing ?? []).map(path => splitRequestPath(path).path)),
          onlyPublished: source.onlyPublished ?? false
        })
        return { spec: source, hostIndex }
      })
      this.groups.set(spec.id, { id: spec.id, name: spec.name ?? defaultName(spec.id), sources })
    }
  }

  /** Group names by ID. */
  names(): Map<number, string> {
    return new Map([...this.groups.values()].map(group => [group.id, group.name]))
  }

  /**
   * The host source the CDN asks for its next part through group `id`: its
   * enabled primary host sources in turn (nginx's round robin), or, when it has
   * none, its enabled backups; undefined when it has no host source to ask.
   */
  nextSource(id: number): number | undefined {
    const group = this.groups.get(id)
    if (!group) return undefined
    const hosts = group.sources.flatMap(source => (source.hostIndex === undefined ? [] : [source.hostIndex]))
    const enabled = hosts.filter(index => this.hostSources[index].enabled)
    const primary = enabled.filter(index => !this.hostSources[index].backup)
    const pool = primary.length ? primary : enabled
    if (!pool.length) return undefined
    const turn = this.turns.get(id) ?? 0
    this.turns.set(id, turn + 1)
    return pool[turn % pool.length]
  }

  /** GET /cdn/origin_groups/{id}: Gcore's body, or undefined when there is no such group. */
  json(id: number, view: GroupView): Record<string, unknown> | undefined {
    const group = this.groups.get(id)
    if (!group) return undefined
    return {
      id: group.id,
      name: group.name,
      use_next: false,
      proxy_next_upstream: ['error', 'timeout'],
      auth_type: 'none',
      sources: group.sources.map(source => sourceJson(source.spec, source.hostIndex, view)),
      path: '',
      has_related_resources: view.related
    }
  }
}

function defaultName(id: number): string {
  return id === 1 ? 'Emulated origin' : `Origin group ${id}`
}

/** One source as Gcore answers it (HostSourceResponse, S3SourceResponse, FastedgeSourceResponse: no other fields). */
function sourceJson(source: OriginSourceSpec, hostIndex: number | undefined, view: GroupView): Record<string, unknown> {
  const flags = {
    backup: source.backup ?? false,
    enabled: source.enabled ?? true,
    tag: source.tag ?? 'default',
    host_header_override: source.host_header_override ?? null
  }
  if (source.origin_type === 'fastedge') return { origin_type: 'fastedge', config: { app_id: source.config.app_id }, ...flags }
  if (source.origin_type !== 's3') return { source: view.address(hostIndex!), ...flags }
  const { config } = source
  const secret = (value: string): string => (view.unmasked ? value : MASK)
  return {
    origin_type: 's3',
    config: {
      s3_type: config.s3_type,
      s3_bucket_name: config.s3_bucket_name,
      ...(config.s3_type === 'amazon' ? { s3_region: config.s3_region } : { s3_storage_hostname: config.s3_storage_hostname }),
      s3_access_key_id: secret(config.s3_access_key_id ?? EXAMPLE_KEY_ID),
      s3_secret_access_key: secret(config.s3_secret_access_key ?? EXAMPLE_SECRET),
      s3_auth_type: config.s3_auth_type ?? 'awsSignatureV4'
    },
    ...flags
  }
}

/** Checks origin group specs, so a typo fails at start-up with its place named. */
function checkOriginGroups(value: unknown, where: string): OriginGroupSpec[] {
  if (!Array.isArray(value) || value.length === 0) throw new Error(`${where}: expected a non-empty array of origin groups`)
  const seen = new Set<number>()
  value.forEach((group: unknown, index) => {
    const at = `${where}[${index}]`
    if (!isObject(group)) throw new Error(`${at}: expected an object`)
    if (typeof group.id !== 'number' || !Number.isSafeInteger(group.id) || group.id < 1)
      throw new Error(`${at}.id: expected a positive integer, got ${JSON.stringify(group.id)}`)
    if (seen.has(group.id)) throw new Error(`${at}.id: origin group ${group.id} is given twice`)
    seen.add(group.id)
    if (group.name !== undefined && typeof group.name !== 'string') throw new Error(`${at}.name: expected a string`)
    if (!Array.isArray(group.sources)) throw new Error(`${at}.sources: expected an array`)
    group.sources.forEach((source: unknown, sourceIndex) => checkSource(source, `${at}.sources[${sourceIndex}]`))
    if (!group.sources.some(source => (source as SourceFlags).enabled !== false))
      throw new Error(`${at}.sources: an origin group must contain at least one enabled source`)
  })
  return value as OriginGroupSpec[]
}

function checkSource(source: unknown, at: string): void {
  if (!isObject(source)) throw new Error(`${at}: expected an object`)
  for (const field of ['backup', 'enabled', 'acl', 'onlyPublished'] as const) {
    if (source[field] !== undefined && typeof source[field] !== 'boolean') throw new Error(`${at}.${field}: expected true or false`)
  }
  for (const field of ['tag', 'vhost'] as const) {
    if (source[field] !== undefined && typeof source[field] !== 'string') throw new Error(`${at}.${field}: expected a string`)
  }
  const override = source.host_header_override
  if (override !== undefined && override !== null && (typeof override !== 'string' || override.length > 255))
    throw new Error(`${at}.host_header_override: expected a host name (at most 255 characters) or null`)
  if (source.origin_type === 's3') return checkS3Config(source.config, `${at}.config`)
  if (source.origin_type === 'fastedge') {
    if (!isObject(source.config) || typeof source.config.app_id !== 'string' || source.config.app_id === '')
      throw new Error(`${at}.config.app_id: expected the FastEdge application ID as a string`)
    return
  }
  if (source.origin_type !== undefined && source.origin_type !== 'host')
    throw new Error(`${at}.origin_type: expected host, s3 or fastedge, got ${JSON.stringify(source.origin_type)}`)
  if (source.port !== undefined && !(Number.isInteger(source.port) && (source.port as number) >= 0 && (source.port as number) <= 65535))
    throw new Error(`${at}.port: expected a port (0-65535)`)
  if (source.lagMs !== undefined && !(typeof source.lagMs === 'number' && source.lagMs >= 0 && Number.isFinite(source.lagMs)))
    throw new Error(`${at}.lagMs: expected 0 or more milliseconds`)
  if (source.missing !== undefined && !(Array.isArray(source.missing) && source.missing.every(path => typeof path === 'string')))
    throw new Error(`${at}.missing: expected an array of paths`)
  if (source.tls !== undefined && !(isObject(source.tls) && typeof source.tls.key === 'string' && typeof source.tls.cert === 'string'))
    throw new Error(`${at}.tls: expected {"key": <PEM>, "cert": <PEM>}`)
}

function checkS3Config(config: unknown, at: string): void {
  if (!isObject(config)) throw new Error(`${at}: expected an object`)
  if (config.s3_type !== 'amazon' && config.s3_type !== 'other') throw new Error(`${at}.s3_type: expected amazon or other`)
  if (typeof config.s3_bucket_name !== 'string' || config.s3_bucket_name === '') throw new Error(`${at}.s3_bucket_name: required`)
  const needed = config.s3_type === 'amazon' ? 's3_region' : 's3_storage_hostname'
  if (typeof config[needed] !== 'string' || config[needed] === '')
    throw new Error(`${at}.${needed}: required for s3_type ${config.s3_type}`)
  for (const field of ['s3_access_key_id', 's3_secret_access_key', 's3_auth_type'] as const) {
    if (config[field] !== undefined && typeof config[field] !== 'string') throw new Error(`${at}.${field}: expected a string`)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
