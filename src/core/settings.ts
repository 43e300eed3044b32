/**
 * Raw input values → one validated Settings object.
 *
 * Pure: it takes `getInput(name)`, so the action (core.getInput) and the CLI
 * (its flags) share every rule. Every problem is an InputError that names the
 * input and quotes the value (never the key's), raised before any request.
 */
import { isIP } from 'node:net'
import { InputError, inputError } from './input-error.js'
import type { InputName } from './input-names.js'
import { normalisePrefix } from './paths/normalise.js'
import type { PathSettings } from './paths/sources.js'

type IfNoPaths = 'error' | 'warn' | 'ignore'
type LimitsMode = 'auto' | 'documented'
export type PurgeMode = 'off' | 'url' | 'pattern' | 'all' | 'auto'
export type ResourceCheck = 'auto' | 'required' | 'off'
type OriginCheckMode = 'auto' | 'required' | 'off'

/** A CDN resource as the user named it: its numeric ID or one of its hostnames. */
export type ResourceRef = { id: number; hostname?: undefined } | { id?: undefined; hostname: string }

export interface Settings extends PathSettings {
  apiKey: string
  /** In the order given, without duplicates. */
  resources: ResourceRef[]
  releaseTag: string
  /** For the release lookup by tag; may be empty. */
  githubToken: string
  purge: PurgeMode
  /** User patterns for purge by pattern: start with `/`, `*` only at the end. */
  purgePatterns: string[]
  resourceCheck: ResourceCheck
  apiUrl: string
  /** Undefined when the input is empty: the account's or the documented limit applies. */
  batchSize?: number
  prefetchIntervalMs?: number
  purgeIntervalMs?: number
  purgePatternIntervalMs?: number
  limits: LimitsMode
  waitForPurge: boolean
  purgeTimeoutMs: number
  purgeSettleMs: number
  /** Ask the origin before any purge: `auto` skips a resource whose origin cannot be asked, `required` fails then. */
  originCheck: OriginCheckMode
  /** Base URLs where the runner reads the files (none, one, or one per resource), instead of the origin group's sources. */
  originUrls: string[]
  /** How long a path may take to be ready at the origin. */
  originTimeoutMs: number
  /** `auto` (the resource's hostname), CDN base URLs (none, one, or one per resource). */
  verifyUrls: 'auto' | string[]
  verifyTimeoutMs: number
  verifyConcurrency: number
  verifyRequired: boolean
  maxAttempts: number
  requestTimeoutMs: number
  /** Stop sending when the remaining work cannot finish before this; undefined: no budget. */
  timeBudgetMs?: number
  failOnError: boolean
  ifNoPaths: IfNoPaths
  dryRun: boolean
  /** Values that were normalised rather than refused, to tell the user. */
  notices: string[]
}

export type InputReader = (name: InputName) => string

export function readSettings(getInput: InputReader): Settings {
  const read = (name: InputName): string => getInput(name).trim()
  const notices: string[] = []
  const resources = parseResources(read('resource-id'))
  const settings: Settings = {
    apiKey: parseApiKey(getInput('api-key')),
    resources,
    paths: getInput('paths'),
    pathsFile: read('paths-file'),
    files: lines(getInput('files')),
    baseDir: read('base-dir') || '.',
    pathPrefix: normalisePrefix(getInput('path-prefix'), notices),
    sizeCheck: parseChoice('size-check', read('size-check'), ['warn', 'skip', 'off'] as const, 'warn'),
    releaseAssets: parseBoolean('release-assets', read('release-assets'), false),
    releaseTag: read('release-tag'),
    githubToken: read('github-token'),
    purge: parsePurge(read('purge')),
    purgePatterns: parsePurgePatterns(getInput('purge-patterns')),
    resourceCheck: parseChoice('resource-check', read('resource-check'), ['auto', 'required', 'off'] as const, 'auto'),
    apiUrl: parseApiUrl(read('api-url'), notices),
    batchSize: parseInteger('batch-size', read('batch-size'), undefined, 1, 100),
    prefetchIntervalMs: parseSeconds('prefetch-interval', read('prefetch-interval'), undefined),
    purgeIntervalMs: parseSeconds('purge-interval', read('purge-interval'), undefined),
    purgePatternIntervalMs: parseSeconds('purge-pattern-interval', read('purge-pattern-interval'), undefined),
    limits: parseChoice('limits', read('limits'), ['auto', 'documented'] as const, 'auto'),
    waitForPurge: parseBoolean('wait-for-purge', read('wait-for-purge'), true),
    purgeTimeoutMs: parseSeconds('purge-timeout', read('purge-timeout'), 300),
    purgeSettleMs: parseSeconds('purge-settle', read('purge-settle'), 10, true),
    originCheck: parseChoice('origin-check', read('origin-check'), ['auto', 'required', 'off'] as const, 'auto'),
    originUrls: parseOriginUrls(read('origin-url'), resources.length),
    originTimeoutMs: parseSeconds('origin-timeout', read('origin-timeout'), 300, true),
    verifyUrls: parseVerifyUrls(read('verify-url'), resources.length),
    verifyTimeoutMs: parseSeconds('verify-timeout', read('verify-timeout'), 0, true),
    verifyConcurrency: parseInteger('verify-concurrency', read('verify-concurrency'), 8, 1, 64),
    verifyRequired: parseBoolean('verify-required', read('verify-required'), false),
    maxAttempts: parseInteger('max-attempts', read('max-attempts'), 5, 1, 100),
    requestTimeoutMs: parseSeconds('request-timeout', read('request-timeout'), 30),
    timeBudgetMs: parseSeconds('time-budget', read('time-budget'), undefined),
    failOnError: parseBoolean('fail-on-error', read('fail-on-error'), true),
    ifNoPaths: parseChoice('if-no-paths', read('if-no-paths'), ['error', 'warn', 'ignore'] as const, 'error'),
    dryRun: parseBoolean('dry-run', read('dry-run'), false),
    notices
  }
  if (settings.verifyRequired && settings.verifyUrls !== 'auto' && settings.verifyUrls.length === 0) {
    throw new InputError(
      'verify-required',
      name =>
        `${name('verify-required')} is true, but ${name('verify-url')} is empty: no path would be checked at the edge. Set ${name('verify-url')} (auto, or the CDN's base URL).`
    )
  }
  return settings
}

