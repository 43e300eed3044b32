/**
 * Where the CDN fetches a path: the URL and Host header of every enabled
 * source of the resource's origin group, as Gcore documents it
 * (../shared/gcore-origin-facts.md):
 *
 * - the protocol is the resource's `originProtocol` (a rule may override it):
 *   HTTP, HTTPS, or MATCH (the end user's; taken as https when the resource
 *   serves SSL, else http);
 * - the Host header is the source's `host_header_override`, else the
 *   `hostHeader` option, else the resource's hostname ("equal to first CNAME";
 *   `forward_host_header` forwards the end user's, which is that hostname too);
 * - the path is rewritten by the `rewrite` option (an nginx rewrite).
 *
 * A wrong guess must never keep a file from being purged: where the URL the
 * CDN uses is not certain (a rewrite this cannot evaluate exactly, an S3 or
 * FastEdge source, a source of unknown type), the resource is not checked,
 * with the reason and the fix (`origin-url`). Pure.
 */
import type { OriginGroup, OriginSource } from '../gcore/origin-group.js'
import type { PathOptions, Resource } from '../gcore/resource.js'

/** One place to ask for a path: the URL, and the Host header (null: the URL's own). */
export interface OriginTarget {
  /** The source as the report names it: `origin.example.com:8080`, or the origin-url's host. */
  source: string
  url: string
  host: string | null
  backup: boolean
}

/** Every place to ask, and the backup sources that cannot be asked (named in a note). */
export interface OriginRoute {
  targets: OriginTarget[]
  unaskedBackups: string[]
}

/** Why a resource's origin cannot be checked, and what would let it be. */
export interface NotCheckable {
  why: string
  fix: string
}

export type Router = (path: string) => OriginRoute | NotCheckable

export const isNotCheckable = (value: object): value is NotCheckable => 'why' in value

const FIX_URL = 'give origin-url (a base URL where the runner can read the files)'

/** The router of `origin-url`: the base URL plus the CDN path, with its own Host. */
export function originUrlRouter(base: string): Router {
  const source = new URL(base).host
  return path => ({ targets: [{ source, url: `${base}${path}`, host: null, backup: false }], unaskedBackups: [] })
}

/**
 * The router of a resource, from its settings and the origin groups its paths
 * use (by ID; undefined: the group could not be read, with why).
 */
export function resourceRouter(
  resource: Resource,
  optionsOf: (path: string) => PathOptions,
  groups: ReadonlyMap<number, OriginGroup | string>
): Router {
  return path => {
    const options = optionsOf(path)
    if (options.originGroup === null) return { why: 'the resource names no origin group', fix: FIX_URL }
    const group = groups.get(options.originGroup)
    if (group === undefined || typeof group === 'string') {
      return { why: `origin group ${options.originGroup} could not be read${group ? ` (${group})` : ''}`, fix: FIX_URL }
    }
    const enabled = group.sources.filter(source => source.enabled)
    if (!enabled.some(source => !source.backup)) return { why: `origin group ${group.id} has no enabled primary source`, fix: FIX_URL }
    const unaskable = enabled.find(source => !source.backup && source.type !== 'host')
    if (unaskable) return { why: `its source ${unaskable.address} ${whyNotAskable(unaskable)}`, fix: FIX_URL }

    const originPath = rewritten(path, options.rewrite)
    if (typeof originPath !== 'string') return originPath
    const scheme = options.originProtocol === 'HTTPS' || (options.originProtocol === 'MATCH' && resource.sslEnabled) ? 'https' : 'http'
    const host = options.hostHeader ?? resource.hostname
    const targets: OriginTarget[] = []
    for (const source of enabled.filter(candidate => candidate.type === 'host')) {
      const url = safeUrl(`${scheme}://${source.address}${originPath}`)
      const header = source.hostHeaderOverride ?? host
      if (!url) return { why: `its source ${JSON.stringify(source.address)} is not a host name or address`, fix: FIX_URL }
      if (!header) return { why: 'the Host header the CDN sends is unknown (no hostname, no hostHeader)', fix: FIX_URL }
      targets.push({ source: source.address, url, host: header, backup: source.backup })
    }
    const unaskedBackups = enabled.filter(source => source.backup && source.type !== 'host').map(source => source.address)
    return { targets, unaskedBackups }
  }
}

function whyNotAskable(source: OriginSource): string {
  if (source.type === 's3') return 'is an S3 bucket, which needs signed requests'
  if (source.type === 'fastedge') return 'is a FastEdge application, which runs on the edge itself'
  return 'is of a type this action does not know'
}

function safeUrl(text: string): string | null {
  try {
    return new URL(text).href
  } catch {
    return null
  }
}

/**
 * The path nginx's `rewrite regex replacement [flag]` makes of `path`, or why
 * it cannot be evaluated exactly here: only a JavaScript-compatible regex,
 * `$1`…`$9` and literal text in the replacement, the `break` and `last` flags,
 * and paths without percent-escapes (nginx rewrites the decoded path).
 */
export function rewritten(path: string, rewrite: PathOptions['rewrite']): string | NotCheckable {
  if (!rewrite) return path
  const cannot = (what: string): NotCheckable => ({
    why: `its rewrite ${JSON.stringify(rewrite.body)} ${what}, so the path the CDN asks the origin for is not certain`,
    fix: FIX_URL
  })
  if (rewrite.flag !== 'break' && rewrite.flag !== 'last') return cannot(`redirects (flag ${rewrite.flag})`)
  const parts = rewrite.body.trim().split(/\s+/)
  if (parts.length !== 2) return cannot('is not "regex replacement"')
  const [source, replacement] = parts
  if (!SAFE_REGEX.test(source) || /[*+?}][+]/.test(source) || source.includes('(?'))
    return cannot('uses regex syntax nginx and JavaScript read differently')
  if (/\$(?![1-9])/.test(replacement) || /^(https?:|\$scheme)/.test(replacement) || replacement.includes('?'))
    return cannot('uses nginx variables, a query or a full URL')
  const query = path.indexOf('?')
  const bare = query === -1 ? path : path.slice(0, query)
  if (bare.includes('%')) return cannot('meets a percent-encoded path')
  let regex: RegExp
  try {
    regex = new RegExp(source)
  } catch {
    return cannot('is not a regular expression this action can read')
  }
  const match = regex.exec(bare)
  if (!match) return path
  const result = replacement.replace(/\$([1-9])/g, (_, n: string) => match[Number(n)] ?? '')
  return `${result.startsWith('/') ? '' : '/'}${result}${query === -1 ? '' : path.slice(query)}`
}

/** Characters and escapes that mean the same to PCRE (nginx) and to JavaScript. */
const SAFE_REGEX = /^(?:[^\\]|\\[.\\/\-dDwWsS()[\]{}*+?|^$])*$/
