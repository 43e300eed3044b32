/**
 * An origin group as `GET /cdn/origin_groups/{id}` answers it (../shared/
 * gcore-cdn-origins-openapi.yaml), read defensively and kept small: which
 * sources the CDN fetches from, never their credentials. An S3 source's keys
 * are masked as SECRET_VALUE in Gcore's answers; whatever the answer carries
 * under a credential's name is returned as a secret to redact everywhere,
 * masked or not, and the answer itself is never printed.
 */
import type { Clock, GcoreApi } from '../ports.js'
import { GcoreError, getJsonOnceMore } from './errors.js'

type SourceType = 'host' | 's3' | 'fastedge' | 'unknown'

export interface OriginSource {
  type: SourceType
  /** `host` or `host:port` for a host source; a description for the others. */
  address: string
  enabled: boolean
  /** Not used until the primary sources fail. */
  backup: boolean
  /** The Host header the CDN sends to this source instead of the default. */
  hostHeaderOverride: string | null
}

export interface OriginGroup {
  id: number
  sources: OriginSource[]
  /** Credentials the answer carried (S3 keys, masked or not): never to be shown. */
  secrets: string[]
}

/** Names under which an answer carries a credential. */
const CREDENTIAL = /key|secret|token|password|credential|signature/i
/** Gcore's mask for a credential in an answer. */
const MASKED = 'SECRET_VALUE'

const isObject = (value: unknown): value is Record<string, unknown> => !!value && typeof value === 'object' && !Array.isArray(value)
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null)

/** The group, or null when the answer is not an origin group. */
export function parseOriginGroup(body: unknown): OriginGroup | null {
  if (!isObject(body) || (!Array.isArray(body.sources) && !isObject(body.auth))) return null
  const secrets = new Set<string>()
  collectSecrets(body, secrets)
  const sources: OriginSource[] = Array.isArray(body.sources) ? body.sources.filter(isObject).map(parseSource) : []
  // The deprecated form: one private S3 bucket for the whole group.
  if (body.auth_type === 'awsSignatureV4' && isObject(body.auth)) {
    sources.push({ type: 's3', address: describeS3(body.auth), enabled: true, backup: false, hostHeaderOverride: null })
  }
  return { id: Number(body.id), sources, secrets: [...secrets] }
}

function parseSource(raw: Record<string, unknown>): OriginSource {
  const type: SourceType =
    raw.origin_type === 's3'
      ? 's3'
      : raw.origin_type === 'fastedge'
        ? 'fastedge'
        : raw.origin_type === undefined || raw.origin_type === 'host'
          ? 'host'
          : 'unknown'
  const config = isObject(raw.config) ? raw.config : {}
  const address =
    type === 'host'
      ? (text(raw.source) ?? '')
      : type === 's3'
        ? describeS3(config)
        : type === 'fastedge'
          ? `FastEdge app ${text(config.app_id) ?? '?'}`
          : `${String(raw.origin_type)} source`
  return {
    type: type === 'host' && !address ? 'unknown' : type,
    address,
    enabled: raw.enabled !== false,
    backup: raw.backup === true,
    hostHeaderOverride: text(raw.host_header_override)
  }
}

/** A bucket as a person would name it, without its credentials. */
function describeS3(config: Record<string, unknown>): string {
  const bucket = text(config.s3_bucket_name) ?? '?'
  const where = text(config.s3_storage_hostname) ?? text(config.s3_region)
  return `S3 bucket ${bucket}${where ? ` (${where})` : ''}`
}

function collectSecrets(value: unknown, into: Set<string>, name = ''): void {
  if (typeof value === 'string') {
    if (CREDENTIAL.test(name) && value !== MASKED && value.trim() !== '') into.add(value)
    return
  }
  if (Array.isArray(value)) for (const item of value) collectSecrets(item, into, name)
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) collectSecrets(item, into, key)
}

/**
 * Reads each origin group once (a failure that may pass is retried once). A
 * group that cannot be read is the reason, in words; a refused key throws.
 */
export async function readOriginGroups(
  api: Pick<GcoreApi, 'getJson'>,
  ids: Iterable<number>,
  clock: Pick<Clock, 'sleep'>,
  signal?: AbortSignal
): Promise<Map<number, OriginGroup | string>> {
  const groups = new Map<number, OriginGroup | string>()
  for (const id of new Set(ids)) {
    try {
      // The answer is never quoted anywhere: it may hold credentials Gcore did not mask.
      groups.set(
        id,
        parseOriginGroup(await getJsonOnceMore(api, `/cdn/origin_groups/${id}`, clock, signal)) ?? 'its answer is not an origin group'
      )
    } catch (error) {
      const failure = GcoreError.from(error)
      if (failure.kind === 'auth' || failure.kind === 'cancelled') throw failure
      groups.set(
        id,
        failure.kind === 'forbidden'
          ? 'the key may not read origin groups (HTTP 403)'
          : failure.kind === 'not-found'
            ? `no origin group ${id} (HTTP 404)`
            : // Gcore's words or the network's, redacted: never the answer of a group that was read.
              failure.message
      )
    }
  }
  return groups
}
