/**
 * The "hardening" issue, item by item: each test runs the committed
 * dist/index.js as the runner does (run-action.ts) against the Gcore emulator,
 * with the network fault the item names. Every run is also checked for the key
 * in any form and sink, and for workflow commands the action did not write.
 * Items 13-16 are unit-tested in normalise, settings and sources; here they are
 * checked end to end.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http'
import { createServer as createTcpServer, connect, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator, type EmulatorOptions, type LoggedRequest } from '../emulator/gcore-emulator.js'
import {
  batchesOf,
  commandLines,
  expectOutputsPresent,
  expectPathsPartitioned,
  foreignCommands,
  keyForms,
  keyLeaks,
  stackTraces
} from './support/checks.js'
import { runAction, type ActionRun, type RunOptions } from './support/run-action.js'

const KEY = 'h4rd-$ecret "quoted" with spaces'
let gcore: GcoreEmulator
let connections: Connection[]

interface Connection {
  openedAt: number
  /** When the client closed its side (its FIN arrived). */
  endedAt: number | null
  /** When the connection was gone on both sides. */
  closedAt: number | null
}

/** Every TCP connection the emulator's API server accepts, with when the client closed it and when it was gone. */
function watchConnections(emulator: GcoreEmulator): Connection[] {
  const list: Connection[] = []
  const server = (emulator as unknown as { server: Server }).server
  server.on('connection', (socket: Socket) => {
    const entry: Connection = { openedAt: Date.now(), endedAt: null, closedAt: null }
    list.push(entry)
    socket.on('end', () => (entry.endedAt ??= Date.now()))
    socket.on('close', () => {
      entry.endedAt ??= Date.now()
      entry.closedAt = Date.now()
    })
  })
  return list
}

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<void> {
  await gcore?.stop()
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, ...options })
  await gcore.start()
  connections = watchConnections(gcore)
}

beforeEach(() => emulator())
afterEach(async () => gcore.stop())

const paths = (count: number, prefix = '/h'): string[] => Array.from({ length: count }, (_, i) => `${prefix}/${i}.iso`)

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { 'api-key': KEY, 'resource-id': '321', 'api-url': gcore.url, 'prefetch-interval': '1', 'purge-interval': '0.5', ...extra }
}

/** Runs the action; checks the key and foreign workflow commands on every run. */
async function run(extra: Record<string, string>, options: RunOptions = {}, injected: string[] = []): Promise<ActionRun> {
  const result = await runAction(inputs(extra), options)
  expect(keyLeaks(result, KEY, [(extra['api-key'] ?? KEY).trim()])).toEqual([])
  expect(foreignCommands(result.stdout, injected)).toEqual([])
  expect(stackTraces(result)).toEqual([])
  return result
}

const operations = (operation: string): LoggedRequest[] => gcore.log.filter(entry => entry.operation === operation)
const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i])

/** A promise that resolves when the emulator has logged a request matching `test`. */
function whenLogged(test: (entry: LoggedRequest) => boolean): Promise<void> {
  return new Promise(resolve => {
    const poll = setInterval(() => {
      if (gcore.log.some(test)) {
        clearInterval(poll)
        resolve()
      }
    }, 5)
    poll.unref() // a test that fails before the request must not keep Jest alive
  })
}

