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
      const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase()
      if (source.vhost !== null && host !== source.vhost) return errorPage(404)
      if (source.acl) return errorPage(403)
      if (req.method !== 'HEAD' && req.method !== 'GET') return errorPage(405, { Allow: 'GET, HEAD' })
      const file = origin.file(source.index, pathOf(req.url ?? '/'))
      if (!file) return errorPage(404)
      entry.version = file.version
      const headers: Record<string, string> = {
        'Content-Type': 'application/octet-stream',
        'Last-Modified': new Date(file.modifiedAt).toUTCString(),
        ETag: file.etag,
        'Accept-Ranges': 'bytes'
      }
      const range = parseRange(req.headers.range, file.size)
      if (range === 'unsatisfiable') return errorPage(416, { 'Content-Range': `bytes */${file.size}` })
      if (!range) return { status: 200, headers: { ...headers, 'Content-Length': String(file.size) }, body: { zeros: file.size } }
      const length = range.end - range.start + 1
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${file.size}`
      return { status: 206, headers: { ...headers, 'Content-Length': String(length) }, body: { zeros: length } }
    })
    context.record(entry)
  }
}

/** The path of a request target, absolute-form included. */
function pathOf(target: string): string {
  return /^https?:\/\//i.test(target) ? target.replace(/^https?:\/\/[^/]*/i, '') || '/' : target
}

function errorPage(status: number, headers: Record<string, string> = {}): WireAnswer {
  const page = nginxErrorPage(status)
  return { status, headers: { 'Content-Type': 'text/html', ...headers, 'Content-Length': String(Buffer.byteLength(page)) }, body: page }
}
