/**
 * Turns what users write into normalised CDN paths.
 *
 * A CDN path is what a browser would send in its request line: it starts with `/`,
 * has no domain, and is percent-encoded as UTF-8. We let the WHATWG URL parser do
 * the encoding (it is what browsers use), and add only what it leaves alone:
 * a lone `%` that starts no valid escape becomes `%25`.
 *
 * What a user could not have meant literally (Windows backslashes, doubled
 * slashes, several paths on one line) is normalised and reported through
 * `onChange`, never guessed silently and never by dropping a segment.
 *
 * `#` is where a URL ends: in a path it is part of a name and sent as `%23`
 * (said through `onChange`), so `/v#1.iso` and `/v#2.iso` stay two paths; in a
 * full URL it starts a fragment no server sees, so the URL is refused with
 * both spellings to choose from. Nothing is ever cut at a `#`.
 */
import { InputError, type NameInput } from '../input-error.js'
import type { InputName } from '../input-names.js'

/** Where a path came from: an input, or a file named by one, and the line or item. */
export interface PathOrigin {
  input: InputName
  /** Set when the path came from a file named by `input`. */
  file?: string
  /** `line 3` or `item 2`. */
  where?: string
}

export function describeOrigin(origin: PathOrigin, name: NameInput): string {
  const source = origin.file ? `file ${JSON.stringify(origin.file)}` : name(origin.input)
  return origin.where ? `${source}, ${origin.where}` : source
}

export interface NormaliseOptions {
  /** Accept `/` itself (a prefix may be the root). */
  allowRoot?: boolean
  /** Told when the path sent differs from the text in a way the user should hear of. */
  onChange?: (raw: string, path: string, why: string) => void
}

// A stand-in origin for parsing bare paths; never sent anywhere.
const PLACEHOLDER_ORIGIN = 'http://cdn.invalid'
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g
/**
 * A path already in the form we send: `/`, then characters a URL path carries
 * as they are (valid `%XX` escapes included), no dot segment, no doubled slash,
 * no query. Most paths of a long list look like this, and are taken as they are
 * instead of through a URL object: 100,000 of them cost no garbage.
 */
