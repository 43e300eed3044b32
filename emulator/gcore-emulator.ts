/**
 * A strict Gcore CDN API emulator: a real HTTP server on 127.0.0.1 that follows
 * ../../shared/gcore-cdn-openapi.yaml (prefetch, purge, purge history, account
 * limits), gcore-cdn-resources-openapi.yaml (resources and rules) and
 * gcore-cdn-origins-openapi.yaml (origin groups), so tests exercise real HTTP
 * traffic; plus the origin behind it, one real server per origin source, and
 * edge servers that answer from a cache model.
 *
 * Enforced: `Authorization: APIKey <token>` (401 otherwise; a restricted key,
 * Gcore's "Purge and Prefetch only (API)" role, gets 403 on the resource and
 * origin group endpoints), a JSON content type, at most 100 prefetch paths /
 * 100 purge URLs / 10 purge patterns, per-item blank errors, and per-resource
 * rate lanes that answer 429 while full: prefetch, purge by URL, and one lane
 * that purge by pattern and purge all share (the window is configurable so
 * tests take seconds). Unknown resources are 404 when resources are given;
 * deleted ones are 404 for purge and prefetch, suspended ones 400 (not
 * documented by Gcore).
 *
 * The origin (origin.ts, origin-server.ts, origin-groups.ts): each host source
 * of each origin group listens on its own port and serves every path as the
 * default file (300 MiB, version 1) unless told otherwise; new versions are
 * published per source, visible after a delay, so one source can lag.
 *
 * Caching (see cache.ts and cdn-model.ts): prefetch and edge requests fill the
 * missing parts of a file from the resource's origin group; purge by URL
 * clears only part 0 of a sliced file; pattern purges and purge all clear
 * every part, except that pattern purges do nothing under proxy_cache_key.
 *
 * Faults (faults.ts) can be injected by operation and ordinal on the API, the
 * origin and the edge, and every request is logged for assertions.
 *
 * startProxy() adds an HTTP CONNECT proxy in front of the API: with HTTPS_PROXY
 * (or HTTP_PROXY) set to its URL, a client reaches the API under any host name
 * that is not a loopback one (loopback addresses bypass proxies), and proxy
 * faults (`connect`) answer the CONNECT instead. Each CONNECT is in `connects`.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { ApiModel, routeOf, type Route } from './api-model.js'
import type { CacheState } from './cache.js'
import { CdnModel } from './cdn-model.js'
import { edgeHandler, type CachedSinceFormat, type EdgeRequest } from './edge.js'
import { FaultSchedule, respond, ruleProblem, type ApiOperation, type FaultKind, type FaultRule, type WireAnswer } from './faults.js'
import { Origin, type Delivery, type NewFile, type OriginFile } from './origin.js'
import { OriginGroups, type OriginGroupSpec } from './origin-groups.js'
import { originHandler, type OriginRequest } from './origin-server.js'
import { PurgeHistory, type PurgeRecord, type PurgeStatusBehaviour } from './purge-history.js'
import { DEFAULT_RATES, laneRates, RateLanes, type RateKind } from './rate-lanes.js'
import { ResourceCatalog, type ResourceSpec } from './resources.js'

export type { CacheState, CacheVerdict, CachedPart } from './cache.js'
export type { CachedSinceFormat, EdgeRequest } from './edge.js'
export type { Fault, FaultKind, FaultOperation, FaultRule, Ordinals } from './faults.js'
export { parseFaultSpec } from './fault-spec.js'
export type { Delivery, NewFile, OriginFile, Version } from './origin.js'
export type { FastedgeSourceSpec, HostSourceSpec, OriginGroupSpec, OriginSourceSpec, S3Config, S3SourceSpec } from './origin-groups.js'
export type { OriginRequest } from './origin-server.js'
export type { PurgeRecord } from './purge-history.js'
export type { RateKind } from './rate-lanes.js'
export type {
  HeadersHidingPolicy,
  OptionValue,
  OriginProtocol,
  ResourceOptions,
  ResourceSpec,
  ResourceStatus,
  RuleSpec
} from './resources.js'
export type { RewriteFlag, RewriteOption } from './rewrite.js'

export type LoggedOperation = ApiOperation

/** A CONNECT to the emulator as a proxy: its target, and the status answered or 'reset'. */
export interface LoggedConnect {
  at: number
  target: string
  answer: number | 'reset'
  fault?: FaultKind
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
  /** The injected fault, if any. */
  fault?: FaultKind
}

