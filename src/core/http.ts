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
 *   hosts (the origin and edge checks), until its owner closes it;
 * - the proxy settings (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, read by the
 *   library for every request alike), and a proxy that refuses, fails or
 *   answers CONNECT with anything but 200 named as the proxy in the error.
 *
 * This is the only module that imports @actions/http-client: the Gcore client,
 * the edge check and GitHub's release lookup all go through it.
 */
import { getProxyUrl, HttpClient } from '@actions/http-client'
import type { RequestHandler } from '@actions/http-client/lib/interfaces'
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
    if (getProxyUrl(url)) return undefined
    const parsed = new URL(url)
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
  let proxy: Proxy | null = null
  try {
    proxy = proxyFor(request.url)
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
    if (proxy && status === null) {
      const failure = describeProxyFailure(error, proxy)
      if (failure) throw failure
    }
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

/** The proxy a request goes through, as the library chose it, without its credentials. */
interface Proxy {
  /** `http://proxy.example.com:3128` */
  shown: string
  /** The variable it came from (either spelling): HTTPS_PROXY for https URLs, HTTP_PROXY for http. */
  variable: 'HTTPS_PROXY' | 'HTTP_PROXY'
  /** `api.gcore.com:443`, what CONNECT asks for. */
  target: string
}

function proxyFor(url: string): Proxy | null {
  const href = getProxyUrl(url)
  if (!href) return null
  const proxy = new URL(href)
  const target = new URL(url)
  const https = target.protocol === 'https:'
  return {
    shown: `${proxy.protocol}//${proxy.host}`,
    variable: https ? 'HTTPS_PROXY' : 'HTTP_PROXY',
    target: `${target.hostname}:${target.port || (https ? 443 : 80)}`
  }
}

/**
 * The tunnel the library opens through a proxy fails with ECONNRESET, whatever
 * the cause: `tunneling socket could not be established, statusCode=502` or
 * `…, cause=connect ECONNREFUSED …`. Said as what it is: the proxy's doing.
 */
function describeProxyFailure(error: unknown, proxy: Proxy): HttpError | null {
  const text = (error as Error)?.message ?? ''
  const the = `the proxy ${proxy.shown} (${proxy.variable})`
  const status = /tunneling socket could not be established, statusCode=(\d+)/.exec(text)?.[1]
  if (status) {
    const auth = status === '407' ? ': it wants credentials (http://user:password@host:port in the variable)' : ''
    return new HttpError(`${the} answered HTTP ${status} to CONNECT ${proxy.target}${auth}`, 'network', null, 'EPROXY')
  }
  if (text.startsWith('got illegal response body from proxy')) {
    return new HttpError(`${the} answered CONNECT ${proxy.target} with a body instead of opening the tunnel`, 'network', null, 'EPROXY')
  }
  const cause = /tunneling socket could not be established, cause=(.*)$/s.exec(text)?.[1]
  if (cause === undefined) return null
  if (/ECONNREFUSED/.test(cause)) return new HttpError(`${the} refused the connection`, 'network', null, 'EPROXY')
  if (/ENOTFOUND|EAI_AGAIN/.test(cause)) return new HttpError(`${the}: its host was not found`, 'network', null, 'EPROXY')
  if (/socket hang up|ECONNRESET|EPIPE/.test(cause))
    return new HttpError(`${the} closed the connection before it opened the tunnel to ${proxy.target}`, 'network', null, 'EPROXY')
  return new HttpError(`${the} failed: ${cause}`, 'network', null, 'EPROXY')
}

/** Node's codes for a certificate chain it cannot trust: often a proxy that inspects TLS with its own CA. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
])

function describeNetworkError(error: unknown, status: number | null): HttpError {
  const err = error as NodeJS.ErrnoException & { hostname?: string }
  const code = err?.code
  if (code && UNTRUSTED_CERTIFICATE.has(code)) {
    return new HttpError(
      `the server's certificate is not trusted (${err.message}): a proxy or filter that inspects TLS? Trust its CA with NODE_EXTRA_CA_CERTS`,
      'network',
      status,
      code
    )
  }
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

/**
 * `fetch` over `exchange`, for a library that takes a fetch of its own (Octokit):
 * its requests then honour the same proxy settings, deadline and body cap, and
 * fail with the same HttpError, as every other request of the run.
 */
export function fetchOverExchange(options: { timeoutMs: number; maxBodyBytes: number }): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const method = (init?.method ?? 'GET').toUpperCase()
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(`${method} is not sent through this fetch`, 'network')
    const headers: Record<string, string> = {}
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value))
    const answer = await exchange({ method, url, headers }, { ...options, signal: init?.signal ?? undefined })
    const responseHeaders = new Headers()
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, one)
    }
    const bodyless = method === 'HEAD' || answer.status === 204 || answer.status === 304
    return new Response(bodyless ? null : answer.body, { status: answer.status, headers: responseHeaders })
  }
}