const quote = (value: string): string => JSON.stringify(value)

function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line !== '')
}

/** Newline- or comma-separated items, blanks dropped. */
function listItems(value: string): string[] {
  return value
    .split(/[\n,]/)
    .map(part => part.trim())
    .filter(part => part !== '')
}

// Node refuses these in a header; the key is never quoted back, only described.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/
const NOT_LATIN1 = /[^\u0020-\u00ff]/

function parseApiKey(raw: string): string {
  const value = raw.trim()
  if (!value) throw inputError('api-key', 'is required: pass your Gcore API token from a secret.')
  if (CONTROL_CHARACTER.test(value)) throw inputError('api-key', 'contains a control character or line break; check the secret.')
  if (NOT_LATIN1.test(value)) {
    throw inputError(
      'api-key',
      'contains a character an HTTP header cannot carry (outside Latin-1); check that the secret holds the token itself.'
    )
  }
  if (/^(apikey|bearer|token)\s/i.test(value)) {
    const word = value.split(/\s/)[0]
    throw inputError('api-key', `starts with "${word} ": give the token alone; the action adds "APIKey " itself.`)
  }
  return value
}

// A hostname: dot-separated labels of letters, digits and hyphens.
const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i

function parseResources(value: string): ResourceRef[] {
  if (!value) throw inputError('resource-id', 'is required: the ID of your Gcore CDN resource, or its hostname.')
  const refs = new Map<string, ResourceRef>()
  for (const part of listItems(value)) {
    if (/^[0-9]+$/.test(part)) {
      const id = Number(part)
      if (id < 1 || !Number.isSafeInteger(id))
        throw inputError('resource-id', `must be a positive integer or a CDN hostname, got ${quote(part)}.`)
      refs.set(`id:${id}`, { id })
    } else if (HOSTNAME.test(part) && !/^[0-9.]+$/.test(part)) {
      const hostname = part.toLowerCase()
      refs.set(`host:${hostname}`, { hostname })
    } else {
      throw inputError('resource-id', `must be a positive integer or a CDN hostname such as cdn.example.com, got ${quote(part)}.`)
    }
  }
  if (refs.size === 0) throw inputError('resource-id', `has no resource ID in ${quote(value)}.`)
  return [...refs.values()]
}

/** The values core.getBooleanInput accepts (YAML 1.2 core schema). */
function parseBoolean(name: InputName, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw inputError(name, `must be true or false, got ${quote(value)}.`)
}

/** `false`/`true` as before (true means `auto`), or a purge kind. */
function parsePurge(value: string): PurgeMode {
  const kinds = ['url', 'pattern', 'all', 'auto'] as const
  if ((kinds as readonly string[]).includes(value)) return value as PurgeMode
  try {
    return parseBoolean('purge', value, false) ? 'auto' : 'off'
  } catch {
    throw inputError('purge', `must be false, true (auto), url, pattern, all or auto, got ${quote(value)}.`)
  }
}

function parsePurgePatterns(value: string): string[] {
  const patterns = lines(value)
  for (const pattern of patterns) {
    const problem = !pattern.startsWith('/')
      ? 'must start with /'
      : pattern.slice(0, -1).includes('*')
        ? 'may have `*` only at the end'
        : CONTROL_CHARACTER.test(pattern) || /\s/.test(pattern)
          ? 'may not contain spaces or control characters'
          : pattern.includes('?')
            ? 'may not have a query string (Gcore ignores it in patterns)'
            : pattern === '/' || pattern === '/*'
              ? 'would clear the whole resource: use `purge: all` for that'
              : undefined
    if (problem) throw new InputError('purge-patterns', name => `${name('purge-patterns')}: pattern ${quote(pattern)} ${problem}.`)
  }
  return [...new Set(patterns)]
}

