/**
 * Start-up, measured pair by pair (A B A B …, after warm-up rounds), each pair's
 * ratio taken before the median, so a slow moment of the machine hits both sides.
 *
 * CLI: its bin, `node dist/cli/gcore-cdn-prefetch.cjs --help`, against bare `node -e ''`.
 *
 * Action: dist/index.js against a baseline bundle built here with the same ncc
 * from an entry that only uses @actions/core and @actions/http-client, the two
 * libraries the action cannot start without. The comparable setting: both make
 * one request to the same local emulator (a prefetch of one path, answered at
 * once) and exit; the action with `limits: documented` and `resource-check: off`
 * so that this prefetch is its only request. Start-up is the time from spawn to
 * that request's arrival at the emulator: loading the bundle, reading and
 * checking the inputs, planning, and sending (the target). Also shown, without a
 * target: the same pairs timed to exit, which adds what the action does after
 * the answer (outputs, summary, report file), and the action failing fast on a
 * bad input against the baseline that only loads.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { actionEnv, CLI, DIST, type Figure, KEY, median, NOISE, type NodeBinary, ROOT, run } from './common.js'

const WARM_UP = 3

/**
 * The baseline's entry: the two libraries, one trivial use of each, and with
 * BASELINE_URL one POST through HttpClient (no keep-alive, so it exits at once
 * as the action does). No top-level await, the cheapest form of the same program.
 */
const BASELINE_ENTRY = `import * as core from '@actions/core'
import { HttpClient } from '@actions/http-client'

const url = process.env.BASELINE_URL
const client = new HttpClient('gcore-cdn-prefetch-bench', [], { keepAlive: false, allowRetries: false, allowRedirects: false })
if (!url) {
  core.debug('baseline loaded')
  client.dispose()
} else {
  const body = JSON.stringify({ paths: ['/a.iso'] })
  client
    .request('POST', url, body, { Authorization: 'APIKey ' + process.env.BASELINE_KEY, 'Content-Type': 'application/json' })
    .then(response => response.readBody().then(() => core.info('baseline: HTTP ' + response.message.statusCode)))
    .catch(error => core.setFailed(String(error)))
    .finally(() => client.dispose())
}
`

/**
 * The noise margin of a pair-by-pair ratio: 5 %, or more when the A/A control of
 * the same run (the same program timed twice, pair by pair) strays further from 1.
 */
function pairNoise(control: number[]): number {
  return Math.max(NOISE.ratio, Math.abs(median(control) - 1))
}

export interface Baseline {
  /** The bundle to run: <dir>/out/index.js. */
  file: string
  sizeKiB: number
  dir: string
}

/** Builds the baseline with the project's ncc, in a temporary directory that sees the project's node_modules. */
export async function buildBaseline(): Promise<Baseline> {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-bench-baseline-'))
  writeFileSync(nodePath.join(dir, 'package.json'), '{ "type": "module", "private": true }\n')
  symlinkSync(nodePath.join(ROOT, 'node_modules'), nodePath.join(dir, 'node_modules'), 'dir')
  writeFileSync(nodePath.join(dir, 'entry.js'), BASELINE_ENTRY)
  const ncc = nodePath.join(ROOT, 'node_modules/@vercel/ncc/dist/ncc/cli.js')
  const built = await run(process.execPath, [ncc, 'build', 'entry.js', '-o', 'out'], { HOME: process.env.HOME ?? dir }, dir)
  if (built.code !== 0) throw new Error(`ncc could not build the start-up baseline:\n${built.stderr.slice(-2000)}`)
  const file = nodePath.join(dir, 'out/index.js')
  return { file, sizeKiB: statSync(file).size / 1024, dir }
}

/** A program that only writes one line, as an ES module: the floor of any ESM entry point, such as the CLI's. */
function esmFloor(dir: string): string {
  const file = nodePath.join(dir, 'floor.mjs')
  writeFileSync(file, "process.stdout.write('usage: …\\n')\n")
  return file
}

export async function cliStartupFigures(node: NodeBinary, pairs: number, scratch: string): Promise<Figure[]> {
  const floor = esmFloor(scratch)
  const bare: number[] = []
  const cli: number[] = []
  const ratio: number[] = []
  const floorRatio: number[] = []
  const control: number[] = []
  for (let i = 0; i < WARM_UP + pairs; i++) {
    const a = await run(node.path, ['-e', ''], {})
    const b = await run(node.path, [CLI, '--help'], {})
    const c = await run(node.path, [floor], {})
    const a2 = await run(node.path, ['-e', ''], {})
    if (b.code !== 0 || !b.stdout.includes('gcore-cdn-prefetch')) throw new Error(`the CLI's --help failed:\n${b.stderr.slice(-1000)}`)
    if (i < WARM_UP) continue
    bare.push(a.wallMs)
    cli.push(b.wallMs)
    ratio.push(b.wallMs / a.wallMs)
    floorRatio.push(c.wallMs / a.wallMs)
    control.push(a2.wallMs / a.wallMs)
  }
  const s = node.suffix
  return [
    { name: `start-up: bare node -e ''${s}`, unit: 'ms', samples: bare },
    { name: `start-up: gcore-cdn-prefetch --help (dist/cli/gcore-cdn-prefetch.cjs)${s}`, unit: 'ms', samples: cli },
    {
      name: `start-up: CLI --help ÷ node -e '' (pair by pair)${s}`,
      unit: '×',
      samples: ratio,
      noise: pairNoise(control),
      target: { max: 1.3, text: '≤ 1.3' }
    },
    {
      name: `start-up: ESM floor (a .mjs that prints one line) ÷ node -e ''${s}`,
      unit: '×',
      samples: floorRatio,
      note: "ESM floor: an ES module entry that only writes one line to stdout; no ESM entry point can start faster than this, which is why the CLI's bin is a CommonJS launcher"
    },
    { name: `start-up: noise control, node -e '' ÷ node -e '' (A/A)${s}`, unit: '×', samples: control }
  ]
}