describe('1. a body cut short is a retryable failure of its request, 2xx included', () => {
  it('prefetch: a 201 cut after half its body is retried, and the path counted once', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'cut-body' } })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('the answer was cut off after 32 of 64 bytes (connection closed)')
    expect(batchesOf(result)[0]).toMatchObject({ outcome: 'succeeded', status: 201 })
    expect(batchesOf(result)[0].attempts).toBeGreaterThanOrEqual(2)
    expect(result.outputs).toMatchObject({ 'prefetched-count': '1', 'failed-count': '0' })
  })

  it('the limits GET: a 200 cut short is asked once more, and the account limits apply', async () => {
    gcore.inject({ operation: 'limits', on: [1], fault: { kind: 'cut-body' } })
    const result = await run({ paths: '/a.iso', 'prefetch-interval': '' })

    expect(result.code).toBe(0)
    expect(operations('limits')).toHaveLength(2)
    expect(result.stdout).toContain('prefetch interval 1 s (account: 1/s)')
    expect(result.stdout).not.toContain("Could not read the account's limits")
  })

  it('the purge-status GET: a 200 cut short is polled again; no settle wait', async () => {
    gcore.inject({ operation: 'purge-status', on: [1], fault: { kind: 'cut-body' } })
    const result = await run({ paths: '/a.iso', purge: 'url' })

    expect(result.code).toBe(0)
    expect(operations('purge-status').length).toBeGreaterThanOrEqual(2)
    expect(result.stdout).toMatch(
      /::debug::purge by URL 1\/1 \(resource 321\): purge status request failed \(the answer was cut off after \d+ of \d+ bytes/
    )
    expect(result.stdout).toContain('purge by URL 1/1 (resource 321): purge finished (Successful)')
    expect(result.stdout).not.toContain('purge-settle')
  })
})

describe('2. request-timeout is a deadline for the whole exchange, body included', () => {
  it.each([
    ['a trickle of one byte a second', { kind: 'trickle', msPerByte: 1000 } as const],
    ['headers sent, the body never finished', { kind: 'hang-after-headers' } as const]
  ])('%s: ends at the deadline, the socket is destroyed, the try is retried', async (_, fault) => {
    gcore.inject({ operation: 'prefetch', on: [1], fault })
    const result = await run({ paths: '/a.iso', 'request-timeout': '1' })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('no complete answer within 1 s (request-timeout)')
    expect(batchesOf(result)[0]).toMatchObject({ outcome: 'succeeded', status: 201 })
    // The first try ended within the deadline (plus scheduling), on our side.
    const title = /prefetch 1\/1 \(resource 321\) · 1 path · attempt 1\/5 · no answer · ([\d.]+) (ms|s)/.exec(result.stdout)
    expect(title).not.toBeNull()
    expect(Number(title![1]) * (title![2] === 's' ? 1000 : 1)).toBeLessThan(1400)
    // Every connection was closed by the client long before the server would have.
    expect(connections.every(c => c.endedAt !== null && c.endedAt - c.openedAt < 1500)).toBe(true)
    expect(result.durationMs).toBeLessThan(6000)
  })

  it('the limits GET trickling: ends at the deadline too, and the run goes on', async () => {
    gcore.inject({ operation: 'limits', on: 'every', fault: { kind: 'trickle', msPerByte: 1000 } })
    const result = await run({ paths: '/a.iso', 'request-timeout': '1' })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain("::notice::Could not read the account's limits (no complete answer within 1 s (request-timeout))")
    expect(connections.every(c => c.endedAt !== null && c.endedAt - c.openedAt < 1500)).toBe(true)
  })
})

describe('3. a request abandoned or finished never keeps the process alive', () => {
  it('never-close on the last request: the client closes it, and the process exits at once after the report', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'never-close' } })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    expect(result.outputs['prefetched-count']).toBe('1')
    // The server never closes its side: the client closed its own before the report was out...
    const prefetch = connections[connections.length - 1]
    expect(prefetch.closedAt).toBeNull()
    expect(prefetch.endedAt).not.toBeNull()
    expect(prefetch.endedAt!).toBeLessThanOrEqual(result.lastOutputAt)
    // ...and destroyed it, so nothing holds the process: it exits well before the 1 s exit-when-idle fallback.
    expect(result.exitedAt - result.lastOutputAt).toBeLessThan(900)
  })

  it('hang with request-timeout: the socket is destroyed at the deadline, the process exits at once', async () => {
    gcore.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'hang' } })
    const result = await run({ paths: '/a.iso', 'request-timeout': '0.5', 'max-attempts': '1' })

    expect(result.code).toBe(1)
    expect(batchesOf(result)[0]).toMatchObject({ outcome: 'failed', attempts: 1 })
    const prefetch = connections[connections.length - 1]
    expect(prefetch.endedAt! - prefetch.openedAt).toBeLessThan(1000)
    expect(result.exitedAt - result.lastOutputAt).toBeLessThan(900)
  })
})

