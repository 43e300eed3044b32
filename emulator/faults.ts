/**
 * Faults to inject, by operation and by ordinal among that operation's
 * requests, and how each one goes on the wire.
 *
 * Answer faults (`status`, `huge-body`) replace the answer: the request is not
 * processed. `reset` and `hang` drop it. The transport faults (`cut-body`,
 * `trickle`, `hang-after-headers`, `never-close`) deliver the emulator's real
 * answer badly, so Gcore did accept the request even if the client never
 * learns it; give them a `status` to deliver a made-up answer instead.
 *
 * Proxy faults (`proxy-status`, `proxy-reset`) apply to `connect`: a CONNECT
 * to the emulator's proxy (startProxy; HTTPS_PROXY or HTTP_PROXY pointed at it,
 * api-url on any host name but a loopback one). They answer the CONNECT, which
 * is counted on its own: `any` neither counts nor matches it.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http'

/** Which endpoint a request is for. */
export type Operation = 'prefetch' | 'purge' | 'limits' | 'purge-status' | 'resource' | 'rules' | 'resources' | 'other'

/** `connect`: a CONNECT to the emulator as a proxy. */
export type FaultOperation = Operation | 'any' | 'connect'

export const FAULT_OPERATIONS: readonly FaultOperation[] = [
  'prefetch',
  'purge',
  'limits',
  'purge-status',
  'resource',
  'rules',
  'resources',
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
    const keys: FaultOperation[] = operation === 'connect' ? ['connect'] : [operation, 'any']
    for (const key of keys) this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
    return this.rules.find(rule => keys.includes(rule.operation) && matchesOrdinal(rule.on, this.counts.get(rule.operation)!))?.fault
  }
}

export interface WireAnswer {
  status: number
  body: string
  headers: Record<string, string>
}

/** Whether a fault makes up its own answer, so the request must not be processed. */
export function replacesAnswer(fault: Fault): boolean {
  if (fault.kind === 'proxy-status') return false
  return (
    fault.kind === 'status' ||
    fault.kind === 'huge-body' ||
    fault.kind === 'filter-page' ||
    ('status' in fault && fault.status !== undefined)
  )
}

/** What a web filter between the runner and Gcore answers to every request. */
const FILTER_PAGE =
  '<!DOCTYPE html><html><head><title>Blocked by corporate web filter</title></head>' +
  "<body><h1>Access denied</h1><p>This site is blocked by your organisation's web filter (category: Cloud APIs).</p></body></html>"

/** The made-up answer of a fault that replaces the real one. */
export function madeUpAnswer(fault: Fault): WireAnswer {
  if (fault.kind === 'huge-body') {
    return {
      status: fault.status ?? 502,
      body: fault.body ?? '<'.repeat(fault.bytes ?? 200_000),
      headers: { 'Content-Type': 'text/html', ...fault.headers }
    }
  }
  if (fault.kind === 'filter-page') {
    return {
      status: fault.status ?? 200,
      body: fault.body ?? FILTER_PAGE,
      headers: { 'Content-Type': 'text/html; charset=utf-8', ...fault.headers }
    }
  }
  const override = fault as AnswerOverride
  return { status: override.status ?? 200, body: override.body ?? '', headers: { 'Content-Type': 'application/json', ...override.headers } }
}

/** A body for faults that must cut or withhold one when the real answer has none (a 201 to a prefetch). */
const filler = (body: string): string => (body === '' ? ' '.repeat(64) : body)

/** Deliver an answer through a transport fault. */
export function deliverBadly(fault: Fault, res: ServerResponse, answer: WireAnswer): void {
  const headers = { ...answer.headers, ...('headers' in fault ? fault.headers : {}) }
  switch (fault.kind) {
    case 'cut-body': {
      const body = Buffer.from(filler(answer.body))
      const sent = Math.min(fault.bytesSent ?? Math.floor(body.length / 2), body.length - 1)
      res.writeHead(answer.status, { ...headers, 'Content-Length': String(body.length) })
      res.flushHeaders()
      res.write(body.subarray(0, Math.max(0, sent)), () => res.socket?.destroy())
      return
    }
    case 'hang-after-headers': {
      res.writeHead(answer.status, { ...headers, 'Content-Length': String(Buffer.byteLength(filler(answer.body))) })
      res.flushHeaders()
      return
    }
    case 'never-close': {
      // Written but never ended, so Node keeps the socket open. When the client half-closes,
      // Node's server ends its side too; this socket's end() does nothing, so it never does.
      const socket = res.socket
      if (socket) socket.end = (() => socket) as typeof socket.end
      res.writeHead(answer.status, { ...headers, 'Content-Length': String(Buffer.byteLength(answer.body)), Connection: 'close' })
      res.write(answer.body)
      return
    }
    case 'trickle':
      return trickle(res, { ...answer, headers }, fault.msPerByte)
    default:
      res.writeHead(answer.status, headers).end(answer.body)
  }
}

/** The whole answer, status line first, one byte at a time; the socket's close stops the timer. */
function trickle(res: ServerResponse, answer: WireAnswer, msPerByte: number): void {
  const socket = res.socket
  if (!socket) return
  const head = [
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Unknown'}`,
    ...Object.entries(answer.headers).map(([name, value]) => `${name}: ${value}`),
    `Content-Length: ${Buffer.byteLength(answer.body)}`,
    'Connection: close',
    '',
    ''
  ].join('\r\n')
  const bytes = Buffer.from(head + answer.body)
  let next = 0
  const timer = setInterval(() => {
    if (next >= bytes.length) {
      clearInterval(timer)
      socket.end()
      return
    }
    socket.write(bytes.subarray(next, ++next))
  }, msPerByte)
  socket.once('close', () => clearInterval(timer))
}
