/**
 * A CDN edge server: HEAD and GET for `/<path>`, answered from the cache
 * model (cdn-model.ts), which fills the parts a request needs on a MISS, as
 * Gcore's edge does. Its headers:
 * - `Cache`: HIT, MISS or BYPASS, of the part that answers;
 * - `X-Cached-Since` on a HIT: when that part was cached ("the timestamp when
 *   the object was initially cached"), as `2024-07-03T09:47:49+00:00` or, in
 *   the other format seen from Gcore, `2025-11-14 08:32:19` (UTC); a MISS or
 *   BYPASS is answered from the origin, so it has none;
 * - `ETag` and `Last-Modified` of the version the part came from, passed on
 *   from the origin as nginx does; the ETag is left out where the resource
 *   slices the path (Gcore: "When Large File delivery optimization is
 *   enabled, the HTTP Etag header will be concealed");
 * - `X-ID` naming the server; `Content-Length`: the size part 0 was cached
 *   from, or the range's length; a range answers 206 with `Content-Range`
 *   ending in the size its part was cached from.
 * The resource's hiding policy removes any of Cache, X-ID, X-Cached-Since,
 * ETag and Last-Modified; Content-Length and Content-Type always stay.
 *
 * It routes by host, so it also works as an HTTP proxy
 * (`http_proxy=http://127.0.0.1:<port>` with `http://cdn.example.com/x`): the
 * absolute-form target's host, else the Host header, picks the resource whose
 * cname or secondary hostname matches; otherwise the resource the edge was
 * started for; otherwise whichever resource has the path cached.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { nginxErrorPage } from './body.js'
import type { CacheVerdict } from './cache.js'
import { isHeaderHidden } from './cache-key.js'
import type { CdnModel, EdgeView } from './cdn-model.js'
import { respond, type FaultKind, type FaultSchedule, type WireAnswer } from './faults.js'

export interface EdgeRequest {
  at: number
  method: string
  url: string
  host: string
  /** The Range header as sent. */
  range: string | undefined
  resource: number | null
  /** The status answered, or 'reset' / 'hang' (a fault). */
  status: number | 'reset' | 'hang'
  /** The verdict, also when the resource hides the header; null when the cache was not asked. */
  cache: CacheVerdict | null
  /** The part that answered (0 for HEAD and GET, the range's first part otherwise), when a file did. */
  part: number | null
  /** Content-Length. */
  bytes: number
  /** The injected fault, if any. */
  fault?: FaultKind
}

/** `iso`: 2024-07-03T09:47:49+00:00; `space`: 2025-11-14 08:32:19 (both UTC). */
export type CachedSinceFormat = 'iso' | 'space'

export interface EdgeContext {
  model: CdnModel
  /** The resource the edge was started for, if any. */
  fallback: number | undefined
  schedule: FaultSchedule
  now: () => number
  cachedSinceFormat: CachedSinceFormat
  record: (entry: EdgeRequest) => void
}

const EDGE_ID = 'edge-emulator'

/** The headers a resource's hiding policy may remove here. */
const HIDEABLE = ['Cache', 'X-ID', 'X-Cached-Since', 'ETag', 'Last-Modified']

export function edgeHandler(context: EdgeContext) {
  const { model, fallback } = context
  return (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '/'
    const absolute = /^https?:\/\//i.test(target) ? parseUrl(target) : null
    const host = (absolute?.hostname ?? (req.headers.host ?? '').replace(/:\d+$/, '')).toLowerCase()
    const rawPath = absolute ? `${absolute.pathname}${absolute.search}` : target
    const entry: EdgeRequest = {
      at: context.now(),
      method: req.method ?? '',
      url: target,
      host,
      range: req.headers.range,
      resource: null,
      status: 405,
      cache: null,
      part: null,
      bytes: 0
    }
    req.resume()
    const fault = context.schedule.next('edge')
    if (fault) entry.fault = fault.kind
    entry.status = respond(req, res, fault, () => {
      if (req.method !== 'HEAD' && req.method !== 'GET') return methodNotAllowed()
      const started = fallback === undefined ? undefined : model.catalog.get(fallback)
      const resource = model.catalog.byHost(host) ?? started ?? (fallback === undefined ? 'any' : 'none')
      return serveAtEdge(model, resource, rawPath, entry, context.cachedSinceFormat)
    })
    context.record(entry)
  }
}

/**
 * What the edge answers `entry` (its method and Range) for a path on a resource, from the cache model
 * (which fills what the request needs), with what it answered written into the entry.
 */
export function serveAtEdge(
  model: CdnModel,
  resource: Parameters<CdnModel['edgeView']>[0],
  rawPath: string,
  entry: EdgeRequest,
  format: CachedSinceFormat
): WireAnswer {
  const view = model.edgeView(resource, rawPath, entry.method, entry.range)
  const answer = edgeAnswer(view, format)
  Object.assign(entry, {
    resource: view.resource,
    cache: view.verdict,
    part: view.answer.kind === 'file' ? view.answer.part.index : null,
    bytes: Number(answer.headers['Content-Length'])
  })
  return answer
}

/** The edge's answer for a view of the cache model: headers as Gcore's edge sends them, the body as zeros or a page. */
function edgeAnswer(view: EdgeView, format: CachedSinceFormat): WireAnswer {
  const headers: Record<string, string> = {}
  if (view.verdict) headers.Cache = view.verdict
  headers['X-ID'] = EDGE_ID
  const { answer } = view
  let status: number
  if (answer.kind === 'file') {
    const { part, range } = answer
    status = range ? 206 : 200
    if (view.verdict === 'HIT') headers['X-Cached-Since'] = cachedSince(part.cachedAt, format)
    if (!view.sliced) headers.ETag = part.etag
    headers['Last-Modified'] = new Date(part.modifiedAt).toUTCString()
    headers['Accept-Ranges'] = 'bytes'
    if (range) headers['Content-Range'] = `bytes ${range.start}-${range.end}/${range.total}`
    Object.assign(headers, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(answer.length) })
  } else {
    status = answer.kind === 'unsatisfiable' ? 416 : answer.status
    if (answer.kind === 'unsatisfiable') headers['Content-Range'] = `bytes */${answer.size}`
    if (answer.kind === 'redirect') headers.Location = answer.location
  }
  for (const name of HIDEABLE) if (name in headers && isHeaderHidden(view.hiding, name)) delete headers[name]
  if (answer.kind === 'file') return { status, headers, body: { zeros: answer.length } }
  const page = nginxErrorPage(status)
  return { status, headers: { ...headers, 'Content-Type': 'text/html', 'Content-Length': String(Buffer.byteLength(page)) }, body: page }
}

function methodNotAllowed(): WireAnswer {
  const page = nginxErrorPage(405)
  return { status: 405, headers: { Allow: 'GET, HEAD', 'Content-Type': 'text/html', 'Content-Length': String(page.length) }, body: page }
}

/** Gcore's X-Cached-Since, in UTC to the second. */
function cachedSince(ms: number, format: CachedSinceFormat): string {
  const iso = new Date(ms).toISOString().slice(0, 19)
  return format === 'iso' ? `${iso}+00:00` : iso.replace('T', ' ')
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}
