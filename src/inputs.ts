/**
 * Reads and validates the action's inputs into a typed Settings object.
 *
 * Pure: it takes a `getInput(name)` function, so the same rules serve the action
 * (core.getInput), the tests and any other front end. Every problem is an
 * InputError that names the input and quotes the value (never the key's value).
 */
import { isIP } from 'node:net'
import { InputError } from './input-error.js'
import { normalisePrefix } from './paths.js'

export { InputError }

export type IfNoPaths = 'error' | 'warn' | 'ignore'
export type SizeCheck = 'warn' | 'skip' | 'off'
export type LimitsMode = 'auto' | 'documented'

export interface Settings {
  apiKey: string
  resourceIds: number[]
  paths: string
  pathsFile: string
  /** Glob patterns, one per line of `files`. */
  files: string[]
  baseDir: string
  /** Normalised: '' or `/dir/sub`, no trailing slash. */
  pathPrefix: string
  sizeCheck: SizeCheck
  releaseAssets: boolean
  releaseTag: string
  githubToken: string
  purge: boolean
  apiUrl: string
  /** Undefined when the input is empty: the account's or the documented limit applies. */
  batchSize?: number
  prefetchIntervalMs?: number
  purgeIntervalMs?: number
  limits: LimitsMode
  waitForPurge: boolean
  purgeTimeoutMs: number
  purgeSettleMs: number
  /** CDN base URLs for edge verification: none, one, or one per resource. */
  verifyUrls: string[]
  verifyTimeoutMs: number
  verifyConcurrency: number
  verifyRequired: boolean
  maxAttempts: number
  requestTimeoutMs: number
  failOnError: boolean
  ifNoPaths: IfNoPaths
  dryRun: boolean
}

/** Gcore's documented limits: 100 paths a request, prefetch 1/min, purge by URL 2/min. */
export const DOCUMENTED_LIMITS = {
  batchSize: 100,
  purgeMaxUrls: 100,
  prefetchIntervalSeconds: 60,
  purgeIntervalSeconds: 30
} as const

export type InputReader = (name: string) => string

export function readSettings(getInput: InputReader): Settings {
  const read = (name: string): string => getInput(name).trim()
  const resourceIds = parseResourceIds(read('resource-id'))
  return {
    apiKey: parseApiKey(read('api-key')),
    resourceIds,
    paths: getInput('paths'),
    pathsFile: read('paths-file'),
    files: getInput('files')
      .split(/\r?\n/)
      .map(line => line.trim())
      .filter(line => line !== ''),
    baseDir: read('base-dir') || '.',
    pathPrefix: normalisePrefix(getInput('path-prefix')),
    sizeCheck: parseChoice('size-check', read('size-check'), ['warn', 'skip', 'off'] as const, 'warn'),
    releaseAssets: parseBoolean('release-assets', read('release-assets'), false),
    releaseTag: read('release-tag'),
    githubToken: read('github-token'),
    purge: parseBoolean('purge', read('purge'), false),
    apiUrl: parseApiUrl(read('api-url')),
    batchSize: parseInteger('batch-size', read('batch-size'), undefined, 1, 100),
    prefetchIntervalMs: parseSeconds('prefetch-interval', read('prefetch-interval'), undefined),
    purgeIntervalMs: parseSeconds('purge-interval', read('purge-interval'), undefined),
    limits: parseChoice('limits', read('limits'), ['auto', 'documented'] as const, 'auto'),
    waitForPurge: parseBoolean('wait-for-purge', read('wait-for-purge'), true),
    purgeTimeoutMs: parseSeconds('purge-timeout', read('purge-timeout'), 300),
    purgeSettleMs: parseSeconds('purge-settle', read('purge-settle'), 10, true),
    verifyUrls: parseVerifyUrls(read('verify-url'), resourceIds.length),
    verifyTimeoutMs: parseSeconds('verify-timeout', read('verify-timeout'), 0, true),
    verifyConcurrency: parseInteger('verify-concurrency', read('verify-concurrency'), 8, 1, 64),
    verifyRequired: parseBoolean('verify-required', read('verify-required'), false),
    maxAttempts: parseInteger('max-attempts', read('max-attempts'), 5, 1, 100),
    requestTimeoutMs: parseSeconds('request-timeout', read('request-timeout'), 30),
    failOnError: parseBoolean('fail-on-error', read('fail-on-error'), true),
    ifNoPaths: parseChoice('if-no-paths', read('if-no-paths'), ['error', 'warn', 'ignore'] as const, 'error'),
    dryRun: parseBoolean('dry-run', read('dry-run'), false)
  }
}