describe('4. Retry-After never leads to back-to-back retries', () => {
  it('Retry-After 0, negative, and a date in the past: each retry waits at least the lane interval', async () => {
    const past = new Date(Date.now() - 3600_000).toUTCString()
    for (const [ordinal, value] of [
      [1, '0'],
      [2, '-5'],
      [3, past]
    ] as const) {
      gcore.inject({ operation: 'prefetch', on: [ordinal], fault: { kind: 'status', status: 429, headers: { 'Retry-After': value } } })
    }
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    const times = operations('prefetch').map(entry => entry.at)
    expect(times).toHaveLength(4)
    for (const gap of gaps(times)) expect(gap).toBeGreaterThanOrEqual(1000)
  })

  it('a huge Retry-After is capped at two intervals, with a warning', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 429, headers: { 'Retry-After': '86400' } } })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    const [gap] = gaps(operations('prefetch').map(entry => entry.at))
    expect(gap).toBeGreaterThanOrEqual(2000)
    expect(gap).toBeLessThan(2800)
    expect(result.stdout).toContain('::warning::prefetch 1/1 (resource 321): Retry-After 86400 s is capped at 2 s')
  })
})

describe('5. a huge error page costs no time, and error bodies are capped at 64 kB', () => {
  it('200 kB of "<" on a 502: shown as unreadable in milliseconds, retried', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'huge-body' } })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    const title = /attempt 1\/5 · HTTP 502 · (\d+) ms/.exec(result.stdout)
    expect(title).not.toBeNull()
    expect(Number(title![1])).toBeLessThan(300)
    expect(batchesOf(result)[0]).toMatchObject({ outcome: 'succeeded', attempts: 2 })
    expect(result.stdout).toContain('HTTP 502: unreadable response body')
    expect(result.durationMs).toBeLessThan(5000)
  })

  it('a title past the first 64 kB is never read; one just inside is', async () => {
    const inside = `${'x'.repeat(65_000)}<title>inside the cap</title>`
    const beyond = `${'x'.repeat(65_536)}<title>beyond the cap</title>`
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'huge-body', status: 400, body: inside } })
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'huge-body', status: 400, body: beyond } })
    const result = await run({ paths: paths(200).join('\n') })

    expect(result.code).toBe(1)
    const [first, second] = batchesOf(result)
    expect(first.error).toBe('HTTP 400: inside the cap')
    expect(second.error).not.toContain('beyond the cap')
    expect(second.error).toMatch(/^HTTP 400: x{490}/)
  })
})

