/**
 * Only Gcore's answers count. A corporate web filter answering `200 text/html`
 * ("Blocked by corporate web filter") in place of Gcore, on each endpoint the
 * engine uses: a purge or a prefetch behind it fails (retried like a 5xx, then
 * reported with the reason and an excerpt); every GET behind it is "not
 * read", with the same reason. Also a resource GET answering JSON that is not
 * a resource: settings not read, and `resource-check: required` fails before
 * anything is sent. (The whole process behind a filter: e2e/web-filter.e2e.)
 */
import { describe, expect, it } from '@jest/globals'
import type { FaultOperation } from '../../emulator/gcore-emulator.js'
import { expectPartitioned, fakeGcore, linesAt, warmUp } from '../support/engine.js'
import { operations, writes } from '../support/requests.js'
import type { Inputs } from '../support/settings.js'

const REASON = 'the answer came from something between you and Gcore: a proxy or filter?'
const EXCERPT = 'It said: "Blocked by corporate web filter"'
const PATHS = ['/f/1.iso', '/f/2.iso']

/** A fake Gcore behind a filter that answers `operation`'s requests. */
function filtered(operation: FaultOperation, on: 'every' | number[] = 'every') {
  return fakeGcore().inject({ operation, on, fault: { kind: 'filter-page' } })
}

async function run(gcore: ReturnType<typeof fakeGcore>, extra: Inputs = {}) {
  const warmed = await warmUp({ paths: PATHS.join('\n'), 'request-timeout': '2', 'max-attempts': '2', ...extra }, { gcore })
  expectPartitioned(warmed.report, PATHS)
  return warmed
}

const count = (gcore: ReturnType<typeof fakeGcore>, operation: string) => operations(gcore).filter(name => name === operation).length

