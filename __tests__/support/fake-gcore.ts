/**
 * Gcore in process: the engine's Network port (the API and the edge) on a fake
 * clock, for tests of `warm()` that run hour-long schedules in milliseconds.
 *
 * It answers as the emulator does, from the emulator's own pure parts: the
 * resource catalog and endpoints, body validation, rate lanes, purge history,
 * the cache model and the fault rules. What the emulator does over HTTP, this
 * does by hand, in the same order (auth, route, role, validation, resource
 * state, rate lane, effect); and what GcoreClient makes of an answer (the
 * GcoreError kinds, statuses and messages), this makes of the same answer.
 * The contract suite (__tests__/contract/) holds both to the same assertions,
 * so this fake cannot drift from the emulator.
 *
 * Time: rate windows, purge durations, hangs and timeouts run on the clock
 * given; a hang ends at the client's timeout or its cancel, as over HTTP. An
 * answer takes no time: the engine's pacing counts from each answer anyway.
 *
 * The edge is kept small on purpose: it asks the emulator's cache model (by the
 * URL's host, as the emulator's edge routes by Host) and answers HEAD only.
 */
import { STATUS_CODES } from 'node:http'
import { describeErrorBody } from '../../src/core/gcore/client.js'
import { classifyStatus, GcoreError } from '../../src/core/gcore/errors.js'
import type { Clock, EdgeProbe, GcoreApi, Network, RequestKind } from '../../src/core/ports.js'
import { networkText } from '../../src/core/text.js'
import { CdnModel, type PurgeAction } from '../../emulator/cdn-model.js'
import { FaultSchedule, madeUpAnswer, replacesAnswer, type Operation, type WireAnswer } from '../../emulator/faults.js'
import type {
  CacheState,
  EdgeRequest,
  EmulatorOptions,
  FaultRule,
  LoggedRequest,
  OriginFile,
  PurgeRecord
} from '../../emulator/gcore-emulator.js'
import { Origin, type Version } from '../../emulator/origin.js'
import type { Answer } from '../../emulator/pagination.js'
import { PurgeHistory } from '../../emulator/purge-history.js'
import { DEFAULT_RATES, laneRates, RateLanes, rateNotation } from '../../emulator/rate-lanes.js'
import { getResource, getRules, listResources } from '../../emulator/resource-endpoints.js'
import { isGone, ResourceCatalog, suspension } from '../../emulator/resources.js'
import { checkPrefetch, checkPurge } from '../../emulator/write-requests.js'

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
  | 'sliceBytes'
> & { clock: Clock }

/** What GcoreClient keeps of an answer body (client.ts): 64 KiB of an error to a POST, 16 MiB of a GET. */
const MAX_ERROR_BODY_BYTES = 64 * 1024
const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024
const DEFAULT_SLICE_BYTES = 10 * 1024 * 1024
/** Where pagination links point: any base will do, the engine only follows `next`. */
const API_BASE = 'https://api.gcore.com'

type Sent = { kind: RequestKind; resource: number; items: string[] }

export class FakeGcore implements Network {
  /** Every API request, as the emulator logs it (`at` on the fake clock). */
  readonly log: LoggedRequest[] = []
  readonly edgeLog: EdgeRequest[] = []
  readonly purges: PurgeRecord[]
  /** The clients the engine made: its API URL and each client's timeout. */
  readonly clients: { apiUrl: string; timeoutMs: number }[] = []
  private readonly options: FakeGcoreOptions &
    Required<Pick<EmulatorOptions, 'windowMs' | 'maxPrefetchPaths' | 'maxPurgeUrls' | 'maxPurgePatterns'>>
  private readonly lanes: RateLanes
  private readonly history: PurgeHistory
  private readonly model: CdnModel
  private readonly faults = new FaultSchedule()
  private readonly edgeFaults = new FaultSchedule()
  /** Accepted purges waiting for their time on the fake clock (the model's own timing is on the real one). */
  private pending: { at: number; resource: number; action: PurgeAction }[] = []
  private readonly listeners: ((entry: LoggedRequest | EdgeRequest) => void)[] = []

  constructor(options: FakeGcoreOptions) {
    this.options = { windowMs: 60_000, maxPrefetchPaths: 100, maxPurgeUrls: 100, maxPurgePatterns: 10, ...options }
    const clock = options.clock
    this.lanes = new RateLanes(this.options.windowMs, laneRates({ ...DEFAULT_RATES, ...options.rates }))
    // Statuses move on the fake clock too.
    this.history = new (class extends PurgeHistory {
      statusOf(purge: Pick<PurgeRecord, 'createdAt'>, now = clock.now()): string {
        return super.statusOf(purge, now)
      }
    })(options.purgeStatus)
    this.purges = this.history.records
    this.model = new CdnModel(new ResourceCatalog(options.resources), new Origin(options.origin), options.sliceBytes ?? DEFAULT_SLICE_BYTES)
  }