const ALREADY_NORMAL = /^(?:\/(?!\.{1,2}(?:\/|$))(?:[A-Za-z0-9\-._~!$&'()+,;=:@]|%[0-9A-Fa-f]{2})+)+$/
// `//cdn.example.com/file`: a protocol-relative URL to a browser, a doubled slash to a shell script.
const HOST_OR_FOLDER = /^\/\/([^/]*\.[^/]*)(\/|$)/

function pathError(raw: string, origin: PathOrigin, problem: string): InputError {
  return new InputError(origin.input, name => `Path ${JSON.stringify(raw)} from ${describeOrigin(origin, name)} ${problem}.`)
}

/**
 * Normalises one user-written path or full URL. Throws an InputError naming the
 * path and its origin for anything that cannot be prefetched.
 */
export function normaliseCdnPath(raw: string, origin: PathOrigin, options: NormaliseOptions = {}): string {
  if (ALREADY_NORMAL.test(raw)) return raw
  let text = raw.trim()
  if (text === '') throw pathError(raw, origin, 'is empty')
  if (CONTROL_CHARACTER.test(text)) throw pathError(raw, origin, 'contains a control character')
  if (text.includes('*')) throw pathError(raw, origin, 'contains `*`: prefetch takes exact paths, not wildcards')

  const changes: string[] = []
  const scheme = HAS_SCHEME.test(text)
  if (!scheme && text.includes('\\')) {
    // A Windows path: every backslash is a separator, and a leading `\\server`
    // is a folder, not a host.
    text = text.replace(/\\/g, '/')
    changes.push('backslashes read as /')
  }
  if (text.includes('#')) {
    if (scheme) {
      const at = text.indexOf('#')
      throw pathError(
        raw,
        origin,
        `has a "#", where a URL ends (${JSON.stringify(text.slice(at))} would be a fragment, never sent): write %23 for a "#" that is part of the name (${JSON.stringify(text.replace(/#/g, '%23'))}), or leave the fragment out`
      )
    }
    // A name may hold `#`; a URL parser would end the path there and merge /v#1.iso with /v#2.iso.
    text = text.replace(/#/g, '%23')
    changes.push('# sent as %23')
  }
  const host = !scheme && !changes.includes('backslashes read as /') ? HOST_OR_FOLDER.exec(text)?.[1] : undefined
  if (host !== undefined) {
    const rest = text.slice(2 + host.length)
    throw pathError(
      raw,
      origin,
      `starts with // and ${JSON.stringify(host)} could be a host or a folder: write https://${host}${rest || '/…'} for a URL, or /${host}${rest} for a path`
    )
  }

  let url: URL
  try {
    if (!scheme) {
      url = new URL(`/${text.replace(/^\/+/, '')}`, PLACEHOLDER_ORIGIN)
      if (/^\/{2,}/.test(text)) changes.push('leading // read as /')
    } else {
      url = new URL(text)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw pathError(raw, origin, 'is a URL that is not http(s); give a path such as /dir/file.iso')
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error
    throw pathError(raw, origin, 'is not a valid path or URL')
  }

  let pathname = url.pathname
  if (/\/{2,}/.test(pathname)) {
    pathname = pathname.replace(/\/{2,}/g, '/')
    if (!changes.includes('leading // read as /')) changes.push('repeated / collapsed')
  }
  const path = (pathname + url.search).replace(LONE_PERCENT, '%25')
  if (!options.allowRoot && (path === '/' || path.startsWith('/?'))) throw pathError(raw, origin, 'names no file')
  if (changes.length) options.onChange?.(raw, path, changes.join(', '))
  return path
}

export interface ListEntry {
  raw: string
  origin: PathOrigin
}

/**
 * Splits a list input: a JSON array of strings (so `failed-paths` from an earlier
 * run feeds straight back in), or one path per line with blank lines ignored.
 */
export function splitPathList(text: string, origin: PathOrigin): ListEntry[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      throw new InputError(origin.input, name => `${describeOrigin(origin, name)} starts with "[" but is not a valid JSON array of paths.`)
    }
    if (!Array.isArray(parsed) || parsed.some(item => typeof item !== 'string')) {
      throw new InputError(origin.input, name => `${describeOrigin(origin, name)} is JSON but not an array of strings.`)
    }
    return (parsed as string[])
      .map((raw, index) => ({ raw, origin: { ...origin, where: `item ${index + 1}` } }))
      .filter(entry => entry.raw.trim() !== '') // like blank lines
  }
  const entries: ListEntry[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() !== '') entries.push({ raw: line, origin: { ...origin, where: `line ${index + 1}` } })
  })
  return entries
}

const LOOKS_LIKE_PATH = /^(\/|[a-z][a-z0-9+.-]*:\/\/)/i

/**
 * Several paths written on one line (`/a.iso /b.iso`, `/a.iso, /b.iso`): split
 * when every part looks like a path of its own; otherwise the line is one path
 * (a file name may hold spaces and commas).
 */
export function splitSeveralOnOneLine(entry: ListEntry): ListEntry[] {
  const parts = entry.raw
    .trim()
    .split(/\s*,\s*|\s+/)
    .filter(part => part !== '')
  if (parts.length < 2 || !parts.every(part => LOOKS_LIKE_PATH.test(part))) return [entry]
  return parts.map(raw => ({ raw, origin: entry.origin }))
}

/** `path-prefix` as a CDN path without a trailing slash ('' for the root). */
export function normalisePrefix(raw: string, notices: string[] = []): string {
  if (raw.trim() === '') return ''
  const origin: PathOrigin = { input: 'path-prefix' }
  const prefix = normaliseCdnPath(raw, origin, {
    allowRoot: true,
    onChange: (text, path, why) => notices.push(`path-prefix ${JSON.stringify(text)} is used as ${JSON.stringify(path)} (${why}).`)
  }).replace(/\/+$/, '')
  if (prefix.includes('?')) {
    throw new InputError('path-prefix', name => `${name('path-prefix')} must be a plain path without a query, got ${JSON.stringify(raw)}.`)
  }
  return prefix
}