/** Each request as it is answered, for a live log. */
export type RequestEvent =
  { server: 'api'; request: LoggedRequest } | { server: 'edge'; request: EdgeRequest } | { server: 'origin'; request: OriginRequest }

export interface EmulatorOptions {
  apiKey: string
  /** Keys of Gcore's "Purge and Prefetch only (API)" role: 403 on the resource and origin group endpoints. */
  restrictedKeys?: string[]
  /** Length of a rate window in ms; Gcore's is one minute. */
  windowMs?: number
  /** Accepted requests per window and resource; purge_by_pattern and purge_all share one lane (the stricter rate). */
  rates?: Partial<Record<RateKind, number>>
  maxPrefetchPaths?: number
  maxPurgeUrls?: number
  maxPurgePatterns?: number
  /** Delay before each API answer, to emulate a round trip. */
  latencyMs?: number
  /** Serve the API over https with this key and certificate (PEM). */
  tls?: { key: string; cert: string }
  /** The answer of GET /cdn/clients/me/limits; by default derived from the options above. */
  limits?: { status: number; body: unknown }
  /** How purge statuses evolve: 'In progress' for `durationMs`, then Successful; or a fixed status. */
  purgeStatus?: PurgeStatusBehaviour
  /** The only resources that exist. Without it, every numeric ID exists with defaults (origin group 1, HTTP). */
  resources?: ResourceSpec[]
  /**
   * Files every origin source holds from the start, by origin path (the CDN
   * path unless the resource rewrites it; no query), version 1 unless given.
   * Any other path is 300 MiB, version 1, except on a source with
   * `onlyPublished` or `missing`.
   */
  origin?: Record<string, NewFile>
  /**
   * Origin groups and their sources (see HostSourceSpec for what a host source
   * can do: lag, ACL, vhost, missing paths, TLS). Default: group 1, "Emulated
   * origin", with one plain host source. Host sources are numbered from 0 in
   * the order given, across groups.
   */
  originGroups?: OriginGroupSpec[]
  /** Answer S3 keys as configured instead of `SECRET_VALUE`, as a careless API might: to test that a client never prints them. */
  unmaskedS3Secrets?: boolean
  /** Part size of sliced files (Gcore: 10 MB). */
  sliceBytes?: number
  /** The format of the edge's X-Cached-Since; default `iso`. */
  cachedSinceFormat?: CachedSinceFormat
  /**
   * The emulator's clock, ms since the epoch (default Date.now). Every time it
   * records, compares or shows comes from it (rate windows, purge times,
   * publications and lag, Last-Modified, X-Cached-Since), so a test can age a
   * cache or a publication without waiting; latency and faults still run on
   * real timers.
   */
  clock?: () => number
  /** Called as each API, edge or origin request is answered. */
  onRequest?: (event: RequestEvent) => void
}

const DEFAULT_SLICE_BYTES = 10 * 1024 * 1024

export class GcoreEmulator {
  readonly log: LoggedRequest[] = []
  readonly edgeLog: EdgeRequest[] = []
  readonly connects: LoggedConnect[] = []
  /** Every HTTP request to an origin source, as answered. */
  readonly originLog: OriginRequest[] = []
  readonly purges: PurgeRecord[]
  url = ''
  /** The origin sources' URLs (`http://127.0.0.1:<port>`, https with `tls`), by host source index, once started. */
  originUrls: string[] = []
  private readonly history: PurgeHistory
  private readonly model: CdnModel
  private readonly api: ApiModel
  private readonly groups: OriginGroups
  private readonly schedule = new FaultSchedule()
  private readonly now: () => number
  private readonly edges: Server[] = []
  private readonly proxies: Server[] = []
  private readonly originServers: Server[]
  private readonly sockets = new Set<Socket>()
  private readonly server: Server
  private readonly options: Required<
    Pick<EmulatorOptions, 'apiKey' | 'windowMs' | 'maxPrefetchPaths' | 'maxPurgeUrls' | 'maxPurgePatterns' | 'latencyMs'>
  > &
    EmulatorOptions

