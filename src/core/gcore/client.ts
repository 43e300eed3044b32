/**
 * The Gcore CDN API: purge (by URL, by pattern, all), prefetch, and JSON GETs
 * (account limits, purge statuses, resources).
 *
 * One call is one HTTP request: retries and pacing belong to the scheduler.
 * Every failure is a GcoreError whose `kind` says what it means, and whose
 * message carries Gcore's own words, redacted and flattened (see text.ts).
 */
import { exchange, HttpError, type HttpAnswer } from '../http.js'
import type { GcoreApi, RequestKind } from '../ports.js'
import { htmlText, networkText, redact } from '../text.js'
import { classifyStatus, GcoreError, type FailureKind } from './errors.js'

export interface ClientOptions {
  apiUrl: string
  apiKey: string
  timeoutMs: number
  /** Other secrets to keep out of every text (an origin group's S3 keys); the list may grow. */
  secrets?: readonly string[]
  userAgent?: string
}

/** What is kept of an error body: enough for any message Gcore writes. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024
/** How much of a foreign answer (a filter's page) is quoted. */
const MAX_EXCERPT_CHARACTERS = 120
/** What is kept of a JSON answer: a page of 100 purge statuses or 1,000 resources fits. */
export const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024

const ENDPOINT: Record<RequestKind, 'prefetch' | 'purge'> = { prefetch: 'prefetch', url: 'purge', pattern: 'purge', all: 'purge' }

/** The documented bodies: purge by URL takes `urls`; by pattern `paths`; all `paths: []`. */
function requestBody(kind: RequestKind, items: string[]): string {
  if (kind === 'url') return JSON.stringify({ urls: items })
  if (kind === 'all') return JSON.stringify({ paths: [] })
  return JSON.stringify({ paths: items })
}

export class GcoreClient implements GcoreApi {
  constructor(private readonly options: ClientOptions) {}

  async send(
    kind: RequestKind,
    resourceId: number,
    items: string[],
    signal?: AbortSignal
  ): Promise<{ status: number; date: string | null }> {
    const path = `/cdn/resources/${resourceId}/${ENDPOINT[kind]}`
    const answer = await this.request('POST', path, requestBody(kind, items), MAX_ERROR_BODY_BYTES, signal)
    return readSendAnswer(answer, { items, resourceId, hidden: this.hidden() })
  }

  async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    const answer = await this.request('GET', path, undefined, MAX_JSON_BODY_BYTES, signal)
    return readJsonAnswer(answer, path, this.hidden())
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    maxBodyBytes: number,
    signal?: AbortSignal
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { Authorization: `APIKey ${this.options.apiKey}`, Accept: 'application/json' }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    try {
      return await exchange(
        { method, url: `${this.options.apiUrl}${path}`, headers, body },
        { timeoutMs: this.options.timeoutMs, signal, maxBodyBytes, userAgent: this.options.userAgent }
      )
    } catch (error) {
      if (error instanceof HttpError) {
        // A cut answer is unconfirmed even when it said 2xx: sending the same purge
        // or prefetch again is harmless, so it is retried like any network failure.
        const kind: FailureKind = error.failure === 'cancelled' ? 'cancelled' : 'transient'
        const unconfirmed = error.failure === 'cut' || error.failure === 'timeout'
        throw new GcoreError(networkText(error.message, this.hidden()), kind, null, undefined, unconfirmed)
      }
      throw new GcoreError(networkText(`unexpected error: ${(error as Error).message}`, this.hidden()), 'transient', null)
    }
  }

  /** The key first, then every other secret known so far. */
  private hidden(): string[] {
    return [this.options.apiKey, ...(this.options.secrets ?? [])]
  }
}

/** What an answer is read with: the secrets to keep out of every text (the key first), and for a POST what it sent. */
interface AnswerContext {
  hidden: readonly string[]
  items?: string[]
  resourceId?: number
}

/**
 * What an answer to a purge or prefetch means: accepted, with Gcore's Date,
 * or a GcoreError. Pure, so that the tests' fake Gcore reads an answer
 * exactly as this client does.
 */
