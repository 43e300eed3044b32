/**
 * Faults to inject, by operation and by ordinal among that operation's
 * requests, and how each one goes on the wire. The API, the origin servers
 * and the edge servers all answer through `respond`.
 *
 * Answer faults (`status`, `huge-body`, `redirect-loop`) replace the answer:
 * the request is not processed (an edge request fills no cache). `reset` and
 * `hang` drop it. The transport faults (`cut-body`, `trickle`,
 * `hang-after-headers`, `never-close`) deliver the server's real answer
 * badly, so Gcore did accept the request (or the edge did fill its cache) even
 * if the client never learns it; give them a `status` to deliver a made-up
 * answer instead. `lost` is for prefetch only: the API answers 201 as usual,
 * but the prefetch never reaches the edge. `filter-page` is a corporate web
 * filter's page instead of the answer.
 *
 * Proxy faults (`proxy-status`, `proxy-reset`) apply to `connect`: a CONNECT
 * to the emulator's proxy (startProxy; HTTPS_PROXY or HTTP_PROXY pointed at it,
 * api-url on any host name but a loopback one). They answer the CONNECT, which
 * is counted on its own: `any` neither counts nor matches it.
 */
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import { bodyLength, nginxErrorPage, sendAnswer, writeBody, type WireBody } from './body.js'

/** Which API endpoint a request is for. */
export type ApiOperation = 'prefetch' | 'purge' | 'limits' | 'purge-status' | 'resource' | 'rules' | 'resources' | 'origin-group' | 'other'

/** Which endpoint or server a request is for: an API endpoint, an origin source, an edge server. */
export type Operation = ApiOperation | 'origin' | 'edge'

/**
 * `any` counts API requests only, so the ordinals of API faults do not move with
 * edge or origin traffic; `connect` is a CONNECT to the emulator as a proxy.
 */
export type FaultOperation = Operation | 'any' | 'connect'

export const FAULT_OPERATIONS: readonly FaultOperation[] = [
  'prefetch',
  'purge',
  'limits',
  'purge-status',
  'resource',
  'rules',
  'resources',
  'origin-group',
  'origin',
  'edge',
  'any',
  'connect'
]

/** A made-up answer: status, body and extra headers. */
interface AnswerOverride {
  status?: number
  body?: string
  headers?: Record<string, string>
}

export type Fault =
  /** Answer this status, body and headers instead (e.g. 429 with `Retry-After: 0`). */
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  /** Destroy the connection without an answer. */
  | { kind: 'reset' }
  /** Never answer; the connection stays open until stop(). */
  | { kind: 'hang' }
  /** Send the headers with the full Content-Length, `bytesSent` bytes of the body (default half), then destroy the socket. */
  | ({ kind: 'cut-body'; bytesSent?: number } & AnswerOverride)
  /** Send a valid answer, status line and headers included, one byte every `msPerByte`. */
  | ({ kind: 'trickle'; msPerByte: number } & AnswerOverride)
  /** Send the headers (announcing a body), then nothing, never closing. */
  | ({ kind: 'hang-after-headers' } & AnswerOverride)
  /** Send a complete answer, then keep the connection open for ever, even after the client half-closes. */
  | ({ kind: 'never-close' } & AnswerOverride)
  /** An HTML error page of `bytes` (default 200 kB) `<` characters; status default 502. */
  | ({ kind: 'huge-body'; bytes?: number } & AnswerOverride)
  /** A redirect (default 302) to the request's own target, so a client that follows redirects goes round for ever. */
  | { kind: 'redirect-loop'; status?: number; headers?: Record<string, string> }
  /** Prefetch only: the API accepts it (201) as usual, but nothing reaches the edge cache. */
  | { kind: 'lost' }
  /** A corporate web filter's page instead of Gcore's answer: `200 text/html` "Blocked by corporate web filter" unless overridden. */
  | ({ kind: 'filter-page' } & AnswerOverride)
  /** On `connect`: the proxy answers CONNECT with this status (502, 403, 407…) instead of opening the tunnel. */
  | { kind: 'proxy-status'; status: number }
  /** On `connect`: the proxy closes the connection without answering CONNECT. */
  | { kind: 'proxy-reset' }

