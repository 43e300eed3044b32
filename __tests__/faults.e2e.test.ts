/**
 * The fault and abuse suite: every case runs the committed dist/index.js as the
 * runner does, against the Gcore emulator. Every run is also checked for the key
 * in any stream or file. The README's "Reliability" table names these tests one
 * to one (a drift test checks it).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../emulator/gcore-emulator.js'
import { ConnectProxy } from './support/connect-proxy.js'
import { ROOT, runAction, type ActionRun, type RunOptions } from './support/run-action.js'

const KEY = 'k3y-$ecret "quoted" with spaces'
let gcore: GcoreEmulator

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000 })
  await gcore.start()
})
afterEach(async () => gcore.stop())

const paths = (count: number, prefix = '/f'): string[] => Array.from({ length: count }, (_, i) => `${prefix}/${i}.iso`)

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return { 'api-key': KEY, 'resource-id': '321', 'api-url': gcore.url, 'prefetch-interval': '1', 'purge-interval': '0.5', ...extra }
}

/** Runs the action and checks the key appears nowhere but in the mask command. */
async function run(extra: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  const result = await runAction(inputs(extra), options)
  const everything = [result.stdout.split(`::add-mask::${KEY}`).join(''), result.stderr, ...Object.values(result.files)].join('\n')
  expect(everything).not.toContain(KEY)
  expect(everything).not.toContain('k3y-$ecret')
  return result
}

const prefetchTimes = () => gcore.log.filter(entry => entry.operation === 'prefetch').map(entry => entry.at)
const batches = (result: ActionRun) =>
  JSON.parse(result.outputs.batches) as { outcome: string; attempts: number; status: number | null; error: string | null }[]
const gaps = (times: number[]) => times.slice(1).map((time, i) => time - times[i])

