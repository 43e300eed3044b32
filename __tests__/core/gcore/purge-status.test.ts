import { describe, expect, it } from '@jest/globals'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import { awaitPurge, findPurge } from '../../../src/core/gcore/purge-status.js'
import { FakeClock, recordingLogger } from '../../support/fake-clock.js'

const batch = { resource: 7, kind: 'url' as const, items: ['/a.iso', '/b%20c.iso'], label: 'purge by URL 1/1 (resource 7)' }
const entry = (status: string, extra: Record<string, unknown> = {}) => ({
  purge_id: 1,
  status,
  purge_type: 'purge_by_url',
  created: '2026-11-24T12:00:01.000Z',
  resource: { id: 7, cname: 'cdn.example.com' },
  payload: { urls: ['http://cdn.example.com/a.iso', 'http://cdn.example.com/b%20c.iso'] },
  ...extra
})

function setup(answers: (n: number, path: string) => unknown) {
  const clock = new FakeClock()
  const logger = recordingLogger()
  const queries: string[] = []
  const api = {
    getJson: async (path: string) => {
      queries.push(path)
      const answer = answers(queries.length, path)
      if (answer instanceof Error) throw answer
      return answer
    }
  }
  const wait = () => awaitPurge(api, batch, clock.now(), { clock, logger, timeoutMs: 300_000, settleMs: 10_000, pollMs: 5000 })
  return { clock, logger, queries, wait }
}

describe('findPurge', () => {
  it('matches by resource and payload, ignoring the host, newest first', () => {
    const older = entry('Failed', { created: '2026-11-24T11:00:00Z' })
    const newer = entry('Successful')
    expect(findPurge([older, newer, entry('Successful', { resource: { id: 8 } })], batch)).toBe(newer)
    expect(findPurge([entry('Successful', { payload: { urls: ['/a.iso'] } })], batch)).toBeUndefined()
    expect(findPurge([entry('Successful', { purge_type: 'purge_all' })], batch)).toBeUndefined()
  })

  it('matches a pattern purge by its patterns, and a purge all by its type', () => {
    const pattern = entry('Successful', { purge_type: 'purge_by_pattern', payload: { paths: ['/releases/v2/', '/a.iso'] } })
    expect(findPurge([pattern], { resource: 7, kind: 'pattern', items: ['/a.iso', '/releases/v2/'] })).toBe(pattern)
    expect(findPurge([pattern], { resource: 7, kind: 'pattern', items: ['/b.iso'] })).toBeUndefined()
    const all = entry('In progress', { purge_type: 'purge_all', payload: { paths: [] } })
    expect(findPurge([pattern, all], { resource: 7, kind: 'all', items: [] })).toBe(all)
  })
})

describe('awaitPurge', () => {
  it('polls until Successful, asking for purge_by_url since just before the request, at most 100 a page', async () => {
    const { clock, queries, wait } = setup(n => [entry(n < 3 ? 'In progress' : 'Successful')])
    await expect(wait()).resolves.toMatchObject({ ok: true })
    expect(clock.elapsed()).toBe(10_000)
    expect(queries).toHaveLength(3)
    expect(queries[0]).toBe(
      `/cdn/purge_statuses?purge_type=purge_by_url&from_created=${encodeURIComponent('2026-11-24T11:59:50.000Z')}&limit=100&offset=0`
    )
  })

  it('fails the paths when Gcore reports the purge Failed', async () => {
    const { wait } = setup(() => ({ count: 1, next: null, previous: null, results: [entry('Failed')] }))
    await expect(wait()).resolves.toEqual({ ok: false, error: 'purge accepted, but Gcore reports it Failed' })
  })

  it.each([
    ['Status report disabled', () => [entry('Status report disabled')], /status reports are disabled/],
    ['no matching entry', () => [], /no matching entry/],
    ['a failing endpoint', () => new GcoreError('HTTP 502: bad gateway', 'transient', 502), /status endpoint failed \(HTTP 502/]
  ])('waits purge-settle and goes on with a notice on %s', async (_, answer, notice) => {
    const { clock, logger, wait } = setup(answer)
    await expect(wait()).resolves.toMatchObject({ ok: true })
    expect(logger.lines.find(line => line.startsWith('notice:'))).toMatch(notice)
    expect(clock.elapsed()).toBeGreaterThanOrEqual(10_000)
  })

  it('settles at once when the status endpoint answers 404 or 403', async () => {
    const { clock, queries, wait } = setup(() => new GcoreError('HTTP 404: Not found.', 'rejected', 404))
    await expect(wait()).resolves.toMatchObject({ ok: true })
    expect(queries).toHaveLength(1)
    expect(clock.elapsed()).toBe(10_000)
  })

  it('follows pages of the history', async () => {
    const { queries, wait } = setup(n =>
      n === 1
        ? { count: 2, next: 'page2', previous: null, results: [entry('Successful', { resource: { id: 9 } })] }
        : { count: 2, next: null, previous: null, results: [entry('Successful')] }
    )
    await expect(wait()).resolves.toMatchObject({ ok: true })
    expect(queries[1]).toContain('offset=100')
  })

  it('prefetches anyway, with a warning, after purge-timeout', async () => {
    const { clock, logger, wait } = setup(() => [entry('In progress')])
    await expect(wait()).resolves.toMatchObject({ ok: true })
    expect(clock.elapsed()).toBe(300_000)
    expect(logger.lines.some(line => /warning: .*still In progress after purge-timeout/.test(line))).toBe(true)
  })
})
