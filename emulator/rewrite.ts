/**
 * Gcore's `rewrite` resource option: "Changes and redirects requests from the
 * CDN to the origin. It operates according to the Nginx configuration", with a
 * body such as `/(.*) /media/$1` (a regular expression, spaces, a
 * replacement) and a flag. The emulator does what nginx's `rewrite` does with
 * it, within what a path needs: the expression is matched against the path
 * (the emulator's percent-encoded form), `$1`…`$9` take the groups (an unset
 * one is empty), and a path that does not match is left alone. `break` and
 * `last` change the path the origin is asked for; `redirect` (302) and
 * `permanent` (301), or a replacement starting with `http://` or `https://`,
 * make the edge answer a redirect instead.
 */
export type RewriteFlag = 'break' | 'last' | 'redirect' | 'permanent'

/** Gcore's shape of the option. */
export interface RewriteOption {
  enabled: boolean
  /** `<regular expression> <replacement>`, e.g. `/(.*) /media/$1`. */
  body: string
  /** Default `break`. */
  flag?: RewriteFlag
}

export const REWRITE_FLAGS: readonly RewriteFlag[] = ['break', 'last', 'redirect', 'permanent']

/** The body's two parts, or a message saying why it is not a rewrite. */
export function parseRewriteBody(body: string): { pattern: RegExp; replacement: string } | string {
  const match = /^\s*(\S+)\s+(\S+)\s*$/.exec(body)
  if (!match) return `"${body}" is not "<regular expression> <replacement>", e.g. "/(.*) /media/$1"`
  try {
    return { pattern: new RegExp(match[1]), replacement: match[2] }
  } catch {
    return `"${match[1]}" is not a regular expression`
  }
}

/** Where the CDN takes a request for `path`: another origin path, or a redirect it answers itself. */
export function rewritePath(
  option: RewriteOption | null | undefined,
  path: string
): { path: string } | { redirect: { status: 301 | 302; location: string } } {
  if (!option?.enabled) return { path }
  const parsed = parseRewriteBody(option.body)
  if (typeof parsed === 'string') return { path }
  const groups = parsed.pattern.exec(path)
  if (!groups) return { path }
  const target = parsed.replacement.replace(/\$([1-9])/g, (_, digit: string) => groups[Number(digit)] ?? '')
  const flag = option.flag ?? 'break'
  if (flag === 'permanent') return { redirect: { status: 301, location: target } }
  if (flag === 'redirect' || /^https?:\/\//i.test(target)) return { redirect: { status: 302, location: target } }
  return { path: target.startsWith('/') ? target : `/${target}` }
}
