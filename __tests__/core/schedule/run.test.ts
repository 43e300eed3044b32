import { describe, expect, it } from '@jest/globals'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import type { PathPurge } from '../../../src/core/plan/batches.js'
import type { GcoreApi, RequestKind } from '../../../src/core/ports.js'
import { runSchedule, type ScheduleOptions } from '../../../src/core/schedule/run.js'
import { paths } from '../../support/paths.js'
import { planOf, type TestPlan } from '../../support/plan.js'
import { FakeClock, recordingLogger } from '../../support/fake-clock.js'

type Operation = 'purge' | 'prefetch'

interface Call {
  at: number
  operation: Operation
  kind: RequestKind
  resource: number
  paths: string[]
}

type Answer = { status: number; date?: string | null } | GcoreError

/**
 * An API on the fake clock: answers after `latencyMs`, with `answer(call, n)`
 * deciding how. Like the real client, it gives up at once when the run's
 * signal aborts, rejecting with a `cancelled` GcoreError.
 */
class FakeApi implements GcoreApi {
  readonly calls: Call[] = []
  constructor(
    private readonly clock: FakeClock,
    private readonly answer: (call: Call, n: number) => Answer = () => ({ status: 201 }),
    private readonly latencyMs = 0
  ) {}

  async send(kind: RequestKind, resource: number, paths: string[], signal?: AbortSignal): Promise<{ status: number; date: string | null }> {
    const operation: Operation = kind === 'prefetch' ? 'prefetch' : 'purge'
    const call = { at: this.clock.elapsed(), operation, kind, resource, paths }
    this.calls.push(call)
    const n = this.calls.filter(c => c.operation === operation && c.resource === resource).length
    await this.clock.sleep(this.latencyMs, signal)
    if (signal?.aborted) throw new GcoreError('cancelled while the request was in flight', 'cancelled', null)
    const result = this.answer(call, n)
    if (result instanceof GcoreError) throw result
    return { date: null, ...result }
  }

  async getJson(): Promise<unknown> {
    throw new Error('not used')
  }
}

const MINUTE = 60_000

function setup(
  options: { count?: number; purge?: PathPurge; resources?: number[]; batchSize?: number; latencyMs?: number } = {},
  answer?: (call: Call, n: number) => Answer
) {
  const clock = new FakeClock()
  const api = new FakeApi(clock, answer, options.latencyMs ?? 0)
  const logger = recordingLogger()
  const all = paths(options.count ?? 250, '/f')
  const plan = planOf(all, { resources: options.resources, purge: options.purge, sizes: { prefetch: options.batchSize ?? 100 } })
  const schedule: ScheduleOptions = {
    intervals: { prefetchMs: MINUTE, purgeUrlMs: MINUTE / 2, purgePatternMs: MINUTE },
    sizes: plan.sizes,
    maxAttempts: 5,
    clock,
    logger,
    random: () => 1
  }
  return { clock, api, logger, plan, schedule }
}

const execute = (plan: TestPlan, api: GcoreApi, options: ScheduleOptions) => runSchedule(plan.resources, api, options)

const times = (calls: Call[], operation: Operation = 'prefetch'): number[] =>
  calls.filter(call => call.operation === operation).map(call => call.at)

