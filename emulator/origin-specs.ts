/**
 * The command line's origin: `--origin-source`, `--s3-source`,
 * `--fastedge-source` and `--origin-group` as EmulatorOptions.originGroups;
 * `--origin` as the files every source holds from the start; `--publish` as
 * publications made once the emulator runs. ORIGIN_HELP is their reference.
 */
import { readFileSync } from 'node:fs'
import type { Delivery, NewFile } from './origin.js'
import type { HostSourceSpec, OriginGroupSpec, OriginSourceSpec, S3Config } from './origin-groups.js'
import { SpecFields } from './spec-fields.js'

export const ORIGIN_HELP = `Origin
  Each host source is an origin server on 127.0.0.1 (its own port), listed in origin group
  <group> as 127.0.0.1:<port>. Without --origin-source, group 1 has one plain host source.
  Host sources are numbered from 0, group by group (by ID), in the order given; --publish and
  the log name them by that number. Every source serves any path as a 300MiB file, version 1,
  with ETag "v<version>-<size>" and Last-Modified, unless told otherwise. The CDN fetches each
  part of a file from the group's enabled primary sources in turn (backups only when there is
  no primary); the ACL and vhost stop only HTTP requests, not the CDN.

  --origin-source <spec>   a host source, repeatable; comma-separated key=value, all optional:
    group=<id>             its origin group (default 1)
    backup=on|off          a backup source (default off)
    enabled=on|off         off: listed, but the CDN never fetches from it (default on)
    tag=<text>             its tag (default default)
    host_header_override=<host>  the Host header the CDN sends this source
    lag=<duration>         every publication reaches it this much later, e.g. 20s, 500ms
    acl=on|off             403 to every HTTP request: only the CDN's servers are let in
    vhost=<host>           only requests with this Host header; others 404 (nginx's default server)
    missing=<path>|<path>  origin paths it does not have (404)
    only_published=on|off  only --origin and --publish paths exist; others 404 (default off)
    port=<n>               its port (default 0: a free one)
    tls_key=<file>,tls_cert=<file>  serve https with this PEM key and certificate
  --s3-source <spec>       an S3 source (listed only; nothing serves it), repeatable:
                           group=<id>, s3_type=amazon|other, s3_bucket_name=<name>, and
                           s3_region=<region> (amazon) or s3_storage_hostname=<host> (other);
                           optional s3_access_key_id=, s3_secret_access_key= (default: the
                           OpenAPI's example keys), s3_auth_type=, backup=, enabled=, tag=,
                           host_header_override=
  --unmasked-s3-secrets    answer S3 keys as configured instead of SECRET_VALUE
  --fastedge-source <spec> a FastEdge source (listed only), repeatable: app_id=<id>, and
                           optional group=, backup=, enabled=, tag=, host_header_override=
  --origin-group <spec>    name a group: id=<n>,name=<text> (default names: group 1 "Emulated
                           origin", others "Origin group <id>")
  --origin <spec>          a file every source holds from the start, repeatable:
                           path=/v/app.iso,size=700MiB[,version=2]
  --publish <spec>         a new version once the emulator runs, repeatable:
                           path=/v/a.iso,size=700MiB[,version=2][,delay=20s][,source=<n>|<n>]
                           visible after <delay> (plus each source's lag) on the sources given
                           (default all); without version, the previous numeric one plus one`

/** A `--publish`: what to publish where, once the emulator runs. */
export interface Publication {
  path: string
  file: NewFile
  delivery: Delivery
}

const FLAG_KEYS = ['group', 'backup', 'enabled', 'tag', 'host_header_override'] as const
const HOST_KEYS = [...FLAG_KEYS, 'lag', 'acl', 'vhost', 'missing', 'only_published', 'port', 'tls_key', 'tls_cert'] as const
const S3_KEYS = [
  ...FLAG_KEYS,
  's3_type',
  's3_bucket_name',
  's3_region',
  's3_storage_hostname',
  's3_access_key_id',
  's3_secret_access_key',
  's3_auth_type'
] as const

export interface OriginFlags {
  hostSources: string[]
  s3Sources: string[]
  fastedgeSources: string[]
  groups: string[]
}

/** The origin groups the flags describe, or undefined when they describe none (the emulator's default). */
export function parseOriginGroups(flags: OriginFlags): OriginGroupSpec[] | undefined {
  const sources: { group: number; spec: OriginSourceSpec }[] = [
    ...flags.hostSources.map(text => hostSource(new SpecFields(`--origin-source "${text}"`, text, HOST_KEYS))),
    ...flags.s3Sources.map(text => s3Source(new SpecFields(`--s3-source "${text}"`, text, S3_KEYS))),
    ...flags.fastedgeSources.map(text => fastedgeSource(new SpecFields(`--fastedge-source "${text}"`, text, [...FLAG_KEYS, 'app_id'])))
  ]
  const names = new Map(flags.groups.map(groupName))
  if (!sources.length && !names.size) return undefined
  if (!flags.hostSources.length) sources.unshift({ group: 1, spec: {} })
  const ids = [...new Set([...sources.map(source => source.group), ...names.keys()])].sort((a, b) => a - b)
  return ids.map(id => ({
    id,
    ...(names.has(id) ? { name: names.get(id)! } : {}),
    sources: sources.filter(source => source.group === id).map(source => source.spec)
  }))
}