  api({ apiUrl, apiKey, timeoutMs }: { apiUrl: string; apiKey: string; timeoutMs: number }): GcoreApi {
    this.clients.push({ apiUrl, timeoutMs })
    return {
      send: (kind, resource, items, signal) => this.send({ kind, resource, items }, apiKey, timeoutMs, signal),
      getJson: (path, signal) => this.getJson(path, apiKey, timeoutMs, signal)
    }
  }

  edge(timeoutMs: number): EdgeProbe {
    return { head: (url, signal) => this.head(url, timeoutMs, signal) }
  }

  /** A fault for API requests, as the emulator takes it. */
  inject(rule: FaultRule): this {
    this.faults.rules.push(rule)
    return this
  }

  /** A fault for edge HEAD requests: `hang`, `reset` or `status`, counted over every HEAD. */
  injectEdge(rule: Omit<FaultRule, 'operation'>): this {
    this.edgeFaults.rules.push({ ...rule, operation: 'any' })
    return this
  }

  /** Calls `listener` as each request is answered (a hang: as it arrives), API and edge alike. */
  onRequest(listener: (entry: LoggedRequest | EdgeRequest) => void): void {
    this.listeners.push(listener)
  }

  /** Requests that Gcore would have accepted (2xx), for one operation. */
  acceptedRequests(operation: 'prefetch' | 'purge'): LoggedRequest[] {
    return this.log.filter(entry => entry.operation === operation && typeof entry.answer === 'number' && entry.answer < 300)
  }

  /** "Release" new bytes at the origin; without a version, a numeric one goes up by one. */
  setOrigin(path: string, file: { size: number; version?: Version }): OriginFile {
    return this.model.origin.set(path, file)
  }

  cacheState(resource: number, path: string): CacheState {
    this.settle()
    return this.model.cacheState(resource, path)
  }

  private get now(): number {
    return this.options.clock.now()
  }

  private record<T extends LoggedRequest | EdgeRequest>(entry: T): T {
    for (const listener of this.listeners) listener(entry)
    return entry
  }

  private async send(sent: Sent, key: string, timeoutMs: number, signal?: AbortSignal): Promise<{ status: number }> {
    const operation = sent.kind === 'prefetch' ? 'prefetch' : 'purge'
    const body = sent.kind === 'url' ? { urls: sent.items } : { paths: sent.kind === 'all' ? [] : sent.items }
    const url = `/cdn/resources/${sent.resource}/${operation}`
    const answer = await this.exchange({ method: 'POST', url, operation, resource: sent.resource, key, body }, timeoutMs, signal)
    if (answer.status >= 200 && answer.status < 300) return { status: answer.status }
    throw failure(answer, MAX_ERROR_BODY_BYTES, key, sent.items, sent.resource)
  }

  private async getJson(path: string, key: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    const route = routeOf(path)
    const answer = await this.exchange(
      { method: 'GET', url: path, operation: route.operation, resource: route.resource, key },
      timeoutMs,
      signal
    )
    const where = `GET ${path.split('?')[0]}`
    if (answer.status < 200 || answer.status >= 300) throw failure(answer, MAX_JSON_BODY_BYTES, key, [], null, where)
    if (Buffer.byteLength(answer.body) > MAX_JSON_BODY_BYTES)
      throw new GcoreError(`${where}: the answer is larger than ${MAX_JSON_BODY_BYTES / 1024 / 1024} MiB`, 'rejected', answer.status)
    try {
      return JSON.parse(answer.body)
    } catch {
      throw new GcoreError(`${where}: the answer is not JSON`, 'rejected', answer.status)
    }
  }

