/**
 * End to end: the committed dist/index.js, run as the runner runs it, against the
 * Gcore emulator with a 1 s rate window. Mirrors the acceptance list of the
 * "action, end to end" issue.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { GcoreEmulator } from '../emulator/gcore-emulator.js'
import { declaredOutputs, runAction } from './support/run-action.js'

const KEY = 'secret-key-4242'
let gcore: GcoreEmulator

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000 })
  await gcore.start()
})
afterEach(async () => gcore.stop())

const manyPaths = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `/releases/v2.1.0/file-${String(i).padStart(3, '0')}.iso`)

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'api-key': KEY,
    'resource-id': '123456',
    'api-url': gcore.url,
    'prefetch-interval': '1',
    'purge-interval': '0.5',
    ...extra
  }
}

/** The purge and prefetch requests, without the GETs for limits and purge statuses. */
const writes = () => gcore.log.filter(entry => entry.operation === 'prefetch' || entry.operation === 'purge')

const sentPaths = (operation: 'prefetch' | 'purge'): string[] =>
  gcore.acceptedRequests(operation).flatMap(entry => {
    const body = entry.body as { paths?: string[]; urls?: string[] }
    return (operation === 'purge' ? body.urls : body.paths) ?? []
  })

describe('the action, end to end', () => {
  it('prefetches 250 paths in exactly 3 paced requests with no 429', async () => {
    const paths = manyPaths(250)
    const run = await runAction(inputs({ paths: paths.join('\n') }))

    expect(run.code).toBe(0)
    expect(writes().map(entry => entry.answer)).toEqual([201, 201, 201])
    const requests = gcore.acceptedRequests('prefetch')
    expect(requests.map(entry => (entry.body as { paths: string[] }).paths.length)).toEqual([100, 100, 50])
    expect(sentPaths('prefetch')).toEqual(paths)
    expect(requests.every(entry => entry.authorization === `APIKey ${KEY}`)).toBe(true)
    expect(requests[2].at - requests[0].at).toBeLessThan(2600)
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(1000)

    expect(run.outputs).toMatchObject({
      result: 'success',
      'total-count': '250',
      'prefetched-count': '250',
      'purged-count': '0',
      'failed-count': '0',
      'failed-paths': '[]'
    })
    expect(Object.keys(run.outputs).sort()).toEqual(declaredOutputs().sort())
    const batches = JSON.parse(run.outputs.batches)
    expect(batches).toHaveLength(3)
    expect(batches[0]).toMatchObject({
      operation: 'prefetch',
      resource: 123456,
      index: 1,
      outcome: 'succeeded',
      status: 201,
      attempts: 1,
      error: null
    })
    expect(batches[0].paths).toEqual(paths.slice(0, 100))
    expect(new Date(batches[0].started).toISOString()).toBe(batches[0].started)
    expect(run.stdout).toContain('250 paths: 3 prefetch batches of up to 100')
    expect(run.summary).toContain('## ✅ Gcore CDN prefetch: success')
    expect(run.summary).toContain('**250 of 250 paths prefetched.**')
    expect(run.summary).toMatch(
      /<tr><td>✅&nbsp;succeeded<\/td><td>prefetch<\/td><td>3<\/td><td>50<\/td><td>201<\/td><td>1<\/td><td>\d+&nbsp;ms<\/td><td><\/td><td><\/td><\/tr>/
    )
    expect(run.summary).toContain('Limits: prefetch batch size 100 (account: 100) · prefetch interval 1 s (input)')
  })

  it('purges each path by URL exactly once, before its own prefetch', async () => {
    const paths = manyPaths(250)
    const run = await runAction(inputs({ paths: paths.join('\n'), purge: 'true' }))

    expect(run.code).toBe(0)
    expect(writes().every(entry => entry.answer === 201)).toBe(true)
    expect(sentPaths('purge')).toEqual(paths)
    expect(gcore.acceptedRequests('purge').every(entry => entry.kind === 'purge_by_url')).toBe(true)
    expect(sentPaths('prefetch')).toEqual(paths)
    const purgedAt = new Map<string, number>()
    for (const entry of gcore.acceptedRequests('purge')) {
      for (const url of (entry.body as { urls: string[] }).urls) purgedAt.set(url, entry.at)
    }
    for (const entry of gcore.acceptedRequests('prefetch')) {
      for (const path of (entry.body as { paths: string[] }).paths) expect(purgedAt.get(path)).toBeLessThanOrEqual(entry.at)
    }
    // Pipelined: prefetch 1 does not wait for purge 3.
    expect(gcore.acceptedRequests('prefetch')[0].at).toBeLessThan(gcore.acceptedRequests('purge')[2].at)
    expect(run.outputs['purged-count']).toBe('250')
    expect(run.outputs['prefetched-count']).toBe('250')
  })

  it('keeps going after a 400 on batch 2 of 3 and reports exactly its paths', async () => {
    const paths = manyPaths(250)
    gcore.inject({
      operation: 'prefetch',
      on: [2],
      fault: { kind: 'status', status: 400, body: '{"errors": {"paths": {"7": ["This field may not be blank."]}}}' }
    })
    const run = await runAction(inputs({ paths: paths.join('\n') }))

    expect(run.code).toBe(1)
    expect(writes().map(entry => entry.answer)).toEqual([201, 400, 201])
    expect(JSON.parse(run.outputs['failed-paths'])).toEqual(paths.slice(100, 200))
    expect(run.outputs).toMatchObject({ result: 'partial', 'prefetched-count': '150', 'failed-count': '100' })
    expect(run.stdout).toContain('This field may not be blank.')
    expect(run.stdout).toContain(`paths[7] "${paths[107]}"`)
    expect(run.summary).toContain('This field may not be blank.')
  })

  it('retries 503, a connection reset and 502, and gets every path accepted', async () => {
    const paths = manyPaths(250)
    gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 503, body: 'busy' } })
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'reset' } })
    gcore.inject({
      operation: 'prefetch',
      on: [4],
      fault: { kind: 'status', status: 502, body: '<html><title>502 Bad Gateway</title></html>' }
    })
    const run = await runAction(inputs({ paths: paths.join('\n') }))

    expect(run.code).toBe(0)
    expect(sentPaths('prefetch')).toEqual(paths)
    expect(run.outputs.result).toBe('success')
    const batches = JSON.parse(run.outputs.batches)
    expect(batches.map((batch: { attempts: number }) => batch.attempts)).toEqual([3, 2, 1])
    expect(run.stdout).toContain('502 Bad Gateway')
  })

  it('stops on SIGINT within 3 s, writes outputs and summary, loses no path', async () => {
    const paths = manyPaths(500)
    const run = await runAction(inputs({ paths: paths.join('\n'), 'prefetch-interval': '5' }), {
      signal: { name: 'SIGINT', when: stdout => stdout.includes('waiting') }
    })

    // The signal comes right after the first batch, while a 5 s wait has just begun.
    expect(run.code).not.toBe(0)
    expect(run.durationMs).toBeLessThan(3000)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1)
    const failed: string[] = JSON.parse(run.outputs['failed-paths'])
    expect(new Set([...sentPaths('prefetch'), ...failed])).toEqual(new Set(paths))
    expect(Number(run.outputs['prefetched-count']) + Number(run.outputs['failed-count'])).toBe(500)
    expect(JSON.parse(run.outputs.batches).filter((b: { outcome: string }) => b.outcome === 'cancelled')).toHaveLength(4)
    expect(run.summary).toContain('cancelled')
  })

  it('never shows the key, with step debug on and when Gcore refuses it; stops before sending anything', async () => {
    const key = 'abc$DEF "quoted" key'
    const run = await runAction(inputs({ 'api-key': key, paths: '/a.iso\n/b.iso' }), {
      env: { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' }
    })

    expect(run.code).toBe(1)
    // The limits GET is the first request: a 401 there stops the run before any purge or prefetch.
    expect(gcore.log.map(entry => [entry.operation, entry.answer])).toEqual([['limits', 401]])
    expect(run.stdout).toMatch(
      /^::error::The API refused the key \(GET \/cdn\/clients\/me\/limits: HTTP 401: .*\); nothing was sent\. Check input "api-key"\.$/m
    )
    expect(JSON.parse(run.outputs['failed-paths'])).toEqual(['/a.iso', '/b.iso'])
    const everything = [run.stdout.replace(`::add-mask::${key}`, ''), run.stderr, ...Object.values(run.files)].join('\n')
    expect(everything).not.toContain(key)
    expect(run.stdout).toContain(`::add-mask::${key}`)
    expect(run.outputs.result).toBe('failure')
  })
})