export async function actionStartupFigures(node: NodeBinary, pairs: number, baseline: Baseline, scratch: string): Promise<Figure[]> {
  const gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1 })
  const url = await gcore.start()
  const dir = nodePath.join(scratch, `action-${node.version}`)
  mkdirSync(dir, { recursive: true })
  const baselineEnv = { BASELINE_URL: `${url}/cdn/resources/1/prefetch`, BASELINE_KEY: KEY }
  // One path, no purge, documented limits, no resource read: the prefetch is the action's only request.
  const oneRequest = { 'api-url': url, paths: '/a.iso', limits: 'documented', 'resource-check': 'off' }
  // An invalid resource ID: refused while reading the inputs, before any request; outputs and summary are still written.
  const badInput = { 'api-url': url, 'resource-id': 'abc', paths: '/a.iso' }
  /** Runs one side and returns its wall time and the arrival of its one request, checked. */
  const oneRequestRun = async (
    args: string[],
    env: Record<string, string>,
    what: string
  ): Promise<{ wallMs: number; arrivalMs: number }> => {
    gcore.log.length = 0
    const result = await run(node.path, args, env, dir)
    const requests = gcore.log
    if (result.code !== 0 || requests.length !== 1 || requests[0].operation !== 'prefetch' || requests[0].answer !== 201) {
      throw new Error(
        `${what}: expected exactly one accepted prefetch and exit code 0, got ${requests.length} requests and code ${result.code}\n${result.stdout.slice(-1500)}${result.stderr.slice(-1500)}`
      )
    }
    return { wallMs: result.wallMs, arrivalMs: requests[0].at - result.startedAt }
  }
  const base: number[] = []
  const ours: number[] = []
  const ratio: number[] = []
  const arrival: number[] = []
  const failFast: number[] = []
  const loadOnly: number[] = []
  const failRatio: number[] = []
  const control: number[] = []
  try {
    for (let i = 0; i < WARM_UP + pairs; i++) {
      const b = await oneRequestRun([baseline.file], baselineEnv, 'the baseline')
      const a = await oneRequestRun([DIST], actionEnv(oneRequest, dir), 'the action (one request)')
      const b2 = await oneRequestRun([baseline.file], baselineEnv, 'the baseline (A/A)')
      gcore.log.length = 0
      const load = await run(node.path, [baseline.file], {}, dir)
      const fail = await run(node.path, [DIST], actionEnv(badInput, dir), dir)
      if (fail.code !== 1 || !fail.stdout.includes('::error::') || gcore.log.length !== 0)
        throw new Error(`the action did not fail fast on a bad input:\n${fail.stdout.slice(-1500)}`)
      if (load.code !== 0) throw new Error(`the baseline failed to load:\n${load.stderr.slice(-1500)}`)
      if (i < WARM_UP) continue
      base.push(b.wallMs)
      ours.push(a.wallMs)
      ratio.push(a.wallMs / b.wallMs)
      arrival.push(a.arrivalMs / b.arrivalMs)
      control.push(b2.wallMs / b.wallMs)
      loadOnly.push(load.wallMs)
      failFast.push(fail.wallMs)
      failRatio.push(fail.wallMs / load.wallMs)
    }
  } finally {
    await gcore.stop()
  }
  const s = node.suffix
  return [
    { name: `start-up: baseline bundle (core + http-client), one request, to exit${s}`, unit: 'ms', samples: base },
    { name: `start-up: node dist/index.js, one request, to exit${s}`, unit: 'ms', samples: ours },
    {
      name: `start-up: action ÷ baseline, to the request's arrival (pair by pair)${s}`,
      unit: '×',
      samples: arrival,
      noise: pairNoise(control),
      target: { max: 1.1, text: '≤ 1.1' },
      note: "action start-up: from spawn to its one request's arrival at a local emulator, against a bundle of @actions/core and @actions/http-client that sends the same request; the action with limits: documented and resource-check: off, so that the prefetch is its only request"
    },
    { name: `start-up: action ÷ baseline, one request, to exit (pair by pair)${s}`, unit: '×', samples: ratio },
    { name: `start-up: action failing fast on a bad input ÷ baseline that only loads${s}`, unit: '×', samples: failRatio },
    { name: `start-up: noise control, baseline ÷ baseline (A/A)${s}`, unit: '×', samples: control },
    {
      name: `bundle: fail fast on a bad input (process wall time)${s}`,
      unit: 'ms',
      samples: failFast,
      noise: NOISE.wall,
      ...(s ? {} : { was: 209.2, judgeWas: true })
    },
    { name: `bundle: baseline that only loads (process wall time)${s}`, unit: 'ms', samples: loadOnly }
  ]
}

export function cleanUpBaseline(baseline: Baseline): void {
  rmSync(baseline.dir, { recursive: true, force: true })
}
