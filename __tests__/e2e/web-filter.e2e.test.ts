/**
 * Only Gcore's answers count: a corporate web filter answering `200 text/html`
 * ("Blocked by corporate web filter") to every request, through dist/index.js
 * against the emulator, as the runner shows it: the exit code, the log's
 * notices and warnings, the outputs and the summary. What the engine does
 * behind a filter on each endpoint is tested in process:
 * engine/foreign-answers.test.ts.
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
})
