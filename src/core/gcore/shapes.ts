/**
 * What a Gcore GET answer must look like before it is read. A JSON answer of
 * the wrong shape (`null` or `[]` where a resource was asked for, a string
 * where a list was) is a failure that names what came, never read as a
 * resource whose every setting is off.
 */
import { GcoreError } from './errors.js'

/** `null`, `an empty list`, `a list`, `a string`, `a number`, `true`, `an object`: for messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return 'a string'
  if (typeof value === 'number') return 'a number'
  return String(value)
}

/** The answer as an object, when it is one with a numeric `id`; else a GcoreError naming what came. */
export function expectRecord(body: unknown, where: string, what: string): Record<string, unknown> {
  if (body && typeof body === 'object' && !Array.isArray(body) && typeof (body as { id?: unknown }).id === 'number') {
    return body as Record<string, unknown>
  }
  const got = body && typeof body === 'object' && !Array.isArray(body) ? 'an object without a numeric id' : describeJson(body)
  throw new GcoreError(`${where}: the answer is ${got}, not ${what}`, 'rejected', null)
}

/** A plain list, or the `results` of a paginated one; else a GcoreError naming what came. */
export function expectList(body: unknown, where: string, what: string): unknown[] {
  if (Array.isArray(body)) return body
  const results = (body as { results?: unknown } | null)?.results
  if (Array.isArray(results)) return results
  throw new GcoreError(`${where}: the answer is ${describeJson(body)}, not ${what}`, 'rejected', null)
}
