/**
 * What the checks found of each path, per resource: the origin's verdict
 * before the purge, and the edge's after the prefetch, side by side. This is
 * the `verify` output, the JSON report's `verify`, and the summary's tables.
 */
import type { OriginFinding } from '../origin/verdict.js'
import type { EdgeCheck, EdgeVerdict, PartLook } from '../verify.js'

interface EdgeFinding {
  /** The verdict of the first answer for the path's first part, and of the last one. */
  firstCache: string | null
  cache: string | null
  etag: string | null
  cachedSince: string | null
  /** The last part, on sliced paths. */
  lastPart: PartLook | null
}

export interface PathCheck {
  resource: number
  path: string
  /** The edge provably serves the origin's file. */
  verified: boolean
  /** The edge's verdict, or `unchecked` (no verify-url, or the path was not prefetched). */
  result: EdgeVerdict | 'unchecked'
  /** Why not verified, or why the origin was not ready. */
  error: string | null
  url: string | null
  status: number | null
  attempts: number
  /** The size the edge had to show: the origin's, or the new file's. */
  expectedSize: number | null
  /** The edge's Content-Length. */
  size: number | null
  origin: OriginFinding | null
  edge: EdgeFinding | null
}

export interface CheckedResource {
  id: number
  paths: readonly string[]
  /** The origin's verdict per path, where it was asked. */
  origin: ReadonlyMap<string, OriginFinding>
  /** Whether the edge was asked for this resource's prefetched paths. */
  edgeAsked: boolean
}

/** One entry per resource and path the origin or the edge was asked about. */
export function pathChecks(resources: readonly CheckedResource[], edge: readonly EdgeCheck[]): PathCheck[] {
  const byKey = new Map(edge.map(check => [`${check.resource} ${check.path}`, check]))
  const checks: PathCheck[] = []
  for (const resource of resources) {
    if (resource.origin.size === 0 && !resource.edgeAsked) continue
    for (const path of resource.paths) {
      const origin = resource.origin.get(path)
      const seen = byKey.get(`${resource.id} ${path}`)
      if (!origin && !seen && !resource.edgeAsked) continue
      const why = seen ? seen.reason : origin && origin.state !== 'ready' ? origin.detail : resource.edgeAsked ? 'not prefetched' : null
      checks.push({
        resource: resource.id,
        path,
        verified: seen?.verdict === 'verified',
        result: seen?.verdict ?? 'unchecked',
        error: why,
        url: seen?.url ?? null,
        status: seen?.head.status ?? null,
        attempts: seen?.attempts ?? 0,
        expectedSize: seen?.reference.size ?? origin?.size ?? null,
        size: seen?.head.size ?? null,
        origin: origin ?? null,
        edge: seen
          ? {
              firstCache: seen.head.firstCache,
              cache: seen.head.cache,
              etag: seen.head.etag,
              cachedSince: seen.head.cachedSince,
              lastPart: seen.lastPart
            }
          : null
      })
    }
  }
  return checks
}
