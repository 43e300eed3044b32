/**
 * Times on Gcore's clock, as its answers write them: `X-Cached-Since` and a
 * purge's `created` (`2024-07-03T09:47:49+00:00`, also seen as
 * `2025-11-14 08:32:19`, no zone: UTC), and the HTTP `Date` header. A time
 * that cannot be read is unknown (null), never "now": a freshness check that
 * cannot read a date must fail, not pass.
 */

const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i
const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/

/** Milliseconds since the epoch, or null when the text is not one of Gcore's time forms. */
export function parseGcoreTime(text: string | null | undefined): number | null {
  const value = text?.trim()
  if (!value) return null
  const match = ISO_LIKE.exec(value)
  if (match) {
    const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match
    const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`
    const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${offset}`)
    return Number.isNaN(ms) ? null : ms
  }
  if (HTTP_DATE.test(value)) {
    const ms = Date.parse(value)
    return Number.isNaN(ms) ? null : ms
  }
  return null
}

/** The whole second a time falls in: the resolution `X-Cached-Since` and `Date` have. */
export function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000)
}