export type FaultKind = Fault['kind']

/** The kinds that answer a CONNECT; only they apply to `connect`, and only to it. */
const PROXY_FAULT_KINDS: readonly FaultKind[] = ['proxy-status', 'proxy-reset']

/** Why a rule cannot apply, or null: proxy faults are for `connect` alone, and `connect` takes only them. */
export function ruleProblem(rule: FaultRule): string | null {
  const proxyKind = PROXY_FAULT_KINDS.includes(rule.fault.kind)
  if (rule.operation === 'connect' && !proxyKind) return `connect takes only ${PROXY_FAULT_KINDS.join(' or ')}, not ${rule.fault.kind}`
  if (rule.operation !== 'connect' && proxyKind) return `${rule.fault.kind} applies only to connect (the emulator as a proxy)`
  return null
}

/** 1-based ordinals among the requests of the rule's operation: a list of numbers and ranges, or every request. */
export type Ordinals = 'every' | (number | { from: number; to?: number })[]

export interface FaultRule {
  /** Which requests count: an operation, or any request. */
  operation: FaultOperation
  /** Which of them get the fault. */
  on: Ordinals
  fault: Fault
}

function matchesOrdinal(on: Ordinals, ordinal: number): boolean {
  if (on === 'every') return true
  return on.some(item => (typeof item === 'number' ? item === ordinal : ordinal >= item.from && ordinal <= (item.to ?? Infinity)))
}

/** Counts requests per operation and picks the first rule that applies to this one. */
export class FaultSchedule {
  readonly rules: FaultRule[] = []
  private readonly counts = new Map<FaultOperation, number>()

  next(operation: Operation | 'connect'): Fault | undefined {
    const counted: FaultOperation[] =
      operation === 'origin' || operation === 'edge' || operation === 'connect' ? [operation] : [operation, 'any']
    for (const key of counted) this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    return this.rules.find(rule => counted.includes(rule.operation) && matchesOrdinal(rule.on, this.counts.get(rule.operation)!))?.fault
  }
}

export interface WireAnswer {
  status: number
  /** Content-Length included: a HEAD answer announces a body it does not send. */
  headers: Record<string, string>
  body: WireBody
}

/**
 * Answers a request: `real` (called only when no fault replaces it) as it
 * should go, or as the fault says. Returns what the client got: a status, or
 * `reset` / `hang`.
 */
export function respond(
  req: IncomingMessage,
  res: ServerResponse,
  fault: Fault | undefined,
  real: () => WireAnswer
): number | 'reset' | 'hang' {
  if (fault?.kind === 'reset') {
    req.socket.destroy()
    return 'reset'
  }
  if (fault?.kind === 'hang') return 'hang'
  const answer = fault && replacesAnswer(fault) ? madeUpAnswer(fault, req.url ?? '/') : real()
  if (fault && fault.kind !== 'lost') deliverBadly(fault, res, answer)
  else sendAnswer(res, answer)
  return answer.status
}

/** Whether a fault makes up its own answer, so the request must not be processed. */
export function replacesAnswer(fault: Fault): boolean {
  if (fault.kind === 'proxy-status') return false
  return (
    fault.kind === 'status' ||
    fault.kind === 'huge-body' ||
    fault.kind === 'redirect-loop' ||
    fault.kind === 'filter-page' ||
    ('status' in fault && fault.status !== undefined)
  )
}

/** What a web filter between the runner and Gcore answers to every request. */
const FILTER_PAGE =
  '<!DOCTYPE html><html><head><title>Blocked by corporate web filter</title></head>' +
  "<body><h1>Access denied</h1><p>This site is blocked by your organisation's web filter (category: Cloud APIs).</p></body></html>"

