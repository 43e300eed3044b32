/**
 * Turns what users write into normalised, de-duplicated CDN paths.
 *
 * A CDN path is what a browser would send in its request line: it starts with `/`,
 * has no domain, and is percent-encoded as UTF-8. We let the WHATWG URL parser do
 * the encoding (it is what browsers use), and add only what it leaves alone:
 * a lone `%` that starts no valid escape becomes `%25`.
 */
import { InputError } from './input-error.js'

/** Where a path came from, for error messages: `input "paths"` or `file list.txt`. */
export type PathOrigin = string

// A stand-in origin for parsing bare paths; never sent anywhere.
const PLACEHOLDER_ORIGIN = 'http://cdn.invalid'
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g

function pathError(raw: string, origin: PathOrigin, problem: string): InputError {
  return new InputError(`Path ${JSON.stringify(raw)} from ${origin} ${problem}.`)
}

/**
 * Normalises one user-written path or full URL. Throws InputError naming the
 * path and its origin for anything that cannot be prefetched.
 */
export function normaliseCdnPath(raw: string, origin: PathOrigin, allowRoot = false): string {
  const text = raw.trim()
  if (text === '') throw pathError(raw, origin, 'is empty')
  if (CONTROL_CHARACTER.test(text)) throw pathError(raw, origin, 'contains a control character')
  if (text.includes('*')) throw pathError(raw, origin, 'contains `*`: prefetch takes exact paths, not wildcards')

  let url: URL
  try {
    if (HAS_SCHEME.test(text)) {
      url = new URL(text)
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw pathError(raw, origin, 'is a URL that is not http(s); give a path such as /dir/file.iso')
      }
    } else {
      // `//host/path` is a scheme-relative URL to a browser, and so it is here.
      url = new URL(text.startsWith('/') ? text : `/${text}`, PLACEHOLDER_ORIGIN)
    }
  } catch (error) {
    if (error instanceof InputError) throw error
    throw pathError(raw, origin, 'is not a valid path or URL')
  }

  // A leading `//` would read as a host (`//evil.example/x`): one slash is the path.
  const path = (url.pathname + url.search).replace(LONE_PERCENT, '%25').replace(/^\/{2,}/, '/')
  if (!allowRoot && (path === '/' || path.startsWith('/?'))) throw pathError(raw, origin, 'names no file')
  return path
}

/**
 * Splits a list input: a JSON array of strings (so `failed-paths` from an earlier
 * run feeds straight back in), or one path per line with blank lines ignored.
 * Returns each entry with its origin (`input "paths", line 3`).
 */
export function splitPathList(text: string, origin: PathOrigin): { raw: string; origin: PathOrigin }[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      throw new InputError(`${origin} starts with "[" but is not a valid JSON array of paths.`)
    }
    if (!Array.isArray(parsed) || parsed.some(item => typeof item !== 'string')) {
      throw new InputError(`${origin} is JSON but not an array of strings.`)
    }
    return (parsed as string[])
      .map((raw, index) => ({ raw, origin: `${origin}, item ${index + 1}` }))
      .filter(entry => entry.raw.trim() !== '') // like blank lines
  }
  const entries: { raw: string; origin: PathOrigin }[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() !== '') entries.push({ raw: line, origin: `${origin}, line ${index + 1}` })
  })
  return entries
}

/** `path-prefix` as a CDN path without a trailing slash ('' for the root). */
export function normalisePrefix(raw: string): string {
  if (raw.trim() === '') return ''
  const prefix = normaliseCdnPath(raw, 'input "path-prefix"', true).replace(/\/+$/, '')
  if (prefix.includes('?')) {
    throw new InputError(`Input "path-prefix" must be a plain path without a query, got ${JSON.stringify(raw)}.`)
  }
  return prefix
}
