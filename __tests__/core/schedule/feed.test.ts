/** Batches formed from the paths ready at the origin (src/core/schedule/feed.ts, through runSchedule). */
import { describe, expect, it } from '@jest/globals'
import type { PathState, Readiness } from '../../../src/core/origin/check.js'
import type { PathPurge } from '../../../src/core/plan/batches.js'
import type { GcoreApi, RequestKind } from '../../../src/core/ports.js'
import { runSchedule, type ScheduledResource } from '../../../src/core/schedule/run.js'
import { FakeClock, recordingLogger } from '../../support/fake-clock.js'
import { planOf } from '../../support/plan.js'

const MINUTE = 60_000

/** Readiness on the fake clock: each path's state as a function of the elapsed time. */
function scripted(clock: FakeClock, states: Record<string, (elapsed: number) => PathState>): Readiness {
  let pulse: () => void = () => undefined
  let changed = new Promise<void>(resolve => (pulse = resolve))
  // Wake the feed whenever a state may have changed: every second of fake time, while anything is pending.
  void (async () => {
    for (let second = 0; second < 600; second++) {
      await clock.sleep(1000)
      const wake = pulse
      changed = new Promise<void>(resolve => (pulse = resolve))
      wake()
    }
  })()
  return { state: (_resource, path) => states[path]?.(clock.elapsed()) ?? 'ready', changed: () => changed, taken: () => undefined }
}

function api(clock: FakeClock) {
  const calls: { at: number; kind: RequestKind; items: string[] }[] = []
  const gcore: GcoreApi = {
    async send(kind, _resource, items) {
      calls.push({ at: clock.elapsed(), kind, items })
      return { status: 201, date: null }
    },
    getJson: async () => Promise.reject(new Error('not used'))
  }
  return { gcore, calls }
}

function resourceOf(paths: string[], purge?: PathPurge, sizes = { prefetch: 2 }): ScheduledResource {
  return planOf(paths, { purge, sizes }).resources[0]
}

const run = (clock: FakeClock, resource: ScheduledResource, gcore: GcoreApi, readiness: Readiness, signal?: AbortSignal) =>
  runSchedule([resource], gcore, {
    intervals: { prefetchMs: MINUTE, purgeUrlMs: MINUTE / 2, purgePatternMs: MINUTE },
    sizes: { prefetch: 2, purgeUrl: 100, purgePattern: 10 },
    readiness,
    maxAttempts: 3,
    clock,
    logger: recordingLogger(),
    signal,
    random: () => 1
  })

describe('batches from ready paths', () => {
  it('does not hold a ready path back for one the origin does not have yet', async () => {
    const clock = new FakeClock()
    const { gcore, calls } = api(clock)
    const readiness = scripted(clock, { '/x.iso': t => (t < 20_000 ? 'waiting' : 'ready') })
    await run(clock, resourceOf(['/a.iso', '/x.iso', '/b.iso', '/c.iso']), gcore, readiness)
    expect(calls.map(call => [call.at, call.items])).toEqual([
      [0, ['/a.iso', '/b.iso']],
      [MINUTE, ['/x.iso', '/c.iso']]
    ])
  })

  it('forms exactly the plan’s batches when every path is ready', async () => {
    const clock = new FakeClock()
    const { gcore, calls } = api(clock)
    const resource = resourceOf(['/1', '/2', '/3', '/4', '/5'], 'url')
    const results = await run(clock, resource, gcore, scripted(clock, {}))
    expect(results.map(result => [result.batch.kind, result.batch.index, result.batch.of, result.items])).toEqual(
      resource.batches.map(batch => [batch.kind, batch.index, batch.of, batch.items])
    )
    expect(calls.filter(call => call.kind === 'prefetch').map(call => call.at)).toEqual([0, MINUTE, 2 * MINUTE])
  })

  it('holds a group while paths ahead of it are still asked for the first time', async () => {
    const clock = new FakeClock()
    const { gcore, calls } = api(clock)
    const readiness = scripted(clock, { '/a.iso': t => (t < 3000 ? 'unchecked' : 'ready') })
    await run(clock, resourceOf(['/a.iso', '/b.iso']), gcore, readiness)
    expect(calls.map(call => [call.at, call.items])).toEqual([[3000, ['/a.iso', '/b.iso']]])
  })

  it('puts a path that failed at the origin in no batch, and purges nothing of it', async () => {
    const clock = new FakeClock()
    const { gcore, calls } = api(clock)
    const readiness = scripted(clock, { '/gone.iso': t => (t < 10_000 ? 'waiting' : 'failed') })
    const results = await run(clock, resourceOf(['/a.iso', '/gone.iso', '/b.iso'], 'url'), gcore, readiness)
    expect(calls.flatMap(call => call.items)).not.toContain('/gone.iso')
    expect(results.flatMap(result => result.batch.items)).not.toContain('/gone.iso')
    expect(results.every(result => result.outcome === 'succeeded')).toBe(true)
  })

  it('sends a purge all once every path has settled at the origin; not at all when none is ready', async () => {
    const clock = new FakeClock()
    const { gcore, calls } = api(clock)
    const readiness = scripted(clock, { '/x.iso': t => (t < 20_000 ? 'waiting' : 'ready') })
    await run(clock, resourceOf(['/a.iso', '/x.iso'], 'all'), gcore, readiness)
    expect(calls.map(call => [call.at, call.kind])).toEqual([
      [20_000, 'all'],
      [20_000, 'prefetch']
    ])

    const none = api(clock)
    const results = await run(clock, resourceOf(['/a.iso'], 'all'), none.gcore, scripted(clock, { '/a.iso': () => 'failed' }))
    expect(none.calls).toEqual([])
    expect(results.map(result => [result.batch.kind, result.outcome, result.error])).toEqual([
      ['all', 'not-attempted', 'not attempted: none of the paths it clears is ready at the origin']
    ])
  })

  it('on a cancel, puts every path left (ready or not) in a cancelled batch at once', async () => {
    const clock = new FakeClock()
    const { gcore, calls } = api(clock)
    const controller = new AbortController()
    const readiness = scripted(clock, { '/x.iso': () => 'waiting', '/y.iso': () => 'waiting', '/z.iso': () => 'failed' })
    const done = run(clock, resourceOf(['/a.iso', '/x.iso', '/y.iso', '/z.iso']), gcore, readiness, controller.signal)
    await clock.sleep(30_000)
    controller.abort()
    const results = await done
    expect(clock.elapsed()).toBeLessThan(31_000)
    expect(calls.map(call => call.items)).toEqual([['/a.iso']])
    expect(results.map(result => [result.outcome, result.items])).toEqual([
      ['succeeded', ['/a.iso']],
      ['cancelled', ['/x.iso', '/y.iso']]
    ])
  })
})
