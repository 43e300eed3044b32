/**
 * The command line's fault grammar, e.g. `prefetch:2=cut-body`,
 * `any:1,3=status:503`, `prefetch:*=status:429:retry-after=0`,
 * `limits:1=trickle:1000`, `purge:1-3=hang`, `prefetch:2=lost`,
 * `edge:1=redirect-loop`. FAULT_GRAMMAR (shown by --help)
 * is the reference; parseFaultSpec turns one spec into a FaultRule or throws
 * an error that names the bad part.
 */
import { FAULT_OPERATIONS, ruleProblem, type Fault, type FaultOperation, type FaultRule, type Ordinals } from './faults.js'

export const FAULT_GRAMMAR = `  --fault <operation>:<which>=<fault>[:<parameter>]...
    operation   ${wrapped(FAULT_OPERATIONS, ' | ', 76).join(' |\n                ')}
                (resource = GET /cdn/resources/{id}, rules = its rules, resources = the list,
                origin-group = GET /cdn/origin_groups/{id}, origin = an HTTP request to any
                origin source, edge = a request to any edge server; any = any API request;
                connect = a CONNECT to the emulator's proxy (--proxy-port): set HTTPS_PROXY
                to its URL and use any api-url host name but a loopback one)
    which       requests of that operation, counted from 1: * (every one), or a comma
                list of N, N-M and N- (N and every later one); e.g. 2  1,3  1-3  5-  *
    fault       status:<code>           answer this status instead (no processing)
                reset                   destroy the connection, no answer
                hang                    never answer
                cut-body[:<bytes>]      headers and a Content-Length, <bytes> of the body
                                        (default half), then destroy the socket
                trickle[:<ms>]          a valid answer, one byte every <ms> (default 1000)
                hang-after-headers      headers announcing a body, then nothing, never closing
                never-close             a complete answer, then the connection stays open
                                        for ever, ignoring the client's half-close
                huge-body[:<bytes>]     an HTML error page of <bytes> '<' (default 200000),
                                        status 502 unless status=<code>
                redirect-loop[:<code>]  a redirect (default 302) to the request's own target
                lost                    prefetch only: answered 201 as usual, but the prefetch
                                        never reaches the edge (nothing is cached)
                filter-page             a corporate web filter's page instead of the answer:
                                        200 text/html, "Blocked by corporate web filter"
                proxy-status:<code>     (connect only) answer CONNECT with this status, no tunnel
                proxy-reset             (connect only) close the connection, no answer to CONNECT
    parameter   status=<code>           a made-up answer instead of the real one (the
                                        transport faults otherwise carry the real answer:
                                        Gcore accepted the request)
                body=<text>             the answer's body; takes the rest of the spec, colons too
                <header>=<value>        an extra answer header, e.g. retry-after=0
                Values are percent-decoded: write a colon as %3A, e.g.
                retry-after=Wed, 21 Oct 2015 07%3A28%3A00 GMT
    examples    prefetch:2=cut-body   'any:1,3=status:503'   'prefetch:*=status:429:retry-after=0'
                limits:1=trickle:1000   purge:1-3=hang   'resource:*=status:403:body={"detail": "no"}'
                prefetch:2=lost   origin:1=reset   edge:1=redirect-loop:cache=HIT
                'edge:1=status:302:location=/x:cache=HIT'   (a redirect that claims a HIT)
                'edge:*=status:200:content-type=text/html:body=<html>Sign in</html>'
                connect:1,3=proxy-status:502   connect:*=proxy-reset   any:*=filter-page`

const KINDS = [
  'status',
  'reset',
  'hang',
  'cut-body',
  'trickle',
  'hang-after-headers',
  'never-close',
  'huge-body',
  'redirect-loop',
  'lost',
  'filter-page',
  'proxy-status',
  'proxy-reset'
] as const
type Kind = (typeof KINDS)[number]

