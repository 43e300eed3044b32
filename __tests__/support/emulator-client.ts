/**
 * Raw HTTP to the emulator's servers, as any client sees them: status,
 * headers, body; one request per connection. For the emulator's own tests.
 */
import { request, type IncomingHttpHeaders } from 'node:http'
import type { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { KEY } from './e2e.js'

export interface Reply {
  status: number
  headers: IncomingHttpHeaders
  text: string
  json: unknown
}

/** One request on its own connection; rejects on a network error, as a client would see it. */
export function send(
  url: string,
  init: { method?: string; key?: string | null; body?: unknown; headers?: Record<string, string>; path?: string } = {}
): Promise<Reply> {
  const target = new URL(url)
  const headers: Record<string, string> = { ...init.headers }
  if (init.key !== null) headers.Authorization = `APIKey ${init.key ?? KEY}`
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body)
  if (payload !== undefined) headers['Content-Type'] = 'application/json'
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: init.path ?? `${target.pathname}${target.search}`,
        method: init.method ?? (payload ? 'POST' : 'GET'),
        headers,
        agent: false
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          let json: unknown = undefined
          try {
            json = JSON.parse(text)
          } catch {
            // not JSON: the test reads text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
        })
      }
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Requests to the API of the emulator `current()` gives: any path, a prefetch, a purge. */
export function apiOf(current: () => GcoreEmulator) {
  const api = (path: string, init: Parameters<typeof send>[1] = {}): Promise<Reply> => send(`${current().url}${path}`, init)
  return {
    api,
    prefetch: (resource: number, paths: string[], key?: string) => api(`/cdn/resources/${resource}/prefetch`, { body: { paths }, key }),
    purge: (resource: number, body: unknown, key?: string) => api(`/cdn/resources/${resource}/purge`, { body, key })
  }
}

/** A HEAD at an edge server, for a host if given. */
export const head = (edge: string, path: string, host?: string) =>
  send(`${edge}${path}`, { method: 'HEAD', key: null, headers: host ? { Host: host } : {} })

export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

export async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); await sleep(20)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
  }
}
