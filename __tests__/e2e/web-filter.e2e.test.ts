/**
 * Only Gcore's answers count: a corporate web filter answering `200 text/html`
 * ("Blocked by corporate web filter") to every request, and a resource GET
 * answering `null` or `[]`, through dist/index.js against the emulator, as the
 * runner shows them: the exit code, the log's notices, warnings and errors, the
 * outputs and the summary. The filter page on each endpoint alone is a fault
 * kind of the chaos suite (e2e/chaos.e2e), and what the engine decides behind
 * it is tested in process (engine/foreign-answers.test.ts).
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import type { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { batchesOf, expectOutputsPresent, expectPathsPartitioned } from '../support/checks.js'
import { runChecked, startEmulator } from '../support/e2e.js'
import { writes } from '../support/requests.js'
import type { ActionRun } from '../support/run-action.js'

const REASON = 'the answer came from something between you and Gcore: a proxy or filter?'
const EXCERPT = 'It said: "Blocked by corporate web filter"'
const PATHS = ['/f/1.iso', '/f/2.iso']

const started: GcoreEmulator[] = []
afterAll(() => Promise.all(started.map(gcore => gcore.stop())))

async function emulator(): Promise<GcoreEmulator> {
  const gcore = await startEmulator({ windowMs: 200 })
  started.push(gcore)
  return gcore
}

/** A run of PATHS on resource 321 at a fast pace; every output set and every path accounted for, whatever happened. */
async function run(gcore: GcoreEmulator, extra: Record<string, string>): Promise<ActionRun> {
  const result = await runChecked(gcore, {
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
  return result
}

describe('a web filter answering 200 text/html in place of Gcore', () => {
  it.concurrent('on every request: nothing counts as prefetched, the step fails and says why', async () => {
    const gcore = await emulator()
    gcore.inject({ operation: 'any', on: 'every', fault: { kind: 'filter-page' } })
    const result = await run(gcore, { purge: 'url' })

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
})

describe('a resource GET answering JSON that is not a resource', () => {
  it.concurrent.each([
    ['null', 'null'],
    ['[]', 'an empty list']
  ])('%s: settings not read, said as such; resource-check: required fails before any purge or prefetch', async (body, said) => {
    const gcore = await emulator()
    gcore.inject({ operation: 'resource', on: 'every', fault: { kind: 'status', status: 200, body } })
    const auto = await run(gcore, { purge: 'auto' })

    expect(auto.code).toBe(0)
    expect(auto.stdout).toContain(
      `::warning::Resource 321: its settings could not be read (GET /cdn/resources/321: the answer is ${said}, not a resource)`
    )
    expect(auto.stdout).not.toContain('can_purge_by_urls is false')

    const sentBefore = writes(gcore).length
    const required = await run(gcore, { purge: 'auto', 'resource-check': 'required' })
    expect(required.code).toBe(1)
    expect(required.stdout).toContain(
      `::error::resource-check is required, but resource 321: its settings could not be read (GET /cdn/resources/321: the answer is ${said}, not a resource).`
    )
    expect(writes(gcore)).toHaveLength(sentBefore)
  })
})