describe('execute', () => {
  it('sends N batches (N-1) intervals apart, counted from each answer', async () => {
    const { api, plan, schedule, clock } = setup({ count: 250, latencyMs: 150 })
    const results = await execute(plan, api, schedule)

    expect(times(api.calls)).toEqual([0, MINUTE + 150, 2 * MINUTE + 300])
    expect(clock.elapsed()).toBe(2 * MINUTE + 450)
    expect(results.map(r => [r.outcome, r.status, r.attempts])).toEqual([
      ['succeeded', 201, 1],
      ['succeeded', 201, 1],
      ['succeeded', 201, 1]
    ])
  })

  it('pipelines purge and prefetch: prefetch k waits only for purge k', async () => {
    const { api, plan, schedule } = setup({ count: 300, purge: 'url', latencyMs: 100 })
    await execute(plan, api, schedule)

    expect(times(api.calls, 'purge')).toEqual([0, 30_100, 60_200])
    // Prefetch 1 right after purge 1 was accepted, then one interval after each answer.
    expect(times(api.calls, 'prefetch')).toEqual([100, 60_200, 120_300])
    const purgedAt = new Map(api.calls.filter(c => c.operation === 'purge').flatMap(c => c.paths.map(p => [p, c.at + 100])))
    for (const call of api.calls.filter(c => c.operation === 'prefetch')) {
      for (const path of call.paths) expect(purgedAt.get(path)).toBeLessThanOrEqual(call.at)
    }
  })

  it('does not prefetch paths whose purge failed', async () => {
    const { api, plan, schedule } = setup({ count: 200, purge: 'url' }, (call, n) =>
      call.operation === 'purge' && n === 1 ? new GcoreError('HTTP 400: bad', 'rejected', 400) : { status: 201 }
    )
    const results = await execute(plan, api, schedule)

    expect(api.calls.filter(c => c.operation === 'prefetch').map(c => c.paths[0])).toEqual(['/f/100.iso'])
    const prefetch1 = results.find(r => r.batch.operation === 'prefetch' && r.batch.index === 1)!
    expect(prefetch1.outcome).toBe('not-attempted')
    expect(prefetch1.error).toMatch(/purge of these paths failed/)
    expect(prefetch1.items).toEqual(paths(100, '/f'))
  })

  it('runs resources concurrently, each under its own limit', async () => {
    const { api, plan, schedule, clock } = setup({ count: 250, resources: [101, 202] })
    await execute(plan, api, schedule)

    for (const resource of [101, 202]) {
      expect(api.calls.filter(c => c.resource === resource).map(c => c.at)).toEqual([0, MINUTE, 2 * MINUTE])
    }
    expect(clock.elapsed()).toBe(2 * MINUTE)
  })

  it('waits one full interval after a 429 without Retry-After', async () => {
    const { api, plan, schedule } = setup({ count: 100 }, (_, n) =>
      n === 1 ? new GcoreError('HTTP 429: throttled', 'rate-limited', 429) : { status: 201 }
    )
    const [result] = await execute(plan, api, schedule)

    expect(times(api.calls)).toEqual([0, MINUTE])
    expect(result).toMatchObject({ outcome: 'succeeded', attempts: 2, status: 201, error: null })
  })

  it('waits what Retry-After says, in seconds or as an HTTP date, when it is longer than the interval', async () => {
    const start = new FakeClock().now()
    const date = new Date(start + 175_000).toUTCString()
    const { api, plan, schedule } = setup({ count: 100 }, (_, n) =>
      n === 1
        ? new GcoreError('HTTP 429', 'rate-limited', 429, '75')
        : n === 2
          ? new GcoreError('HTTP 429', 'rate-limited', 429, date)
          : { status: 201 }
    )
    await execute(plan, api, schedule)

    expect(times(api.calls)).toEqual([0, 75_000, 175_000])
  })

  it.each(['0', '-5', 'Thu, 01 Jan 2026 00:00:00 GMT', '2'])(
    'never retries sooner than the interval, whatever Retry-After says (%j)',
    async header => {
      const { api, plan, schedule } = setup({ count: 100 }, (_, n) =>
        n <= 2 ? new GcoreError('HTTP 429', 'rate-limited', 429, header) : { status: 201 }
      )
      await execute(plan, api, schedule)

      expect(times(api.calls)).toEqual([0, MINUTE, 2 * MINUTE])
    }
  )

  it('caps a huge Retry-After at two intervals, and says so', async () => {
    const { api, plan, schedule, logger } = setup({ count: 100 }, (_, n) =>
      n === 1 ? new GcoreError('HTTP 429', 'rate-limited', 429, '86400') : { status: 201 }
    )
    await execute(plan, api, schedule)

    expect(times(api.calls)).toEqual([0, 2 * MINUTE])
    expect(logger.lines).toContain('warning: prefetch 1/1 (resource 1): Retry-After 86400 s is capped at 120 s')
  })

  it('fails a batch that is still throttled after max-attempts, and moves on', async () => {
    const { api, plan, schedule } = setup({ count: 200 }, (_, n) =>
      n <= 5 ? new GcoreError('HTTP 429: throttled', 'rate-limited', 429) : { status: 201 }
    )
    const results = await execute(plan, api, schedule)

    expect(times(api.calls)).toEqual([0, 1, 2, 3, 4, 5].map(k => k * MINUTE))
    expect(results[0]).toMatchObject({ outcome: 'failed', attempts: 5, status: 429 })
    expect(results[0].error).toMatch(/gave up after 5 attempts/)
    expect(results[1]).toMatchObject({ outcome: 'succeeded', attempts: 1 })
  })

  it('backs off exponentially on 5xx and network errors', async () => {
    const { api, plan, schedule } = setup({ count: 100 }, (_, n) =>
      n <= 3 ? new GcoreError('HTTP 503', 'transient', 503) : { status: 201 }
    )
    const [result] = await execute(plan, api, schedule)

    // random() = 1 gives the full backoff: 1 s, 2 s, 4 s.
    expect(times(api.calls)).toEqual([0, 1000, 3000, 7000])
    expect(result).toMatchObject({ outcome: 'succeeded', attempts: 4 })
  })

  it('does not retry other 4xx; the batch fails with the message and the others go on', async () => {
    const { api, plan, schedule } = setup({ count: 300 }, (_, n) =>
      n === 2 ? new GcoreError('HTTP 400: paths[3]: This field may not be blank.', 'rejected', 400) : { status: 201 }
    )
    const results = await execute(plan, api, schedule)

    expect(api.calls).toHaveLength(3)
    expect(results.map(r => r.outcome)).toEqual(['succeeded', 'failed', 'succeeded'])
    expect(results[1]).toMatchObject({ status: 400, attempts: 1, error: 'HTTP 400: paths[3]: This field may not be blank.' })
  })

  it('stops everything on 401 and reports the rest as not attempted', async () => {
    const { api, plan, schedule } = setup({ count: 300, purge: 'url' }, (call, n) =>
      call.operation === 'prefetch' && n === 2 ? new GcoreError('HTTP 401: bad key', 'auth', 401) : { status: 201 }
    )
    const results = await execute(plan, api, schedule)

    const prefetches = results.filter(r => r.batch.operation === 'prefetch')
    expect(prefetches.map(r => r.outcome)).toEqual(['succeeded', 'failed', 'not-attempted'])
    expect(prefetches[1].attempts).toBe(1)
    expect(prefetches[2].error).toMatch(/refused the key/)
    expect(results.every(r => r.outcome !== 'planned')).toBe(true)
  })

  it('on cancel while waiting: sends nothing more and marks the rest cancelled', async () => {
    const { api, plan, schedule, clock } = setup({ count: 300 })
    const controller = new AbortController()
    void clock.sleep(30_000).then(() => controller.abort())
    const results = await execute(plan, api, { ...schedule, signal: controller.signal })

    expect(api.calls).toHaveLength(1)
    expect(results.map(r => r.outcome)).toEqual(['succeeded', 'cancelled', 'cancelled'])
    expect(clock.elapsed()).toBe(30_000)
  })

  it('on cancel during a request in flight: stops waiting for it and says so', async () => {
    const { api, plan, schedule, clock } = setup({ count: 100, latencyMs: 20_000 })
    const controller = new AbortController()
    void clock.sleep(5000).then(() => controller.abort())
    const [result] = await execute(plan, api, { ...schedule, signal: controller.signal })

    expect(result.outcome).toBe('cancelled')
    expect(result.error).toMatch(/in flight/)
    expect(clock.elapsed()).toBeLessThan(20_000)
  })

  it('logs one group per request and the wait before the next', async () => {
    const { api, plan, schedule, logger } = setup({ count: 150 })
    await execute(plan, api, schedule)

    expect(logger.lines).toContain('prefetch 1/2 (resource 1) · 100 paths · attempt 1/5 · HTTP 201 · 0 ms')
    expect(logger.lines).toContain('prefetch 2/2 (resource 1): waiting 60 s for the next slot')
  })
})

