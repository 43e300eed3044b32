/**
 * Validation of purge and prefetch bodies, with Gcore's error shapes
 * (../../shared/gcore-cdn-openapi.yaml): list type and length, per-item blank
 * errors, URLs and patterns that start with `/`, `*` only at a pattern's end.
 */
import type { PurgeAction } from './cdn-model.js'

export interface WriteLimits {
  maxPrefetchPaths: number
  maxPurgeUrls: number
  maxPurgePatterns: number
}

export type CheckedWrite = { kind: 'prefetch'; paths: string[] } | PurgeAction

export function checkPrefetch(fields: Record<string, unknown>, limits: WriteLimits): CheckedWrite | { error: unknown } {
  if (fields.paths === undefined) return { error: { paths: ['This field is required.'] } }
  const listError = checkList(fields.paths, limits.maxPrefetchPaths)
  return listError ? { error: { paths: listError } } : { kind: 'prefetch', paths: fields.paths as string[] }
}

export function checkPurge(fields: Record<string, unknown>, limits: WriteLimits): CheckedWrite | { error: unknown } {
  if (fields.urls !== undefined && fields.paths !== undefined) {
    return { error: { non_field_errors: ['Specify either "urls" or "paths", not both.'] } }
  }
  if (fields.urls !== undefined) {
    const listError = checkList(fields.urls, limits.maxPurgeUrls)
    if (listError) return { error: { urls: listError } }
    const urls = fields.urls as string[]
    if (urls.length === 0) return { error: { urls: ['This list may not be empty.'] } }
    const bad = urls.find(url => !url.startsWith('/') || url.includes('*'))
    if (bad !== undefined) return { error: { urls: [`URL should start with / and contain no domain or *: ${bad}`] } }
    return { kind: 'purge_by_url', urls }
  }
  if (fields.paths === undefined) return { error: { paths: ['This field is required.'] } }
  const listError = checkList(fields.paths, limits.maxPurgePatterns)
  if (listError) return { error: { paths: listError } }
  const patterns = fields.paths as string[]
  if (patterns.length === 0) return { kind: 'purge_all' }
  if (patterns.some(pattern => !pattern.startsWith('/'))) return { error: { paths: ['A path should start with /.'] } }
  const wildcardInside = patterns.find(pattern => /\*[^*]/.test(pattern.split('?')[0]))
  if (wildcardInside !== undefined)
    return { error: { paths: [`The * wildcard is allowed only at the end of a pattern: ${wildcardInside}`] } }
  return { kind: 'purge_by_pattern', patterns }
}

/** Gcore's list rules: an array of strings, within the limit, no blank item. */
function checkList(value: unknown, max: number): unknown {
  if (!Array.isArray(value)) return [`Expected a list of items but got type "${typeof value === 'string' ? 'str' : typeof value}".`]
  if (value.length > max) return [`Ensure this field has no more than ${max} elements.`]
  const itemErrors: Record<string, string[]> = {}
  value.forEach((item, index) => {
    if (typeof item !== 'string') itemErrors[index] = ['Not a valid string.']
    else if (item.trim() === '') itemErrors[index] = ['This field may not be blank.']
  })
  return Object.keys(itemErrors).length ? itemErrors : undefined
}
