/**
 * A cancel in the first moments of the step, while the bundle loads, through
 * dist/index.js as the runner runs it: the action's SIGINT and SIGTERM handlers
 * are in place before its code loads (before it prints anything, about as early
 * as a bare `node` whose first statement installs one), so a signal sent the
 * moment a handler exists ends in a cancelled run, with every output, the
 * summary, the report file and the failed-paths file written.
 *
 * When a handler is added is told by a probe (node --import) that listens for
 * `newListener`: node itself catches SIGINT at start-up only to exit, so the
 * kernel's view (SigCgt) cannot tell.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { expectOutputsPresent } from '../support/checks.js'
import { runAction } from '../support/run-action.js'

const KEY = 'early-key'
const MARK = 'probe: signal handler added'
let probe: string
let gcore: GcoreEmulator

beforeAll(() => {
  probe = nodePath.join(mkdtempSync(nodePath.join(tmpdir(), 'gcore-probe-')), 'signal-probe.mjs')
  writeFileSync(
    probe,
    // performance.now(): the process's own time since it started, so that a busy machine's slow spawn counts for neither.
    `process.on('newListener', event => { if (event === process.env.PROBE_SIGNAL) process.stderr.write('${MARK} at ' + Math.round(performance.now()) + ' ms\\n') })\n`
  )
})
beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  await gcore.start()
})
afterEach(() => gcore.stop())

/** The process time at which the probe saw a handler added, from its line on stderr. */
const handlerMs = (text: string): number | undefined => {
  const ms = new RegExp(`${MARK} at (\\d+) ms`).exec(text)?.[1]
  return ms === undefined ? undefined : Number(ms)
}

/** The process time of the first handler of a bare node that adds one first thing, with the same probe. */
async function bareNodeMs(signal: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', probe, '-e', `process.on('${signal}', () => process.exit(0)); setTimeout(() => {}, 5000)`],
    {
      env: { PATH: process.env.PATH ?? '', PROBE_SIGNAL: signal }
    }
  )
  let stderr = ''
  const at = await new Promise<number>(resolve =>
    child.stderr.on('data', chunk => {
      stderr += String(chunk)
      const ms = handlerMs(stderr)
      if (ms !== undefined) resolve(ms)
    })
  )
  child.kill(signal as NodeJS.Signals)
  await new Promise(resolve => child.on('close', resolve))
  return at
}

describe.each(['SIGINT', 'SIGTERM'])('%s the moment the action can catch it', name => {
  it('is caught before the action loads; the run is cancelled, every output and the summary written', async () => {
    const baseline = await bareNodeMs(name)
    let caughtAt = 0
    let firstOutputAt = 0
    let seen!: () => void
    const handlerAdded = new Promise<void>(resolve => (seen = resolve))
    const run = await runAction(
      { 'api-key': KEY, 'resource-id': '9', 'api-url': gcore.url, 'prefetch-interval': '0.2', paths: '/a.iso\n/b.iso' },
      {
        nodeArgs: ['--import', probe],
        env: { PROBE_SIGNAL: name },
        onSpawn: child => {
          child.stderr!.on('data', chunk => {
            if (!caughtAt && String(chunk).includes(MARK)) {
              caughtAt = Date.now()
              seen()
            }
          })
          child.stdout!.once('data', () => (firstOutputAt = Date.now()))
        },
        signal: { name: name as NodeJS.Signals, on: handlerAdded }
      }
    )

    // The handler came before the action's code ran (its first act prints the key's mask), about as early as a bare node.
    expect(caughtAt).toBeGreaterThan(0)
    expect(firstOutputAt).toBeGreaterThan(caughtAt)
    // A bare node measured before and after the run: the slower of the two stands for the machine's load meanwhile.
    const bare = Math.max(baseline, await bareNodeMs(name))
    expect(handlerMs(run.stderr)).toBeLessThan(bare + 100)
    // Cancelled before anything was sent, and said so everywhere.
    expect(run.code).toBe(1)
    expect(gcore.log.filter(entry => entry.method === 'POST')).toEqual([])
    expectOutputsPresent(run)
    expect(run.outputs).toMatchObject({ 'total-count': '2', 'failed-count': '2', 'prefetched-count': '0' })
    expect(run.stdout).toContain(`::warning::${name} received: sending nothing more`)
    expect(run.summary).toContain('(cancelled)')
    expect(run.summary).toContain('Cancelled before anything was sent.')
    expect(existsSync(run.outputs['report-file'])).toBe(true)
    expect(readFileSync(run.outputs['failed-paths-file'], 'utf8')).toBe('/a.iso\n/b.iso\n')
  })
})
