/**
 * The end-to-end tests' one toolbox: the committed dist/index.js, run as the
 * runner runs it (run-action.ts), against the Gcore emulator on 127.0.0.1.
 * What a run sent is read with support/requests.ts, as in the engine tests.
 */
import { afterEach, beforeEach, expect } from '@jest/globals'
import { GcoreEmulator, type EmulatorOptions, type LoggedRequest } from '../../emulator/gcore-emulator.js'
import { foreignCommands, keyLeaks, stackTraces } from './checks.js'
import { runAction, type ActionRun, type RunOptions } from './run-action.js'

/** A key with what breaks careless code: `$`, quotes and spaces. */
export const KEY = 'e2e-k3y $ecret "quoted" with spaces'
const RESOURCE = 321

/** An emulator with the key and a one-second rate window, started. */
export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<GcoreEmulator> {
  const gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, ...options })
  await gcore.start()
  return gcore
}

/** A fresh emulator for each test of the file, stopped after it; `restart` swaps it for one with other options. */
export function emulatorPerTest(options: Partial<EmulatorOptions> = {}): {
  gcore: GcoreEmulator
  restart(other: Partial<EmulatorOptions>): Promise<GcoreEmulator>
} {
  const handle = {
    gcore: undefined as unknown as GcoreEmulator,
    async restart(other: Partial<EmulatorOptions>) {
      await handle.gcore.stop()
      handle.gcore = await startEmulator(other)
      return handle.gcore
    }
  }
  beforeEach(async () => {
    handle.gcore = await startEmulator(options)
  })
  afterEach(() => handle.gcore.stop())
  return handle
}

/** The action's inputs against `gcore`: the key, resource 321, and the emulator's one-second pace. */
export function actionInputs(gcore: GcoreEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'api-key': KEY,
    'resource-id': String(RESOURCE),
    'api-url': gcore.url,
    'prefetch-interval': '1',
    'purge-interval': '0.5',
    ...extra
  }
}

/**
 * Runs the action against `gcore`, and checks what every run must: no piece of
 * the key in any sink but its mask line, no workflow command the action did not
 * write itself (`injected`: texts the test had the API send), no stack trace.
 */
export async function runChecked(
  gcore: GcoreEmulator,
  extra: Record<string, string>,
  options: RunOptions = {},
  injected: readonly string[] = []
): Promise<ActionRun> {
  const run = await runAction(actionInputs(gcore, extra), options)
  expect(keyLeaks(run, KEY, [(extra['api-key'] ?? KEY).trim()])).toEqual([])
  expect(foreignCommands(run.stdout, injected)).toEqual([])
  expect(stackTraces(run)).toEqual([])
  return run
}

/** Resolves when `gcore` has logged a request matching `test`; never keeps Jest alive. */
export function whenLogged(gcore: GcoreEmulator, test: (entry: LoggedRequest) => boolean): Promise<void> {
  return new Promise(resolve => {
    const poll = setInterval(() => {
      if (gcore.log.some(test)) {
        clearInterval(poll)
        resolve()
      }
    }, 5)
    poll.unref()
  })
}