  /**
   * One request, as the client lives it: logged, maybe faulted, answered.
   * Resolves with the answer the client read whole; rejects with the
   * GcoreError of one it did not (cut, too slow, reset, cancelled).
   */
  private async exchange(
    request: { method: 'GET' | 'POST'; url: string; operation: Operation; resource: number | null; key: string; body?: object },
    timeoutMs: number,
    signal?: AbortSignal
  ): Promise<WireAnswer> {
    const lost = (text: string, kind: 'transient' | 'cancelled', unconfirmed = false): GcoreError =>
      new GcoreError(networkText(text, [request.key]), kind, null, undefined, unconfirmed)
    const inFlight = (): GcoreError => lost('cancelled while the request was in flight', 'cancelled')
    /** No complete answer: the client gives up at its timeout, or at once on a cancel. */
    const tooSlow = async (): Promise<never> => {
      await this.options.clock.sleep(timeoutMs, signal)
      throw signal?.aborted ? inFlight() : lost(`no complete answer within ${timeoutMs / 1000} s (request-timeout)`, 'transient', true)
    }
    if (signal?.aborted) throw lost('cancelled before it was sent', 'cancelled')
    const entry: LoggedRequest = {
      at: this.now,
      method: request.method,
      url: request.url,
      operation: request.operation,
      resource: request.resource,
      authorization: `APIKey ${request.key}`,
      body: request.body ?? '',
      answer: 0
    }
    this.log.push(entry)
    const fault = this.faults.next(request.operation)
    if (fault) entry.fault = fault.kind
    if (fault?.kind === 'hang' || fault?.kind === 'reset') {
      entry.answer = fault.kind
      this.record(entry)
      if (fault.kind === 'reset') throw lost('connection reset', 'transient')
      return tooSlow()
    }
    // The request arrived: Gcore processes it, whether or not the client reads the answer.
    const answer = fault && replacesAnswer(fault) ? madeUpAnswer(fault) : this.answerOf(entry, request.key)
    entry.answer = answer.status
    this.record(entry)
    switch (fault?.kind) {
      case 'cut-body': {
        // The emulator sends half the body (or of 64 spaces when there is none), then closes.
        const length = Buffer.byteLength(answer.body || ' '.repeat(64))
        const sent = Math.max(0, Math.min(fault.bytesSent ?? Math.floor(length / 2), length - 1))
        throw lost(`the answer was cut off after ${sent} of ${length} bytes (connection closed)`, 'transient', true)
      }
      case 'hang-after-headers':
        return tooSlow()
      case 'trickle':
        return wireBytes(answer) * fault.msPerByte > timeoutMs ? tooSlow() : answer
      default:
        // status and huge-body are answers like any; never-close is read by its Content-Length.
        return answer
    }
  }

  /** The documented contract, in the emulator's order (GcoreEmulator.answer and write). */
  private answerOf(entry: LoggedRequest, key: string): WireAnswer {
    const [status, body] = this.decide(entry, key)
    return { status, body: body === undefined ? '' : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }
  }

  private decide(entry: LoggedRequest, key: string): Answer {
    const role = key === this.options.apiKey ? 'full' : this.options.restrictedKeys?.includes(key) ? 'purge-and-prefetch' : null
    if (!role) return [401, { detail: 'Invalid authentication credentials.' }]
    if (entry.operation === 'other') return [404, { detail: 'Not found.' }]
    const url = new URL(entry.url, API_BASE)
    const readsResources = ['resource', 'rules', 'resources'].includes(entry.operation)
    if (readsResources && role === 'purge-and-prefetch') return [403, { detail: 'You do not have permission to perform this action.' }]
    const catalog = this.model.catalog
    switch (entry.operation) {
      case 'limits':
        return this.limitsAnswer()
      case 'purge-status':
        return this.history.query(url.searchParams, url)
      case 'resource':
        return getResource(catalog, entry.resource)
      case 'rules':
        return getRules(catalog, entry.resource, null, url.searchParams, url)
      case 'resources':
        return listResources(catalog, url.searchParams, url)
      default:
        return this.write(entry)
    }
  }

  private write(entry: LoggedRequest): Answer {
    const resource = entry.resource === null ? undefined : this.model.catalog.get(entry.resource)
    if (!resource || isGone(resource)) return [404, { detail: 'Not found.' }]
    const fields = entry.body as Record<string, unknown>
    const checked = entry.operation === 'prefetch' ? checkPrefetch(fields, this.options) : checkPurge(fields, this.options)
    if ('error' in checked) return [400, { errors: checked.error }]
    entry.kind = checked.kind
    const suspended = suspension(resource)
    if (suspended) return [400, suspended]
    if (checked.kind === 'purge_by_url' && !resource.canPurgeByUrls) {
      return [400, { errors: { urls: ['Purge by URLs is not allowed. To purge by URLs, contact support.'] } }]
    }
    if (!this.lanes.tryTake(resource.id, checked.kind, this.now)) return [429, { detail: 'Request was throttled.' }]
    this.settle()
    if (checked.kind === 'prefetch') {
      this.model.prefetch(resource, checked.paths)
    } else {
      const items = checked.kind === 'purge_by_url' ? checked.urls : checked.kind === 'purge_by_pattern' ? checked.patterns : []
      const record = this.history.add({ id: resource.id, cname: resource.cname }, checked.kind, items, this.now)
      const at = this.history.effectiveAt(record)
      if (at !== null) this.pending.push({ at, resource: resource.id, action: checked })
      this.settle()
    }
    return [201, undefined]
  }

