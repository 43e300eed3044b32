/**
 * Whether the origin holds the new file of a path, from one HEAD at each of
 * its sources (pure). Ready: every primary source answers 2xx, with the
 * expected size where it is known (a local file, a release asset), and the
 * sources agree on Content-Length and, where they show one, ETag: with large
 * files cached in parts, sources that differ give downloads made of two files
 * (Gcore: "The Content-Length and Etag headers must be consistent across the
 * origin"). A backup source that differs, or lacks the file, is a warning.
 */

/** What one source answered. */
export interface SourceAnswer {
  source: string
  backup: boolean
  /** The status, or null when no answer came (timeout, reset, unknown host). */
  status: number | null
  /** Content-Length; null when absent or nonsensical. */
  size: number | null
  /** The ETag, weak or strong as sent; null when absent. */
  etag: string | null
  /** Why no usable answer came. */
  error: string | null
  /** Redirects followed before this answer. */
  redirects: number
  /** A 2xx that is an HTML page where a file was asked for: a login or filter page, not the file. */
  html: boolean
}

type OriginState = 'ready' | 'missing' | 'size' | 'disagree' | 'error'

export interface OriginVerdict {
  state: OriginState
  /** What was wrong, naming the source and what it answered; null when ready. */
  detail: string | null
  /** The origin's file, where the answers say it: what the edge must serve. */
  size: number | null
  etag: string | null
  /** Backup sources that differ or lack the file. */
  warnings: string[]
  answers: SourceAnswer[]
}

/** `W/"x"` and `"x"` name the same version for this comparison. */
export function sameEtag(a: string, b: string): boolean {
  return a.replace(/^W\//i, '') === b.replace(/^W\//i, '')
}

const describe = (answer: SourceAnswer): string =>
  answer.status === null
    ? `${answer.source}: ${answer.error ?? 'no answer'}`
    : `${answer.source}: HTTP ${answer.status}${answer.status >= 300 && answer.status < 400 ? ` after ${answer.redirects} redirects` : ''}` +
      `${answer.html ? ', an HTML page (a login or filter page?)' : ''}` +
      // The size and ETag of an error page say nothing of the file.
      `${answer.status < 300 && answer.size !== null ? `, ${answer.size} bytes` : ''}${answer.status < 300 && answer.etag ? `, ETag ${answer.etag}` : ''}`

export function judgeOrigin(answers: SourceAnswer[], expectedSize: number | null): OriginVerdict {
  const primaries = answers.filter(answer => !answer.backup)
  const backups = answers.filter(answer => answer.backup)
  const verdict = (state: OriginState, detail: string | null, size: number | null = null, etag: string | null = null): OriginVerdict => ({
    state,
    detail,
    size,
    etag,
    warnings: [],
    answers
  })
  const ok = (answer: SourceAnswer): boolean => answer.status !== null && answer.status >= 200 && answer.status < 300 && !answer.html
  if (primaries.length === 0) return verdict('error', 'no primary source of the origin was asked')
  const missing = primaries.find(answer => answer.status === 404 || answer.status === 410)
  if (missing) return verdict('missing', `the file is missing at the origin (${describe(missing)})`)
  const failed = primaries.find(answer => !ok(answer))
  if (failed) return verdict('error', `the origin did not answer with the file (${describe(failed)})`)
  if (expectedSize !== null) {
    const other = primaries.find(answer => answer.size !== null && answer.size !== expectedSize)
    if (other) return verdict('size', `the origin has another size than the new file, ${expectedSize} bytes (${describe(other)})`)
  }
  const sized = primaries.filter(answer => answer.size !== null)
  const tagged = primaries.filter(answer => answer.etag !== null)
  const sizesDiffer = sized.some(answer => answer.size !== sized[0].size)
  const etagsDiffer = tagged.some(answer => !sameEtag(answer.etag!, tagged[0].etag!))
  if (sizesDiffer || etagsDiffer) return verdict('disagree', `the origin's sources disagree (${primaries.map(describe).join('; ')})`)

  const size = sized[0]?.size ?? expectedSize
  const etag = tagged.length === primaries.length ? (tagged[0]?.etag ?? null) : null
  const ready = verdict('ready', null, size, etag)
  for (const backup of backups) {
    const differs =
      !ok(backup) ||
      (size !== null && backup.size !== null && backup.size !== size) ||
      (etag !== null && backup.etag !== null && !sameEtag(backup.etag, etag))
    if (differs) ready.warnings.push(`backup source ${describe(backup)} differs from the primary sources`)
  }
  return ready
}

/** What the origin said of a path: its verdict, and the source that decided it. */
export interface OriginFinding {
  /** ready, missing (at a primary source), size (not the new file's), disagree (sources differ), error (no usable answer). */
  state: OriginState
  /** Why it is not ready, naming the source and what it answered. */
  detail: string | null
  source: string | null
  status: number | null
  size: number | null
  etag: string | null
}

/** A verdict as the report keeps it: the answers reduced to the one that decided. */
export function originFinding(verdict: OriginVerdict): OriginFinding {
  // The answer that decided: the first that is not a plain 2xx when not ready, else the first primary source's.
  const deciding =
    (verdict.state !== 'ready' && verdict.answers.find(answer => !answer.backup && (answer.status === null || answer.status >= 300))) ||
    verdict.answers.find(answer => !answer.backup) ||
    null
  return {
    state: verdict.state,
    detail: verdict.detail,
    source: deciding?.source ?? null,
    status: deciding?.status ?? null,
    size: verdict.size ?? deciding?.size ?? null,
    etag: verdict.etag ?? deciding?.etag ?? null
  }
}
