/**
 * A strict Gcore CDN API emulator: a real HTTP server on 127.0.0.1 that follows
 * ../shared/gcore-cdn-openapi.yaml for prefetch and purge, so tests exercise the
 * action's real HTTP traffic.
 *
 * Enforced: `Authorization: APIKey <token>` (401 otherwise), a JSON content type,
 * at most 100 prefetch paths / 100 purge URLs / 10 purge patterns, per-item blank
 * errors, and per-resource rate windows that answer 429 while full (the window is
 * configurable so tests take seconds). Faults can be injected by request ordinal,
 * and every request is logged for assertions.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

export type LoggedOperation = 'prefetch' | 'purge' | 'limits' | 'purge-status' | 'other'

export type RateKind = 'prefetch' | 'purge_by_url' | 'purge_by_pattern' | 'purge_all'

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' }

export interface FaultRule {
  /** Which requests count: an operation, or any request. */
  operation: LoggedOperation | 'any'
  /** 1-based ordinals among the matching requests that get the fault. */
  on: number[]
  fault: Fault
}

export interface LoggedRequest {
  at: number
  method: string
  url: string
  operation: LoggedOperation
  resource: number | null
  authorization: string | undefined
  body: unknown
  /** The status answered, or 'reset' / 'hang'. */
  answer: number | 'reset' | 'hang'
  kind?: RateKind
}

export interface EmulatorOptions {
  apiKey: string
  /** Length of a rate window in ms; Gcore's is one minute. */
  windowMs?: number
  /** Accepted requests per window and resource. */
  rates?: Partial<Record<RateKind, number>>
  maxPrefetchPaths?: number
  maxPurgeUrls?: number
  maxPurgePatterns?: number
  /** Delay before each answer, to emulate a round trip. */
  latencyMs?: number
  /** Serve https with this key and certificate (PEM). */
  tls?: { key: string; cert: string }
  /** The answer of GET /cdn/clients/me/limits; by default derived from the options above. */
  limits?: { status: number; body: unknown }
  /** How purge statuses evolve: 'In progress' for `purgeDurationMs`, then Successful; or a fixed status. */
  purgeStatus?: { durationMs?: number; fixed?: 'Failed' | 'Status report disabled' | 'In progress' }
}

export interface PurgeRecord {
  purge_id: number
  created: string
  createdAt: number
  resource: { id: number; cname: string }
  payload: { urls?: string[]; paths?: string[] }
  purge_type: 'purge_by_url' | 'purge_by_pattern' | 'purge_all'
}

const DEFAULT_RATES: Record<RateKind, number> = { prefetch: 1, purge_by_url: 2, purge_by_pattern: 1, purge_all: 1 }

export class GcoreEmulator {
  readonly log: LoggedRequest[] = []
  readonly faults: FaultRule[] = []
  readonly purges: PurgeRecord[] = []
  private edges: Server[] = []
  private readonly accepted = new Map<string, number[]>()
  private readonly counts = new Map<string, number>()
  private readonly sockets = new Set<Socket>()
  private readonly server: Server
  private readonly options: Required<Omit<EmulatorOptions, 'rates' | 'tls' | 'limits' | 'purgeStatus'>> &
    Pick<EmulatorOptions, 'limits' | 'purgeStatus'> & { rates: Record<RateKind, number> }
  url = ''

