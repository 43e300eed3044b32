/**
 * Reports of made-up runs, for the report's own tests: a plan by the planner's
 * batching (support/plan.ts), every batch given an outcome.
 */
import type { RunFacts } from '../../src/core/report/model.js'
import { plannedResults, type BatchResult } from '../../src/core/schedule/run.js'
import { planOf } from './plan.js'

/** The facts of a plain run: no purge, 61 s against an estimate of 60 s. */
export const RUN: RunFacts = {
  skipped: [],
  files: [],
  limits: [],
  verify: [],
  resources: [],
  purge: 'off',
  dryRun: false,
  cancelled: false,
  elapsedMs: 61_000,
  estimateMs: 60_000,
  notes: [],
  skippedChecks: []
}

/** A plan of `paths` in batches of two, batch i given outcomes[i mod n]. */
export function finished(paths: string[], outcomes: BatchResult['outcome'][], error: string | null = null, resources = [9]) {
  const plan = planOf(paths, { resources, sizes: { prefetch: 2 } })
  const results = plannedResults(plan.batches).map((result, i) => ({
    ...result,
    outcome: outcomes[i % outcomes.length],
    status: outcomes[i % outcomes.length] === 'succeeded' ? 201 : 400,
    attempts: 1,
    error: outcomes[i % outcomes.length] === 'succeeded' ? null : error,
    started: Date.UTC(2026, 0, 1),
    finished: Date.UTC(2026, 0, 1, 0, 0, 2)
  }))
  return { plan, results }
}