describe('6. a cancel interrupts every wait and every request', () => {
  /** What every cancelled run must show: prompt publication, nothing sent after the signal, every path accounted for. */
  function expectCancelledPromptly(result: ActionRun, given: string[]): void {
    expect(result.code).not.toBe(0)
    expect(result.signalledAt).not.toBeNull()
    expect(result.exitedAt - result.signalledAt!).toBeLessThan(2000)
    expect(gcore.log.filter(entry => entry.at > result.signalledAt! + 20)).toEqual([])
    expect(result.stdout).toContain('received: sending nothing more, aborting what is in flight, reporting what is left as cancelled')
    expectOutputsPresent(result)
    expectPathsPartitioned(result, given)
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(given)
    expect(JSON.parse(readFileSync(result.outputs['report-file'], 'utf8')).cancelled).toBe(true)
    expect(result.summary).toContain('(cancelled)')
  }

  it('SIGINT during the limits GET', async () => {
    gcore.inject({ operation: 'limits', on: 'every', fault: { kind: 'hang' } })
    const given = paths(3)
    const result = await run(
      { paths: given.join('\n'), 'request-timeout': '20' },
      { signal: { name: 'SIGINT', on: whenLogged(e => e.operation === 'limits') } }
    )

    expectCancelledPromptly(result, given)
    expect(gcore.log.map(entry => entry.operation)).toEqual(['limits'])
  })

  it("SIGTERM during the limits GET's retry sleep", async () => {
    gcore.inject({ operation: 'limits', on: [1], fault: { kind: 'status', status: 503 } })
    const given = paths(3)
    const answered = whenLogged(e => e.operation === 'limits').then(() => new Promise(resolve => setTimeout(resolve, 200)))
    const result = await run({ paths: given.join('\n') }, { signal: { name: 'SIGTERM', on: answered } })

    expectCancelledPromptly(result, given)
    expect(gcore.log.map(entry => entry.operation)).toEqual(['limits'])
  })

  it('SIGINT during the resource GET', async () => {
    gcore.inject({ operation: 'resource', on: 'every', fault: { kind: 'hang' } })
    const given = paths(3)
    const result = await run(
      { paths: given.join('\n'), 'request-timeout': '20' },
      { signal: { name: 'SIGINT', on: whenLogged(e => e.operation === 'resource') } }
    )

    expectCancelledPromptly(result, given)
    expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource'])
  })

  it('SIGINT during the edge HEAD checks (verify-url)', async () => {
    const heads: number[] = []
    let arrived!: () => void
    const headArrived = new Promise<void>(resolve => (arrived = resolve))
    const edge = createHttpServer((req: IncomingMessage) => {
      heads.push(Date.now())
      arrived()
      void req // never answered
    })
    await new Promise<void>(resolve => edge.listen(0, '127.0.0.1', resolve))
    try {
      const given = paths(20)
      const url = `http://127.0.0.1:${(edge.address() as AddressInfo).port}`
      const result = await run(
        { paths: given.join('\n'), 'verify-url': url, 'verify-concurrency': '4', 'request-timeout': '20' },
        { signal: { name: 'SIGINT', on: headArrived } }
      )

      expect(result.code).not.toBe(0)
      expect(result.exitedAt - result.signalledAt!).toBeLessThan(2000)
      expect(heads.length).toBeLessThanOrEqual(4) // the first pass, one per slot; no new one after the signal
      expect(heads.every(at => at <= result.signalledAt! + 20)).toBe(true)
      // The prefetch itself was accepted before the cancel: it counts.
      expect(result.outputs).toMatchObject({ 'prefetched-count': '20', 'verified-count': '0' })
      expectOutputsPresent(result)
      expectPathsPartitioned(result, given)
    } finally {
      edge.closeAllConnections()
      edge.close()
    }
  })

  it('SIGTERM during the GitHub release lookup', async () => {
    const requests: string[] = []
    let arrived!: () => void
    const lookup = new Promise<void>(resolve => (arrived = resolve))
    const github = createHttpServer(req => {
      requests.push(req.url ?? '')
      arrived() // never answered
    })
    await new Promise<void>(resolve => github.listen(0, '127.0.0.1', resolve))
    try {
      const env = {
        GITHUB_API_URL: `http://127.0.0.1:${(github.address() as AddressInfo).port}`,
        GITHUB_REPOSITORY: 'acme/app',
        GITHUB_EVENT_NAME: 'workflow_dispatch'
      }
      const given = ['/docs/a.iso', '/docs/b.iso']
      const result = await run(
        { paths: given.join('\n'), 'release-assets': 'true', 'release-tag': 'v1.0.0', 'github-token': 'ghs_releaseLookupToken' },
        { env, signal: { name: 'SIGTERM', on: lookup } }
      )

      expect(result.code).not.toBe(0)
      expect(result.exitedAt - result.signalledAt!).toBeLessThan(2000)
      expect(requests).toEqual(['/repos/acme/app/releases/tags/v1.0.0'])
      expect(gcore.log).toEqual([]) // nothing reached Gcore
      expectOutputsPresent(result)
      // The release's assets were never learnt; the paths given besides them are reported, to be fed back.
      expect(JSON.parse(result.outputs['failed-paths'])).toEqual(given)
      expectPathsPartitioned(result, given)
      expect(JSON.parse(readFileSync(result.outputs['report-file'], 'utf8')).cancelled).toBe(true)
      expect(result.summary).toContain('(cancelled)')
    } finally {
      github.closeAllConnections()
      github.close()
    }
  })
})