  constructor(options: EmulatorOptions) {
    this.options = { windowMs: 60_000, maxPrefetchPaths: 100, maxPurgeUrls: 100, maxPurgePatterns: 10, latencyMs: 0, ...options }
    this.now = options.clock ?? Date.now
    const lanes = new RateLanes(this.options.windowMs, laneRates({ ...DEFAULT_RATES, ...options.rates }))
    this.history = new PurgeHistory(options.purgeStatus)
    this.purges = this.history.records
    this.groups = new OriginGroups(options.originGroups)
    const origin = new Origin(this.groups.hostSources, options.origin ?? {}, this.now)
    const catalog = new ResourceCatalog(options.resources, this.groups.names())
    this.model = new CdnModel(catalog, origin, this.groups, options.sliceBytes ?? DEFAULT_SLICE_BYTES, this.now)
    this.api = new ApiModel(this.options, {
      model: this.model,
      groups: this.groups,
      lanes,
      history: this.history,
      now: this.now,
      address: index => this.originUrls[index]?.replace(/^https?:\/\//, '') ?? '',
      base: () => this.url
    })
    this.server = serverFor(options.tls, (req, res) => void this.handle(req, res))
    this.originServers = this.groups.hostSources.map(source =>
      serverFor(
        source.tls,
        originHandler({
          source,
          url: () => this.originUrls[source.index] ?? '',
          origin,
          schedule: this.schedule,
          now: this.now,
          record: entry => this.recordOrigin(entry)
        })
      )
    )
    for (const server of [this.server, ...this.originServers]) this.track(server)
  }

  /** The fault rules, in the order they are tried. */
  get faults(): FaultRule[] {
    return this.schedule.rules
  }

  /** Starts the API on `port` and every origin source on its own; returns the API's URL. */
  async start(port = 0): Promise<string> {
    await listen(this.server, port)
    this.url = `http${this.options.tls ? 's' : ''}://127.0.0.1:${this.port}`
    this.originUrls = await Promise.all(
      this.groups.hostSources.map(async source => {
        const server = this.originServers[source.index]
        await listen(server, source.port)
        return `http${source.tls ? 's' : ''}://127.0.0.1:${(server.address() as AddressInfo).port}`
      })
    )
    return this.url
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  /** Closes every server and destroys every connection, hanging and trickling ones included. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    const servers = [this.server, ...this.originServers, ...this.edges, ...this.proxies].filter(server => server.listening)
    for (const server of servers) server.closeAllConnections()
    await Promise.all(servers.map(server => new Promise<void>(resolve => server.close(() => resolve()))))
  }

  /**
   * An edge server (see edge.ts): routes by host, else to `resource`, else to
   * whichever resource has the path cached. Answers from the cache model and
   * fills it on a MISS, so a path is a HIT from its second request on, or from
   * the first after a prefetch, until a purge clears it.
   */
  async startEdge(resource?: number, port = 0): Promise<string> {
    const edge = createServer(
      edgeHandler({
        model: this.model,
        fallback: resource,
        schedule: this.schedule,
        now: this.now,
        cachedSinceFormat: this.options.cachedSinceFormat ?? 'iso',
        record: entry => this.recordEdge(entry)
      })
    )
    this.track(edge)
    this.edges.push(edge)
    await listen(edge, port)
    return `http://127.0.0.1:${(edge.address() as AddressInfo).port}`
  }

  /**
   * A plain HTTP CONNECT proxy on 127.0.0.1 whose every tunnel, whatever host it
   * names, leads to the API server (TLS included); `connect` faults answer the
   * CONNECT instead. Returns its URL, for HTTPS_PROXY or HTTP_PROXY.
   */
  async startProxy(port = 0): Promise<string> {
    const proxy = createServer((_, res) => res.writeHead(405).end())
    proxy.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.tunnel(req, socket, head))
    this.track(proxy)
    this.proxies.push(proxy)
    await listen(proxy, port)
    return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  }

  inject(rule: FaultRule): this {
    const problem = ruleProblem(rule)
    if (problem) throw new Error(`Fault rule for ${rule.operation}: ${problem}.`)
    this.schedule.rules.push(rule)
    return this
  }

  /**
   * A CONNECT: answered by a proxy fault, or a tunnel into this very server,
   * whatever host it names (over TLS when the emulator serves TLS).
   */
  private tunnel(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const entry: LoggedConnect = { at: Date.now(), target: req.url ?? '', answer: 200 }
    this.connects.push(entry)
    socket.on('error', () => socket.destroy())
    const fault = this.schedule.next('connect')
    if (fault) entry.fault = fault.kind
    if (fault?.kind === 'proxy-reset') {
      entry.answer = 'reset'
      socket.destroy()
      return
    }
    if (fault?.kind === 'proxy-status') {
      entry.answer = fault.status
      const body = `${fault.status} ${STATUS_CODES[fault.status] ?? ''} (proxy)\n`
      socket.end(
        `HTTP/1.1 ${fault.status} ${STATUS_CODES[fault.status] ?? 'Unknown'}\r\nContent-Type: text/plain\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
      )
      return
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (head.length) socket.unshift(head)
    this.server.emit('connection', socket)
  }

  /** Requests that Gcore would have accepted (2xx), for one operation. */
  acceptedRequests(operation: 'prefetch' | 'purge'): LoggedRequest[] {
    return this.log.filter(entry => entry.operation === operation && typeof entry.answer === 'number' && entry.answer < 300)
  }

  /**
   * "Release" new bytes at an origin path: every source gets them now, or a
   * source with `lagMs` that much later. Without a version, a numeric one goes
   * up by one.
   */
  setOrigin(path: string, file: NewFile): OriginFile {
    return this.model.origin.publish(path, file)
  }

  /**
   * Publish a new version of an origin path to `delivery.sources` (host source
   * indices; default all), each seeing it `delivery.delayMs` later (plus its
   * own lag): an upload that reaches the storage late, or one source behind
   * another. Returns the version as published.
   */
  publish(path: string, file: NewFile, delivery: Delivery = {}): OriginFile {
    return this.model.origin.publish(path, file, delivery)
  }

  /** What a resource's edge cache holds for a path (query reduced as its cache key). */
  cacheState(resource: number, path: string): CacheState {
    return this.model.cacheState(resource, path)
  }

  /** Whether any cached part of the path comes from a version other than the newest one the origin serves. */
  isStale(resource: number, path: string): boolean {
    return this.model.isStale(resource, path)
  }

  private track(server: Server): void {
    for (const event of ['connection', 'secureConnection']) {
      server.on(event, (socket: Socket) => {
        this.sockets.add(socket)
        socket.on('close', () => this.sockets.delete(socket))
      })
    }
  }

  private recordEdge(entry: EdgeRequest): void {
    this.edgeLog.push(entry)
    this.options.onRequest?.({ server: 'edge', request: entry })
  }

  private recordOrigin(entry: OriginRequest): void {
    this.originLog.push(entry)
    this.options.onRequest?.({ server: 'origin', request: entry })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const route = routeOf(req.url ?? '/')
    const entry: LoggedRequest = {
      at: this.now(),
      method: req.method ?? '',
      url: req.url ?? '',
      operation: route.operation,
      resource: route.resource,
      authorization: req.headers.authorization,
      body: safeJson(text),
      answer: 0
    }
    this.log.push(entry)

    const fault = this.schedule.next(entry.operation)
    if (this.options.latencyMs) await delay(this.options.latencyMs)
    if (fault) entry.fault = fault.kind
    entry.answer = respond(req, res, fault, () => this.realAnswer(req, entry, route, text, fault?.kind === 'lost'))
    this.options.onRequest?.({ server: 'api', request: entry })
  }

  private realAnswer(req: IncomingMessage, entry: LoggedRequest, route: Route, text: string, lost: boolean): WireAnswer {
    const { answer, kind } = this.api.answer(
      {
        method: req.method ?? '',
        target: req.url ?? '/',
        authorization: req.headers.authorization ?? '',
        contentType: req.headers['content-type'] ?? '',
        text,
        lost
      },
      route
    )
    if (kind) entry.kind = kind
    const [status, body] = answer
    return { status, body: body === undefined ? '' : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }
  }
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
}

function serverFor(tls: { key: string; cert: string } | undefined, handler: RequestListener): Server {
  return tls ? createTlsServer(tls, handler) : createServer(handler)
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
