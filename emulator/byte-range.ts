/**
 * One `Range: bytes=…` header against a file size, as nginx reads it:
 * `a-b`, `a-` and `-n` (the last n bytes). A list of ranges or another unit
 * is ignored, so the whole file is answered (RFC 9110 allows it; nginx would
 * send multipart/byteranges, which nothing here needs). A range that starts
 * at or past the end, `a-b` with b < a, and `-0` cannot be satisfied (416).
 */

/** Inclusive byte offsets. */
export interface ByteRange {
  start: number
  end: number
}

export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  const match = header === undefined ? null : /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header)
  if (!match || (match[1] === '' && match[2] === '')) return null
  if (match[1] === '') {
    const suffix = Number(match[2])
    if (suffix === 0 || size === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(match[1])
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (start >= size || Number(match[2] || start) < start) return 'unsatisfiable'
  return { start, end }
}