describe('7. no top-level death', () => {
  it('RUNNER_TEMP missing: the report file goes to the OS temp directory, with a warning', async () => {
    const missing = nodePath.join(tmpdir(), `gcore-missing-${process.pid}`, 'temp')
    const result = await run({ paths: '/a.iso' }, { env: { RUNNER_TEMP: missing } })

    expect(result.code).toBe(0)
    expectOutputsPresent(result)
    const file = result.outputs['report-file']
    expect(nodePath.dirname(file)).toBe(tmpdir())
    expect(JSON.parse(readFileSync(file, 'utf8')).prefetchedCount).toBe(1)
    expect(result.stdout).toContain(`::warning::The report file could not be written under RUNNER_TEMP; it is at ${file}.`)
    rmSync(file)
  })

  it('no temp directory at all: every output is still set (report-file empty), with a warning', async () => {
    const missing = nodePath.join(tmpdir(), `gcore-missing-${process.pid}`)
    const result = await run({ paths: '/a.iso' }, { env: { RUNNER_TEMP: `${missing}/runner`, TMPDIR: `${missing}/os` } })

    expect(result.code).toBe(0)
    expectOutputsPresent(result)
    expect(result.outputs).toMatchObject({ result: 'success', 'prefetched-count': '1', 'report-file': '' })
    expect(result.stdout).toContain('::warning::The report file could not be written (RUNNER_TEMP and the temp directory refused it)')
  })

  it('GITHUB_STEP_SUMMARY is a directory: a warning, the outputs are set', async () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-summary-dir-'))
    const result = await run({ paths: '/a.iso' }, { env: { GITHUB_STEP_SUMMARY: dir } })

    expect(result.code).toBe(0)
    expectOutputsPresent(result)
    expect(result.outputs.result).toBe('success')
    expect(commandLines(result.stdout).filter(line => line.startsWith('::warning::The job summary could not be written'))).toHaveLength(1)
  })

  it.each([
    ['in a missing directory', () => nodePath.join(tmpdir(), `gcore-missing-${process.pid}`, 'output.txt')],
    ['a directory', () => mkdtempSync(nodePath.join(tmpdir(), 'gcore-output-dir-'))]
  ])('GITHUB_OUTPUT %s: one ::error:: line, exit 1, no stack trace', async (_, where) => {
    const result = await run({ paths: '/a.iso' }, { env: { GITHUB_OUTPUT: where() } })

    expect(result.code).toBe(1)
    const errors = commandLines(result.stdout).filter(line => line.startsWith('::error::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error::The step's outputs could not be written to GITHUB_OUTPUT /)
    expect(result.stderr).toBe('')
  })

  it('GITHUB_OUTPUT unusable with RUNNER_DEBUG: the stack is in a debug line only', async () => {
    const result = await run(
      { paths: '/a.iso' },
      { env: { GITHUB_OUTPUT: nodePath.join(tmpdir(), `gcore-missing-${process.pid}`, 'o.txt'), RUNNER_DEBUG: '1' } }
    )

    expect(result.code).toBe(1)
    expect(commandLines(result.stdout).filter(line => line.startsWith('::debug::') && /%0A\s+at /.test(line)).length).toBeGreaterThan(0)
  })
})

describe('8. a batch never attempted because its purge failed', () => {
  it('keeps its paths in batches and in the summary', async () => {
    gcore.inject({
      operation: 'purge',
      on: 'every',
      fault: { kind: 'status', status: 400, body: '{"errors": {"urls": ["Purge by URLs is not allowed."]}}' }
    })
    const given = ['/p/a.iso', '/p/b.iso']
    const result = await run({ paths: given.join('\n'), purge: 'url' })

    expect(result.code).toBe(1)
    expect(operations('prefetch')).toEqual([])
    const [purge, prefetch] = batchesOf(result)
    expect(purge).toMatchObject({ operation: 'purge', outcome: 'failed', paths: given })
    expect(prefetch).toMatchObject({
      operation: 'prefetch',
      outcome: 'not-attempted',
      paths: given,
      error: 'not attempted: the purge of these paths failed'
    })
    expect(result.summary).toContain('<tr><td>⏭️&nbsp;not-attempted</td><td>prefetch</td><td>1</td><td>2</td>')
    for (const path of given) expect(result.summary).toContain(path)
    expectPathsPartitioned(result, given)
  })
})