describe('faults', () => {
  it('429 without Retry-After: waits one interval per retry, then succeeds', async () => {
    gcore.inject({ operation: 'prefetch', on: [1, 2], fault: { kind: 'status', status: 429, body: '{"detail": "throttled"}' } })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    expect(gaps(prefetchTimes()).every(gap => gap >= 1000)).toBe(true)
    expect(batches(result)[0]).toMatchObject({ outcome: 'succeeded', attempts: 3, status: 201 })
  })

  it('429 with Retry-After seconds: waits at least that long', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 429, headers: { 'Retry-After': '2' } } })
    // Within the cap of two intervals, Retry-After is honoured to the millisecond.
    const result = await run({ paths: '/a.iso', 'prefetch-interval': '1' })

    expect(result.code).toBe(0)
    expect(gaps(prefetchTimes())[0]).toBeGreaterThanOrEqual(2000)
  })

  it('429 with Retry-After as an HTTP date: waits until then', async () => {
    const until = new Date(Date.now() + 3000)
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 429, headers: { 'Retry-After': until.toUTCString() } }
    })
    const result = await run({ paths: '/a.iso', 'prefetch-interval': '2' })

    expect(result.code).toBe(0)
    // HTTP dates have whole seconds: the retry comes no earlier than the date says.
    expect(prefetchTimes()[1]).toBeGreaterThanOrEqual(Date.parse(until.toUTCString()))
  })

  it('429 past max-attempts: reports the batch failed after exactly max-attempts tries', async () => {
    gcore.inject({ operation: 'prefetch', on: [1, 2, 3], fault: { kind: 'status', status: 429 } })
    const result = await run({ paths: '/a.iso', 'max-attempts': '3', 'prefetch-interval': '0.3' })

    expect(result.code).toBe(1)
    expect(prefetchTimes()).toHaveLength(3)
    expect(batches(result)[0]).toMatchObject({ outcome: 'failed', attempts: 3, status: 429 })
    expect(result.outputs['failed-paths']).toBe('["/a.iso"]')
  })

  it('a hanging API: request-timeout fires, the try is retried and counted', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'hang' } })
    const result = await run({ paths: '/a.iso', 'request-timeout': '0.5' })

    expect(result.code).toBe(0)
    expect(batches(result)[0]).toMatchObject({ outcome: 'succeeded', attempts: 2 })
    expect(result.stdout).toContain('no complete answer within 0.5 s (request-timeout)')
    expect(result.durationMs).toBeLessThan(5000)
  })

  it('an HTML 502 page: retried, and shown by its title', async () => {
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>' }
    })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('HTTP 502: 502 Bad Gateway')
    expect(batches(result)[0].attempts).toBe(2)
  })

  it('an empty 400: the batch fails with a clear message, no retry', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 400, body: '' } })
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(1)
    expect(batches(result)[0]).toMatchObject({ outcome: 'failed', attempts: 1, error: 'HTTP 400: empty response body' })
  })

  it('a 201 with a body, and a 200 where 201 was expected: both accepted', async () => {
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 201, body: '{"paths": ["/a.iso"], "unexpected": true}' }
    })
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 200, body: '{}' } })
    const result = await run({ paths: paths(150).join('\n') })

    expect(result.code).toBe(0)
    expect(batches(result).map(batch => batch.status)).toEqual([201, 200])
    expect(result.outputs['prefetched-count']).toBe('150')
  })

  it('truncated JSON in an error: shown as text, the run goes on', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 400, body: '{"errors": {"paths": {"0": ["This fie' } })
    const result = await run({ paths: paths(150).join('\n') })

    expect(result.code).toBe(1)
    expect(batches(result)[0].error).toBe('HTTP 400: {"errors": {"paths": {"0": ["This fie')
    expect(batches(result)[1].outcome).toBe('succeeded')
  })

  it('a 3xx redirect: not followed, the key never reaches the other host', async () => {
    const elsewhere: string[] = []
    const other = createServer((req, res) => {
      elsewhere.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`)
      res.writeHead(201).end()
    })
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve))
    const location = `http://127.0.0.1:${(other.address() as AddressInfo).port}/steal`
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 307, headers: { Location: location } } })
    const result = await run({ paths: '/a.iso' })
    other.close()

    expect(result.code).toBe(1)
    expect(elsewhere).toEqual([])
    expect(batches(result)[0]).toMatchObject({ outcome: 'failed', status: 307, attempts: 1 })
    expect(batches(result)[0].error).toContain('not followed')
  })

  it.each([401, 403])('%d in the middle of a run: stops at once, the rest not attempted, no retries', async status => {
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status, body: '{"detail": "Invalid token."}' } })
    const result = await run({ paths: paths(300).join('\n') })

    expect(result.code).toBe(1)
    expect(prefetchTimes()).toHaveLength(2)
    expect(batches(result).map(batch => batch.outcome)).toEqual(['succeeded', 'failed', 'not-attempted'])
    expect(batches(result)[1].attempts).toBe(1)
    expect(result.outputs).toMatchObject({ result: 'partial', 'prefetched-count': '100', 'failed-count': '200' })
  })

  it('connection refused: retried with backoff, then a clear error, bounded', async () => {
    const result = await run({ paths: paths(300).join('\n'), 'api-url': 'http://127.0.0.1:1', 'max-attempts': '3' })

    expect(result.code).toBe(1)
    expect(batches(result).map(batch => [batch.outcome, batch.attempts])).toEqual([
      ['failed', 3],
      ['not-attempted', 0],
      ['not-attempted', 0]
    ])
    expect(result.stdout).toContain(
      '::error::300 of 300 paths were not prefetched; first error: connection refused (gave up after 3 attempts)'
    )
    expect(result.durationMs).toBeLessThan(5000)
  })

  it('an unresolvable api-url host: retried with backoff, then a clear error, bounded', async () => {
    const result = await run({ paths: '/a.iso', 'api-url': 'https://api.gcore.invalid', 'max-attempts': '2' })

    expect(result.code).toBe(1)
    expect(batches(result)[0]).toMatchObject({ outcome: 'failed', attempts: 2, status: null })
    expect(batches(result)[0].error).toContain('host not found (api.gcore.invalid)')
    expect(result.durationMs).toBeLessThan(5000)
  })

  it('cancel during a purge: nothing more is sent, every path reported', async () => {
    gcore.inject({ operation: 'purge', on: [1], fault: { kind: 'hang' } })
    const result = await run(
      { paths: paths(200).join('\n'), purge: 'true', 'request-timeout': '20' },
      { signal: { name: 'SIGINT', afterMs: 700 } }
    )

    expect(result.code).not.toBe(0)
    expect(result.durationMs).toBeLessThan(700 + 3000)
    expect(gcore.log.filter(entry => entry.operation === 'prefetch')).toHaveLength(0)
    expect(batches(result).every(batch => batch.outcome === 'cancelled')).toBe(true)
    expect(JSON.parse(result.outputs['failed-paths'])).toHaveLength(200)
    expect(result.outputs['purged-count']).toBe('0')
  })

  it('cancel while waiting for the next slot: exits at once, the rest cancelled', async () => {
    const result = await run(
      { paths: paths(300).join('\n'), 'prefetch-interval': '30' },
      {
        signal: { name: 'SIGTERM', when: stdout => stdout.includes('waiting 30 s') }
      }
    )

    expect(result.code).not.toBe(0)
    expect(result.durationMs).toBeLessThan(3000)
    expect(batches(result).map(batch => batch.outcome)).toEqual(['succeeded', 'cancelled', 'cancelled'])
  })

  it('cancel during a request in flight: reported as cancelled, never as accepted', async () => {
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'hang' } })
    const result = await run({ paths: '/a.iso', 'request-timeout': '20' }, { signal: { name: 'SIGINT', afterMs: 700 } })

    expect(result.code).not.toBe(0)
    expect(result.durationMs).toBeLessThan(700 + 3000)
    expect(batches(result)[0]).toMatchObject({ outcome: 'cancelled', attempts: 1 })
    expect(batches(result)[0].error).toContain('in flight')
    expect(result.outputs['failed-paths']).toBe('["/a.iso"]')
  })
})

