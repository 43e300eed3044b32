/**
 * The proxy variables, checked before any request. @actions/http-client reads
 * them for every request (core/http.ts): `https_proxy` or `HTTPS_PROXY` for
 * https URLs, `http_proxy` or `HTTP_PROXY` for http, the lower-case spelling
 * first; `no_proxy` or `NO_PROXY` names hosts to reach directly. It ignores a
 * value it cannot read (`proxy.corp:3128` parses as a URL of the scheme
 * `proxy.corp:` with no host) and connects directly, or fails on each request:
 * here such a value is an input-level error naming the variable, and a
 * NO_PROXY entry the library would never match is a warning.
 */
import { InputError } from './input-error.js'

type Environment = Readonly<Record<string, string | undefined>>

/** The variable the library reads for each scheme, lower-case spelling first. */
const PROXY_VARIABLES = [
  ['https_proxy', 'HTTPS_PROXY'],
  ['http_proxy', 'HTTP_PROXY']
] as const

/** The value with any credentials masked, for messages. */
function shown(value: string): string {
  const at = value.lastIndexOf('@')
  if (at === -1) return value
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? ''
  return `${scheme}***${value.slice(at)}`
}

/** What is wrong with a proxy value, as the library would read it; null when it is a usable http(s) proxy. */
function proxyValueProblem(value: string): string | null {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // The library's fallback for a value without a scheme, such as 10.0.0.1:3128.
    if (/^https?:\/\//i.test(value)) return 'is not a valid URL'
    try {
      url = new URL(`http://${value}`)
    } catch {
      return 'is not a valid URL'
    }
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const hostAndPort = /^[^/:]+:\d+$/.test(value)
    return hostAndPort
      ? `has no scheme, so it reads as a URL of the scheme "${url.protocol}" with no host: write http://${value}`
      : `is a ${url.protocol.slice(0, -1)} proxy; only http:// and https:// proxies are supported`
  }
  if (!url.hostname) return 'names no host'
  return null
}

/**
 * An InputError for the first proxy variable that cannot be used, naming it
 * and its value (credentials masked), and warnings for NO_PROXY entries the
 * library would never match.
 */
export function checkProxyEnvironment(env: Environment): { error: InputError | null; warnings: string[] } {
  let error: InputError | null = null
  for (const spellings of PROXY_VARIABLES) {
    const variable = spellings.find(name => env[name])
    if (!variable || error) continue
    const value = env[variable]!.trim()
    const problem = proxyValueProblem(value)
    if (problem) {
      error = new InputError('environment', () => `The environment variable ${variable} ${JSON.stringify(shown(value))} ${problem}.`)
    }
  }
  const noProxy = env.no_proxy ? 'no_proxy' : env.NO_PROXY ? 'NO_PROXY' : null
  const warnings: string[] = []
  for (const entry of noProxy ? env[noProxy]!.split(',').map(item => item.trim()) : []) {
    if (/^\*./.test(entry)) {
      warnings.push(
        `${noProxy} entry ${JSON.stringify(entry)} never matches (a leading * is not a wildcard here): write ${entry.slice(1)} (a name covers its subdomains).`
      )
    } else if (/\/\d+$/.test(entry)) {
      warnings.push(
        `${noProxy} entry ${JSON.stringify(entry)} never matches: address ranges are not supported; list the hosts or their names.`
      )
    }
  }
  return { error, warnings }
}