describe('9. the key is redacted before any cut, in every form and sink', () => {
  const forms = keyForms(KEY)
  it.each(['raw', 'url-encoded', 'json-escaped', 'base64 at offset 0', 'base64 at offset 1', 'base64 at offset 2'])(
    'echoed %s, straddling the 500-character cut',
    async form => {
      const shift = Number(/offset (\d)/.exec(form)?.[1] ?? 0)
      const echoed = form.startsWith('base64')
        ? Buffer.concat([Buffer.alloc(shift, 0x41), Buffer.from(KEY)]).toString('base64')
        : forms[form]
      // The message is `HTTP 400: <body>`: the echo starts 10 characters before the cut.
      const body = `${'x'.repeat(500 - 'HTTP 400: '.length - 10)}${echoed} and then some more text`
      gcore.inject({
        operation: 'prefetch',
        on: [1],
        fault: { kind: 'status', status: 400, body, headers: { 'Content-Type': 'text/plain' } }
      })
      const result = await run({ paths: '/a.iso' }, { env: { RUNNER_DEBUG: '1' } })

      expect(result.code).toBe(1)
      expect(batchesOf(result)[0].error).toMatch(/^HTTP 400: x{480}[A-Za-z0-9+/]{0,3}\*\*\*/)
      expect(result.summary).toContain('&#42;&#42;&#42;') // *** as the summary escapes it
    }
  )
})

describe('10. API text never becomes a workflow command', () => {
  const injected = ['::warning::INJECTED', '::stop-commands::INJECTED', '::error::INJECTED', '::add-mask::INJECTED']
  const text = 'refused\n::warning::INJECTED w\r::stop-commands::INJECTED s\r\n  ::error::INJECTED e\n::add-mask::INJECTED m'

  it('in an error body of a prefetch, a purge, the limits and the resource GETs', async () => {
    const status = (code: number) => ({ kind: 'status' as const, status: code, body: JSON.stringify({ message: text }) })
    gcore.inject({ operation: 'limits', on: 'every', fault: status(403) })
    gcore.inject({ operation: 'resource', on: 'every', fault: status(500) })
    gcore.inject({ operation: 'purge', on: [1], fault: status(502) })
    gcore.inject({ operation: 'prefetch', on: [1], fault: status(400) })
    const result = await run({ paths: paths(200).join('\n'), purge: 'url' }, { env: { RUNNER_DEBUG: '1' } }, injected)

    expect(result.code).toBe(1)
    // The text is there, as text.
    expect(result.stdout).toContain('INJECTED w')
    expect(batchesOf(result).find(batch => batch.operation === 'prefetch')!.error).toContain('refused : :warning: :INJECTED w')
  })

  it('in an HTML error page', async () => {
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: `<html><body>${text}</body></html>`, headers: { 'Content-Type': 'text/html' } }
    })
    const result = await run({ paths: '/a.iso' }, {}, injected)

    expect(result.code).toBe(1)
    expect(result.stdout).toContain('INJECTED e')
  })
})

describe('11. a key the header cannot carry is an input error before the first request', () => {
  it.each([
    ['pasted with its APIKey prefix', `APIKey ${KEY}`, 'starts with "APIKey ": give the token alone; the action adds "APIKey " itself.'],
    [
      'holding a character outside Latin-1',
      `${KEY}—ключ`,
      'contains a character an HTTP header cannot carry (outside Latin-1); check that the secret holds the token itself.'
    ],
    ['holding a line break', `${KEY}\nsecond-line`, 'contains a control character or line break; check the secret.']
  ])('%s', async (_, key, hint) => {
    const result = await run({ paths: '/a.iso', 'api-key': key })

    expect(result.code).toBe(1)
    expect(gcore.log).toEqual([])
    const errors = commandLines(result.stdout).filter(line => line.startsWith('::error::'))
    expect(errors).toEqual([`::error::Input "api-key" ${hint}`])
    expectOutputsPresent(result)
  })
})

