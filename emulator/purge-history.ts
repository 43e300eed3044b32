/**
 * Gcore's purge history (`GET /cdn/purge_statuses`): every accepted purge, with
 * a status that moves from `In progress` to `Successful` after a configurable
 * time, or stays fixed. A purge takes effect on the edge cache when it succeeds.
 */
import { pageOf, pageRequest, type Answer } from './pagination.js'
import type { RateKind } from './rate-lanes.js'

export type PurgeKind = Exclude<RateKind, 'prefetch'>

export interface PurgeRecord {
  purge_id: number
  created: string
  createdAt: number
  resource: { id: number; cname: string }
  payload: { urls?: string[]; paths?: string[] }
  purge_type: PurgeKind
}

export interface PurgeStatusBehaviour {
  /** How long a purge stays `In progress` before `Successful` (ms). */
  durationMs?: number
  /** A status every purge keeps for ever. */
  fixed?: 'Failed' | 'Status report disabled' | 'In progress'
}

export class PurgeHistory {
  readonly records: PurgeRecord[] = []

  constructor(private readonly behaviour: PurgeStatusBehaviour = {}) {}

  add(resource: { id: number; cname: string }, kind: PurgeKind, items: string[], now = Date.now()): PurgeRecord {
    // Gcore's history shows purge-by-URL payloads with the host, as its docs' example does.
    const payload = kind === 'purge_by_url' ? { urls: items.map(url => `http://${resource.cname}${url}`) } : { paths: items }
    const record: PurgeRecord = {
      purge_id: this.records.length + 1,
      created: new Date(now).toISOString(),
      createdAt: now,
      resource: { ...resource },
      payload,
      purge_type: kind
    }
    this.records.push(record)
    return record
  }

  statusOf(purge: Pick<PurgeRecord, 'createdAt'>, now = Date.now()): string {
    if (this.behaviour.fixed) return this.behaviour.fixed
    return now - purge.createdAt < (this.behaviour.durationMs ?? 0) ? 'In progress' : 'Successful'
  }

  /** When a purge clears the cache: when it succeeds; never if it fails or never finishes. */
  effectiveAt(purge: Pick<PurgeRecord, 'createdAt'>): number | null {
    const fixed = this.behaviour.fixed
    if (fixed === 'Failed' || fixed === 'In progress') return null
    if (fixed === 'Status report disabled') return purge.createdAt
    return purge.createdAt + (this.behaviour.durationMs ?? 0)
  }

  /** GET /cdn/purge_statuses: filters, and a plain list without `limit`, paginated with it. */
  query(query: URLSearchParams, listUrl: URL, now = Date.now()): Answer {
    const page = pageRequest(query, 100)
    if ('error' in page) return page.error
    const from = query.get('from_created')
    if (from !== null && Number.isNaN(Date.parse(from))) return [400, { errors: { from_created: ['Enter a valid date/time.'] } }]
    const to = query.get('to_created')
    if (to !== null && Number.isNaN(Date.parse(to))) return [400, { errors: { to_created: ['Enter a valid date/time.'] } }]
    const items = this.records
      .filter(purge => !query.get('purge_type') || purge.purge_type === query.get('purge_type'))
      .filter(purge => !from || purge.createdAt >= Date.parse(from))
      .filter(purge => !to || purge.createdAt <= Date.parse(to))
      .filter(purge => !query.get('cname') || purge.resource.cname === query.get('cname'))
      .map(({ createdAt, ...purge }) => ({ ...purge, status: this.statusOf({ createdAt }, now) }))
      .filter(purge => !query.get('status') || purge.status === query.get('status'))
    return [200, pageOf(items, page, listUrl)]
  }
}
