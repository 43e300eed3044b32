/**
 * Gcore in process: the engine's Network port (the API, the edge and the
 * origin's sources) on a fake clock, for tests of `warm()` that run hour-long
 * schedules in milliseconds.
 *
 * It answers as the emulator does, from the emulator's own parts: every API
 * answer is its ApiModel's (emulator/api-model.ts: routes, auth, roles,
 * bodies, rate lanes, purge history, resources and origin groups), the edge's
 * and the origin servers' answers come from the same CDN model and answer
 * builders, and faults from the same rules. What the emulator does over HTTP,
 * this does in process: each API answer is read by GcoreClient's own readers
 * (readSendAnswer, readJsonAnswer), and the edge's and origin's headers as
 * http-network.ts reads them. The contract suite (__tests__/contract/) holds
 * both to the same assertions, so this fake cannot drift from the emulator.
 *
 * Time: rate windows, purge durations, publications, X-Cached-Since, hangs
 * and timeouts run on the clock given; a hang ends at the client's timeout or
 * its cancel, as over HTTP. An answer takes no time: the engine's pacing
 * counts from each answer anyway.
 *
 * Where the emulator's origin sources listen on ports, here host source `n`
 * is `origin<n>.fake.test` (what the origin group answers); the edge answers
 * for a resource by the URL's host (its cname or a secondary hostname).
 */
import { STATUS_CODES } from 'node:http'
import { MAX_ERROR_BODY_BYTES, MAX_JSON_BODY_BYTES, readJsonAnswer, readSendAnswer } from '../../src/core/gcore/client.js'
import { GcoreError } from '../../src/core/gcore/errors.js'
import type { HttpAnswer } from '../../src/core/http.js'
import type { Clock, EdgeAnswer, EdgeProbe, GcoreApi, Network, OriginProbe, RequestKind } from '../../src/core/ports.js'
import { networkText } from '../../src/core/text.js'
import { bodyLength } from '../../emulator/body.js'
import { CdnModel } from '../../emulator/cdn-model.js'
import { serveAtEdge } from '../../emulator/edge.js'
import { ApiModel, routeOf } from '../../emulator/api-model.js'
import { FaultSchedule, madeUpAnswer, replacesAnswer, type Fault, type Operation, type WireAnswer } from '../../emulator/faults.js'
import type {
  CacheState,
  Delivery,
  EdgeRequest,
  EmulatorOptions,
  FaultRule,
  LoggedRequest,
  NewFile,
  OriginFile,
  OriginRequest,
  PurgeRecord
} from '../../emulator/gcore-emulator.js'
import { Origin } from '../../emulator/origin.js'
import { OriginGroups } from '../../emulator/origin-groups.js'
import { originAnswer } from '../../emulator/origin-server.js'
import { PurgeHistory } from '../../emulator/purge-history.js'
import { DEFAULT_RATES, laneRates, RateLanes } from '../../emulator/rate-lanes.js'
import { ResourceCatalog } from '../../emulator/resources.js'

/** The emulator's options that mean something without HTTP, and the clock they run on. */
export type FakeGcoreOptions = Pick<
  EmulatorOptions,
  | 'apiKey'
  | 'restrictedKeys'
  | 'windowMs'
  | 'rates'
  | 'maxPrefetchPaths'
  | 'maxPurgeUrls'
  | 'maxPurgePatterns'
  | 'limits'
  | 'purgeStatus'
  | 'resources'
  | 'origin'
  | 'originGroups'
  | 'unmaskedS3Secrets'
  | 'sliceBytes'
  | 'cachedSinceFormat'
> & { clock: Clock }

const DEFAULT_SLICE_BYTES = 10 * 1024 * 1024
/** Where pagination links point: any base will do, the engine only follows `next`. */
const API_BASE = 'https://api.gcore.com'
/** As http-network.ts: an origin that redirects more often is answered by its last redirect. */
const MAX_ORIGIN_REDIRECTS = 3

/** Host source `n` of the origin groups, by name. */
const originHost = (index: number): string => `origin${index}.fake.test`
const ORIGIN_HOST = /^origin(\d+)\.fake\.test$/

type Sent = { kind: RequestKind; resource: number; items: string[] }

/** A request that got no complete answer: how the client ends it. */
class NoAnswer extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'cancelled',
    readonly unconfirmed = false
  ) {
    super(message)
  }
}