describe('an unreachable API', () => {
  it('fails the first batch after its retries and does not grind through the rest', async () => {
    const { api, plan, schedule } = setup({ count: 300 }, () => new GcoreError('connection refused', 'transient', null))
    const results = await execute(plan, api, schedule)

    expect(api.calls).toHaveLength(5)
    expect(results.map(r => r.outcome)).toEqual(['failed', 'not-attempted', 'not-attempted'])
    expect(results[1].error).toBe('not attempted: the API could not be reached (connection refused (gave up after 5 attempts))')
  })

  it('keeps going when the API answered before and then went away', async () => {
    const { api, plan, schedule } = setup({ count: 300 }, (_, n) =>
      n === 1 ? { status: 201 } : new GcoreError('connection reset', 'transient', null)
    )
    const results = await execute(plan, api, { ...schedule, maxAttempts: 2 })

    expect(api.calls).toHaveLength(5)
    expect(results.map(r => r.outcome)).toEqual(['succeeded', 'failed', 'failed'])
  })
})

describe('waiting for purges to finish', () => {
  it('holds each prefetch until its own purge completed, without holding later purges', async () => {
    const { api, plan, schedule, clock } = setup({ count: 300, purge: 'url' })
    const completedAt: number[] = []
    const results = await execute(plan, api, {
      ...schedule,
      afterPurge: async batch => {
        await clock.sleep(45_000) // Gcore takes 45 s to finish each purge
        completedAt[batch.index] = clock.elapsed()
        return batch.index === 2
          ? { ok: false, error: 'purge accepted, but Gcore reports it Failed' }
          : { ok: true, purgeId: null, createdAt: null }
      }
    })

    expect(times(api.calls, 'purge')).toEqual([0, 30_000, 60_000])
    expect(times(api.calls, 'prefetch')).toEqual([45_000, 105_000])
    expect(api.calls.filter(c => c.operation === 'prefetch').map(c => c.paths[0])).toEqual(['/f/0.iso', '/f/200.iso'])
    const purge2 = results.find(r => r.batch.operation === 'purge' && r.batch.index === 2)!
    expect(purge2).toMatchObject({ outcome: 'failed', error: 'purge accepted, but Gcore reports it Failed', completed: null })
    const purge1 = results.find(r => r.batch.operation === 'purge' && r.batch.index === 1)!
    expect(purge1.completed! - purge1.started!).toBe(45_000)
    expect(completedAt.slice(1)).toEqual([45_000, 75_000, 105_000])
  })
})