/** The made-up answer of a fault that replaces the real one; `target` is the request's own. */
export function madeUpAnswer(fault: Fault, target: string): WireAnswer {
  if (fault.kind === 'filter-page') {
    const body = fault.body ?? FILTER_PAGE
    return {
      status: fault.status ?? 200,
      body,
      headers: withLength(mergeHeaders({ 'Content-Type': 'text/html; charset=utf-8' }, fault.headers), body)
    }
  }
  if (fault.kind === 'huge-body') {
    const body = fault.body ?? '<'.repeat(fault.bytes ?? 200_000)
    return { status: fault.status ?? 502, body, headers: withLength(mergeHeaders({ 'Content-Type': 'text/html' }, fault.headers), body) }
  }
  if (fault.kind === 'redirect-loop') {
    const status = fault.status ?? 302
    const body = nginxErrorPage(status)
    return { status, body, headers: withLength(mergeHeaders({ 'Content-Type': 'text/html', Location: target }, fault.headers), body) }
  }
  const override = fault as AnswerOverride
  const body = override.body ?? ''
  return {
    status: override.status ?? 200,
    body,
    headers: withLength(mergeHeaders({ 'Content-Type': 'application/json' }, override.headers), body)
  }
}

/** `base` with `extra` on top, names compared without case (a header given as `content-type` replaces `Content-Type`). */
function mergeHeaders(base: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  const given = new Set(Object.keys(extra).map(name => name.toLowerCase()))
  return { ...Object.fromEntries(Object.entries(base).filter(([name]) => !given.has(name.toLowerCase()))), ...extra }
}

function withLength(headers: Record<string, string>, body: WireBody): Record<string, string> {
  return mergeHeaders(headers, { 'Content-Length': String(bodyLength(body)) })
}

/** A body for faults that must cut or withhold one when the real answer has none (a 201 to a prefetch). */
const filler = (body: WireBody): WireBody => (bodyLength(body) === 0 ? ' '.repeat(64) : body)

/** Deliver an answer through a transport fault. A HEAD answer keeps the Content-Length it announces. */
function deliverBadly(fault: Fault, res: ServerResponse, answer: WireAnswer): void {
  const head = res.req?.method === 'HEAD'
  const cuts = fault.kind === 'cut-body' || fault.kind === 'hang-after-headers'
  const body = cuts && !head ? filler(answer.body) : answer.body
  const headers = mergeHeaders(head ? answer.headers : withLength(answer.headers, body), 'headers' in fault ? fault.headers : {})
  switch (fault.kind) {
    case 'cut-body': {
      const length = bodyLength(body)
      const sent = Math.max(0, Math.min(fault.bytesSent ?? Math.floor(length / 2), length - 1))
      res.writeHead(answer.status, headers)
      res.flushHeaders()
      writeBody(res, body, () => res.socket?.destroy(), sent)
      return
    }
    case 'hang-after-headers':
      res.writeHead(answer.status, headers)
      res.flushHeaders()
      return
    case 'never-close': {
      // Written but never ended, so Node keeps the socket open. When the client half-closes,
      // Node's server ends its side too; this socket's end() does nothing, so it never does.
      const socket = res.socket
      if (socket) socket.end = (() => socket) as typeof socket.end
      res.writeHead(answer.status, mergeHeaders(headers, { Connection: 'close' }))
      writeBody(res, body, () => undefined)
      return
    }
    case 'trickle':
      return trickle(res, { ...answer, headers }, fault.msPerByte, head)
    default:
      sendAnswer(res, { ...answer, headers })
  }
}

/** The whole answer, status line first, one byte at a time; the socket's close stops the timer. */
function trickle(res: ServerResponse, answer: WireAnswer, msPerByte: number, head: boolean): void {
  const socket = res.socket
  if (!socket) return
  const statusLine = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}`
  const lines = Object.entries(mergeHeaders(answer.headers, { Connection: 'close' })).map(([name, value]) => `${name}: ${value}`)
  const headBytes = Buffer.from([statusLine, ...lines, '', ''].join('\r\n'))
  const text = typeof answer.body === 'string' ? Buffer.from(answer.body) : null
  const total = headBytes.length + (head ? 0 : bodyLength(answer.body))
  const byteAt = (at: number): Buffer =>
    at < headBytes.length ? headBytes.subarray(at, at + 1) : text ? text.subarray(at - headBytes.length, at - headBytes.length + 1) : ZERO
  let next = 0
  const timer = setInterval(() => {
    if (next >= total) {
      clearInterval(timer)
      socket.end()
      return
    }
    socket.write(byteAt(next++))
  }, msPerByte)
  socket.once('close', () => clearInterval(timer))
}

const ZERO = Buffer.alloc(1)
