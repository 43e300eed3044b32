/**
 * A CDN edge server for verification: HEAD and GET for `/<path>`, answered
 * from the cache model with Gcore's `Cache` header (HIT, MISS, BYPASS),
 * `X-ID` naming the server, and `Content-Length` of the bytes it holds.
 *
 * It routes by host, so it also works as an HTTP proxy
 * (`http_proxy=http://127.0.0.1:<port>` with `http://cdn.example.com/x`): the
 * absolute-form target's host, else the Host header, picks the resource whose
 * cname or secondary hostname matches; otherwise the resource the edge was
 * started for; otherwise whichever resource has the path cached.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { CacheVerdict } from './cache.js'
import type { CdnModel } from './cdn-model.js'

export interface EdgeRequest {
  at: number
  method: string
  url: string
  host: string
  resource: number | null
  status: number
  /** The verdict, also when the resource hides the header. */
  cache: CacheVerdict | null
  bytes: number
}

const EDGE_ID = 'edge-emulator'

export function edgeHandler(model: CdnModel, fallback: number | undefined, record: (entry: EdgeRequest) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const target = req.url ?? '/'
    const absolute = /^https?:\/\//i.test(target) ? parseUrl(target) : null
    const host = (absolute?.hostname ?? (req.headers.host ?? '').replace(/:\d+$/, '')).toLowerCase()
    const rawPath = absolute ? `${absolute.pathname}${absolute.search}` : target
    const entry: EdgeRequest = {
      at: Date.now(),
      method: req.method ?? '',
      url: target,
      host,
      resource: null,
      status: 405,
      cache: null,
      bytes: 0
    }
    req.resume()
    if (req.method !== 'HEAD' && req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Length': '0' }).end()
      return record(entry)
    }
    const byHost = model.catalog.byHost(host)
    const started = fallback === undefined ? undefined : model.catalog.get(fallback)
    const view = model.edgeView(byHost ?? started ?? (fallback === undefined ? 'any' : 'none'), rawPath)
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream', 'Content-Length': String(view.bytes) }
    if (!view.hidden.has('cache')) headers.Cache = view.verdict
    if (!view.hidden.has('x-id')) headers['X-ID'] = EDGE_ID
    res.writeHead(200, headers)
    Object.assign(entry, { resource: view.resource, status: 200, cache: view.verdict, bytes: view.bytes })
    record(entry)
    if (req.method === 'HEAD') res.end()
    else streamZeros(res, view.bytes)
  }
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text)
  } catch {
    return null
  }
}

/** A body of `bytes` zero bytes, sent as the client reads it (files here are hundreds of MiB). */
function streamZeros(res: ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(64 * 1024)
  let left = bytes
  const pump = (): void => {
    while (left > 0) {
      const size = Math.min(left, chunk.length)
      left -= size
      if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
        res.once('drain', pump)
        return
      }
    }
    res.end()
  }
  pump()
}