export class FakeGcore implements Network {
  /** Every API request, as the emulator logs it (`at` on the fake clock). */
  readonly log: LoggedRequest[] = []
  readonly edgeLog: EdgeRequest[] = []
  /** Every request to an origin source, as the emulator logs it. */
  readonly originLog: OriginRequest[] = []
  readonly purges: PurgeRecord[]
  /** The clients the engine made: its API URL and each client's timeout. */
  readonly clients: { apiUrl: string; timeoutMs: number }[] = []
  private readonly options: FakeGcoreOptions &
    Required<Pick<EmulatorOptions, 'windowMs' | 'maxPrefetchPaths' | 'maxPurgeUrls' | 'maxPurgePatterns'>>
  private readonly history: PurgeHistory
  private readonly groups: OriginGroups
  private readonly model: CdnModel
  private readonly apiModel: ApiModel
  private readonly faults = new FaultSchedule()
  private readonly listeners: ((entry: LoggedRequest | EdgeRequest | OriginRequest) => void)[] = []

  constructor(options: FakeGcoreOptions) {
    this.options = { windowMs: 60_000, maxPrefetchPaths: 100, maxPurgeUrls: 100, maxPurgePatterns: 10, ...options }
    const now = (): number => options.clock.now()
    const lanes = new RateLanes(this.options.windowMs, laneRates({ ...DEFAULT_RATES, ...options.rates }))
    this.history = new PurgeHistory(options.purgeStatus)
    this.purges = this.history.records
    this.groups = new OriginGroups(options.originGroups)
    const origin = new Origin(this.groups.hostSources, options.origin ?? {}, now)
    const catalog = new ResourceCatalog(options.resources, this.groups.names())
    this.model = new CdnModel(catalog, origin, this.groups, options.sliceBytes ?? DEFAULT_SLICE_BYTES, now)
    const base = (): string => API_BASE
    this.apiModel = new ApiModel(this.options, {
      model: this.model,
      groups: this.groups,
      lanes,
      history: this.history,
      now,
      address: originHost,
      base
    })
  }

  api({ apiUrl, apiKey, timeoutMs, secrets }: { apiUrl: string; apiKey: string; timeoutMs: number; secrets: readonly string[] }): GcoreApi {
    this.clients.push({ apiUrl, timeoutMs })
    const hidden = (): string[] => [apiKey, ...secrets]
    return {
      send: (kind, resource, items, signal) => this.send({ kind, resource, items }, apiKey, hidden, timeoutMs, signal),
      getJson: (path, signal) => this.getJson(path, apiKey, hidden, timeoutMs, signal)
    }
  }

  edge(timeoutMs: number): EdgeProbe {
    return {
      head: (url, signal) => this.atEdge('HEAD', url, undefined, timeoutMs, signal),
      lastByte: (url, signal) => this.atEdge('GET', url, 'bytes=-1', timeoutMs, signal),
      close: () => undefined
    }
  }

  origin(timeoutMs: number): OriginProbe {
    return {
      head: (url, host, signal) => this.atOrigin(url, host, timeoutMs, signal),
      close: () => undefined
    }
  }

  /** A fault, as the emulator takes it: for API operations, `origin` or `edge`. */
  inject(rule: FaultRule): this {
    this.faults.rules.push(rule)
    return this
  }

  /** A fault for edge requests: `hang`, `reset` or a made-up answer, counted over every edge request. */
  injectEdge(rule: Omit<FaultRule, 'operation'>): this {
    return this.inject({ ...rule, operation: 'edge' })
  }

  /** Calls `listener` as each request is answered (a hang: as it arrives): API, edge and origin alike. */
  onRequest(listener: (entry: LoggedRequest | EdgeRequest | OriginRequest) => void): void {
    this.listeners.push(listener)
  }

  /** Requests that Gcore would have accepted (2xx), for one operation. */
  acceptedRequests(operation: 'prefetch' | 'purge'): LoggedRequest[] {
    return this.log.filter(entry => entry.operation === operation && typeof entry.answer === 'number' && entry.answer < 300)
  }

  /** "Release" new bytes at an origin path, on every source now; without a version, a numeric one goes up by one. */
  setOrigin(path: string, file: NewFile): OriginFile {
    return this.model.origin.publish(path, file)
  }

