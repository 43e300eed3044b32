/**
 * `warm()` in process: inputs from a plain object (empty means action.yml's
 * default, as readSettings reads it), the fake Gcore on a fake clock, a
 * recording logger, and files in a temporary workspace. What a test asserts is
 * the returned report and what the fake was sent.
 */
import { expect } from '@jest/globals'
import { tmpdir } from 'node:os'
import { warm, type EngineOptions, type EngineOutcome } from '../../src/core/engine.js'
import type { NameInput } from '../../src/core/input-error.js'
import { nodeFileSource } from '../../src/core/paths/node-file-source.js'
import type { ReleaseApi } from '../../src/core/ports.js'
import type { RunReport } from '../../src/core/report/model.js'
import type { LoggedRequest } from '../../emulator/gcore-emulator.js'
import { FakeClock, recordingLogger } from './fake-clock.js'
import { FakeGcore, type FakeGcoreOptions } from './fake-gcore.js'
import type { Inputs } from './settings.js'

export const KEY = 'engine-k3y $ecret "quoted"'
export const RESOURCE = 101
export const MINUTE = 60_000

/** A fake Gcore with the engine's key, on a fresh fake clock (or the one given). */
export function fakeGcore(options: Partial<FakeGcoreOptions> = {}): FakeGcore & { clock: FakeClock } {
  const clock = options.clock instanceof FakeClock ? options.clock : new FakeClock()
  return Object.assign(new FakeGcore({ apiKey: KEY, ...options, clock }), { clock })
}

export interface Warmed extends EngineOutcome {
  report: RunReport
  gcore: FakeGcore & { clock: FakeClock }
  /** What the log got, `warning: …` and `notice: …` marked. */
  lines: string[]
  /** Fake milliseconds the run took. */
  elapsed: number
}

export interface WarmSetup {
  gcore?: FakeGcore & { clock: FakeClock }
  workspace?: string
  releases?: ReleaseApi
  signal?: AbortSignal
  /** How messages name an input; the action's way by default. */
  name?: NameInput
}

/** The engine's options for `inputs` (with the key and resource 101), on the fake Gcore and its clock. */
export function engineOptions(
  inputs: Inputs,
  setup: WarmSetup & { gcore: FakeGcore & { clock: FakeClock } }
): EngineOptions & { logger: { lines: string[] } } {
  const all: Inputs = { 'api-key': KEY, 'resource-id': String(RESOURCE), ...inputs }
  return {
    getInput: name => all[name] ?? '',
    logger: recordingLogger(),
    clock: setup.gcore.clock,
    files: nodeFileSource,
    network: setup.gcore,
    releases: setup.releases,
    signal: setup.signal ?? new AbortController().signal,
    workspace: setup.workspace ?? tmpdir(),
    name: setup.name
  }
}

/** Runs the engine with the key, resource 101, and `inputs`. */
export async function warmUp(inputs: Inputs, setup: WarmSetup = {}): Promise<Warmed> {
  const gcore = setup.gcore ?? fakeGcore()
  const options = engineOptions(inputs, { ...setup, gcore })
  const started = gcore.clock.now()
  const outcome = await warm(options)
  return { ...outcome, gcore, lines: options.logger.lines, elapsed: gcore.clock.now() - started }
}

/**
 * A signal that aborts once the engine has the answer to the first request
 * matching `test` (a hang: once it arrived), as a runner's signal would come
 * after the log showed it.
 */
export function cancelWhen(gcore: FakeGcore, test: (entry: LoggedRequest) => boolean): AbortSignal {
  const controller = new AbortController()
  gcore.onRequest(entry => {
    if ('operation' in entry && test(entry)) setImmediate(() => controller.abort())
  })
  return controller.signal
}

/** A signal that aborts `ms` into the run, on the fake clock. */
export function cancelAfter(clock: FakeClock, ms: number): AbortSignal {
  const controller = new AbortController()
  void clock.sleep(ms).then(() => controller.abort())
  return controller.signal
}

/** The lines of the log at one level: `warning`, `notice`. */
export function linesAt(level: 'warning' | 'notice', lines: string[]): string[] {
  return lines.filter(line => line.startsWith(`${level}: `)).map(line => line.slice(level.length + 2))
}

/**
 * prefetched (the paths of accepted prefetch batches) + failed + skipped =
 * every path given, with no overlap, and the counts agree.
 */
export function expectPartitioned(report: RunReport, given: readonly string[]): void {
  const prefetched = [
    ...new Set(
      report.batches.filter(batch => batch.operation === 'prefetch' && batch.outcome === 'succeeded').flatMap(batch => batch.paths)
    )
  ]
  const all = [...prefetched, ...report.failedPaths, ...report.skippedPaths]
  expect(new Set(all).size).toBe(all.length)
  expect([...all].sort()).toEqual([...given].sort())
  expect(report.totalCount).toBe(given.length)
  expect([report.prefetchedCount, report.failedCount, report.skippedCount]).toEqual([
    prefetched.length,
    report.failedPaths.length,
    report.skippedPaths.length
  ])
}