  constructor(options: EmulatorOptions) {
    this.options = {
      windowMs: 60_000,
      maxPrefetchPaths: 100,
      maxPurgeUrls: 100,
      maxPurgePatterns: 10,
      latencyMs: 0,
      ...options,
      rates: { ...DEFAULT_RATES, ...options.rates }
    }
    const handler = (req: IncomingMessage, res: ServerResponse): void => void this.handle(req, res)
    this.server = options.tls ? createTlsServer(options.tls, handler) : createServer(handler)
    this.server.on(options.tls ? 'secureConnection' : 'connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async start(port = 0): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(port, '127.0.0.1', resolve))
    this.url = `http${this.secure ? 's' : ''}://127.0.0.1:${this.port}`
    return this.url
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  private get secure(): boolean {
    return 'setSecureContext' in this.server
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    for (const edge of this.edges) edge.closeAllConnections()
    await Promise.all([this.server, ...this.edges].map(server => new Promise<void>(resolve => server.close(() => resolve()))))
  }

  /**
   * A CDN edge for verification: HEAD answers `Cache: HIT` for paths Gcore accepted
   * a prefetch of (for `resource`, or any resource), `MISS` otherwise.
   */
  async startEdge(resource?: number): Promise<string> {
    const edge = createServer((req, res) => {
      const path = req.url ?? '/'
      const hit = this.acceptedRequests('prefetch').some(
        entry => (resource === undefined || entry.resource === resource) && (entry.body as { paths: string[] }).paths.includes(path)
      )
      res.writeHead(200, { Cache: hit ? 'HIT' : 'MISS', 'Content-Length': '0' }).end()
    })
    this.edges.push(edge)
    await new Promise<void>(resolve => edge.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(edge.address() as AddressInfo).port}`
  }

  inject(rule: FaultRule): this {
    this.faults.push(rule)
    return this
  }

  /** Requests that Gcore would have accepted (2xx), for one operation. */
  acceptedRequests(operation: 'prefetch' | 'purge'): LoggedRequest[] {
    return this.log.filter(entry => entry.operation === operation && typeof entry.answer === 'number' && entry.answer < 300)
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const pathname = new URL(req.url ?? '/', 'http://x').pathname
    const match = /^\/cdn\/resources\/([^/]+)\/(prefetch|purge)$/.exec(pathname)
    const operation: LoggedOperation = match
      ? (match[2] as 'prefetch' | 'purge')
      : pathname === '/cdn/clients/me/limits'
        ? 'limits'
        : pathname === '/cdn/purge_statuses'
          ? 'purge-status'
          : 'other'
    const entry: LoggedRequest = {
      at: Date.now(),
      method: req.method ?? '',
      url: req.url ?? '',
      operation,
      resource: match && /^\d+$/.test(match[1]) ? Number(match[1]) : null,
      authorization: req.headers.authorization,
      body: safeJson(text),
      answer: 0
    }
    this.log.push(entry)

    const fault = this.faultFor(entry.operation)
    if (this.options.latencyMs) await delay(this.options.latencyMs)
    if (fault?.kind === 'reset') {
      entry.answer = 'reset'
      req.socket.destroy()
      return
    }
    if (fault?.kind === 'hang') {
      entry.answer = 'hang'
      return
    }
    if (fault?.kind === 'status') {
      return this.reply(res, entry, fault.status, fault.body ?? '', fault.headers)
    }

    const [status, body] = this.answer(req, entry, text)
    this.reply(res, entry, status, body === undefined ? '' : JSON.stringify(body))
  }

  private faultFor(operation: LoggedRequest['operation']): Fault | undefined {
    for (const key of [operation, 'any']) {
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    }
    return this.faults.find(rule => {
      const key = rule.operation === 'any' ? 'any' : rule.operation
      return (rule.operation === 'any' || rule.operation === operation) && rule.on.includes(this.counts.get(key)!)
    })?.fault
  }

  private reply(res: ServerResponse, entry: LoggedRequest, status: number, body: string, headers: Record<string, string> = {}): void {
    entry.answer = status
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
    res.end(body)
  }

  /** The documented contract: [status, JSON body]. */
  private answer(req: IncomingMessage, entry: LoggedRequest, text: string): [number, unknown] {
    const auth = req.headers.authorization ?? ''
    const [scheme, ...rest] = auth.split(' ')
    if (scheme?.toLowerCase() !== 'apikey' || rest.join(' ') !== this.options.apiKey) {
      return [401, { detail: 'Invalid authentication credentials.' }]
    }
    if (entry.operation === 'limits' && req.method === 'GET') return this.limitsAnswer()
    if (entry.operation === 'purge-status' && req.method === 'GET') return this.purgeStatuses(new URL(req.url ?? '/', 'http://x').searchParams)
    if ((entry.operation !== 'prefetch' && entry.operation !== 'purge') || req.method !== 'POST') return [404, { detail: 'Not found.' }]
    if (entry.resource === null) return [404, { detail: 'Not found.' }]
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return [415, { detail: `Unsupported media type "${req.headers['content-type'] ?? ''}" in request.` }]
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch (error) {
      return [400, { message: `JSON parse error - ${(error as Error).message}` }]
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return [400, { message: 'JSON parse error - Expected an object' }]
    }
    const fields = body as Record<string, unknown>
    const checked = entry.operation === 'prefetch' ? this.checkPrefetch(fields) : this.checkPurge(fields)
    if ('error' in checked) return [400, { errors: checked.error }]
    entry.kind = checked.kind
    if (!this.takeSlot(entry.resource, checked.kind)) {
      return [429, { detail: 'Request was throttled.' }]
    }
    if (entry.operation === 'purge') this.recordPurge(entry.resource, checked.kind, fields)
    return [201, undefined]
  }

  private limitsAnswer(): [number, unknown] {
    if (this.options.limits) return [this.options.limits.status, this.options.limits.body]
    const unit = { 1000: 's', 60_000: 'm', 3_600_000: 'h' }[this.options.windowMs]
    const rate = (kind: RateKind): string => (unit ? `${this.options.rates[kind]}/${unit}` : `${this.options.rates[kind]}/m`)
    return [
      200,
      {
        id: 1,
        resources_limit: 30,
        prefetch_pattern_limit: this.options.maxPrefetchPaths,
        prefetch_request_limit: rate('prefetch'),
        purge_max_urls_limit: this.options.maxPurgeUrls,
        purge_by_urls_request_limit: rate('purge_by_url'),
        purge_pattern_limit: this.options.maxPurgePatterns,
        purge_request_limit: rate('purge_by_pattern')
      }
    ]
  }

  private recordPurge(resource: number, kind: RateKind, fields: Record<string, unknown>): void {
    const now = Date.now()
    const cname = `cdn${resource}.example.com`
    // Gcore's history shows purge-by-URL payloads with the host, as its docs' example does.
    const payload = kind === 'purge_by_url' ? { urls: (fields.urls as string[]).map(url => `http://${cname}${url}`) } : { paths: fields.paths as string[] }
    this.purges.push({
      purge_id: this.purges.length + 1,
      created: new Date(now).toISOString(),
      createdAt: now,
      resource: { id: resource, cname },
      payload,
      purge_type: kind as PurgeRecord['purge_type']
    })
  }

  private statusOf(purge: PurgeRecord): string {
    const behaviour = this.options.purgeStatus ?? {}
    if (behaviour.fixed) return behaviour.fixed
    return Date.now() - purge.createdAt < (behaviour.durationMs ?? 0) ? 'In progress' : 'Successful'
  }

  /** GET /cdn/purge_statuses: filters, and a plain list without `limit`, paginated with it. */
  private purgeStatuses(query: URLSearchParams): [number, unknown] {
    const limit = query.get('limit')
    if (limit !== null && (!/^\d+$/.test(limit) || Number(limit) > 100 || Number(limit) < 1)) {
      return [400, { errors: { limit: ['Ensure this value is less than or equal to 100.'] } }]
    }
    const from = query.get('from_created')
    if (from !== null && Number.isNaN(Date.parse(from))) return [400, { errors: { from_created: ['Enter a valid date/time.'] } }]
    const items = this.purges
      .filter(purge => !query.get('purge_type') || purge.purge_type === query.get('purge_type'))
      .filter(purge => !from || purge.createdAt >= Date.parse(from))
      .filter(purge => !query.get('cname') || purge.resource.cname === query.get('cname'))
      .map(({ createdAt: _createdAt, ...purge }) => ({ ...purge, status: this.statusOf({ createdAt: _createdAt, ...purge }) }))
      .filter(purge => !query.get('status') || purge.status === query.get('status'))
    if (limit === null) return [200, items]
    const offset = Number(query.get('offset') ?? '0')
    const page = items.slice(offset, offset + Number(limit))
    const next = offset + Number(limit) < items.length ? `${this.url}/cdn/purge_statuses?limit=${limit}&offset=${offset + Number(limit)}` : null
    return [200, { count: items.length, next, previous: null, results: page }]
  }

  private checkPrefetch(fields: Record<string, unknown>): { kind: RateKind } | { error: unknown } {
    const paths = fields.paths
    if (paths === undefined) return { error: { paths: ['This field is required.'] } }
    const listError = checkList(paths, this.options.maxPrefetchPaths)
    return listError ? { error: { paths: listError } } : { kind: 'prefetch' }
  }

  private checkPurge(fields: Record<string, unknown>): { kind: RateKind } | { error: unknown } {
    if (fields.urls !== undefined && fields.paths !== undefined) {
      return { error: { non_field_errors: ['Specify either "urls" or "paths", not both.'] } }
    }
    if (fields.urls !== undefined) {
      const listError = checkList(fields.urls, this.options.maxPurgeUrls)
      if (listError) return { error: { urls: listError } }
      const urls = fields.urls as string[]
      if (urls.length === 0) return { error: { urls: ['This list may not be empty.'] } }
      const bad = urls.find(url => !url.startsWith('/') || url.includes('*'))
      if (bad !== undefined) return { error: { urls: [`URL should start with / and contain no domain or *: ${bad}`] } }
      return { kind: 'purge_by_url' }
    }
    if (fields.paths === undefined) return { error: { paths: ['This field is required.'] } }
    const listError = checkList(fields.paths, this.options.maxPurgePatterns)
    if (listError) return { error: { paths: listError } }
    const patterns = fields.paths as string[]
    if (patterns.length === 0) return { kind: 'purge_all' }
    if (patterns.some(pattern => !pattern.startsWith('/'))) return { error: { paths: ['A path should start with /.'] } }
    return { kind: 'purge_by_pattern' }
  }

  /** A sliding window per resource and kind; only accepted requests use a slot. */
  private takeSlot(resource: number, kind: RateKind): boolean {
    const key = `${resource}:${kind}`
    const now = Date.now()
    const recent = (this.accepted.get(key) ?? []).filter(at => now - at < this.options.windowMs)
    if (recent.length >= this.options.rates[kind]) {
      this.accepted.set(key, recent)
      return false
    }
    recent.push(now)
    this.accepted.set(key, recent)
    return true
  }
}

/** Gcore's list rules: an array of strings, within the limit, no blank item. */
function checkList(value: unknown, max: number): unknown {
  if (!Array.isArray(value)) return [`Expected a list of items but got type "${typeof value === 'string' ? 'str' : typeof value}".`]
  if (value.length > max) return [`Ensure this field has no more than ${max} elements.`]
  const itemErrors: Record<string, string[]> = {}
  value.forEach((item, index) => {
    if (typeof item !== 'string') itemErrors[index] = ['Not a valid string.']
    else if (item.trim() === '') itemErrors[index] = ['This field may not be blank.']
  })
  return Object.keys(itemErrors).length ? itemErrors : undefined
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