/** `path=/v/app.iso,size=700MiB,version=2` as an origin entry. */
export function parseOriginSpec(text: string): [string, NewFile] {
  const fields = new SpecFields(`--origin "${text}"`, text, ['path', 'size', 'version'])
  return [requiredPath(fields), newFile(fields)]
}

/** `path=/v/a.iso,size=700MiB,version=2,delay=20s,source=1` as a publication. */
export function parsePublishSpec(text: string): Publication {
  const fields = new SpecFields(`--publish "${text}"`, text, ['path', 'size', 'version', 'delay', 'source'])
  const sources = fields.list('source')?.map(item => {
    if (!/^\d+$/.test(item)) fields.fail(`source=${item}: expected host source numbers (from 0), e.g. source=1 or source=0|2`)
    return Number(item)
  })
  const delayMs = fields.duration('delay')
  return {
    path: requiredPath(fields),
    file: newFile(fields),
    delivery: { ...(delayMs === undefined ? {} : { delayMs }), ...(sources === undefined ? {} : { sources }) }
  }
}

function requiredPath(fields: SpecFields): string {
  const path = fields.get('path')
  if (!path?.startsWith('/')) fields.fail('path=/<origin path> is required')
  return path!
}

function newFile(fields: SpecFields): NewFile {
  const size = fields.size('size')
  if (size === undefined) fields.fail('size=<size> is required')
  const version = fields.get('version')
  return { size: size!, ...(version === undefined ? {} : { version: /^\d+$/.test(version) ? Number(version) : version }) }
}

function sourceFlags(fields: SpecFields): { group: number; flags: Omit<HostSourceSpec, 'origin_type'> } {
  const flags: Omit<HostSourceSpec, 'origin_type'> = {}
  const backup = fields.flag('backup')
  const enabled = fields.flag('enabled')
  if (backup !== undefined) flags.backup = backup
  if (enabled !== undefined) flags.enabled = enabled
  if (fields.get('tag') !== undefined) flags.tag = fields.get('tag')
  if (fields.get('host_header_override') !== undefined) flags.host_header_override = fields.get('host_header_override')
  return { group: fields.whole('group', 1) ?? 1, flags }
}

function hostSource(fields: SpecFields): { group: number; spec: HostSourceSpec } {
  const { group, flags } = sourceFlags(fields)
  const spec: HostSourceSpec = { ...flags }
  const lagMs = fields.duration('lag')
  const acl = fields.flag('acl')
  const onlyPublished = fields.flag('only_published')
  const port = fields.whole('port')
  if (lagMs !== undefined) spec.lagMs = lagMs
  if (acl !== undefined) spec.acl = acl
  if (fields.get('vhost') !== undefined) spec.vhost = fields.get('vhost')
  if (fields.list('missing') !== undefined) spec.missing = fields.list('missing')
  if (onlyPublished !== undefined) spec.onlyPublished = onlyPublished
  if (port !== undefined) spec.port = port
  const [key, cert] = [fields.get('tls_key'), fields.get('tls_cert')]
  if ((key === undefined) !== (cert === undefined)) fields.fail('tls_key and tls_cert go together')
  if (key !== undefined && cert !== undefined) spec.tls = { key: readPem(fields, key), cert: readPem(fields, cert) }
  return { group, spec }
}

function s3Source(fields: SpecFields): { group: number; spec: OriginSourceSpec } {
  const { group, flags } = sourceFlags(fields)
  const type = fields.get('s3_type')
  if (type !== 'amazon' && type !== 'other') fields.fail('s3_type=amazon|other is required')
  const config: S3Config = { s3_type: type!, s3_bucket_name: fields.get('s3_bucket_name') ?? '' }
  for (const key of ['s3_region', 's3_storage_hostname', 's3_access_key_id', 's3_secret_access_key', 's3_auth_type'] as const) {
    const value = fields.get(key)
    if (value !== undefined) config[key] = value
  }
  return { group, spec: { origin_type: 's3', config, ...flags } }
}

function fastedgeSource(fields: SpecFields): { group: number; spec: OriginSourceSpec } {
  const { group, flags } = sourceFlags(fields)
  const appId = fields.get('app_id')
  if (!appId) fields.fail('app_id=<FastEdge application ID> is required')
  return { group, spec: { origin_type: 'fastedge', config: { app_id: appId! }, ...flags } }
}

function groupName(text: string): [number, string] {
  const fields = new SpecFields(`--origin-group "${text}"`, text, ['id', 'name'])
  const id = fields.whole('id', 1)
  const name = fields.get('name')
  if (id === undefined || name === undefined) fields.fail('id=<n> and name=<text> are required')
  return [id!, name!]
}

function readPem(fields: SpecFields, file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    return fields.fail(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
}
