/**
 * The emulator command line: flags, the `--resource` spec (the origin's specs
 * are in origin-specs.ts), and the help text. Pure apart from reading a
 * `--resources` file and TLS files, so tests call it in process; cli.ts runs it.
 */
import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { CachedSinceFormat } from './edge.js'
import { FAULT_GRAMMAR, parseFaultSpec } from './fault-spec.js'
import type { FaultRule } from './faults.js'
import type { EmulatorOptions } from './gcore-emulator.js'
import { ORIGIN_HELP, parseOriginGroups, parseOriginSpec, parsePublishSpec, type Publication } from './origin-specs.js'
import {
  checkResourceSpecs,
  ORIGIN_PROTOCOLS,
  type OriginProtocol,
  type ResourceOptions,
  type ResourceSpec,
  type ResourceStatus
} from './resources.js'
import { REWRITE_FLAGS, type RewriteFlag } from './rewrite.js'
import { parseSize, SpecFields } from './spec-fields.js'

export interface CliConfig {
  port: number
  edgePort: number
  /** Undefined: no proxy. */
  proxyPort?: number
  quiet: boolean
  options: EmulatorOptions
  faults: FaultRule[]
  /** `--publish`: made once the emulator runs. */
  publications: Publication[]
}

export const HELP = `Usage: npm run emulator -- [options]

A strict Gcore CDN API emulator on 127.0.0.1, its origin servers and an edge server, to run
the action or the CLI without a Gcore account. The API follows Gcore's OpenAPI for purge,
prefetch, purge history, account limits, resources, rules and origin groups: APIKey auth,
list limits, per-resource rate windows (429), and the faults you ask for. The origin sources
answer HEAD and GET (ranges too) with ETag and Last-Modified. The edge answers HEAD and GET
from a cache model and, like Gcore, caches a part on its first request: Cache: MISS (BYPASS
after a pattern purge or purge all), then HIT; X-Cached-Since on a HIT; ETag unless sliced;
X-ID; Content-Length: the size part 0 was cached from. Range: bytes=-1 answers 206 about
the last part, its Content-Range ending in the size that part was cached from.

Options
  --port <n>               API port (default 8787; 0 picks a free one)
  --edge-port <n>          edge port (default 0: a free one); use it as verify-url, or as
                           http_proxy for http://<cname>/<path> URLs
  --proxy-port <n>         also an HTTP CONNECT proxy in front of the API on this port (0: a free
                           one), for HTTPS_PROXY with an api-url of any non-loopback host name,
                           and for connect faults
  --key <key>              the API key to accept (default test-key)
  --restricted-key <key>   a key of Gcore's "Purge and Prefetch only (API)" role: purge,
                           prefetch, purge statuses and limits, but 403 on the resource and
                           origin group endpoints; repeatable
  --window <s>             rate window in seconds (default 1; Gcore's is 60)
  --latency <ms>           delay before every API answer (default 0)
  --purge-duration <ms>    purges stay "In progress" this long, then clear the cache (default 0)
  --slice-bytes <size>     part size of sliced files (default 10MiB)
  --cached-since-format iso|space
                           the edge's X-Cached-Since: iso 2024-07-03T09:47:49+00:00 (default)
                           or space 2025-11-14 08:32:19, both seen from Gcore
  --resource <spec>        a CDN resource, repeatable (spec below). Once resources are given,
                           only their IDs exist; otherwise every numeric ID does, with defaults
  --resources <file>       resources from a JSON file: an array of ResourceSpec, with options
                           and rules in Gcore's shape
  --fault <spec>           inject a fault, repeatable (grammar below)
  --quiet                  print only the first line, not each request
  -h, --help               this help
  (the origin's flags are below)

Resource spec: comma-separated key=value, id required; lists separated by |
  id=<n>                   resource ID
  cname=<host>             main hostname (default cdn<id>.example.com)
  secondary=<host>|<host>  secondary hostnames
  status=<status>          active | processed | suspended | deleted (default active)
  slice=on|off             large-file delivery in parts of --slice-bytes (default off)
  ignore_query=on|off      ignoreQueryString: the query is not in the cache key (default off)
  query_whitelist=<a>|<b>  query_params_whitelist: only these parameters are in the cache key
  query_blacklist=<a>|<b>  query_params_blacklist: these parameters are not
  cache_key=<key>          proxy_cache_key, e.g. $scheme$uri (pattern purges then clear nothing)
  hide_headers=<h>|<h>     response_headers_hiding_policy, mode show: hide these headers
  show_only=<h>|<h>        response_headers_hiding_policy, mode hide: hide all others
  can_purge_by_urls=on|off purge by URL allowed (default on; off: 400 on purge by URL)
  ssl=on|off               sslEnabled (default off)
  embed_rules=on|off       GET /cdn/resources/{id} embeds its rules (default off)
  origin_group=<id>        originGroup, the group the CDN fetches from (default 1)
  origin_protocol=HTTP|HTTPS|MATCH  originProtocol (default HTTP)
  host_header=<host>       the hostHeader option: the Host header the CDN sends the origin
  forward_host_header=on|off  forward the end user's Host header (not with host_header)
  rewrite=<regex> <replacement>  the rewrite option, e.g. rewrite=/(.*) /media/$1: the CDN
                           asks the origin for the rewritten path
  rewrite_flag=break|last|redirect|permanent  its flag (default break); redirect and
                           permanent make the edge answer 302 / 301 instead
  e.g. --resource 'id=123456,cname=cdn.example.com,slice=on,can_purge_by_urls=false,ignore_query=on,ssl=off,status=active'

${ORIGIN_HELP}

Faults
${FAULT_GRAMMAR}

Sizes: a number of bytes, or with B, KB, MB, GB (1000s) or KiB, MiB, GiB (1024s).
Durations: a number with ms, s or m, e.g. 500ms, 20s, 1.5m.
Stop with Ctrl-C (SIGINT) or SIGTERM.`