describe('malformed inputs fail naming the input, before any request', () => {
  const cases: [string, Record<string, string>][] = [
    ['resource-id', { 'resource-id': 'abc' }],
    ['resource-id', { 'resource-id': '0' }],
    ['resource-id', { 'resource-id': '12/../34' }],
    ['resource-id', { 'resource-id': '' }],
    ['api-key', { 'api-key': '' }],
    ['paths', { paths: '' }],
    ['batch-size', { 'batch-size': '0' }],
    ['batch-size', { 'batch-size': '101' }],
    ['batch-size', { 'batch-size': 'ten' }],
    ['prefetch-interval', { 'prefetch-interval': '-1' }],
    ['purge-interval', { 'purge-interval': 'soon' }],
    ['api-url', { 'api-url': 'ftp://api.gcore.com' }],
    ['api-url', { 'api-url': 'http://api.gcore.com' }],
    ['api-url', { 'api-url': 'not a url' }],
    ['purge', { purge: 'maybe' }],
    ['dry-run', { 'dry-run': 'yes' }],
    ['max-attempts', { 'max-attempts': '0' }],
    ['if-no-paths', { 'if-no-paths': 'shrug' }]
  ]

  it.each(cases)('%s = %j', async (name, bad) => {
    const run = await runAction(inputs({ paths: '/a.iso', ...bad }))
    expect(run.code).toBe(1)
    const error = run.stdout.split('\n').find(line => line.startsWith('::error::')) ?? ''
    expect(error).toContain(`"${name}"`)
    const value = Object.values(bad)[0]
    if (value && name !== 'api-key') expect(error).toContain(JSON.stringify(value))
    expect(gcore.log).toHaveLength(0)
  })
})