  /** Publish a new version to some sources, each seeing it `delivery.delayMs` later (plus its own lag). */
  publish(path: string, file: NewFile, delivery: Delivery = {}): OriginFile {
    return this.model.origin.publish(path, file, delivery)
  }

  cacheState(resource: number, path: string): CacheState {
    return this.model.cacheState(resource, path)
  }

  /** Whether any cached part of the path comes from a version other than the newest one the origin serves. */
  isStale(resource: number, path: string): boolean {
    return this.model.isStale(resource, path)
  }

  private get now(): number {
    return this.options.clock.now()
  }

  private record<T extends LoggedRequest | EdgeRequest | OriginRequest>(entry: T): T {
    for (const listener of this.listeners) listener(entry)
    return entry
  }

  private async send(
    sent: Sent,
    key: string,
    hidden: () => string[],
    timeoutMs: number,
    signal?: AbortSignal
  ): Promise<{ status: number; date: string | null }> {
    const operation = sent.kind === 'prefetch' ? 'prefetch' : 'purge'
    const body = sent.kind === 'url' ? { urls: sent.items } : { paths: sent.kind === 'all' ? [] : sent.items }
    const url = `/cdn/resources/${sent.resource}/${operation}`
    const answer = await this.exchange({ method: 'POST', url, key, body }, hidden, timeoutMs, signal)
    return readSendAnswer(this.asRead(answer, MAX_ERROR_BODY_BYTES), { items: sent.items, resourceId: sent.resource, hidden: hidden() })
  }

  private async getJson(path: string, key: string, hidden: () => string[], timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    const answer = await this.exchange({ method: 'GET', url: path, key }, hidden, timeoutMs, signal)
    return readJsonAnswer(this.asRead(answer, MAX_JSON_BODY_BYTES), path, hidden())
  }