export function readSendAnswer(answer: HttpAnswer, context: AnswerContext): { status: number; date: string | null } {
  if (answer.status < 200 || answer.status >= 300) throw failure(answer, context)
  // Gcore answers a purge or a prefetch with no body or JSON; a cut JSON echo of a long list is still JSON.
  const body = answer.body.trimStart()
  if (body === '' || (answer.truncated && /^[[{]/.test(body)) || parsesAsJson(body)) {
    return { status: answer.status, date: headerValue(answer.headers.date) ?? null }
  }
  throw notGcores(answer, context.hidden)
}

/** What an answer to a GET of `path` means: its JSON, or a GcoreError. Pure, as readSendAnswer. */
export function readJsonAnswer(answer: HttpAnswer, path: string, hidden: readonly string[]): unknown {
  const where = `GET ${path.split('?')[0]}`
  if (answer.status < 200 || answer.status >= 300) throw failure(answer, { hidden }, where)
  if (answer.truncated)
    throw new GcoreError(`${where}: the answer is larger than ${MAX_JSON_BODY_BYTES / 1024 / 1024} MiB`, 'rejected', answer.status)
  try {
    return JSON.parse(answer.body)
  } catch {
    throw notGcores(answer, hidden, where)
  }
}

function failure(answer: HttpAnswer, { hidden, items = [], resourceId }: AnswerContext, where?: string): GcoreError {
  const { status } = answer
  let detail: string
  if (status >= 300 && status < 400) {
    detail = `redirect to ${redirectHost(headerValue(answer.headers.location))} not followed, so the key stays with api-url; check api-url`
  } else {
    // Redact before the body is parsed or its tags stripped: a key with `<` or `>` in it
    // would otherwise be cut into pieces too short to recognise.
    detail = describeErrorBody(redact(answer.body, hidden), items)
    if (status === 404 && resourceId !== undefined) {
      detail = `resource ${resourceId} was not found: the key's account has no CDN resource with that ID (check resource-id) (${detail})`
    }
  }
  const prefix = where ? `${where}: ` : ''
  return new GcoreError(
    networkText(`${prefix}HTTP ${status}: ${detail}`, hidden),
    classifyStatus(status),
    status,
    headerValue(answer.headers['retry-after'])
  )
}

/**
 * A 2xx whose body is neither empty nor JSON did not come from Gcore's API: a
 * corporate web filter's page, a captive portal, a proxy's own answer. It is a
 * failure of the request, retried like a 5xx (the thing in between may let
 * the next one through), with an excerpt of what it said.
 */
function notGcores(answer: HttpAnswer, hidden: readonly string[], where?: string): GcoreError {
  const type = headerValue(answer.headers['content-type'])?.split(';')[0].trim() || 'no Content-Type'
  const said = networkText(htmlText(redact(answer.body, hidden)), hidden, MAX_EXCERPT_CHARACTERS)
  const prefix = where ? `${where}: ` : ''
  return new GcoreError(
    networkText(
      `${prefix}HTTP ${answer.status} with a body that is not Gcore's (${type}, not JSON): the answer came from something between you and Gcore: a proxy or filter? It said: "${said}"`,
      hidden
    ),
    'transient',
    answer.status
  )
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
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
    return htmlText(body)
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const { message, errors, detail } = parsed as Record<string, unknown>
    if (typeof message === 'string') return message
    if (typeof detail === 'string') return detail
    if (errors && typeof errors === 'object') return describeFieldErrors(errors as Record<string, unknown>, sent)
  }
  return body
}

function describeFieldErrors(errors: Record<string, unknown>, sent: string[]): string {
  const parts: string[] = []
  for (const [field, value] of Object.entries(errors)) {
    if (Array.isArray(value)) {
      parts.push(`${field}: ${value.map(String).join(' ')}`)
    } else if (value && typeof value === 'object') {
      for (const [index, messages] of Object.entries(value as Record<string, unknown>)) {
        const path = sent[Number(index)]
        const which = path === undefined ? `${field}[${index}]` : `${field}[${index}] ${JSON.stringify(path)}`
        parts.push(`${which}: ${Array.isArray(messages) ? messages.map(String).join(' ') : String(messages)}`)
      }
    } else {
      parts.push(`${field}: ${String(value)}`)
    }
  }
  return parts.join('; ')
}