describe('load', () => {
  const probe = ['--import', nodePath.join(ROOT, '__tests__/support/max-rss.mjs')]
  const maxRssMiB = (result: ActionRun) => Number(/max-rss-kib=(\d+)/.exec(result.stderr)?.[1]) / 1024
  // Peak resident memory for 100,000 paths. Node 22+ (the action runs on 24) gives V8 a larger young
  // generation, so the same run, with a live heap under 60 MB on either, holds more garbage between
  // collections there: the budget is 200 MiB on Node 20 and 256 MiB from Node 22.
  const RSS_BUDGET_MIB = Number(process.versions.node.split('.')[0]) >= 22 ? 256 : 200
  const planningMs = (result: ActionRun) => Number(/planned in (\d+) ms/.exec(result.stdout)?.[1])

  function pathsFile(count: number): { dir: string; file: string } {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-load-'))
    writeFileSync(nodePath.join(dir, 'paths.txt'), paths(count, '/releases/v2.1.0/assets').join('\n'))
    return { dir, file: 'paths.txt' }
  }

  function expectWellFormed(result: ActionRun, total: number): void {
    for (const name of ['failed-paths', 'skipped-paths', 'batches']) {
      expect(() => JSON.parse(result.outputs[name])).not.toThrow()
      expect(Buffer.byteLength(result.outputs[name])).toBeLessThan(1_000_000)
    }
    expect(Buffer.byteLength(result.summary)).toBeLessThan(1024 * 1024)
    const report = JSON.parse(readFileSync(result.outputs['report-file'], 'utf8'))
    expect(report.totalCount).toBe(total)
    expect(report.prefetchedCount + report.failedCount + report.skippedCount).toBe(total)
  }

  it('100,000 paths from paths-file, dry run: within the memory budget, planned in under 1 s, outputs well-formed', async () => {
    const { dir, file } = pathsFile(100_000)
    const result = await run({ 'paths-file': file, 'dry-run': 'true' }, { cwd: dir, nodeArgs: probe })

    expect(result.code).toBe(0)
    expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules']) // a dry run reads, sends nothing
    expect(planningMs(result)).toBeLessThan(1000)
    expect(result.outputs).toMatchObject({ result: 'dry-run', 'total-count': '100000', 'skipped-count': '100000' })
    expectWellFormed(result, 100_000)
    expect(result.summary).toContain('skipped-paths lists the first')
    expect(result.summary).toContain(result.outputs['report-file'])
    expect(maxRssMiB(result)).toBeLessThan(RSS_BUDGET_MIB) // last, so that a run over budget has checked everything else
  })

  it('100,000 paths against the emulator with a tiny interval: every path once, within the memory budget', async () => {
    await gcore.stop()
    gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 5 })
    await gcore.start()
    const { dir, file } = pathsFile(100_000)
    // The schedule's memory: the origin check's 100,000 HEADs are measured by `npm run bench` (origin rows).
    const result = await run(
      { 'paths-file': file, 'prefetch-interval': '0.008', 'origin-check': 'off' },
      { cwd: dir, nodeArgs: probe, timeoutMs: 60_000 }
    )

    expect(result.code).toBe(0)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1000)
    expect(new Set(gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)).size).toBe(100_000)
    expect(gcore.log.filter(entry => entry.operation === 'prefetch' && entry.answer !== 201)).toEqual([])
    expect(result.outputs).toMatchObject({ result: 'success', 'prefetched-count': '100000', 'failed-count': '0' })
    expectWellFormed(result, 100_000)
    expect(maxRssMiB(result)).toBeLessThan(RSS_BUDGET_MIB) // last, as above
  }, 90_000)
})