function parseInteger<F extends number | undefined>(name: InputName, value: string, fallback: F, min: number, max: number): number | F {
  if (value === '') return fallback
  const number = Number(value)
  if (!/^[0-9]+$/.test(value) || number < min || number > max) {
    throw inputError(name, `must be a whole number from ${min} to ${max}, got ${quote(value)}.`)
  }
  return number
}

/** Seconds (decimals allowed, > 0, or >= 0 with allowZero) → milliseconds. */
function parseSeconds<F extends number | undefined>(name: InputName, value: string, fallbackSeconds: F, allowZero = false): number | F {
  if (value === '') return (fallbackSeconds === undefined ? undefined : fallbackSeconds * 1000) as F
  const seconds = Number(value)
  if (!/^[0-9]*\.?[0-9]+$/.test(value) || !(allowZero ? seconds >= 0 : seconds > 0) || seconds > 86400) {
    const bound = allowZero ? '0 or more' : 'greater than 0'
    throw inputError(name, `must be a number of seconds ${bound} (at most 86400), got ${quote(value)}.`)
  }
  return Math.round(seconds * 1000)
}

/** `auto`, or one CDN base URL, or one per resource in the same order (newlines or commas). */
function parseVerifyUrls(value: string, resourceCount: number): 'auto' | string[] {
  if (value === '') return []
  if (value === 'auto') return 'auto'
  const urls = listItems(value)
  for (const text of urls) {
    const url = httpBaseUrl(text)
    if (!url || url.username || url.password) {
      throw inputError('verify-url', `must be auto, or http(s) base URLs such as https://cdn.example.com, got ${quote(text)}.`)
    }
  }
  if (urls.length !== 1 && urls.length !== resourceCount) {
    throw inputError('verify-url', `needs one URL, or one per resource (${resourceCount}), got ${urls.length}: ${quote(value)}.`)
  }
  return urls.map(url => url.replace(/\/+$/, ''))
}

/** One base URL, or one per resource in the same order; never echoed when it carries credentials. */
function parseOriginUrls(value: string, resourceCount: number): string[] {
  if (value === '') return []
  const urls = listItems(value)
  for (const text of urls) {
    const url = httpBaseUrl(text)
    if (url && (url.username || url.password)) {
      throw inputError(
        'origin-url',
        'must not carry a user name or password (the value is not shown); the runner asks the origin without credentials.'
      )
    }
    if (!url) {
      // A text with `@` that is no URL may still hold a password: it is described, not quoted.
      const shown = text.includes('@') ? 'a value with "@" (not shown: it may carry credentials)' : quote(text)
      throw inputError('origin-url', `must be http(s) base URLs such as https://origin.example.com/files, got ${shown}.`)
    }
  }
  if (urls.length !== 1 && urls.length !== resourceCount) {
    throw inputError('origin-url', `needs one URL, or one per resource (${resourceCount}), got ${urls.length}.`)
  }
  return urls.map(url => url.replace(/\/+$/, ''))
}

/** `text` as an http(s) base URL (no query, no fragment), or undefined where it is not one. */
function httpBaseUrl(text: string): URL | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return undefined
  }
  const http = url.protocol === 'https:' || url.protocol === 'http:'
  return http && !url.search && !url.hash ? url : undefined
}

function parseChoice<T extends string>(name: InputName, value: string, choices: readonly T[], fallback: T): T {
  if (value === '') return fallback
  if ((choices as readonly string[]).includes(value)) return value as T
  throw inputError(name, `must be one of ${choices.join(', ')}, got ${quote(value)}.`)
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

const DEFAULT_API_URL = 'https://api.gcore.com'

/**
 * The API's base URL, without a trailing slash. A base that ends in `/cdn` is a
 * common paste from the docs' endpoint list: every path already starts with
 * `/cdn`, so it is dropped and said, rather than sent as `/cdn/cdn/…`.
 */
function parseApiUrl(value: string, notices: string[] = []): string {
  const text = value || DEFAULT_API_URL
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw inputError('api-url', `is not a valid URL: ${quote(value)}.`)
  }
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw inputError('api-url', `must use https (http only to a loopback address such as 127.0.0.1), got ${quote(value)}.`)
  }
  if (url.username || url.password || url.search || url.hash || text.includes('?') || text.includes('#')) {
    throw inputError('api-url', `must be a plain base URL without credentials, query or fragment, got ${quote(value)}.`)
  }
  let base = url.href.replace(/\/+$/, '')
  if (/\/cdn$/i.test(url.pathname.replace(/\/+$/, ''))) {
    base = base.replace(/\/cdn$/i, '')
    notices.push(`api-url ${quote(value)} ends in /cdn, which every API path already starts with: using ${base}.`)
  }
  return base
}
