/**
 * The Network the front ends pass to the engine: Gcore's API through its HTTP
 * client, and the edge and the origin asked directly, all through the one
 * HTTP layer (http.ts: deadlines, body caps, cancel). Tests pass a fake Gcore.
 */
import { GcoreClient } from './gcore/client.js'
import { ConnectionPool, exchange, type HttpAnswer } from './http.js'
import type { EdgeAnswer, EdgeProbe, Network, OriginProbe } from './ports.js'

/** An origin that redirects more often than this is answered by its last redirect (a loop, most likely). */
const MAX_ORIGIN_REDIRECTS = 3
/** A ranged answer is one byte; an edge that ignores the Range is cut off here. */
const MAX_RANGE_BODY_BYTES = 1024

function header(answer: HttpAnswer, name: string): string | null {
  const value = answer.headers[name]
  return (Array.isArray(value) ? value[0] : value) ?? null
}

/** A Content-Length that is a whole number of bytes, else unknown. */
function contentLength(answer: HttpAnswer): number | null {
  const text = header(answer, 'content-length')
  if (text === null || !/^\s*\d+\s*$/.test(text)) return null
  const length = Number(text)
  return Number.isSafeInteger(length) ? length : null
}

/** `text/html; charset=utf-8` → `text/html`. */
function mediaType(answer: HttpAnswer): string | null {
  return header(answer, 'content-type')?.split(';')[0].trim().toLowerCase() || null
}

function edgeAnswer(answer: HttpAnswer): EdgeAnswer {
  return {
    status: answer.status,
    cache: header(answer, 'cache') ?? header(answer, 'x-cache') ?? undefined,
    contentLength: contentLength(answer),
    etag: header(answer, 'etag'),
    cachedSince: header(answer, 'x-cached-since'),
    date: header(answer, 'date'),
    contentRange: header(answer, 'content-range'),
    contentType: mediaType(answer)
  }
}

/** The edge and the origin are asked about many paths on one host: their connections are kept for the next request. */
function httpEdgeProbe(timeoutMs: number): EdgeProbe {
  const pool = new ConnectionPool()
  return {
    async head(url, signal) {
      return edgeAnswer(await exchange({ method: 'HEAD', url, headers: {} }, { timeoutMs, signal, maxBodyBytes: 0, pool }))
    },
    async lastByte(url, signal) {
      const answer = await exchange(
        { method: 'GET', url, headers: { Range: 'bytes=-1' } },
        { timeoutMs, signal, maxBodyBytes: MAX_RANGE_BODY_BYTES, pool }
      )
      return edgeAnswer(answer)
    },
    close: () => pool.close()
  }
}

function httpOriginProbe(timeoutMs: number): OriginProbe {
  const pool = new ConnectionPool()
  return {
    close: () => pool.close(),
    async head(url, host, signal) {
      let target = url
      let hostHeader = host
      for (let hop = 0; ; hop++) {
        const answer = await exchange(
          { method: 'HEAD', url: target, headers: hostHeader ? { Host: hostHeader } : {} },
          { timeoutMs, signal, maxBodyBytes: 0, pool }
        )
        const location = header(answer, 'location')
        if (answer.status < 300 || answer.status >= 400 || !location || hop === MAX_ORIGIN_REDIRECTS) {
          return {
            status: answer.status,
            contentLength: contentLength(answer),
            etag: header(answer, 'etag'),
            contentType: mediaType(answer),
            redirects: hop
          }
        }
        const next = new URL(location, target)
        // A redirect elsewhere is asked as any client would, with that host's own Host header.
        if (next.host !== new URL(target).host) hostHeader = null
        target = next.href
      }
    }
  }
}

export const httpNetwork: Network = {
  api: options => new GcoreClient(options),
  edge: httpEdgeProbe,
  origin: httpOriginProbe
}
