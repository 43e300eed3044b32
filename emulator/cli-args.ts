/**
 * The emulator command line: flags, the `--resource` and `--origin` specs, and
 * the help text. Pure apart from reading a `--resources` file, so tests call it
 * in process; cli.ts runs it.
 */
import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { FAULT_GRAMMAR, parseFaultSpec } from './fault-spec.js'
import type { FaultRule } from './faults.js'
import type { EmulatorOptions } from './gcore-emulator.js'
import { checkResourceSpecs, type ResourceOptions, type ResourceSpec, type ResourceStatus } from './resources.js'

export interface CliConfig {
  port: number
  edgePort: number
  /** Undefined: no proxy. */
  proxyPort?: number
  quiet: boolean
  options: EmulatorOptions
  faults: FaultRule[]
}

export const HELP = `Usage: npm run emulator -- [options]

A strict Gcore CDN API emulator on 127.0.0.1, and an edge server, to run the action or the
CLI without a Gcore account. The API follows Gcore's OpenAPI for purge, prefetch, purge
history, account limits, resources and rules: APIKey auth, list limits, per-resource rate
windows (429), and the faults you ask for. The edge answers HEAD and GET from a cache model
(Cache: HIT, MISS or BYPASS; X-ID; Content-Length of the bytes it holds).

Options
  --port <n>               API port (default 8787; 0 picks a free one)
  --edge-port <n>          edge port (default 0: a free one); use it as verify-url, or as
                           http_proxy for http://<cname>/<path> URLs
  --proxy-port <n>         also an HTTP CONNECT proxy in front of the API on this port (0: a free
                           one), for HTTPS_PROXY with an api-url of any non-loopback host name,
                           and for connect faults
  --key <key>              the API key to accept (default test-key)
  --restricted-key <key>   a key of Gcore's "Purge and Prefetch only (API)" role: purge,
                           prefetch, purge statuses and limits, but 403 on the resource
                           endpoints; repeatable
  --window <s>             rate window in seconds (default 1; Gcore's is 60)
  --latency <ms>           delay before every API answer (default 0)
  --purge-duration <ms>    purges stay "In progress" this long, then clear the cache (default 0)
  --slice-bytes <size>     part size of sliced files (default 10MiB)
  --origin <spec>          a file at the origin, repeatable: path=/v/app.iso,size=700MiB[,version=2]
                           (any other path: 300MiB, version 1)
  --resource <spec>        a CDN resource, repeatable (spec below). Once resources are given,
                           only their IDs exist; otherwise every numeric ID does, with defaults
  --resources <file>       resources from a JSON file: an array of ResourceSpec, with options
                           and rules in Gcore's shape
  --fault <spec>           inject a fault, repeatable (grammar below)
  --quiet                  print only the first line, not each request
  -h, --help               this help

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
  e.g. --resource 'id=123456,cname=cdn.example.com,slice=on,can_purge_by_urls=false,ignore_query=on,ssl=off,status=active'

Faults
${FAULT_GRAMMAR}

Sizes: a number of bytes, or with B, KB, MB, GB (1000s) or KiB, MiB, GiB (1024s).
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
  origin: { type: 'string', multiple: true, default: [] as string[] },
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
  const options: EmulatorOptions = {
    apiKey: values.key,
    restrictedKeys: values['restricted-key'],
    windowMs: positiveNumber(values.window, '--window') * 1000,
    latencyMs: wholeNumber(values.latency, '--latency'),
    purgeStatus: { durationMs: wholeNumber(values['purge-duration'], '--purge-duration') },
    sliceBytes: parseSize(values['slice-bytes'], '--slice-bytes'),
    origin: Object.fromEntries(values.origin.map(parseOriginSpec)),
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
      faults
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
  'embed_rules'
] as const

/** `id=123456,cname=cdn.example.com,slice=on,…` as a ResourceSpec. */
export function parseResourceSpec(text: string): ResourceSpec {
  const where = `--resource "${text}"`
  const fields = new Map<string, string>()
  for (const pair of text.split(',')) {
    const equals = pair.indexOf('=')
    if (equals === -1) throw new Error(`${where}: "${pair}" is not key=value`)
    const key = pair.slice(0, equals).trim()
    if (!(RESOURCE_KEYS as readonly string[]).includes(key))
      throw new Error(`${where}: unknown key "${key}" (one of ${RESOURCE_KEYS.join(', ')})`)
    if (fields.has(key)) throw new Error(`${where}: "${key}" is given twice`)
    fields.set(key, pair.slice(equals + 1).trim())
  }
  const id = fields.get('id')
  if (id === undefined || !/^[1-9]\d*$/.test(id)) throw new Error(`${where}: id=<positive integer> is required`)
  const flag = (key: string): boolean | undefined => {
    const value = fields.get(key)
    if (value === undefined) return undefined
    if (/^(on|true)$/i.test(value)) return true
    if (/^(off|false)$/i.test(value)) return false
    throw new Error(`${where}: ${key}=${value}: expected on or off`)
  }
  const list = (key: string): string[] | undefined =>
    fields
      .get(key)
      ?.split('|')
      .filter(item => item !== '')
  const options: ResourceOptions = {}
  const slice = flag('slice')
  if (slice !== undefined) options.slice = { enabled: slice, value: slice }
  const ignoreQuery = flag('ignore_query')
  if (ignoreQuery !== undefined) options.ignoreQueryString = { enabled: ignoreQuery, value: ignoreQuery }
  const whitelist = list('query_whitelist')
  const blacklist = list('query_blacklist')
  if ([ignoreQuery === true, whitelist !== undefined, blacklist !== undefined].filter(Boolean).length > 1) {
    throw new Error(`${where}: ignore_query, query_whitelist and query_blacklist cannot be combined (Gcore allows one)`)
  }
  if (whitelist) options.query_params_whitelist = { enabled: true, value: whitelist }
  if (blacklist) options.query_params_blacklist = { enabled: true, value: blacklist }
  const cacheKey = fields.get('cache_key')
  if (cacheKey !== undefined) options.proxy_cache_key = { enabled: true, value: cacheKey }
  const hide = list('hide_headers')
  const showOnly = list('show_only')
  if (hide && showOnly) throw new Error(`${where}: hide_headers and show_only cannot be combined`)
  if (hide) options.response_headers_hiding_policy = { enabled: true, mode: 'show', excepted: hide }
  if (showOnly) options.response_headers_hiding_policy = { enabled: true, mode: 'hide', excepted: showOnly }
  const status = fields.get('status')
  if (status !== undefined && !['active', 'processed', 'suspended', 'deleted'].includes(status)) {
    throw new Error(`${where}: status=${status}: expected active, processed, suspended or deleted`)
  }
  const spec: ResourceSpec = { id: Number(id), options }
  const assign = <K extends keyof ResourceSpec>(key: K, value: ResourceSpec[K] | undefined): void => {
    if (value !== undefined) spec[key] = value
  }
  assign('cname', fields.get('cname'))
  assign('secondaryHostnames', list('secondary'))
  assign('status', status as ResourceStatus | undefined)
  assign('can_purge_by_urls', flag('can_purge_by_urls'))
  assign('sslEnabled', flag('ssl'))
  assign('embedRules', flag('embed_rules'))
  return spec
}

/** `path=/v/app.iso,size=700MiB,version=2` as an origin entry. */
function parseOriginSpec(text: string): [string, { size: number; version?: string | number }] {
  const where = `--origin "${text}"`
  const fields = new Map(
    text.split(',').map(pair => {
      const equals = pair.indexOf('=')
      if (equals === -1) throw new Error(`${where}: "${pair}" is not key=value`)
      return [pair.slice(0, equals).trim(), pair.slice(equals + 1).trim()] as const
    })
  )
  for (const key of fields.keys())
    if (!['path', 'size', 'version'].includes(key)) throw new Error(`${where}: unknown key "${key}" (path, size, version)`)
  const path = fields.get('path')
  const size = fields.get('size')
  if (!path?.startsWith('/')) throw new Error(`${where}: path=/<CDN path> is required`)
  if (size === undefined) throw new Error(`${where}: size=<size> is required`)
  const version = fields.get('version')
  const file = {
    size: parseSize(size, where),
    ...(version === undefined ? {} : { version: /^\d+$/.test(version) ? Number(version) : version })
  }
  return [path, file]
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 }

function parseSize(text: string, where: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  const unit = UNITS[(match?.[2] || 'b').toLowerCase()]
  if (!match || unit === undefined) throw new Error(`${where}: "${text}" is not a size (e.g. 300MiB, 10MB, 4096)`)
  return Math.round(Number(match[1]) * unit)
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
