/**
 * One HTTP exchange through @actions/http-client, with the guarantees the
 * library leaves to its callers:
 *
 * - one deadline for the whole exchange, headers and body: a trickling or
 *   half-finished answer ends at `timeoutMs`, and its socket is destroyed;
 * - a cancel signal that aborts the request in flight at once;
 * - a body cut short (Content-Length promised, connection closed) is an error,
 *   never a promise that does not settle;
 * - at most `maxBodyBytes` of a body are kept: an endless error page cannot
 *   fill the memory or stall the event loop;
 * - no socket outlives its exchange, so a finished run exits at once; only a
 *   ConnectionPool keeps idle connections, for many small requests to the same
 *   hosts (the origin and edge checks), until its owner closes it.
 *
 * This is the only module that imports @actions/http-client: the Gcore client
 * and the edge check both go through it.
 */
import { HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { Agent as HttpAgent, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'HEAD'
  url: string
  headers: Record<string, string>
  body?: string
}

export interface HttpAnswer {
  status: number
  headers: IncomingHttpHeaders
  body: string
  /** More than maxBodyBytes arrived; `body` holds the first part. */
  truncated: boolean
}

export type HttpFailure = 'timeout' | 'cancelled' | 'cut' | 'network'

export class HttpError extends Error {
  constructor(
    message: string,
    readonly failure: HttpFailure,
    /** The status, when the headers had arrived before the failure. */
    readonly status: number | null = null,
    readonly code?: string
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export interface ExchangeOptions {
  timeoutMs: number
  signal?: AbortSignal
  maxBodyBytes: number
  userAgent?: string
  /** Keep the connection for the next request to the same host (direct connections only, never through a proxy). */
  pool?: ConnectionPool
}

/**
 * Keep-alive connections for many small requests to the same hosts: a HEAD to
 * each of 1,000 paths at an origin costs one connection setup per socket, not
 * one per request. A request through a proxy goes the library's usual way.
 */
export class ConnectionPool {
  private readonly agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: POOL_SOCKETS }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: POOL_SOCKETS })
  }

  /** The agent for a direct connection to `url`, or undefined when a proxy applies. */
  agentFor(url: string): HttpAgent | undefined {
    const parsed = new URL(url)
    if (getProxyUrl(parsed)) return undefined
    return parsed.protocol === 'https:' ? this.agents['https:'] : parsed.protocol === 'http:' ? this.agents['http:'] : undefined
  }

  /** Closes every connection: nothing of the pool keeps the process alive. */
  close(): void {
    for (const agent of Object.values(this.agents)) agent.destroy()
  }
}

/** Connections a pool keeps per host and protocol. */
const POOL_SOCKETS = 16

const USER_AGENT = 'gcore-cdn-prefetch'

/** Sends the request's signal down to node's http.request, uses the pool's agent if any, and unwraps `[::1]`. */
function requestHandler(signal: AbortSignal, agent: HttpAgent | undefined): RequestHandler {
  return {
    prepareRequest(options) {
      options.signal = signal
      if (agent) options.agent = agent
      // The WHATWG URL keeps IPv6 brackets in `hostname`; node's resolver wants the bare address.
      if (typeof options.host === 'string' && options.host.startsWith('[')) options.host = options.host.slice(1, -1)
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported'))
  }
}

export async function exchange(request: HttpRequest, options: ExchangeOptions): Promise<HttpAnswer> {
  const controller = new AbortController()
  let why: HttpFailure | null = null
  const abort = (reason: HttpFailure): void => {
    why ??= reason
    controller.abort()
  }
  if (options.signal?.aborted) throw new HttpError('cancelled before it was sent', 'cancelled')
  const onCancel = (): void => abort('cancelled')
  options.signal?.addEventListener('abort', onCancel, { once: true })
  const timer = setTimeout(() => abort('timeout'), options.timeoutMs)
  const pooled = options.pool?.agentFor(request.url)
  const client = new HttpClient(options.userAgent ?? USER_AGENT, [requestHandler(controller.signal, pooled)], {
    // Our deadline ends the exchange first; the library's idle timer only half-closes a socket.
    socketTimeout: options.timeoutMs + 60_000,
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false
  })
  let message: IncomingMessage | undefined
  let reusable = false
  try {
    const response = await client.request(request.method, request.url, request.body ?? null, request.headers)
    message = response.message
    const { body, truncated } = await readBody(message, options.maxBodyBytes, controller.signal)
    // A pooled connection whose answer was read to its end goes back to the pool.
    reusable = pooled !== undefined && !truncated && message.complete
    return { status: message.statusCode ?? 0, headers: message.headers, body, truncated }
  } catch (error) {
    const status = message?.statusCode ?? null
    if (why === 'timeout')
      throw new HttpError(`no complete answer within ${options.timeoutMs / 1000} s (request-timeout)`, 'timeout', status)
    if (why === 'cancelled') throw new HttpError('cancelled while the request was in flight', 'cancelled', status)
    if (error instanceof HttpError) throw error
    throw describeNetworkError(error, status)
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onCancel)
    // Whatever else happened, this exchange's socket goes now.
    if (!reusable) message?.socket?.destroy()
    client.dispose()
  }
}

/** Reads up to `max` bytes; rejects when the body ends early or the signal aborts. */
function readBody(message: IncomingMessage, max: number, signal: AbortSignal): Promise<{ body: string; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let settled = false
    const finish = (result: { body: string; truncated: boolean } | Error): void => {
      if (settled) return
      settled = true
      signal.removeEventListener('abort', onAbort)
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    const text = (): string => Buffer.concat(chunks).toString('utf8')
    const onAbort = (): void => {
      message.destroy()
      finish(new HttpError('aborted', 'cancelled', message.statusCode ?? null))
    }
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    message.on('data', (chunk: Buffer) => {
      if (settled) return
      const room = max - size
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room))
        // Settle first: destroy() emits 'aborted' at once, which would report a cut answer.
        finish({ body: text(), truncated: true })
        message.destroy()
        return
      }
      chunks.push(chunk)
      size += chunk.length
    })
    message.on('end', () => finish({ body: text(), truncated: false }))
    const cut = (): void => {
      const expected = message.headers['content-length']
      const of = expected ? ` of ${expected}` : ''
      finish(new HttpError(`the answer was cut off after ${size}${of} bytes (connection closed)`, 'cut', message.statusCode ?? null))
    }
    message.on('error', cut)
    message.on('aborted', cut)
    message.on('close', () => {
      if (!message.complete) cut()
    })
  })
}

function describeNetworkError(error: unknown, status: number | null): HttpError {
  const err = error as NodeJS.ErrnoException & { hostname?: string }
  const code = err?.code
  switch (code) {
    case 'ECONNREFUSED':
      return new HttpError('connection refused', 'network', status, code)
    case 'ECONNRESET':
    case 'EPIPE':
      return new HttpError(
        status === null ? 'connection reset' : 'connection reset during the answer',
        status === null ? 'network' : 'cut',
        status,
        code
      )
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new HttpError(`host not found (${err.hostname ?? 'unknown host'})`, 'network', status, code)
    default:
      return new HttpError(`network error: ${err?.message ?? String(error)}`, 'network', status, code)
  }
}