describe('a web filter answering 200 text/html in place of Gcore', () => {
  it('on the first prefetch: retried like a 5xx, and the retry that reaches Gcore counts', async () => {
    const gcore = filtered('prefetch', [1])
    const warmed = await run(gcore)

    expect(warmed.verdict.failed).toBe(false)
    expect(warmed.report.batches[0]).toMatchObject({ outcome: 'succeeded', status: 201, attempts: 2 })
    expect(warmed.lines.some(line => line.includes(REASON))).toBe(true)
  })

  it('on every prefetch: failed after max-attempts, with the reason and the excerpt', async () => {
    const gcore = filtered('prefetch')
    const warmed = await run(gcore)

    expect(warmed.verdict.failed).toBe(true)
    expect(count(gcore, 'prefetch')).toBe(2)
    expect(warmed.report.batches[0].error).toMatch(
      new RegExp(`not Gcore's \\(text/html, not JSON\\): .*${EXCERPT} \\(gave up after 2 attempts\\)$`)
    )
  })

  it('on the purge: the purge fails, and its paths are not prefetched', async () => {
    const gcore = filtered('purge')
    const warmed = await run(gcore, { purge: 'url' })

    expect(warmed.verdict.failed).toBe(true)
    expect(count(gcore, 'prefetch')).toBe(0)
    expect(warmed.report.batches.map(batch => [batch.operation, batch.outcome])).toEqual([
      ['purge', 'failed'],
      ['prefetch', 'not-attempted']
    ])
  })

  it('on the limits GET: not read, with the reason; the documented limits apply', async () => {
    const warmed = await run(filtered('limits'))

    expect(warmed.verdict.failed).toBe(false)
    expect(linesAt('notice', warmed.lines)).toContainEqual(
      expect.stringMatching(
        /^Could not read the account's limits \(GET \/cdn\/clients\/me\/limits: HTTP 200 with a body that is not Gcore's/
      )
    )
    expect(warmed.report.limits).toContain('prefetch interval 60 s (Gcore documented)')
  })

  it('on the resource GET: settings not read, with the reason; resource-check: required fails before anything is sent', async () => {
    const auto = await run(filtered('resource'), { purge: 'auto' })
    expect(auto.verdict.failed).toBe(false)
    expect(linesAt('warning', auto.lines)).toContainEqual(
      expect.stringMatching(/^Resource 101: its settings could not be read \(GET \/cdn\/resources\/101: HTTP 200 .*a proxy or filter\?/)
    )
    expect(auto.report.resources[0].purgeKind).toBe('url')

    const gcore = filtered('resource')
    const required = await run(gcore, { purge: 'auto', 'resource-check': 'required' })
    expect(required.verdict).toEqual({
      failed: true,
      message: expect.stringMatching(
        /^resource-check is required, but resource 101: its settings could not be read \(GET \/cdn\/resources\/101: HTTP 200 .*a proxy or filter\?/
      )
    })
    expect(writes(gcore)).toEqual([])
  })

  it('on the rules GET: the rules embedded in the resource are used, and the run goes on', async () => {
    const gcore = filtered('rules')
    const warmed = await run(gcore, { purge: 'auto', 'resource-check': 'required' })

    expect(warmed.verdict.failed).toBe(false)
    expect(count(gcore, 'rules')).toBe(2) // asked once more, like any failure that may pass
    expect(warmed.report.prefetchedCount).toBe(2)
  })

  it('on the hostname lookup (GET /cdn/resources): an input error with the reason and the fix, before any request is sent', async () => {
    const gcore = filtered('resources')
    const warmed = await warmUp({ paths: PATHS.join('\n'), 'resource-id': 'cdn101.example.com' }, { gcore })

    expect(warmed.inputError?.input).toBe('resource-id')
    expect(warmed.verdict.message).toMatch(
      /^Input "resource-id" "cdn101\.example\.com" could not be looked up \(GET \/cdn\/resources: HTTP 200 .*a proxy or filter\? .*\); give the resource's numeric ID instead\./
    )
    expect(writes(gcore)).toEqual([])
  })

  it('on the purge-status GET: the purge-settle wait, with the reason', async () => {
    const warmed = await run(filtered('purge-status'), { purge: 'url' })

    expect(warmed.verdict.failed).toBe(false)
    expect(linesAt('notice', warmed.lines)).toContainEqual(
      expect.stringMatching(
        /^purge by URL 1\/1 \(resource 101\): the purge status endpoint failed \(GET \/cdn\/purge_statuses: HTTP 200 .*a proxy or filter\?.*\); waiting purge-settle/
      )
    )
  })

  it('on the origin group GET: the origin check skips the resource with the reason; the run goes on', async () => {
    const warmed = await run(filtered('origin-group'))

    expect(warmed.verdict.failed).toBe(false)
    expect(warmed.report.skippedChecks).toEqual([
      {
        resource: 101,
        check: 'origin',
        why: expect.stringMatching(
          /^origin group 1 could not be read \(GET \/cdn\/origin_groups\/1: HTTP 200 with a body that is not Gcore's .*a proxy or filter\?/
        )
      }
    ])
    expect(warmed.report.prefetchedCount).toBe(2)
  })
})

describe('a resource GET answering JSON that is not a resource', () => {
  it.each(['null', '[]', '"ok"', '{}'])(
    '%s: settings not read, said as such; resource-check: required fails before any POST',
    async body => {
      const fault = { kind: 'status' as const, status: 200, body }
      const got = { null: 'null', '[]': 'an empty list', '"ok"': 'a string', '{}': 'an object without a numeric id' }[body]
      const why = `its settings could not be read (GET /cdn/resources/101: the answer is ${got}, not a resource)`

      const auto = await run(fakeGcore().inject({ operation: 'resource', on: 'every', fault }), { purge: 'auto' })
      expect(auto.verdict.failed).toBe(false)
      expect(linesAt('warning', auto.lines)).toEqual([
        `Resource 101: ${why}; purging by URL as before, slice and cache-key settings not checked.`
      ])
      expect(auto.lines.some(line => line.includes('can_purge_by_urls is false'))).toBe(false)

      const gcore = fakeGcore().inject({ operation: 'resource', on: 'every', fault })
      const required = await run(gcore, { purge: 'auto', 'resource-check': 'required' })
      expect(required.verdict).toEqual({ failed: true, message: `resource-check is required, but resource 101: ${why}.` })
      expect(writes(gcore)).toEqual([])
    }
  )
})
