/** Each resource as the report, the summary and the `resources` output show it: read off its plan record. */
import type { Resource } from '../gcore/resource.js'
import type { Plan } from '../plan/plan.js'
import type { PurgeMode } from '../settings.js'
import type { ResourceReport } from './model.js'

function describeState(resource: Resource): string {
  if (resource.deleted) return 'deleted'
  if (resource.suspended) return 'suspended'
  if (!resource.active && resource.status === 'active') return 'inactive'
  return resource.status
}

export function resourceReports(plan: Plan, purge: PurgeMode): ResourceReport[] {
  return plan.resources.map(record => {
    const kinds = record.purgeKinds.map(({ kind, paths, why }) => ({ kind, paths, why }))
    return {
      id: record.id,
      hostname: record.resource?.hostname ?? record.givenHostname,
      state: record.resource ? describeState(record.resource) : 'unknown',
      slice: record.resource ? record.sliced > 0 : null,
      purgeKind: purge === 'off' || kinds.length === 0 ? 'none' : kinds.length === 1 ? kinds[0].kind : 'mixed',
      paths: record.paths.length,
      purgeKinds: kinds,
      error: record.failure && `${record.failure}; nothing was sent to it`
    }
  })
}