  /** An answer as the HTTP layer hands it over: header names in lower case, the Date added, the body cut at `maxBytes`. */
  private asRead(answer: WireAnswer, maxBytes: number): HttpAnswer {
    const headers = Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name.toLowerCase(), value]))
    const text = Buffer.from(textOf(answer))
    return {
      status: answer.status,
      headers: { date: this.date(), ...headers },
      body: text.subarray(0, maxBytes).toString('utf8'),
      truncated: text.length > maxBytes
    }
  }

  /**
   * One API request, as the client lives it: logged, maybe faulted, answered.
   * Resolves with the answer the client read whole; rejects with the
   * GcoreError of one it did not (cut, too slow, reset, cancelled).
   */
  private async exchange(
    request: { method: 'GET' | 'POST'; url: string; key: string; body?: object },
    hidden: () => string[],
    timeoutMs: number,
    signal?: AbortSignal
  ): Promise<WireAnswer> {
    const route = routeOf(request.url)
    const entry: LoggedRequest = {
      at: this.now,
      method: request.method,
      url: request.url,
      operation: route.operation,
      resource: route.resource,
      authorization: `APIKey ${request.key}`,
      body: request.body ?? '',
      answer: 0
    }
    try {
      return await this.transport(entry, this.log, route.operation, { method: request.method, timeoutMs, signal }, fault => {
        const { answer, kind } = this.apiModel.answer(
          {
            method: request.method,
            target: request.url,
            authorization: entry.authorization ?? '',
            contentType: 'application/json',
            text: request.body === undefined ? '' : JSON.stringify(request.body),
            lost: fault?.kind === 'lost'
          },
          route
        )
        if (kind) entry.kind = kind
        const [status, body] = answer
        return { status, body: body === undefined ? '' : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }
      })
    } catch (error) {
      if (!(error instanceof NoAnswer)) throw error
      throw new GcoreError(networkText(error.message, hidden()), error.kind, null, undefined, error.unconfirmed)
    }
  }

  /**
   * What the wire does to one request of any server: a cancel before it is
   * sent, then the next fault for `operation`, then the answer `real` makes
   * (only when no fault replaces it: a replaced request is never processed).
   * The entry is logged as it arrives and recorded with its status.
   */
  private async transport<T extends { at: number; fault?: Fault['kind'] }>(
    entry: T & ({ answer: LoggedRequest['answer'] } | { status: EdgeRequest['status'] }),
    log: T[],
    operation: Operation,
    how: { method: string; timeoutMs: number; signal?: AbortSignal; target?: string },
    real: (fault: Fault | undefined) => WireAnswer
  ): Promise<WireAnswer> {
    const { timeoutMs, signal } = how
    const setStatus = (status: number | 'reset' | 'hang'): void => {
      if ('answer' in entry) entry.answer = status
      else entry.status = status
    }
    /** No complete answer: the client gives up at its timeout, or at once on a cancel. */
    const tooSlow = async (): Promise<never> => {
      await this.options.clock.sleep(timeoutMs, signal)
      if (signal?.aborted) throw new NoAnswer('cancelled while the request was in flight', 'cancelled')
      throw new NoAnswer(`no complete answer within ${timeoutMs / 1000} s (request-timeout)`, 'transient', true)
    }
    if (signal?.aborted) throw new NoAnswer('cancelled before it was sent', 'cancelled')
    log.push(entry)
    const fault = this.faults.next(operation)
    if (fault) entry.fault = fault.kind
    if (fault?.kind === 'hang' || fault?.kind === 'reset') {
      setStatus(fault.kind)
      this.record(entry as never)
      if (fault.kind === 'reset') throw new NoAnswer('connection reset', 'transient')
      return tooSlow()
    }
    // The request arrived: the server processes it, whether or not the client reads the answer.
    const made = fault && replacesAnswer(fault) ? madeUpAnswer(fault, how.target ?? '/') : real(fault)
    // As faults.ts delivers it: the fault's own headers over the answer's, its Content-Length included.
    const answer = fault && 'headers' in fault && fault.headers ? { ...made, headers: withHeaders(made.headers, fault.headers) } : made
    setStatus(answer.status)
    this.record(entry as never)
    // Node's HTTP parser refuses such an answer before anyone reads it.
    const length = header(answer, 'content-length')
    if (length !== undefined && !/^\s*\d+\s*$/.test(length)) {
      throw new NoAnswer('network error: Parse Error: Invalid character in Content-Length', 'transient')
    }
    const head = how.method === 'HEAD'
    switch (fault?.kind) {
      case 'cut-body': {
        // A HEAD answer is whole once its headers are in. Otherwise the emulator sends half the body
        // (or of 64 spaces when there is none), then closes.
        if (head) return answer
        const length = bodyLength(answer.body) || 64
        const sent = Math.max(0, Math.min(fault.bytesSent ?? Math.floor(length / 2), length - 1))
        throw new NoAnswer(`the answer was cut off after ${sent} of ${length} bytes (connection closed)`, 'transient', true)
      }
      case 'hang-after-headers':
        return head ? answer : tooSlow()
      case 'trickle':
        return wireBytes(answer, head) * fault.msPerByte > timeoutMs ? tooSlow() : answer
      default:
        // A made-up answer is an answer like any; never-close is read by its Content-Length; `lost` looks like success.
        return answer
    }
  }

  /** A request at the edge: the resource whose hostname the URL names answers, as the emulator's edge does. */
  private async atEdge(
    method: 'HEAD' | 'GET',
    url: string,
    range: string | undefined,
    timeoutMs: number,
    signal?: AbortSignal
  ): Promise<EdgeAnswer> {
    const target = new URL(url)
    const entry: EdgeRequest = {
      at: this.now,
      method,
      url,
      host: target.hostname,
      range,
      resource: null,
      status: 0,
      cache: null,
      part: null,
      bytes: 0
    }
    const answer = await this.wire(entry, this.edgeLog, 'edge', { method, timeoutMs, signal, target: url }, () => {
      const resource = this.model.catalog.byHost(target.hostname) ?? 'none'
      return serveAtEdge(this.model, resource, `${target.pathname}${target.search}`, entry, this.options.cachedSinceFormat ?? 'iso')
    })
    return {
      status: answer.status,
      cache: header(answer, 'cache') ?? header(answer, 'x-cache'),
      contentLength: wholeNumber(header(answer, 'content-length')),
      etag: header(answer, 'etag') ?? null,
      cachedSince: header(answer, 'x-cached-since') ?? null,
      date: this.date(),
      contentRange: header(answer, 'content-range') ?? null,
      contentType: mediaType(answer)
    }
  }

  /** A HEAD at an origin source, following redirects as http-network.ts does. */
  private async atOrigin(url: string, host: string | null, timeoutMs: number, signal?: AbortSignal) {
    let target = url
    let hostHeader = host
    for (let hop = 0; ; hop++) {
      const answer = await this.originHead(target, hostHeader, timeoutMs, signal)
      const location = header(answer, 'location')
      if (answer.status < 300 || answer.status >= 400 || !location || hop === MAX_ORIGIN_REDIRECTS) {
        const contentLength = wholeNumber(header(answer, 'content-length'))
        return {
          status: answer.status,
          contentLength,
          etag: header(answer, 'etag') ?? null,
          contentType: mediaType(answer),
          redirects: hop
        }
      }
      const next = new URL(location, target)
      if (next.host !== new URL(target).host) hostHeader = null
      target = next.href
    }
  }

  private async originHead(url: string, host: string | null, timeoutMs: number, signal?: AbortSignal): Promise<WireAnswer> {
    const target = new URL(url)
    const index = ORIGIN_HOST.exec(target.hostname)?.[1]
    const source = index === undefined ? undefined : this.groups.hostSources[Number(index)]
    if (!source) throw new Error(`getaddrinfo ENOTFOUND ${target.hostname}`)
    // A TLS source does not speak plain HTTP, nor a plain one TLS: the connection ends without an answer.
    if ((target.protocol === 'https:') !== Boolean(source.tls)) throw new Error('connection reset')
    const path = `${target.pathname}${target.search}`
    const sent = host ?? target.host
    const entry: OriginRequest = {
      at: this.now,
      source: source.index,
      sourceUrl: `${target.protocol}//${target.host}`,
      method: 'HEAD',
      path,
      host: sent,
      range: undefined,
      status: 0
    }
    return this.wire(entry, this.originLog, 'origin', { method: 'HEAD', timeoutMs, signal, target: path }, () => {
      const { answer, version } = originAnswer(source, this.model.origin, { method: 'HEAD', target: path, host: sent, range: undefined })
      if (version !== undefined) entry.version = version
      return answer
    })
  }

  /** transport() for the edge and the origin, whose failures are plain errors, as the HTTP layer's. */
  private async wire<T extends EdgeRequest | OriginRequest>(
    entry: T,
    log: T[],
    operation: 'edge' | 'origin',
    how: { method: string; timeoutMs: number; signal?: AbortSignal; target: string },
    real: () => WireAnswer
  ): Promise<WireAnswer> {
    try {
      return await this.transport(entry, log, operation, how, real)
    } catch (error) {
      throw error instanceof NoAnswer ? new Error(error.message) : error
    }
  }

  /** An answer's Date: the fake clock, to the second, as HTTP dates are. */
  private date(): string {
    return new Date(this.now).toUTCString()
  }
}

