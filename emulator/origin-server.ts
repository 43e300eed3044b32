/**
 * One origin source as a real HTTP(S) server on 127.0.0.1, answering whoever
 * asks over HTTP (the runner: the CDN's own fetches are in-process) as an
 * nginx serving static files would: HEAD and GET, with `Content-Length`,
 * `ETag`, `Last-Modified` (when the version reached this source),
 * `Accept-Ranges: bytes`, and 206 with `Content-Range` for one byte range;
 * the body is zeros, made as the client reads them.
 *
 * In nginx's order: a Host header other than the source's `vhost` is answered
 * by the default server (404); then the ACL (403 to everyone: only the CDN's
 * servers are let in); then the method (405); then the file (404 when this
 * source does not have it, 416 for a range past its end).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { nginxErrorPage } from './body.js'
import { parseRange } from './byte-range.js'
import { respond, type FaultKind, type FaultSchedule, type WireAnswer } from './faults.js'
import type { Origin, Version } from './origin.js'
import type { HostSource } from './origin-groups.js'

export interface OriginRequest {
  at: number
  /** The host source's index (origin groups' host sources in order, from 0) and its URL. */
  source: number
  sourceUrl: string
  method: string
  /** The request target as sent. */
  path: string
  /** The Host header as sent. */
  host: string | undefined
  /** The Range header as sent. */
  range: string | undefined
  /** The status answered, or 'reset' / 'hang' (a fault). */
  status: number | 'reset' | 'hang'
  /** The version the file answer was about. */
  version?: Version
  /** The injected fault, if any. */
  fault?: FaultKind
}

export interface OriginContext {
  source: HostSource
  /** Its URL, known once it listens. */
  url: () => string
  origin: Origin
  schedule: FaultSchedule
  now: () => number
  record: (entry: OriginRequest) => void
}

export function originHandler(context: OriginContext) {
  const { source, origin } = context
  return (req: IncomingMessage, res: ServerResponse): void => {
    const entry: OriginRequest = {
      at: context.now(),
      source: source.index,
      sourceUrl: context.url(),
      method: req.method ?? '',
      path: req.url ?? '/',
      host: req.headers.host,
      range: req.headers.range,
      status: 0
    }
    req.resume()
    const fault = context.schedule.next('origin')
    if (fault) entry.fault = fault.kind
    entry.status = respond(req, res, fault, () => {
      const { answer, version } = originAnswer(source, origin, {
        method: req.method ?? '',
        target: req.url ?? '/',
        host: req.headers.host,
        range: req.headers.range
      })
      if (version !== undefined) entry.version = version
      return answer
    })
    context.record(entry)
  }
}

/** What one host source answers to one request, and the version a file answer was about. */
export function originAnswer(
  source: HostSource,
  origin: Origin,
  request: { method: string; target: string; host: string | undefined; range: string | undefined }
): { answer: WireAnswer; version?: Version } {
  const host = (request.host ?? '').replace(/:\d+$/, '').toLowerCase()
  if (source.vhost !== null && host !== source.vhost) return { answer: errorPage(404) }
  if (source.acl) return { answer: errorPage(403) }
  if (request.method !== 'HEAD' && request.method !== 'GET') return { answer: errorPage(405, { Allow: 'GET, HEAD' }) }
  const file = origin.file(source.index, pathOf(request.target))
  if (!file) return { answer: errorPage(404) }
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Last-Modified': new Date(file.modifiedAt).toUTCString(),
    ETag: file.etag,
    'Accept-Ranges': 'bytes'
  }
  const range = parseRange(request.range, file.size)
  const version = file.version
  if (range === 'unsatisfiable') return { answer: errorPage(416, { 'Content-Range': `bytes */${file.size}` }), version }
  if (!range)
    return { answer: { status: 200, headers: { ...headers, 'Content-Length': String(file.size) }, body: { zeros: file.size } }, version }
  const length = range.end - range.start + 1
  headers['Content-Range'] = `bytes ${range.start}-${range.end}/${file.size}`
  return { answer: { status: 206, headers: { ...headers, 'Content-Length': String(length) }, body: { zeros: length } }, version }
}

/** The path of a request target, absolute-form included. */
function pathOf(target: string): string {
  return /^https?:\/\//i.test(target) ? target.replace(/^https?:\/\/[^/]*/i, '') || '/' : target
}

function errorPage(status: number, headers: Record<string, string> = {}): WireAnswer {
  const page = nginxErrorPage(status)
  return { status, headers: { 'Content-Type': 'text/html', ...headers, 'Content-Length': String(Buffer.byteLength(page)) }, body: page }
}