const OPTIONS = {
  port: { type: 'string', default: '8787' },
  'edge-port': { type: 'string', default: '0' },
  'proxy-port': { type: 'string' },
  key: { type: 'string', default: 'test-key' },
  'restricted-key': { type: 'string', multiple: true, default: [] as string[] },
  window: { type: 'string', default: '1' },
  latency: { type: 'string', default: '0' },
  'purge-duration': { type: 'string', default: '0' },
  'slice-bytes': { type: 'string', default: '10MiB' },
  'cached-since-format': { type: 'string', default: 'iso' },
  origin: { type: 'string', multiple: true, default: [] as string[] },
  'origin-source': { type: 'string', multiple: true, default: [] as string[] },
  's3-source': { type: 'string', multiple: true, default: [] as string[] },
  'unmasked-s3-secrets': { type: 'boolean', default: false },
  'fastedge-source': { type: 'string', multiple: true, default: [] as string[] },
  'origin-group': { type: 'string', multiple: true, default: [] as string[] },
  publish: { type: 'string', multiple: true, default: [] as string[] },
  resource: { type: 'string', multiple: true, default: [] as string[] },
  resources: { type: 'string' },
  fault: { type: 'string', multiple: true, default: [] as string[] },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false }
} satisfies ParseArgsConfig['options']

/** Every flag, for tests that check --help mentions each. */
export const CLI_FLAGS = Object.keys(OPTIONS)

export function parseCliArgs(argv: string[]): { help: true } | { help: false; config: CliConfig } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: OPTIONS
  })
  if (values.help) return { help: true }
  if (values.key === '') throw new Error('--key: the API key may not be empty')
  const resources = [
    ...(values.resources === undefined ? [] : readResourcesFile(values.resources)),
    ...values.resource.map(parseResourceSpec)
  ]
  const format = values['cached-since-format']
  if (format !== 'iso' && format !== 'space') throw new Error(`--cached-since-format: "${format}" is not iso or space`)
  const originGroups = parseOriginGroups({
    hostSources: values['origin-source'],
    s3Sources: values['s3-source'],
    fastedgeSources: values['fastedge-source'],
    groups: values['origin-group']
  })
  const options: EmulatorOptions = {
    apiKey: values.key,
    restrictedKeys: values['restricted-key'],
    windowMs: positiveNumber(values.window, '--window') * 1000,
    latencyMs: wholeNumber(values.latency, '--latency'),
    purgeStatus: { durationMs: wholeNumber(values['purge-duration'], '--purge-duration') },
    sliceBytes: parseSize(values['slice-bytes'], '--slice-bytes'),
    origin: Object.fromEntries(values.origin.map(parseOriginSpec)),
    cachedSinceFormat: format as CachedSinceFormat,
    ...(values['unmasked-s3-secrets'] ? { unmaskedS3Secrets: true } : {}),
    ...(originGroups ? { originGroups } : {}),
    ...(resources.length ? { resources: checkResourceSpecs(resources, '--resource/--resources') } : {})
  }
  if (options.sliceBytes! < 1) throw new Error('--slice-bytes: must be at least 1 byte')
  const faults = values.fault.map(parseFaultSpec)
  return {
    help: false,
    config: {
      port: port(values.port, '--port'),
      edgePort: port(values['edge-port'], '--edge-port'),
      ...(values['proxy-port'] === undefined ? {} : { proxyPort: port(values['proxy-port'], '--proxy-port') }),
      quiet: values.quiet,
      options,
      faults,
      publications: values.publish.map(parsePublishSpec)
    }
  }
}

const RESOURCE_KEYS = [
  'id',
  'cname',
  'secondary',
  'status',
  'slice',
  'ignore_query',
  'query_whitelist',
  'query_blacklist',
  'cache_key',
  'hide_headers',
  'show_only',
  'can_purge_by_urls',
  'ssl',
  'embed_rules',
  'origin_group',
  'origin_protocol',
  'host_header',
  'forward_host_header',
  'rewrite',
  'rewrite_flag'
] as const

