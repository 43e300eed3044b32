/**
 * Raw HTTP to the emulator's servers (its API, origin servers and edges), as any
 * client sees them: status, headers, the start of the body (files here are
 * large: only their length is kept), one request per connection. For the
 * emulator's own tests.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { KEY } from './e2e.js'

export { KEY }
export const MiB = 1024 * 1024

export interface Reply {
  status: number
  headers: IncomingHttpHeaders
  /** The body's first 64 KiB as text. */
  text: string
  json: unknown
  /** The body's length in bytes, all of it. */
  bytes: number
}

export interface SendInit {
  method?: string
  /** The API key; null sends no Authorization header. Default: KEY. */
  key?: string | null
  /** Sent as JSON (POST unless `method` says otherwise). */
  body?: unknown
  headers?: Record<string, string>
  /** The request target, when not the URL's path (e.g. absolute-form). */
  path?: string
  /** For https: the CA to trust and the name the certificate is for. */
  tls?: { ca: string; servername: string }
}

const KEPT = 64 * 1024

/** One request on its own connection; rejects on a network error, as a client would see it. */
export function send(url: string, init: SendInit = {}): Promise<Reply> {
  const target = new URL(url)
  const headers: Record<string, string> = { ...init.headers }
  if (init.key !== null) headers.Authorization = `APIKey ${init.key ?? KEY}`
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body)
  if (payload !== undefined) headers['Content-Type'] = 'application/json'
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: init.path ?? `${target.pathname}${target.search}`,
        method: init.method ?? (payload ? 'POST' : 'GET'),
        headers,
        agent: false,
        ...(init.tls ? { ca: init.tls.ca, servername: init.tls.servername } : {})
      },
      res => {
        const chunks: Buffer[] = []
        let kept = 0
        let bytes = 0
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length
          if (kept < KEPT) chunks.push(chunk.subarray(0, KEPT - kept))
          kept += chunk.length
        })
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown = undefined
          try {
            json = JSON.parse(text)
          } catch {
            // not JSON: the test reads text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, bytes })
        })
      }
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** An API call to the emulator at `base`. */
export const api = (base: string, path: string, init: SendInit = {}): Promise<Reply> => send(`${base}${path}`, init)

/** Requests to the API of the emulator `current()` gives: any path, a prefetch, a purge. */
export function apiOf(current: () => GcoreEmulator) {
  const call = (path: string, init: SendInit = {}): Promise<Reply> => send(`${current().url}${path}`, init)
  return {
    api: call,
    prefetch: (resource: number, paths: string[], key?: string) => call(`/cdn/resources/${resource}/prefetch`, { body: { paths }, key }),
    purge: (resource: number, body: unknown, key?: string) => call(`/cdn/resources/${resource}/purge`, { body, key })
  }
}

/** A HEAD at an edge server, for a host if given. */
export const head = (edge: string, path: string, host?: string) =>
  send(`${edge}${path}`, { method: 'HEAD', key: null, headers: host ? { Host: host } : {} })

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

/** Polls `condition` every 20 ms until it holds; fails after `ms`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !(await condition()); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
  }
}

/** A clock the test moves by hand, on top of the real one. */
export function shiftedClock(): { now: () => number; advance: (ms: number) => void } {
  let offset = 0
  return { now: () => Date.now() + offset, advance: ms => void (offset += ms) }
}
