/**
 * Only Gcore's answers count. A corporate web filter answering `200 text/html`
 * ("Blocked by corporate web filter") in place of Gcore, on each endpoint the
 * action uses, through dist/index.js against the emulator: a purge or a
 * prefetch behind it fails (retried like a 5xx, then reported with the reason
 * and an excerpt); every GET behind it is "not read", with the same reason.
 * Also a resource GET answering `null` or `[]`: settings not read, and
 * `resource-check: required` fails before anything is sent.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { GcoreEmulator, type FaultOperation } from '../../emulator/gcore-emulator.js'
import { batchesOf, expectOutputsPresent, expectPathsPartitioned, foreignCommands, keyLeaks, stackTraces } from '../support/checks.js'
import { runAction, type ActionRun } from '../support/run-action.js'

const KEY = 'filter-key'
const REASON = 'the answer came from something between you and Gcore: a proxy or filter?'
const EXCERPT = 'It said: "Blocked by corporate web filter"'
const PATHS = ['/f/1.iso', '/f/2.iso']
let gcore: GcoreEmulator

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  await gcore.start()
})
afterEach(() => gcore.stop())

function filter(operation: FaultOperation, on: 'every' | number[] = 'every'): void {
  gcore.inject({ operation, on, fault: { kind: 'filter-page' } })
}

async function run(extra: Record<string, string> = {}): Promise<ActionRun> {
  const result = await runAction({
    'api-key': KEY,
    'resource-id': '321',
    'api-url': gcore.url,
    paths: PATHS.join('\n'),
    'prefetch-interval': '0.2',
    'purge-interval': '0.2',
    'purge-pattern-interval': '0.2',
    'purge-settle': '0.2',
    'request-timeout': '2',
    'max-attempts': '2',
    ...extra
  })
  expectOutputsPresent(result)
  expectPathsPartitioned(result, PATHS)
  expect(keyLeaks(result, KEY)).toEqual([])
  expect(foreignCommands(result.stdout, [])).toEqual([])
  expect(stackTraces(result)).toEqual([])
  return result
}

const sent = (operation: string) => gcore.log.filter(entry => entry.operation === operation)

describe('a web filter answering 200 text/html in place of Gcore', () => {
  it('on every request: nothing counts as prefetched, the step fails and says why', async () => {
    filter('any')
    const result = await run({ purge: 'url' })

    expect(result.code).toBe(1)
    expect(result.outputs).toMatchObject({ result: 'failure', 'prefetched-count': '0', 'purged-count': '0', 'failed-count': '2' })
    const [purge, prefetch] = batchesOf(result)
    expect(purge).toMatchObject({ operation: 'purge', outcome: 'failed', status: 200, attempts: 2 })
    expect(purge.error).toContain(`HTTP 200 with a body that is not Gcore's (text/html, not JSON): ${REASON} ${EXCERPT}`)
    expect(prefetch).toMatchObject({ operation: 'prefetch', outcome: 'not-attempted' })
    expect(result.stdout).toContain(`::notice::Could not read the account's limits (GET /cdn/clients/me/limits: HTTP 200 with a body`)
    expect(result.stdout).toMatch(
      /::warning::Resource 321: its settings could not be read \(GET \/cdn\/resources\/321: HTTP 200 .*a proxy or filter\?/
    )
    expect(result.summary).toContain('a proxy or filter?')
  })

  it('on the first prefetch: retried like a 5xx, and the retry that reaches Gcore counts', async () => {
    filter('prefetch', [1])
    const result = await run()

    expect(result.code).toBe(0)
    expect(batchesOf(result)[0]).toMatchObject({ outcome: 'succeeded', status: 201, attempts: 2 })
    expect(result.stdout).toContain(REASON)
  })

  it('on every prefetch: failed after max-attempts, with the reason and the excerpt', async () => {
    filter('prefetch')
    const result = await run()

    expect(result.code).toBe(1)
    expect(sent('prefetch')).toHaveLength(2)
    expect(batchesOf(result)[0].error).toMatch(
      new RegExp(`not Gcore's \\(text/html, not JSON\\): .*${EXCERPT} \\(gave up after 2 attempts\\)$`)
    )
  })

  it('on the purge: the purge fails, and its paths are not prefetched', async () => {
    filter('purge')
    const result = await run({ purge: 'url' })

    expect(result.code).toBe(1)
    expect(sent('prefetch')).toHaveLength(0)
    expect(batchesOf(result).map(batch => [batch.operation, batch.outcome])).toEqual([
      ['purge', 'failed'],
      ['prefetch', 'not-attempted']
    ])
  })

  it('on the limits GET: not read, with the reason; the documented limits apply', async () => {
    filter('limits')
    const result = await run({ 'prefetch-interval': '' }) // one batch: the interval is never waited

    expect(result.code).toBe(0)
    expect(result.stdout).toContain(
      `::notice::Could not read the account's limits (GET /cdn/clients/me/limits: HTTP 200 with a body that is not Gcore's`
    )
    expect(result.stdout).toContain('prefetch interval 60 s (Gcore documented)')
  })

  it('on the resource GET: settings not read, with the reason; resource-check: required fails before anything is sent', async () => {
    filter('resource')
    const auto = await run({ purge: 'auto' })
    expect(auto.code).toBe(0)
    expect(auto.stdout).toContain('::warning::Resource 321: its settings could not be read (GET /cdn/resources/321: HTTP 200')
    expect(JSON.parse(auto.outputs.resources)[0]).toMatchObject({ 'purge-kind': 'url' })

    const required = await run({ purge: 'auto', 'resource-check': 'required' })
    expect(required.code).toBe(1)
    expect(required.stdout).toMatch(
      /::error::resource-check is required, but resource 321: its settings could not be read \(GET \/cdn\/resources\/321: HTTP 200 .*a proxy or filter\?/
    )
    expect(sent('purge')).toHaveLength(1) // the auto run's only
    expect(sent('prefetch')).toHaveLength(1)
  })

  it('on the rules GET: the rules embedded in the resource are used, and the run goes on', async () => {
    filter('rules')
    const result = await run({ purge: 'auto', 'resource-check': 'required' })

    expect(result.code).toBe(0)
    expect(sent('rules')).toHaveLength(2) // asked once more, like any failure that may pass
    expect(result.outputs['prefetched-count']).toBe('2')
  })

  it('on the hostname lookup (GET /cdn/resources): an input error with the reason and the fix, before any request is sent', async () => {
    filter('resources')
    const result = await run({ 'resource-id': 'cdn321.example.com' })

    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /::error::Input "resource-id" "cdn321\.example\.com" could not be looked up \(GET \/cdn\/resources: HTTP 200 .*a proxy or filter\? .*\); give the resource's numeric ID instead\./
    )
    expect(gcore.log.filter(entry => entry.method === 'POST')).toEqual([])
  })

  it('on the purge-status GET: the purge-settle wait, with the reason', async () => {
    filter('purge-status')
    const result = await run({ purge: 'url' })

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /::notice::purge by URL 1\/1 \(resource 321\): the purge status endpoint failed \(GET \/cdn\/purge_statuses: HTTP 200 .*a proxy or filter\?.*\); waiting purge-settle/
    )
  })
})

describe('a resource GET answering JSON that is not a resource', () => {
  it.each(['null', '[]', '"ok"', '{}'])(
    '%s: settings not read, said as such; resource-check: required fails before any POST',
    async body => {
      gcore.inject({ operation: 'resource', on: 'every', fault: { kind: 'status', status: 200, body } })
      const auto = await run({ purge: 'auto' })
      const got = { null: 'null', '[]': 'an empty list', '"ok"': 'a string', '{}': 'an object without a numeric id' }[body]
      expect(auto.code).toBe(0)
      expect(auto.stdout).toContain(
        `::warning::Resource 321: its settings could not be read (GET /cdn/resources/321: the answer is ${got}, not a resource)`
      )
      expect(auto.stdout).not.toContain('can_purge_by_urls is false')

      const posts = gcore.log.filter(entry => entry.method === 'POST').length
      const required = await run({ purge: 'auto', 'resource-check': 'required' })
      expect(required.code).toBe(1)
      expect(required.stdout).toContain(
        `::error::resource-check is required, but resource 321: its settings could not be read (GET /cdn/resources/321: the answer is ${got}, not a resource).`
      )
      expect(gcore.log.filter(entry => entry.method === 'POST')).toHaveLength(posts)
    }
  )
})
