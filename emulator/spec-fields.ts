/**
 * The command line's `key=value,key=value` specs (`--resource`, `--origin`,
 * `--origin-source`, `--publish`, …) and the values in them: on/off flags,
 * `|` lists, sizes and durations. Every error names the flag and the spec.
 */

export class SpecFields {
  private readonly fields = new Map<string, string>()

  /** `where` names the spec in errors, e.g. `--resource "id=1,slice=maybe"`; `keys` are the keys it may have. */
  constructor(
    readonly where: string,
    text: string,
    keys: readonly string[]
  ) {
    for (const pair of text === '' ? [] : text.split(',')) {
      const equals = pair.indexOf('=')
      if (equals === -1) this.fail(`"${pair}" is not key=value`)
      const key = pair.slice(0, equals).trim()
      if (!keys.includes(key)) this.fail(`unknown key "${key}" (one of ${keys.join(', ')})`)
      if (this.fields.has(key)) this.fail(`"${key}" is given twice`)
      this.fields.set(key, pair.slice(equals + 1).trim())
    }
  }

  fail(problem: string): never {
    throw new Error(`${this.where}: ${problem}`)
  }

  get(key: string): string | undefined {
    return this.fields.get(key)
  }

  /** on/true or off/false. */
  flag(key: string): boolean | undefined {
    const value = this.fields.get(key)
    if (value === undefined) return undefined
    if (/^(on|true)$/i.test(value)) return true
    if (/^(off|false)$/i.test(value)) return false
    return this.fail(`${key}=${value}: expected on or off`)
  }

  /** Items separated by `|`. */
  list(key: string): string[] | undefined {
    return this.fields
      .get(key)
      ?.split('|')
      .filter(item => item !== '')
  }

  /** A whole number of at least `min`. */
  whole(key: string, min = 0): number | undefined {
    const value = this.fields.get(key)
    if (value === undefined) return undefined
    if (!/^\d+$/.test(value) || Number(value) < min) this.fail(`${key}=${value}: expected a whole number of at least ${min}`)
    return Number(value)
  }

  size(key: string): number | undefined {
    const value = this.fields.get(key)
    return value === undefined ? undefined : parseSize(value, this.where)
  }

  /** Milliseconds from `500ms`, `20s`, `1.5s` or `2m`. */
  duration(key: string): number | undefined {
    const value = this.fields.get(key)
    if (value === undefined) return undefined
    const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value)
    if (!match && value !== '0') this.fail(`${key}=${value}: expected a duration with its unit, e.g. 500ms, 20s, 2m`)
    return match ? Math.round(Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[match[2] as 'ms' | 's' | 'm']) : 0
  }
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }

/** Bytes from `4096`, `10MB`, `300MiB`, … */
export function parseSize(text: string, where: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = UNITS[(match?.[2] || 'b').toLowerCase()]
  if (!match || unit === undefined) throw new Error(`${where}: "${text}" is not a size (e.g. 300MiB, 10MB, 4096)`)
  return Math.round(Number(match[1]) * unit)
}