/** An API answer's body as text (the API never answers a file). */
function textOf(answer: WireAnswer): string {
  return typeof answer.body === 'string' ? answer.body : '\0'.repeat(answer.body.zeros)
}

/** The bytes a trickled answer takes on the wire: status line, headers and, but to a HEAD, the body (faults.ts, `trickle`). */
function wireBytes(answer: WireAnswer, head: boolean): number {
  const length = bodyLength(answer.body)
  const headers = Object.entries(answer.headers).filter(([name]) => !['content-length', 'connection'].includes(name.toLowerCase()))
  const contentLength = head ? (header(answer, 'content-length') ?? String(length)) : String(length)
  const lines = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}`,
    ...headers.map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${contentLength}`,
    'Connection: close',
    '',
    ''
  ].join('\r\n')
  return Buffer.byteLength(lines) + (head ? 0 : length)
}

/** `base` with `extra` on top, names compared without case (faults.ts, `mergeHeaders`). */
function withHeaders(base: Record<string, string>, extra: Record<string, string>): Record<string, string> {
  const given = new Set(Object.keys(extra).map(name => name.toLowerCase()))
  return { ...Object.fromEntries(Object.entries(base).filter(([name]) => !given.has(name.toLowerCase()))), ...extra }
}

/** A header of an answer, whatever its case (node reads them in lower case). */
function header(answer: WireAnswer, name: string): string | undefined {
  return Object.entries(answer.headers).find(([key]) => key.toLowerCase() === name)?.[1]
}

/** A Content-Length that is a whole number of bytes, else unknown (http-network.ts). */
function wholeNumber(text: string | undefined): number | null {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return null
  const value = Number(text)
  return Number.isSafeInteger(value) ? value : null
}

/** `text/html; charset=utf-8` → `text/html` (http-network.ts). */
function mediaType(answer: WireAnswer): string | null {
  return header(answer, 'content-type')?.split(';')[0].trim().toLowerCase() || null
}
