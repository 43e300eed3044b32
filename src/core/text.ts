/**
 * Text that came from elsewhere, made safe to show: secrets redacted in every
 * form they can take, and network text flattened so it can never become a
 * workflow command (`::warning::…` on a line of its own) or break a table.
 */

/** Shorter runs of a secret are too common to mean anything; longer ones are redacted. */
export const SECRET_RUN = 8
const MASK = '***'

/** The secret as an API might echo it: raw, URL-, form-, JSON-, HTML-escaped, hex, and base64 at any alignment. */
function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret])
  const url = encodeURIComponent(secret)
  forms.add(url)
  forms.add(url.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()))
  forms.add(url.replace(/%20/g, '+'))
  const json = JSON.stringify(secret).slice(1, -1)
  forms.add(json)
  forms.add(json.replace(/\//g, '\\/'))
  forms.add(secret.replace(/[&<>"']/g, char => `&#${char.charCodeAt(0)};`))
  forms.add(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'))
  for (const encoding of ['utf8', 'latin1'] as const) {
    const hex = Buffer.from(secret, encoding).toString('hex')
    forms.add(hex)
    forms.add(hex.toUpperCase())
  }
  const bytes = Buffer.from(secret, 'latin1')
  for (let shift = 0; shift < 3; shift++) {
    // Base64 of a text that holds the secret at byte offset `shift` (mod 3): the
    // characters that depend on the secret's bytes alone.
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    const core = encoded.slice(Math.ceil((shift * 4) / 3), Math.floor(((shift + bytes.length) * 4) / 3))
    forms.add(core)
    forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return [...forms].filter(form => form.length >= SECRET_RUN)
}

/**
 * Masks every run of SECRET_RUN or more characters that also occurs in one of
 * the secrets' forms: the whole secret, and any piece of it that an echo or a
 * cut left behind.
 */
export function redact(text: string, secrets: readonly string[]): string {
  const windows = new Set<string>()
  for (const secret of secrets) {
    if (!secret) continue
    for (const form of secretForms(secret)) {
      for (let i = 0; i + SECRET_RUN <= form.length; i++) windows.add(form.slice(i, i + SECRET_RUN))
    }
  }
  if (windows.size === 0 || text.length < SECRET_RUN) return text
  const masked = new Uint8Array(text.length)
  let any = false
  for (let i = 0; i + SECRET_RUN <= text.length; i++) {
    if (windows.has(text.slice(i, i + SECRET_RUN))) {
      masked.fill(1, i, i + SECRET_RUN)
      any = true
    }
  }
  if (!any) return text
  let out = ''
  for (let i = 0; i < text.length; i++) {
    if (!masked[i]) out += text[i]
    else if (i === 0 || !masked[i - 1]) out += MASK
  }
  return out
}

/**
 * Network text as one harmless line: control characters and line breaks become
 * spaces, runs of whitespace collapse, and `::` is broken up so no line we
 * print can be read as a workflow command.
 */
function flatten(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/:(?=:)/g, ': ')
      .trim()
  )
}

/** At most `max` characters, with an ellipsis when cut. */
function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

/** What every network text goes through before any sink: redact, flatten, redact again, then cut. */
export function networkText(text: string, secrets: readonly string[], max = 500): string {
  return truncate(redact(flatten(redact(text, secrets)), secrets), max)
}

/**
 * An HTML page becomes its title, or its text without tags. One pass over the
 * text, whatever it holds: a page of 200,000 `<` costs microseconds. Redact
 * before: a tag can cut a secret into pieces too short to recognise.
 */
export function htmlText(body: string): string {
  const lower = body.toLowerCase()
  const open = lower.indexOf('<title')
  if (open !== -1) {
    const start = lower.indexOf('>', open)
    const end = start === -1 ? -1 : lower.indexOf('</title', start)
    if (end !== -1) {
      const title = body.slice(start + 1, end).trim()
      if (title) return title
    }
  }
  let text = ''
  let inTag = false
  for (const char of body) {
    if (char === '<') {
      inTag = true
      text += ' '
    } else if (char === '>' && inTag) inTag = false
    else if (!inTag) text += char
  }
  return text.replace(/\s+/g, ' ').trim() || 'unreadable response body'
}
