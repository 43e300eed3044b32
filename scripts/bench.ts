/**
 * npm run bench: how far the action is from Gcore's own limit, on loopback, and
 * what it costs to start, side by side in one run.
 *
 * 1. Schedule (scripts/bench/schedule.ts): N paths on one resource need
 *    ceil(N / 100) prefetch requests one interval apart, so no client can
 *    finish before (ceil(N / 100) - 1) × interval + one round trip (plus one
 *    purge round trip when purging); on a sliced resource every path needs a
 *    pattern, 10 to a request at the pattern rate, and each prefetch waits for
 *    its purges. Everything above that bound is overhead we own. Measured side
 *    by side with the usual approach of CDN actions (sleep the interval after
 *    each answer, purge everything first). Then the origin check on 1,000
 *    paths, side by side with the same run without it.
 * 2. Start-up (scripts/bench/startup.ts), pair by pair: the CLI's --help against
 *    bare `node -e ''`; the action against a bundle of @actions/core and
 *    @actions/http-client built here with ncc, both making one request.
 * 3. Globbing, 100,000-path planning time and peak memory, bundle sizes
 *    (scripts/bench/scale.ts).
 *
 * With NODE24 naming a Node 24 binary, start-up and the 100,000-path figures are
 * measured on it too (the action runs on node24). Prints a table, writes
 * bench/results.json and bench/results.md (the README's table), and exits
 * non-zero when a target is missed, or one of our figures is worse than the
 * README's before, by more than the figure's noise margin (common.ts, NOISE).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import nodePath from 'node:path'
import { type Figure, type NodeBinary, now } from './bench/common.js'
import { markdown, printTable, rows, verdict, writeResults, type Machine } from './bench/report.js'
import { bundleFigures, globFigures, scaleFigures } from './bench/scale.js'
import { scheduleFigures } from './bench/schedule.js'
import { actionStartupFigures, buildBaseline, cleanUpBaseline, cliStartupFigures } from './bench/startup.js'

const SCHEDULE_RUNS = 3
const STARTUP_PAIRS = 31
const GLOB_RUNS = 11
const SCALE_RUNS = 5

function nodeBinaries(): NodeBinary[] {
  const here: NodeBinary = { suffix: '', path: process.execPath, version: process.version }
  const given = process.env.NODE24
  if (!given) {
    console.log('NODE24 is not set: start-up and the 100,000-path figures are measured on this node only.')
    return [here]
  }
  const version = execFileSync(given, ['--version'], { encoding: 'utf8' }).trim()
  if (!version.startsWith('v24.')) throw new Error(`NODE24=${given} is ${version}, not Node 24`)
  return [here, { suffix: ' (Node 24)', path: given, version }]
}

async function main(): Promise<void> {
  const started = now()
  const loadAverageAtStart = Math.round(loadavg()[0] * 100) / 100
  const nodes = nodeBinaries()
  const scratch = mkdtempSync(nodePath.join(tmpdir(), 'gcore-bench-startup-'))
  console.log('Building the start-up baseline (@actions/core + @actions/http-client) with ncc…')
  const baseline = await buildBaseline()
  const figures: Figure[] = []
  /** Each phase's duration and the machine's 1-minute load average when it ended: how noisy the machine was. */
  const phases: { phase: string; seconds: number; loadAverage: number }[] = []
  const phase = async (name: string, measure: () => Promise<Figure[]> | Figure[]): Promise<void> => {
    console.log(`${name}…`)
    const begun = now()
    figures.push(...(await measure()))
    phases.push({ phase: name, seconds: Math.round((now() - begun) / 100) / 10, loadAverage: Math.round(loadavg()[0] * 100) / 100 })
    console.log(`  ${phases.at(-1)!.seconds} s, load average ${phases.at(-1)!.loadAverage}`)
  }
  try {
    await phase('Schedule runs on loopback, all at once, then the origin check beside its twin (about 2.5 minutes)', () =>
      scheduleFigures(SCHEDULE_RUNS)
    )
    for (const node of nodes) {
      await phase(`Start-up on ${node.version}, ${STARTUP_PAIRS} pairs after warm-up`, async () => [
        ...(await cliStartupFigures(node, STARTUP_PAIRS, scratch)),
        ...(await actionStartupFigures(node, STARTUP_PAIRS, baseline, scratch))
      ])
    }
    await phase('Globbing 100,000 files', () => globFigures(GLOB_RUNS))
    for (const node of nodes) await phase(`100,000 paths, dry run, on ${node.version}`, () => scaleFigures(node, SCALE_RUNS))
    figures.push(...bundleFigures(baseline.sizeKiB))
  } finally {
    cleanUpBaseline(baseline)
    rmSync(scratch, { recursive: true, force: true })
  }

  const table = rows(figures)
  console.log('')
  printTable(table)
  const notes = figures.filter(figure => figure.note).map(figure => figure.note!)
  if (notes.length) console.log(`\n${[...new Set(notes)].map(note => `- ${note}`).join('\n')}`)
  const machine: Machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    node24: nodes[1]?.version ?? null,
    platform: process.platform,
    loadAverageAtStart,
    phases
  }
  const totalSeconds = Math.round((now() - started) / 1000)
  const date = new Date()
  console.log(
    `\n${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}${machine.node24 ? ` and ${machine.node24}` : ''}; ${totalSeconds} s in all`
  )
  writeResults(figures, table, machine, totalSeconds, date)
  console.log('Written to bench/results.json and bench/results.md (the README table)')
  if (process.env.BENCH_MARKDOWN) console.log(`\n${markdown(table, machine, totalSeconds, date)}`)
  const failed = figures.filter(figure => verdict(figure).failed)
  if (failed.length) {
    console.error(`\nMissed, or worse than before, by more than the noise margin: ${failed.map(figure => figure.name).join('; ')}`)
    process.exitCode = 1
  }
}

await main()