function quote(value: string): string {
  return JSON.stringify(value)
}

function parseApiKey(value: string): string {
  if (!value) throw new InputError('Input "api-key" is required: pass your Gcore API token from a secret.')
  // Node refuses control characters in a header; say so without echoing the key.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    throw new InputError('Input "api-key" contains a control character or line break; check the secret.')
  }
  return value
}

export function parseResourceIds(value: string): number[] {
  if (!value) throw new InputError('Input "resource-id" is required: the ID of your Gcore CDN resource.')
  const parts = value
    .split(/[\n,]/)
    .map(part => part.trim())
    .filter(part => part !== '')
  const ids = parts.map(part => {
    if (!/^[0-9]+$/.test(part) || Number(part) < 1 || !Number.isSafeInteger(Number(part))) {
      throw new InputError(`Input "resource-id" must be a positive integer, got ${quote(part)}.`)
    }
    return Number(part)
  })
  if (ids.length === 0) throw new InputError(`Input "resource-id" has no resource ID in ${quote(value)}.`)
  return [...new Set(ids)]
}

/** The values core.getBooleanInput accepts (YAML 1.2 core schema). */
export function parseBoolean(name: string, value: string, fallback: boolean): boolean {
  if (value === '') return fallback
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw new InputError(`Input "${name}" must be true or false, got ${quote(value)}.`)
}

export function parseInteger<F extends number | undefined>(name: string, value: string, fallback: F, min: number, max: number): number | F {
  if (value === '') return fallback
  const number = Number(value)
  if (!/^[0-9]+$/.test(value) || number < min || number > max) {
    throw new InputError(`Input "${name}" must be a whole number from ${min} to ${max}, got ${quote(value)}.`)
  }
  return number
}

/** Seconds (decimals allowed, > 0, or >= 0 with allowZero) → milliseconds. */
export function parseSeconds<F extends number | undefined>(
  name: string,
  value: string,
  fallbackSeconds: F,
  allowZero = false
): number | F {
  if (value === '') return (fallbackSeconds === undefined ? undefined : fallbackSeconds * 1000) as F
  const seconds = Number(value)
  if (!/^[0-9]*\.?[0-9]+$/.test(value) || !(allowZero ? seconds >= 0 : seconds > 0) || seconds > 86400) {
    const bound = allowZero ? '0 or more' : 'greater than 0'
    throw new InputError(`Input "${name}" must be a number of seconds ${bound}, got ${quote(value)}.`)
  }
  return Math.round(seconds * 1000)
}

/** One CDN base URL, or one per resource in the same order (newlines or commas). */
export function parseVerifyUrls(value: string, resourceCount: number): string[] {
  if (value === '') return []
  const urls = value
    .split(/[\n,]/)
    .map(part => part.trim())
    .filter(part => part !== '')
  for (const text of urls) {
    let url: URL | undefined
    try {
      url = new URL(text)
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search || url.hash) {
      throw new InputError(`Input "verify-url" must be http(s) base URLs such as https://cdn.example.com, got ${quote(text)}.`)
    }
  }
  if (urls.length !== 1 && urls.length !== resourceCount) {
    throw new InputError(
      `Input "verify-url" needs one URL, or one per resource (${resourceCount}), got ${urls.length}: ${quote(value)}.`
    )
  }
  return urls.map(url => url.replace(/\/+$/, ''))
}

export function parseChoice<T extends string>(name: string, value: string, choices: readonly T[], fallback: T): T {
  if (value === '') return fallback
  if ((choices as readonly string[]).includes(value)) return value as T
  throw new InputError(`Input "${name}" must be one of ${choices.join(', ')}, got ${quote(value)}.`)
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (host === 'localhost' || host === '::1') return true
  return isIP(host) === 4 && host.startsWith('127.')
}

export function parseApiUrl(value: string): string {
  const text = value || 'https://api.gcore.com'
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError(`Input "api-url" is not a valid URL: ${quote(value)}.`)
  }
  const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname)
  if (url.protocol !== 'https:' && !loopbackHttp) {
    throw new InputError(
      `Input "api-url" must use https (http only to a loopback address such as 127.0.0.1), got ${quote(value)}.`
    )
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(`Input "api-url" must be a plain base URL without credentials, query or fragment, got ${quote(value)}.`)
  }
  return url.href.replace(/\/+$/, '')
}