describe('12. the key refused on the limits GET', () => {
  it('401 stops the run before the first purge or prefetch', async () => {
    gcore.inject({ operation: 'limits', on: 'every', fault: { kind: 'status', status: 401, body: '{"detail": "Invalid token."}' } })
    const given = paths(3)
    const result = await run({ paths: given.join('\n'), purge: 'url' })

    expect(result.code).toBe(1)
    expect(gcore.log.map(entry => entry.operation)).toEqual(['limits'])
    expect(result.stdout).toContain(
      '::error::The API refused the key (GET /cdn/clients/me/limits: HTTP 401: Invalid token.); nothing was sent. Check input "api-key".'
    )
    expect(JSON.parse(result.outputs['failed-paths'])).toEqual(given)
    expectPathsPartitioned(result, given)
  })

  it('403 stays a notice: the documented limits, the run goes on', async () => {
    gcore.inject({ operation: 'limits', on: 'every', fault: { kind: 'status', status: 403, body: '{"detail": "Forbidden."}' } })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      "::notice::Could not read the account's limits (GET /cdn/clients/me/limits: HTTP 403: Forbidden.); using Gcore's documented limits."
    )
    expect(operations('prefetch')).toHaveLength(1)
  })
})

describe('13-16. inputs that silently meant something else', () => {
  const sent = () => gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)

  it('backslashes and doubled slashes keep every segment, and the log and summary say so', async () => {
    const result = await run({ paths: '\\releases\\v2\\app.iso\n\\\\server\\share\\b.iso\n//mirror//v2///c.iso' })

    expect(result.code).toBe(0)
    expect(sent()).toEqual(['/releases/v2/app.iso', '/server/share/b.iso', '/mirror/v2/c.iso'])
    const warning = '3 paths normalised: "\\\\releases\\\\v2\\\\app.iso" → "/releases/v2/app.iso" (backslashes read as /)'
    expect(result.stdout).toContain(`::warning::${warning}`)
    expect(result.summary).toContain('3 paths normalised')
    expect(result.summary).toContain('/mirror/v2/c.iso')
  })

  it('several paths on one line are split, and said', async () => {
    const result = await run({ paths: '/a.iso /b.iso, /c.iso\n/d.iso' })

    expect(result.code).toBe(0)
    expect(sent()).toEqual(['/a.iso', '/b.iso', '/c.iso', '/d.iso'])
    const warning = '1 line held several paths separated by spaces or commas, sent as separate paths: input "paths", line 1 (3 paths).'
    expect(result.stdout).toContain(`::warning::${warning}`)
    expect(result.summary).toContain('1 line held several paths separated by spaces or commas')
  })

  it('a Latin-1 paths-file is refused with its line number, before any request', async () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-latin1-'))
    writeFileSync(
      nodePath.join(dir, 'list.txt'),
      Buffer.concat([Buffer.from('/ok.iso\n/also-ok.iso\n/caf'), Buffer.from([0xe9]), Buffer.from('.iso\n')])
    )
    const result = await run({ 'paths-file': 'list.txt' }, { cwd: dir })

    expect(result.code).toBe(1)
    expect(gcore.log).toEqual([])
    expect(result.stdout).toContain(
      '::error::Input "paths-file" names "list.txt", which is not valid UTF-8 at line 3 (saved as Latin-1 or another encoding?): save the list as UTF-8.'
    )
  })

  it('api-url with a query is refused, before any request', async () => {
    const result = await run({ paths: '/a.iso', 'api-url': `${gcore.url}/?region=eu` })

    expect(result.code).toBe(1)
    expect(gcore.log).toEqual([])
    expect(result.stdout).toContain(
      `::error::Input "api-url" must be a plain base URL without credentials, query or fragment, got "${gcore.url}/?region=eu".`
    )
  })

  it('api-url ending in /cdn is used without it, with a notice', async () => {
    const result = await run({ paths: '/a.iso', 'api-url': `${gcore.url}/cdn/` })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      `::notice::api-url "${gcore.url}/cdn/" ends in /cdn, which every API path already starts with: using ${gcore.url}.`
    )
    expect(gcore.log.every(entry => entry.url.startsWith('/cdn/') && !entry.url.startsWith('/cdn/cdn'))).toBe(true)
    expect(result.outputs['prefetched-count']).toBe('1')
  })

  it('api-url on the IPv6 loopback http://[::1]:port works', async () => {
    // The emulator listens on 127.0.0.1: a TCP proxy on [::1] in front of it.
    const proxy = createTcpServer(client => {
      const upstream = connect(gcore.port, '127.0.0.1')
      client.pipe(upstream).pipe(client)
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    })
    await new Promise<void>(resolve => proxy.listen(0, '::1', resolve))
    try {
      const url = `http://[::1]:${(proxy.address() as AddressInfo).port}`
      const result = await run({ paths: '/a.iso', 'api-url': url })

      expect(result.code).toBe(0)
      expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules', 'origin-group', 'prefetch'])
      expect(result.outputs['prefetched-count']).toBe('1')
    } finally {
      proxy.close()
    }
  })
})

