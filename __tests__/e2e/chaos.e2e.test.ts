/**
 * Chaos: every fault kind of the emulator against every operation of a run
 * (prefetch, purge by URL, the limits GET, the purge-status GET, the resource
 * GET and its rules), through the committed dist/index.js as the runner runs it.
 *
 * The key holds `$`, quotes and spaces; error bodies echo it raw, URL-encoded,
 * base64 and JSON-escaped, and carry `\n::warning::` / `::stop-commands::`
 * text. Whatever the fault, every run must:
 *
 * 1. exit (0 or 1, never killed) within its deadline, and at once after its last output;
 * 2. set every output action.yml declares;
 * 3. put every path in exactly one of prefetched, failed and skipped;
 * 4. leave no run of 8 or more characters of the key, in any form, in stdout
 *    (but its `::add-mask::` line), stderr, the outputs, the summary or the report file;
 * 5. write no stdout line that the runner would read as a workflow command
 *    the action did not write itself;
 *
 * and never print a stack trace. Cases run a few at a time (it.concurrent),
 * each with its own emulator, so the file takes well under a minute.
 */
import { describe, expect, it } from '@jest/globals'
import type { Fault, FaultOperation } from '../../emulator/gcore-emulator.js'
import { expectOutputsPresent, expectPathsPartitioned, foreignCommands, keyForms, keyLeaks, stackTraces } from '../support/checks.js'
import { startEmulator } from '../support/e2e.js'
import { runAction } from '../support/run-action.js'

const KEY = `Ch4$-'s3cr3t' "qu0te" w1th sp4ce$`
const INJECTED = ['::warning::INJECTED', '::stop-commands::INJECTED', '::error::INJECTED']
const forms = keyForms(KEY)

/** An error body that echoes the key in four forms and tries to start workflow commands. */
const ECHO = JSON.stringify({
  message:
    `refused key ${KEY} / ${forms['url-encoded']} / ${Buffer.from(KEY).toString('base64')} / ${forms['json-escaped']}` +
    `\n::warning::INJECTED w\r\n::stop-commands::INJECTED s\r::error::INJECTED e`
})

type Kind = 'status 429' | 'status 400' | 'reset' | 'hang' | 'cut-body' | 'trickle' | 'hang-after-headers' | 'never-close' | 'huge-body'

/**
 * The fault of each kind. Transport faults that deliver the real answer (cut
 * body, trickle, headers then nothing) leave it real: Gcore accepted the request
 * and the client cannot know. never-close delivers a made-up error that echoes
 * the key, complete, on a connection that then stays open.
 */
const FAULTS: Record<Kind, Fault> = {
  'status 429': { kind: 'status', status: 429, headers: { 'Retry-After': '0' }, body: ECHO },
  'status 400': { kind: 'status', status: 400, body: ECHO },
  reset: { kind: 'reset' },
  hang: { kind: 'hang' },
  'cut-body': { kind: 'cut-body' },
  trickle: { kind: 'trickle', msPerByte: 1000 },
  'hang-after-headers': { kind: 'hang-after-headers' },
  'never-close': { kind: 'never-close', status: 400, body: ECHO },
  'huge-body': { kind: 'huge-body', bytes: 200_000 }
}

/** Kinds that end only at request-timeout: their runs may take a few timeouts longer. */
const SLOW: Kind[] = ['hang', 'trickle', 'hang-after-headers']
const OPERATIONS: FaultOperation[] = ['prefetch', 'purge', 'limits', 'purge-status', 'resource', 'rules']
const CASES = OPERATIONS.flatMap(operation => (Object.keys(FAULTS) as Kind[]).map(kind => [kind, operation] as const))

const PATHS = Array.from({ length: 250 }, (_, i) => `/chaos/${i}.iso`)

describe('chaos: every fault kind against every operation', () => {
  it.concurrent.each(CASES)('%s on %s', async (kind, operation) => {
    const gcore = await startEmulator({ apiKey: KEY, windowMs: 500 })
    try {
      // The first two requests of the operation and the fourth: a batch fails for good, a later one recovers.
      gcore.inject({ operation, on: [1, 2, 4], fault: FAULTS[kind] })
      const deadlineMs = SLOW.includes(kind) ? 14_000 : 8_000
      const run = await runAction(
        {
          'api-key': KEY,
          'resource-id': '321',
          'api-url': gcore.url,
          paths: PATHS.join('\n'),
          purge: 'url',
          'prefetch-interval': '0.5',
          'purge-interval': '0.3',
          'purge-settle': '0.3',
          'purge-timeout': '3',
          'request-timeout': '1',
          'max-attempts': '2'
        },
        { env: { RUNNER_DEBUG: '1' }, timeoutMs: 30_000 }
      )

      // 1. exit within the deadline, at once after the last output, with a verdict (not killed)
      expect([0, 1]).toContain(run.code)
      expect(run.durationMs).toBeLessThan(deadlineMs)
      expect(run.exitedAt - run.lastOutputAt).toBeLessThan(900)
      // 2. every output
      expectOutputsPresent(run)
      // 3. every path in exactly one of prefetched, failed, skipped
      expectPathsPartitioned(run, PATHS)
      // 4. the key nowhere
      expect(keyLeaks(run, KEY)).toEqual([])
      // 5. no workflow command the action did not write
      expect(foreignCommands(run.stdout, INJECTED)).toEqual([])
      expect(stackTraces(run)).toEqual([])
      // The fault did hit the run.
      expect(gcore.log.some(entry => entry.fault === FAULTS[kind].kind)).toBe(true)
    } finally {
      await gcore.stop()
    }
  })
})