  private limitsAnswer(): Answer {
    if (this.options.limits) return [this.options.limits.status, this.options.limits.body]
    const rate = (lane: keyof RateLanes['rates']): string => rateNotation(this.lanes.rates[lane], this.options.windowMs)
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
        purge_request_limit: rate('purge_request')
      }
    ]
  }

  /** Applies, in order, the accepted purges whose time has come on the fake clock. */
  private settle(): void {
    const due = this.pending.filter(purge => purge.at <= this.now)
    this.pending = this.pending.filter(purge => purge.at > this.now)
    for (const purge of due) this.model.schedulePurge(this.model.catalog.get(purge.resource)!, purge.action, 0)
  }

  /** HEAD at the edge: the resource whose hostname the URL names, as the cache model sees the path. */
  private async head(url: string, timeoutMs: number, signal?: AbortSignal) {
    if (signal?.aborted) throw new Error('cancelled before it was sent')
    const target = new URL(url)
    const resource = this.model.catalog.byHost(target.hostname)
    const entry: EdgeRequest = {
      at: this.now,
      method: 'HEAD',
      url,
      host: target.hostname,
      resource: null,
      status: 0,
      cache: null,
      bytes: 0
    }
    this.edgeLog.push(entry)
    const fault = this.edgeFaults.next('other')
    if (fault?.kind === 'hang') {
      this.record(entry)
      await this.options.clock.sleep(timeoutMs, signal)
      throw new Error(
        signal?.aborted ? 'cancelled while the request was in flight' : `no complete answer within ${timeoutMs / 1000} s (request-timeout)`
      )
    }
    if (fault?.kind === 'reset') {
      this.record(entry)
      throw new Error('connection reset')
    }
    if (fault && replacesAnswer(fault)) {
      entry.status = madeUpAnswer(fault).status
      this.record(entry)
      return { status: entry.status, cache: undefined, contentLength: null }
    }
    this.settle()
    const view = this.model.edgeView(resource ?? 'none', `${target.pathname}${target.search}`)
    Object.assign(entry, { resource: view.resource, status: 200, cache: view.verdict, bytes: view.bytes })
    this.record(entry)
    return { status: 200, cache: view.hidden.has('cache') ? undefined : view.verdict, contentLength: view.bytes }
  }
}

/** What GcoreClient makes of an answer it read whole but did not like (client.ts, `failure`). */
function failure(answer: WireAnswer, maxBytes: number, key: string, sent: string[], resource: number | null, where?: string): GcoreError {
  const { status } = answer
  let detail: string
  if (status >= 300 && status < 400) {
    detail = `redirect to ${redirectHost(header(answer, 'location'))} not followed, so the key stays with api-url; check api-url`
  } else {
    detail = describeErrorBody(Buffer.from(answer.body).subarray(0, maxBytes).toString('utf8'), sent)
    if (status === 404 && resource !== null) {
      detail = `resource ${resource} was not found: the key's account has no CDN resource with that ID (check resource-id) (${detail})`
    }
  }
  const text = networkText(`${where ? `${where}: ` : ''}HTTP ${status}: ${detail}`, [key])
  return new GcoreError(text, classifyStatus(status), status, header(answer, 'retry-after'))
}

function redirectHost(location: string | undefined): string {
  try {
    return location ? new URL(location).host || 'the same host' : 'nowhere'
  } catch {
    return 'the same host'
  }
}

/** The bytes a trickled answer takes on the wire: status line, headers and body (faults.ts, `trickle`). */
function wireBytes(answer: WireAnswer): number {
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}`,
    ...Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(answer.body)}`,
    'Connection: close',
    '',
    ''
  ].join('\r\n')
  return Buffer.byteLength(head + answer.body)
}

/** A header of a made-up answer, whatever its case (node reads them in lower case). */
function header(answer: WireAnswer, name: string): string | undefined {
  return Object.entries(answer.headers).find(([key]) => key.toLowerCase() === name)?.[1]
}

/** Which endpoint a GET names (the emulator's routeOf, for the paths the engine asks). */
function routeOf(path: string): { operation: Operation; resource: number | null } {
  const pathname = new URL(path, API_BASE).pathname.replace(/\/+$/, '')
  const fixed: Record<string, Operation> = {
    '/cdn/resources': 'resources',
    '/cdn/clients/me/limits': 'limits',
    '/cdn/purge_statuses': 'purge-status'
  }
  if (fixed[pathname]) return { operation: fixed[pathname], resource: null }
  const match = /^\/cdn\/resources\/(\d+)(\/rules)?$/.exec(pathname)
  if (!match) return { operation: 'other', resource: null }
  return { operation: match[2] ? 'rules' : 'resource', resource: Number(match[1]) }
}