describe('lanes by purge kind', () => {
  it('sends pattern purges of at most 10 patterns at the pattern rate, each prefetch after its own', async () => {
    const { api, plan, schedule } = setup({ count: 200, purge: 'pattern' })
    await execute(plan, api, schedule)

    const purges = api.calls.filter(c => c.operation === 'purge')
    expect(purges.every(c => c.kind === 'pattern' && c.paths.length <= 10)).toBe(true)
    expect(purges.map(c => c.at)).toEqual(Array.from({ length: 20 }, (_, k) => k * MINUTE))
    // Prefetch 1 needs patterns 1-10 (sent at 0 … 9 min); prefetch 2 patterns 11-20.
    expect(times(api.calls)).toEqual([9 * MINUTE, 19 * MINUTE])
  })

  it('sends one purge all per resource before every prefetch', async () => {
    const { api, plan, schedule } = setup({ count: 250, purge: 'all', resources: [1, 2] })
    await execute(plan, api, schedule)

    const purges = api.calls.filter(c => c.operation === 'purge')
    expect(purges.map(c => [c.resource, c.kind, c.paths])).toEqual([
      [1, 'all', []],
      [2, 'all', []]
    ])
    expect(times(api.calls)).toEqual([0, 0, MINUTE, MINUTE, 2 * MINUTE, 2 * MINUTE])
  })
})

describe('stops', () => {
  it('stops one resource on 404 and lets the other go on', async () => {
    const { api, plan, schedule } = setup({ count: 300, resources: [1, 2] }, call =>
      call.resource === 2 ? new GcoreError('HTTP 404: resource 2 was not found', 'not-found', 404) : { status: 201 }
    )
    const results = await execute(plan, api, schedule)

    expect(api.calls.filter(c => c.resource === 2)).toHaveLength(1)
    expect(results.filter(r => r.batch.resource === 1).map(r => r.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    expect(results.filter(r => r.batch.resource === 2).map(r => r.outcome)).toEqual(['failed', 'not-attempted', 'not-attempted'])
    expect(results.find(r => r.batch.resource === 2 && r.batch.index === 2)!.error).toBe(
      'not attempted: resource 2 does not exist for this key (HTTP 404) earlier in this run'
    )
  })

  it('fails a batch already tried when the time budget leaves no time for another try', async () => {
    const { api, plan, schedule, clock } = setup({ count: 200 }, (_, n) =>
      n === 1 ? new GcoreError('HTTP 503', 'transient', 503) : { status: 201 }
    )
    const results = await execute(plan, api, { ...schedule, sendBy: clock.now() + 500 })

    expect(api.calls).toHaveLength(1)
    expect(results.map(r => [r.outcome, r.attempts])).toEqual([
      ['failed', 1],
      ['not-attempted', 0]
    ])
    expect(results[0].error).toBe('HTTP 503 (no time left for another try within the time-budget)')
  })

  it('sends nothing whose turn comes after the time budget, and marks it not attempted', async () => {
    const { api, plan, schedule, clock } = setup({ count: 500 })
    const results = await execute(plan, api, { ...schedule, sendBy: clock.now() + 150_000 })

    expect(times(api.calls)).toEqual([0, MINUTE, 2 * MINUTE])
    expect(results.map(r => r.outcome)).toEqual(['succeeded', 'succeeded', 'succeeded', 'not-attempted', 'not-attempted'])
    expect(results[3].error).toBe('not attempted: the time-budget would run out before its turn')
  })
})
