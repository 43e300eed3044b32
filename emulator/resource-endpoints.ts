/**
 * The read-only resource endpoints: `GET /cdn/resources/{id}`,
 * `GET /cdn/resources/{id}/rules[/{rule_id}]` and `GET /cdn/resources` with
 * its filters, in Gcore's shapes and list convention.
 */
import { pageOf, pageRequest, type Answer } from './pagination.js'
import { resourceJson, ruleJson, type ResourceCatalog, type ResourceStatus } from './resources.js'

const NOT_FOUND: Answer = [404, { detail: 'Not found.' }]
const STATUSES: readonly ResourceStatus[] = ['active', 'processed', 'suspended', 'deleted']

export function getResource(catalog: ResourceCatalog, id: number | null): Answer {
  const resource = id === null ? undefined : catalog.get(id)
  return resource ? [200, resourceJson(resource)] : NOT_FOUND
}

export function getRules(catalog: ResourceCatalog, id: number | null, ruleId: number | null, query: URLSearchParams, listUrl: URL): Answer {
  const resource = id === null ? undefined : catalog.get(id)
  if (!resource) return NOT_FOUND
  if (ruleId !== null) {
    const rule = resource.rules.find(candidate => candidate.id === ruleId)
    return rule ? [200, ruleJson(rule)] : NOT_FOUND
  }
  const page = pageRequest(query, 1000)
  if ('error' in page) return page.error
  return [200, pageOf(resource.rules.map(ruleJson), page, listUrl)]
}

/** Filters compare hostnames exactly, ignoring case; `secondaryHostnames` matches any of a resource's. */
export function listResources(catalog: ResourceCatalog, query: URLSearchParams, listUrl: URL): Answer {
  const page = pageRequest(query, 1000)
  if ('error' in page) return page.error
  const status = query.get('status')
  if (status !== null && !STATUSES.includes(status as ResourceStatus)) {
    return [400, { errors: { status: [`Select a valid choice. ${status} is not one of the available choices.`] } }]
  }
  const deleted = query.get('deleted')
  if (deleted !== null && !/^(true|false|1|0)$/i.test(deleted)) return [400, { errors: { deleted: ['Enter a valid boolean.'] } }]
  const cname = query.get('cname')?.toLowerCase()
  const secondary = query.get('secondaryHostnames')?.toLowerCase()
  // An open catalog knows `cdn<id>.example.com` before anyone has used the ID.
  if (cname && !catalog.closed) catalog.byHost(cname)
  const items = catalog
    .list()
    .filter(resource => cname === undefined || resource.cname.toLowerCase() === cname)
    .filter(resource => secondary === undefined || resource.secondaryHostnames.some(host => host.toLowerCase() === secondary))
    .filter(resource => status === null || resource.status === status)
    .filter(resource => deleted === null || resource.deleted === /^(true|1)$/i.test(deleted))
    .map(resourceJson)
  return [200, pageOf(items, page, listUrl)]
}