describe('17. a 404 on prefetch', () => {
  it('names resource-id and says the key may not own it (resource-check: off)', async () => {
    await emulator({ resources: [{ id: 1 }] })
    const result = await run({ paths: paths(300).join('\n'), 'resource-check': 'off' })

    expect(result.code).toBe(1)
    expect(operations('prefetch')).toHaveLength(1)
    const [first, ...rest] = batchesOf(result)
    expect(first).toMatchObject({ outcome: 'failed', status: 404, attempts: 1 })
    expect(first.error).toContain("resource 321 was not found: the key's account has no CDN resource with that ID (check resource-id)")
    expect(rest.map(batch => batch.outcome)).toEqual(['not-attempted', 'not-attempted'])
    expect(result.stdout).toMatch(
      /::error::300 of 300 paths were not prefetched; first error: HTTP 404: resource 321 was not found: the key's account has no CDN resource with that ID \(check resource-id\)/
    )
  })
})

describe('19. time-budget', () => {
  it('stops sending what cannot finish in time; the rest is not attempted and fed back by failed-paths', async () => {
    const given = paths(500)
    // The budget is counted to the millisecond here: no origin check before the first batch (its time is tested in process).
    const result = await run({ paths: given.join('\n'), 'time-budget': '2.5', 'request-timeout': '1', 'origin-check': 'off' })

    expect(result.code).toBe(1)
    expect(result.durationMs).toBeLessThan(2500 + 1000) // the budget, plus node's start
    expect(result.stdout).toContain(
      '::warning::The plan takes about 4 s, longer than time-budget (3 s): what cannot finish in time is not sent.'
    )
    const outcomes = batchesOf(result).map(batch => batch.outcome)
    expect(outcomes.slice(0, 2)).toEqual(['succeeded', 'succeeded'])
    expect(outcomes.slice(2)).toEqual(['not-attempted', 'not-attempted', 'not-attempted'])
    expect(batchesOf(result)[2].error).toBe('not attempted: the time-budget would run out before its turn')
    expect(operations('prefetch')).toHaveLength(2)
    const failed = JSON.parse(result.outputs['failed-paths']) as string[]
    expect(failed).toEqual(given.slice(200))
    expectPathsPartitioned(result, given)

    const again = await run({ paths: result.outputs['failed-paths'] })
    expect(again.code).toBe(0)
    expect(again.outputs).toMatchObject({ 'total-count': '300', 'prefetched-count': '300' })
  })
})

// Keep the file's own temp directories tidy.
afterEach(() => {
  const missing = nodePath.join(tmpdir(), `gcore-missing-${process.pid}`)
  if (existsSync(missing)) rmSync(missing, { recursive: true, force: true })
})