/** `id=123456,cname=cdn.example.com,slice=on,…` as a ResourceSpec. */
export function parseResourceSpec(text: string): ResourceSpec {
  const fields = new SpecFields(`--resource "${text}"`, text, RESOURCE_KEYS)
  const id = fields.get('id')
  if (id === undefined || !/^[1-9]\d*$/.test(id)) fields.fail('id=<positive integer> is required')
  const options: ResourceOptions = {}
  const slice = fields.flag('slice')
  if (slice !== undefined) options.slice = { enabled: slice, value: slice }
  const ignoreQuery = fields.flag('ignore_query')
  if (ignoreQuery !== undefined) options.ignoreQueryString = { enabled: ignoreQuery, value: ignoreQuery }
  const whitelist = fields.list('query_whitelist')
  const blacklist = fields.list('query_blacklist')
  if ([ignoreQuery === true, whitelist !== undefined, blacklist !== undefined].filter(Boolean).length > 1) {
    fields.fail('ignore_query, query_whitelist and query_blacklist cannot be combined (Gcore allows one)')
  }
  if (whitelist) options.query_params_whitelist = { enabled: true, value: whitelist }
  if (blacklist) options.query_params_blacklist = { enabled: true, value: blacklist }
  const cacheKey = fields.get('cache_key')
  if (cacheKey !== undefined) options.proxy_cache_key = { enabled: true, value: cacheKey }
  const hide = fields.list('hide_headers')
  const showOnly = fields.list('show_only')
  if (hide && showOnly) fields.fail('hide_headers and show_only cannot be combined')
  if (hide) options.response_headers_hiding_policy = { enabled: true, mode: 'show', excepted: hide }
  if (showOnly) options.response_headers_hiding_policy = { enabled: true, mode: 'hide', excepted: showOnly }
  Object.assign(options, originOptions(fields))
  const status = fields.get('status')
  if (status !== undefined && !['active', 'processed', 'suspended', 'deleted'].includes(status)) {
    fields.fail(`status=${status}: expected active, processed, suspended or deleted`)
  }
  const protocol = fields.get('origin_protocol')?.toUpperCase()
  if (protocol !== undefined && !ORIGIN_PROTOCOLS.includes(protocol as OriginProtocol))
    fields.fail(`origin_protocol=${fields.get('origin_protocol')}: expected ${ORIGIN_PROTOCOLS.join(', ')}`)
  const spec: ResourceSpec = { id: Number(id), options }
  const assign = <K extends keyof ResourceSpec>(key: K, value: ResourceSpec[K] | undefined): void => {
    if (value !== undefined) spec[key] = value
  }
  assign('cname', fields.get('cname'))
  assign('secondaryHostnames', fields.list('secondary'))
  assign('status', status as ResourceStatus | undefined)
  assign('can_purge_by_urls', fields.flag('can_purge_by_urls'))
  assign('sslEnabled', fields.flag('ssl'))
  assign('embedRules', fields.flag('embed_rules'))
  assign('originGroup', fields.whole('origin_group', 1))
  assign('originProtocol', protocol as OriginProtocol | undefined)
  return spec
}

/** host_header, forward_host_header, rewrite and rewrite_flag as Gcore's options. */
function originOptions(fields: SpecFields): ResourceOptions {
  const options: ResourceOptions = {}
  const hostHeader = fields.get('host_header')
  const forward = fields.flag('forward_host_header')
  if (hostHeader !== undefined && forward) fields.fail('host_header and forward_host_header=on cannot be combined (Gcore)')
  if (hostHeader !== undefined) options.hostHeader = { enabled: true, value: hostHeader }
  if (forward !== undefined) options.forward_host_header = { enabled: forward, value: forward }
  const body = fields.get('rewrite')
  const flag = fields.get('rewrite_flag')
  if (flag !== undefined && !REWRITE_FLAGS.includes(flag as RewriteFlag))
    fields.fail(`rewrite_flag=${flag}: expected ${REWRITE_FLAGS.join(', ')}`)
  if (flag !== undefined && body === undefined) fields.fail('rewrite_flag needs rewrite=<regex> <replacement>')
  if (body !== undefined) options.rewrite = { enabled: true, body, ...(flag === undefined ? {} : { flag: flag as RewriteFlag }) }
  return options
}

function readResourcesFile(file: string): ResourceSpec[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw new Error(`--resources: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error
    })
  }
  try {
    return checkResourceSpecs(JSON.parse(text), '--resources')
  } catch (error) {
    throw new Error(error instanceof SyntaxError ? `--resources: not JSON (${error.message})` : (error as Error).message, { cause: error })
  }
}

function port(text: string, flag: string): number {
  const value = wholeNumber(text, flag)
  if (value > 65535) throw new Error(`${flag}: ${text} is not a port (0-65535)`)
  return value
}

function wholeNumber(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) throw new Error(`${flag}: "${text}" is not a whole number`)
  return Number(text)
}

function positiveNumber(text: string, flag: string): number {
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) <= 0) throw new Error(`${flag}: "${text}" is not a positive number`)
  return Number(text)
}
