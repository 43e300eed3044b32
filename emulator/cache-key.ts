/**
 * How a resource's options turn a request path into a cache key, and which
 * options apply to a path at all (a matching rule overrides the resource).
 *
 * Paths are compared in the form a browser sends them (WHATWG URL parsing:
 * percent-encoded UTF-8, existing `%XX` kept), so `/a b.iso` from a prefetch
 * body and `/a%20b.iso` from an edge request are the same file.
 */
import type { HeadersHidingPolicy, OptionValue, Resource, ResourceOptions } from './resources.js'

export interface RequestPath {
  /** The path without query, percent-encoded. */
  path: string
  /** The raw query string without `?`, or ''. */
  query: string
}

export function splitRequestPath(raw: string): RequestPath {
  // Appended to an origin, not resolved against one: `//a` stays a path, not a host.
  const withSlash = raw.startsWith('/') ? raw : `/${raw}`
  try {
    const url = new URL(`http://emulator.invalid${withSlash.split('#')[0]}`)
    return { path: url.pathname, query: url.search.slice(1) }
  } catch {
    const query = withSlash.indexOf('?')
    return query === -1 ? { path: withSlash, query: '' } : { path: withSlash.slice(0, query), query: withSlash.slice(query + 1) }
  }
}

export function isOn(option: OptionValue<unknown> | null | undefined): boolean {
  return option?.enabled === true && option.value !== false
}

/** The rule that governs a path: active, not deleted, lowest weight first, first match wins. */
function matchingRule(resource: Resource, path: string): Resource['rules'][number] | undefined {
  return resource.rules
    .filter(rule => rule.active && !rule.deleted)
    .sort((a, b) => a.weight - b.weight)
    .find(rule => new RegExp(rule.ruleType === 1 ? `/${rule.rule}` : rule.rule).test(path))
}

/** The resource's options, overridden option by option by the matching rule (a `null` rule option inherits). */
export function effectiveOptions(resource: Resource, path: string): ResourceOptions {
  const merged: ResourceOptions = { ...(resource.options ?? {}) }
  for (const [name, value] of Object.entries(matchingRule(resource, path)?.options ?? {})) {
    if (value !== null && value !== undefined) merged[name] = value
  }
  return merged
}

/**
 * The cache key: the path, plus what the options leave of the query.
 * ignoreQueryString drops it; query_params_whitelist keeps only the listed
 * parameters; query_params_blacklist drops the listed ones. A proxy_cache_key
 * without `$request_uri`, `$args` or `$query_string` (e.g. `$scheme$uri`) drops it too.
 */
export function cacheKey({ path, query }: RequestPath, options: ResourceOptions): string {
  let pairs = query === '' ? [] : query.split('&').filter(pair => pair !== '')
  const customKey = options.proxy_cache_key
  if (isOn(options.ignoreQueryString) || (isOn(customKey) && !/\$(request_uri|args|query_string)/.test(String(customKey!.value))))
    pairs = []
  const name = (pair: string): string => safeDecode(pair.split('=')[0])
  if (options.query_params_whitelist?.enabled) pairs = pairs.filter(pair => options.query_params_whitelist!.value.includes(name(pair)))
  if (options.query_params_blacklist?.enabled) pairs = pairs.filter(pair => !options.query_params_blacklist!.value.includes(name(pair)))
  return pairs.length ? `${path}?${pairs.join('&')}` : path
}

/** The path part of a cache key. */
export function keyPath(key: string): string {
  const query = key.indexOf('?')
  return query === -1 ? key : key.slice(0, query)
}

/** A purge pattern as the prefix it clears: query ignored, `*` only at the end, `/path` ≡ `/path*`. */
export function patternPrefix(pattern: string): string {
  const withoutQuery = pattern.split('?')[0]
  return splitRequestPath(withoutQuery.replace(/\*+$/, '')).path
}

/** Whether the resource's hiding policy removes a header (some headers can never be hidden). */
export function isHeaderHidden(policy: HeadersHidingPolicy | null | undefined, header: string): boolean {
  const name = header.toLowerCase()
  if (!policy?.enabled || ALWAYS_SHOWN.has(name)) return false
  const listed = policy.excepted.some(excepted => excepted.toLowerCase() === name)
  return policy.mode === 'hide' ? !listed : listed
}

/** Gcore: "The following headers are required and cannot be hidden from response". */
const ALWAYS_SHOWN = new Set(['connection', 'content-length', 'content-type', 'date', 'server'])

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}
