/**
 * Finds the run's resources before anything is sent: a hostname becomes its
 * numeric ID, and each resource (with its rules) is read once.
 *
 * `resource-check: auto` reads and carries on without the settings when the key
 * may not read them (403), with one notice; `required` fails then; `off` reads
 * nothing. A resource the key's account does not have (404) and a hostname no
 * resource has are input errors: nothing is sent.
 */
import type { ResourceRef, ResourceCheck } from '../settings.js'
import { InputError } from '../input-error.js'
import type { Clock, GcoreApi } from '../ports.js'
import { GcoreError, getJsonOnceMore } from './errors.js'
import { parseResource, withHostname, type Resource } from './resource.js'
import { expectList, expectRecord } from './shapes.js'

export interface LookedUp {
  id: number
  /** The hostname the user gave, when they gave one. */
  givenHostname: string | null
  /** Null when not read: resource-check off, or the key may not read it. */
  resource: Resource | null
}

export interface LookupResult {
  resources: LookedUp[]
  notices: string[]
  warnings: string[]
}

/** Thrown when the settings had to be read (`resource-check: required`) and could not be. */
export class ResourceCheckFailed extends Error {}

const PERMISSION = 'permission to view CDN resources'

interface Reader {
  api: GcoreApi
  clock: Clock
  signal?: AbortSignal
}

/** The optional GET, retried once (see getJsonOnceMore). */
function getJson({ api, clock, signal }: Reader, path: string): Promise<unknown> {
  return getJsonOnceMore(api, path, clock, signal)
}

async function resolveHostname(reader: Reader, hostname: string): Promise<number> {
  const query = async (field: string): Promise<unknown[]> =>
    expectList(
      await getJson(reader, `/cdn/resources?${field}=${encodeURIComponent(hostname)}&limit=1000`),
      'GET /cdn/resources',
      'a list of resources'
    )
  let ids: number[]
  try {
    ids = withHostname(await query('cname'), hostname, 'cname')
    if (ids.length === 0) ids = withHostname(await query('secondaryHostnames'), hostname, 'secondaryHostnames')
  } catch (error) {
    if (error instanceof GcoreError && error.kind === 'forbidden') {
      throw new InputError(
        'resource-id',
        name =>
          `${name('resource-id')} ${JSON.stringify(hostname)} cannot be looked up: the key has no ${PERMISSION} (HTTP 403); give the resource's numeric ID instead.`
      )
    }
    if (error instanceof GcoreError && error.kind !== 'auth' && error.kind !== 'cancelled') {
      throw new InputError(
        'resource-id',
        name =>
          `${name('resource-id')} ${JSON.stringify(hostname)} could not be looked up (${error.message}); give the resource's numeric ID instead.`
      )
    }
    throw error
  }
  if (ids.length === 0) {
    throw new InputError(
      'resource-id',
      name => `${name('resource-id')}: no CDN resource of this key's account has the hostname ${JSON.stringify(hostname)}.`
    )
  }
  if (ids.length > 1) {
    throw new InputError(
      'resource-id',
      name =>
        `${name('resource-id')}: the hostname ${JSON.stringify(hostname)} belongs to several resources (${ids.join(', ')}); give one ID.`
    )
  }
  return ids[0]
}

/** The rules endpoint, or the rules embedded in the resource when it cannot be read. */
async function readRules(reader: Reader, id: number): Promise<unknown | undefined> {
  try {
    // A list (or a page of one); anything else is as unreadable as a failed request.
    return expectList(await getJson(reader, `/cdn/resources/${id}/rules`), `GET /cdn/resources/${id}/rules`, 'a list of rules')
  } catch (error) {
    if (error instanceof GcoreError && (error.kind === 'auth' || error.kind === 'cancelled')) throw error
    return undefined
  }
}

export async function lookUpResources(reader: Reader, refs: ResourceRef[], check: ResourceCheck): Promise<LookupResult> {
  const notices: string[] = []
  const warnings: string[] = []
  const resources: LookedUp[] = []
  const seen = new Set<number>()
  let forbiddenSaid = false
  for (const ref of refs) {
    const id = ref.id ?? (await resolveHostname(reader, ref.hostname))
    if (seen.has(id)) continue
    seen.add(id)
    const entry: LookedUp = { id, givenHostname: ref.hostname ?? null, resource: null }
    resources.push(entry)
    if (check === 'off') continue
    try {
      const body = expectRecord(await getJson(reader, `/cdn/resources/${id}`), `GET /cdn/resources/${id}`, 'a resource')
      entry.resource = parseResource(body, await readRules(reader, id))
    } catch (error) {
      const failure = GcoreError.from(error)
      if (failure.kind === 'auth' || failure.kind === 'cancelled') throw failure
      if (failure.kind === 'not-found') {
        const given = ref.hostname ? `${JSON.stringify(ref.hostname)} (ID ${id})` : String(id)
        throw new InputError(
          'resource-id',
          name => `${name('resource-id')} ${given}: the key's account has no CDN resource with that ID (HTTP 404).`
        )
      }
      const why =
        failure.kind === 'forbidden'
          ? `the key has no ${PERMISSION} (HTTP 403; a "Purge and Prefetch only" token may not read settings)`
          : `its settings could not be read (${failure.message})`
      if (check === 'required') throw new ResourceCheckFailed(`resource-check is required, but resource ${id}: ${why}.`)
      if (failure.kind === 'forbidden') {
        if (!forbiddenSaid)
          notices.push(`Resource settings not read: ${why}. Purging by URL as before; slice and cache-key settings are not checked.`)
        forbiddenSaid = true
      } else {
        warnings.push(`Resource ${id}: ${why}; purging by URL as before, slice and cache-key settings not checked.`)
      }
    }
  }
  return { resources, notices, warnings }
}