describe('hostile input', () => {
  it('paths with HTML, markdown, |, backticks or newlines render harmlessly in the summary', async () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-hostile-'))
    const names = ['<img src=x onerror=alert(1)>.iso', 'a|b`c`[l](https:x).iso', 'line\nbreak <b>.iso']
    mkdirSync(nodePath.join(dir, 'dist'))
    for (const name of names) writeFileSync(nodePath.join(dir, 'dist', name), 'x')
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: '{"message": "<script>alert(1)</script> | `boom` [x](y)"}' }
    })
    const result = await run(
      // The origin has none of the one-byte files: they fail there at once, and the origin's table shows their names too.
      { files: '*.iso', 'base-dir': 'dist', paths: '/<b>bold</b>.iso\n/pipe|and`tick`.iso', 'size-check': 'off', 'origin-timeout': '0' },
      { cwd: dir }
    )

    expect(result.code).toBe(1)
    expect(result.summary).not.toMatch(/<(img|script|b)[\s>]/)
    expect(result.summary).not.toContain('[l](')
    expect(result.summary).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#124; &#96;boom&#96;')
    expect(result.summary).toContain('line break &lt;b&gt;.iso')
    // No raw line break inside a table cell can end the HTML block and start markdown.
    for (const line of result.summary.split('\n')) if (line.startsWith('<tr>')) expect(line.endsWith('</tr>')).toBe(true)
    expect(JSON.parse(result.outputs['failed-paths'])).toContain('/line%0Abreak%20%3Cb%3E.iso')
    expect(result.summary).toContain('Not ready at the origin, neither purged nor prefetched (3)')
  })

  it('a 10 MB paths-file is handled', async () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-big-'))
    const line = '/releases/v2.1.0/a-rather-long-directory-name/for-a-large-file'
    const lines = Array.from({ length: Math.ceil((10 * 1024 * 1024) / (line.length + 12)) }, (_, i) => `${line}-${i}.iso`)
    writeFileSync(nodePath.join(dir, 'big.txt'), lines.join('\n'))
    const result = await run({ 'paths-file': 'big.txt', 'dry-run': 'true' }, { cwd: dir })

    expect(result.code).toBe(0)
    expect(result.outputs['total-count']).toBe(String(lines.length))
  })

  it('keys with $, quotes and spaces work', async () => {
    const result = await run({ paths: '/a.iso' })

    expect(result.code).toBe(0)
    expect(gcore.log[0].authorization).toBe(`APIKey ${KEY}`)
  })

  it('the key never appears, even when the server echoes it back in an error body', async () => {
    gcore.inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: JSON.stringify({ message: `Invalid key: APIKey ${KEY}` }) }
    })
    const result = await run({ paths: '/a.iso' }, { env: { RUNNER_DEBUG: '1' } })

    expect(result.code).toBe(1)
    expect(batches(result)[0].error).toBe('HTTP 400: Invalid key: APIKey ***')
  })

  it('https_proxy is honoured, and no_proxy bypasses it', async () => {
    const tls = (name: string) => readFileSync(nodePath.join(ROOT, '__tests__/fixtures/tls', name), 'utf8')
    await gcore.stop()
    gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, tls: { key: tls('server.key'), cert: tls('server.pem') } })
    await gcore.start()
    const proxy = new ConnectProxy({ host: '127.0.0.1', port: gcore.port })
    await proxy.start()
    const env = { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: nodePath.join(ROOT, '__tests__/fixtures/tls/ca.pem') }
    try {
      const proxied = await run({ paths: '/a.iso', 'api-url': 'https://api.gcore.test' }, { env })
      expect(proxied.code).toBe(0)
      // One tunnel per request: the account's limits, the resource, its rules and its origin group, then the prefetch.
      expect(proxy.tunnels).toEqual(Array(5).fill('api.gcore.test:443'))
      expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules', 'origin-group', 'prefetch'])

      const bypassed = await run(
        { paths: '/a.iso', 'api-url': 'https://api.gcore.test', 'max-attempts': '1' },
        { env: { ...env, no_proxy: 'api.gcore.test' } }
      )
      expect(bypassed.code).toBe(1)
      expect(proxy.tunnels).toHaveLength(5)
      expect(bypassed.stdout).toContain('host not found (api.gcore.test)')
    } finally {
      await proxy.stop()
    }
  })
})
