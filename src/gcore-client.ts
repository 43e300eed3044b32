/**
 * The Gcore CDN API over @actions/http-client: purge by URL, prefetch, and the
 * GETs for account limits and purge statuses.
 *
 * One call is one HTTP request: retries and pacing belong to the scheduler. Every
 * failure is a GcoreError whose `kind` tells the scheduler what to do, and whose
 * message carries Gcore's own words with the API key redacted.
 */
import { HttpClient } from '@actions/http-client'

export type Operation = 'purge' | 'prefetch'

/**
 * - rate-limited: 429, wait and retry
 * - transient: 5xx, 408, timeouts, connection errors, retry with backoff
 * - auth: 401/403, the key or its rights are wrong, stop everything
 * - rejected: any other answer, retrying would not help
 */
export type FailureKind = 'rate-limited' | 'transient' | 'auth' | 'rejected'

export class GcoreError extends Error {
  constructor(
    message: string,
    readonly kind: FailureKind,
    readonly status: number | null,
    /** The raw Retry-After header of a 429, if any. */
    readonly retryAfter?: string
  ) {
    super(message)
    this.name = 'GcoreError'
  }
}

export interface SendResult {
  status: number
}

/** What the scheduler needs from an API: one request, resolved on success, GcoreError otherwise. */
export interface GcoreApi {
  send(operation: Operation, resourceId: number, paths: string[]): Promise<SendResult>
}

export interface ClientOptions {
  apiUrl: string
  apiKey: string
  timeoutMs: number
  userAgent?: string
}

const MAX_MESSAGE_LENGTH = 500

export class GcoreClient implements GcoreApi {
  private readonly http: HttpClient

  constructor(private readonly options: ClientOptions) {
    this.http = new HttpClient(options.userAgent ?? 'gcore-cdn-prefetch', [], {
      socketTimeout: options.timeoutMs,
      // A redirect could carry the key to another host; Gcore's API never redirects.
      allowRedirects: false,
      // POSTs are not retried by the library; our scheduler owns every retry.
      allowRetries: false,
      keepAlive: false
    })
  }

  async send(operation: Operation, resourceId: number, paths: string[]): Promise<SendResult> {
    // Purge by URL takes `urls`; prefetch takes `paths` (`paths` on purge means patterns).
    const body = JSON.stringify(operation === 'purge' ? { urls: paths } : { paths })
    const { status } = await this.request('POST', `/cdn/resources/${resourceId}/${operation}`, body, paths)
    return { status }
  }

  /** GET a JSON document, e.g. `/cdn/clients/me/limits`. Same errors as `send`. */
  async getJson(path: string): Promise<unknown> {
    const { text } = await this.request('GET', path)
    try {
      return JSON.parse(text)
    } catch {
      throw new GcoreError(`GET ${path.split('?')[0]}: the answer is not JSON`, 'rejected', 200)
    }
  }

  private async request(method: 'GET' | 'POST', path: string, body?: string, sent: string[] = []): Promise<{ status: number; text: string }> {
    const url = `${this.options.apiUrl}${path}`
    const headers = { Authorization: `APIKey ${this.options.apiKey}`, Accept: 'application/json' }
    let status: number
    let text: string
    let retryAfter: string | undefined
    let location: string | undefined
    try {
      const response =
        method === 'POST'
          ? await this.http.post(url, body ?? '', { ...headers, 'Content-Type': 'application/json' })
          : await this.http.get(url, headers)
      status = response.message.statusCode ?? 0
      retryAfter = headerValue(response.message.headers['retry-after'])
      location = headerValue(response.message.headers.location)
      text = await response.readBody()
    } catch (error) {
      throw new GcoreError(this.redact(describeNetworkError(error, this.options.timeoutMs)), 'transient', null)
    }
    if (status >= 200 && status < 300) return { status, text }
    const detail =
      status >= 300 && status < 400
        ? `redirect to ${redirectHost(location)} not followed, so the key stays with api-url; check api-url`
        : describeErrorBody(text, sent)
    const message = this.redact(`HTTP ${status}: ${detail}`)
    throw new GcoreError(message, classify(status), status, retryAfter)
  }

  private redact(text: string): string {
    const key = this.options.apiKey
    return key ? text.split(key).join('***') : text
  }
}

export function classify(status: number): FailureKind {
  if (status === 429) return 'rate-limited'
  if (status === 401 || status === 403) return 'auth'
  if (status === 408 || status >= 500) return 'transient'
  return 'rejected'
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

function redirectHost(location: string | undefined): string {
  try {
    return location ? new URL(location).host || 'the same host' : 'nowhere'
  } catch {
    return 'the same host'
  }
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  const err = error as NodeJS.ErrnoException & { hostname?: string }
  if (/timeout/i.test(err?.message ?? '')) return `no answer within ${timeoutMs / 1000} s (request-timeout)`
  switch (err?.code) {
    case 'ECONNREFUSED':
      return 'connection refused'
    case 'ECONNRESET':
      return 'connection reset'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${err.hostname ?? 'api-url'})`
    default:
      return `network error: ${err?.message ?? String(error)}`
  }
}

/**
 * Gcore's error bodies, as documented: `{"message": "..."}`, `{"errors": {"paths": ["..."]}}`
 * or per item `{"errors": {"paths": {"1": ["This field may not be blank."]}}}`. The item
 * form is mapped back to the path that was sent at that index.
 */
export function describeErrorBody(text: string, sent: string[]): string {
  const body = text.trim()
  if (body === '') return 'empty response body'
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return truncate(plainText(body))
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const { message, errors, detail } = parsed as Record<string, unknown>
    if (typeof message === 'string') return truncate(message.trim())
    if (typeof detail === 'string') return truncate(detail.trim())
    if (errors && typeof errors === 'object') return truncate(describeFieldErrors(errors as Record<string, unknown>, sent))
  }
  return truncate(body)
}

function describeFieldErrors(errors: Record<string, unknown>, sent: string[]): string {
  const parts: string[] = []
  for (const [field, value] of Object.entries(errors)) {
    if (Array.isArray(value)) {
      parts.push(`${field}: ${value.join(' ')}`)
    } else if (value && typeof value === 'object') {
      for (const [index, messages] of Object.entries(value as Record<string, unknown>)) {
        const path = sent[Number(index)]
        const which = path === undefined ? `${field}[${index}]` : `${field}[${index}] ${JSON.stringify(path)}`
        parts.push(`${which}: ${Array.isArray(messages) ? messages.join(' ') : String(messages)}`)
      }
    } else {
      parts.push(`${field}: ${String(value)}`)
    }
  }
  return parts.join('; ')
}

/** An HTML error page becomes its title, or its text without tags. */
function plainText(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]
  const text = title ?? body.replace(/<[^>]*>/g, ' ')
  return text.replace(/\s+/g, ' ').trim() || 'unreadable response body'
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH)}…` : text
}