/** What the positional parameter of each kind means; absent: the kind takes none. */
const POSITIONAL: Partial<Record<Kind, { name: string; required: boolean }>> = {
  status: { name: 'status code', required: true },
  'proxy-status': { name: 'status code', required: true },
  'cut-body': { name: 'bytes of the body to send', required: false },
  trickle: { name: 'milliseconds per byte', required: false },
  'huge-body': { name: 'body size in bytes', required: false },
  'redirect-loop': { name: 'redirect status code', required: false }
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/

export function parseFaultSpec(spec: string): FaultRule {
  const fail = (problem: string): never => {
    throw new Error(`Bad --fault "${spec}": ${problem}. Expected <operation>:<which>=<fault>, e.g. prefetch:2=cut-body (see --help).`)
  }
  const equals = spec.indexOf('=')
  if (equals === -1) fail('no "=" between the requests and the fault')
  const target = spec.slice(0, equals)
  const colon = target.indexOf(':')
  if (colon === -1) fail(`"${target}" does not say which requests: write <operation>:<which>, e.g. ${target || 'prefetch'}:1`)
  const operation = target.slice(0, colon)
  if (!FAULT_OPERATIONS.includes(operation as FaultOperation))
    fail(`unknown operation "${operation}" (one of ${FAULT_OPERATIONS.join(', ')})`)
  const on = parseOrdinals(target.slice(colon + 1), fail)
  const fault = parseFault(spec.slice(equals + 1), fail)
  if (fault.kind === 'lost' && operation !== 'prefetch') fail('lost is a fault of prefetch only (a prefetch that never reaches the edge)')
  const rule: FaultRule = { operation: operation as FaultOperation, on, fault }
  const problem = ruleProblem(rule)
  if (problem) fail(problem)
  return rule
}

function parseOrdinals(text: string, fail: (problem: string) => never): Ordinals {
  if (text === '*' || text === 'every') return 'every'
  if (text === '') fail('no requests after the operation (write *, N, N-M, N- or a comma list)')
  return text.split(',').map(item => {
    const range = /^(\d+)(?:-(\d*))?$/.exec(item)
    if (!range) return fail(`"${item}" is not a request number, a range N-M or N-, or *`)
    const from = Number(range[1])
    if (from < 1) fail(`"${item}": requests are counted from 1`)
    if (range[2] === undefined) return from
    if (range[2] === '') return { from }
    const to = Number(range[2])
    if (to < from) fail(`"${item}": the range ends before it starts`)
    return { from, to }
  })
}

function parseFault(text: string, fail: (problem: string) => never): Fault {
  const [kindText, ...rest] = text.split(':')
  if (!KINDS.includes(kindText as Kind)) fail(`unknown fault "${kindText}" (one of ${KINDS.join(', ')})`)
  const kind = kindText as Kind
  const positional = POSITIONAL[kind]
  let value: number | undefined
  let status: number | undefined
  let body: string | undefined
  const headers: Record<string, string> = {}
  for (let index = 0; index < rest.length; index++) {
    const part = rest[index]
    const equals = part.indexOf('=')
    if (equals === -1) {
      if (index !== 0 || !positional) fail(`"${part}" is not a <parameter>=<value>${positional ? '' : ` (${kind} takes no number)`}`)
      value = wholeNumber(part, `${kind}'s ${positional!.name}`, fail)
      continue
    }
    if (kind === 'reset' || kind === 'hang' || kind === 'lost' || kind === 'proxy-reset' || kind === 'proxy-status')
      fail(`${kind} takes no parameters ("${part}")`)
    const name = part.slice(0, equals)
    const raw = part.slice(equals + 1)
    if (name === 'body') {
      if (kind === 'redirect-loop') fail('redirect-loop makes its own body; drop "body="')
      body = decode([raw, ...rest.slice(index + 1)].join(':'), 'body', fail)
      break
    }
    if (name === 'status') {
      if (kind === 'status' || kind === 'redirect-loop') fail(`${kind}:<code> gives the status; drop "status="`)
      status = statusCode(raw, fail)
      continue
    }
    if (!HEADER_NAME.test(name)) fail(`"${name}" is not a header name`)
    headers[name] = decode(raw, name, fail)
  }
  if (positional?.required && value === undefined) fail(`${kind} needs its ${positional.name}, e.g. ${kind}:503`)
  const override = {
    ...(status === undefined ? {} : { status }),
    ...(body === undefined ? {} : { body }),
    ...(Object.keys(headers).length ? { headers } : {})
  }
  switch (kind) {
    case 'status':
      if (value! < 100 || value! > 599) fail(`status code ${value} is not between 100 and 599`)
      return { kind, status: value!, ...override }
    case 'proxy-status':
      if (value! < 100 || value! > 599) fail(`status code ${value} is not between 100 and 599`)
      return { kind, status: value! }
    case 'reset':
    case 'hang':
    case 'lost':
    case 'proxy-reset':
      return { kind }
    case 'redirect-loop':
      if (value !== undefined && (value < 300 || value > 399)) fail(`redirect status ${value} is not between 300 and 399`)
      return { kind, ...(value === undefined ? {} : { status: value }), ...(override.headers ? { headers: override.headers } : {}) }
    case 'cut-body':
      return { kind, ...(value === undefined ? {} : { bytesSent: value }), ...override }
    case 'trickle':
      return { kind, msPerByte: value ?? 1000, ...override }
    case 'huge-body':
      return { kind, ...(value === undefined ? {} : { bytes: value }), ...override }
    default:
      return { kind, ...override }
  }
}

function wholeNumber(text: string, what: string, fail: (problem: string) => never): number {
  if (!/^\d+$/.test(text)) fail(`${what} "${text}" is not a whole number`)
  return Number(text)
}

function statusCode(text: string, fail: (problem: string) => never): number {
  const code = wholeNumber(text, 'status', fail)
  if (code < 100 || code > 599) fail(`status ${code} is not between 100 and 599`)
  return code
}

function decode(text: string, what: string, fail: (problem: string) => never): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return fail(`the value of ${what} has a bad percent-escape: "${text}"`)
  }
}

/** `items` joined by `separator`, in lines of at most `width` characters. */
function wrapped(items: readonly string[], separator: string, width: number): string[] {
  const lines: string[] = []
  for (const item of items) {
    const last = lines.at(-1)
    if (last !== undefined && last.length + separator.length + item.length <= width) lines[lines.length - 1] = `${last}${separator}${item}`
    else lines.push(item)
  }
  return lines
}
