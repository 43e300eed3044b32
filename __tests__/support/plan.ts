/**
 * Plans for the schedule and report tests, built by the planner's own batching
 * without reading any resource: every resource gets the same paths, purged as
 * `purge` says.
 */
import { batchesOf, type Batch, type BatchSizes, type PathPurge } from '../../src/core/plan/batches.js'

/** Gcore's documented batch sizes. */
export const SIZES: BatchSizes = { prefetch: 100, purgeUrl: 100, purgePattern: 10 }

export interface TestPlan {
  paths: string[]
  resources: {
    id: number
    failure: null
    paths: string[]
    purge: ReadonlyMap<string, PathPurge>
    userPatterns: string[]
    batches: Batch[]
  }[]
  batches: Batch[]
  sizes: BatchSizes
}

export function planOf(
  paths: string[],
  options: {
    resources?: number[]
    purge?: PathPurge | ((path: string) => PathPurge)
    sizes?: Partial<BatchSizes>
    userPatterns?: string[]
  } = {}
): TestPlan {
  const purgeOf = typeof options.purge === 'function' ? options.purge : () => options.purge as PathPurge
  const purge = new Map<string, PathPurge>(options.purge ? paths.map(path => [path, purgeOf(path)]) : [])
  const sizes = { ...SIZES, ...options.sizes }
  const userPatterns = options.userPatterns ?? []
  const resources = (options.resources ?? [1]).map(id => ({
    id,
    failure: null,
    paths,
    purge,
    userPatterns,
    batches: batchesOf({ resource: id, paths, purge, userPatterns }, sizes)
  }))
  return { paths, resources, batches: resources.flatMap(resource => resource.batches), sizes }
}
