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

export type RateKind = 'prefetch' | 'purge_by_url' | 'purge_by_pattern' | 'purge_all'

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'reset' }
  | { kind: 'hang' }

export interface FaultRule {
  /** Which requests count: an operation, or any request. */
  operation: 'prefetch' | 'purge' | 'any'
  /** 1-based ordinals among the matching requests that get the fault. */
  on: number[]
  fault: Fault
}

export interface LoggedRequest {
  at: number
  method: string
  url: string
  operation: 'prefetch' | 'purge' | 'other'
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
}

const DEFAULT_RATES: Record<RateKind, number> = { prefetch: 1, purge_by_url: 2, purge_by_pattern: 1, purge_all: 1 }

export class GcoreEmulator {
  readonly log: LoggedRequest[] = []
  readonly faults: FaultRule[] = []
  private readonly accepted = new Map<string, number[]>()
  private readonly counts = new Map<string, number>()
  private readonly sockets = new Set<Socket>()
  private readonly server: Server
  private readonly options: Required<Omit<EmulatorOptions, 'rates' | 'tls'>> & { rates: Record<RateKind, number> }
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

  async start(): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve))
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
    await new Promise<void>(resolve => this.server.close(() => resolve()))
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
    const match = /^\/cdn\/resources\/([^/]+)\/(prefetch|purge)$/.exec(new URL(req.url ?? '/', 'http://x').pathname)
    const entry: LoggedRequest = {
      at: Date.now(),
      method: req.method ?? '',
      url: req.url ?? '',
      operation: (match?.[2] as 'prefetch' | 'purge') ?? 'other',
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
    if (entry.operation === 'other' || req.method !== 'POST') return [404, { detail: 'Not found.' }]
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
    return [201, undefined]
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
