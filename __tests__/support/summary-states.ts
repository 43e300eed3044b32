/**
 * The six states of the job summary, each produced for real: the committed
 * dist/index.js run as the runner runs it (see run-action.ts) against its own
 * Gcore emulator. Shared by __tests__/e2e/summary.e2e.test.ts, which asserts on
 * what a reader sees, and scripts/screenshots.ts, which renders them for docs/.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator, type EmulatorOptions, type FaultRule } from '../../emulator/gcore-emulator.js'
import { runAction, type ActionRun, type RunOptions } from './run-action.js'

export type SummaryStateName = 'success' | 'partial' | 'failure' | 'cancelled' | 'dry-run' | '10000-paths'

const KEY = 'summary-states-key'
const RESOURCE = 123456

/** The context line: a manual run on main, as on GitHub. */
const CONTEXT_ENV: Record<string, string> = {
  GITHUB_REPOSITORY: 'acme/downloads',
  GITHUB_EVENT_NAME: 'workflow_dispatch',
  GITHUB_REF: 'refs/heads/main',
  GITHUB_SHA: '4f2c9e81d07a6b35c2e9f0a1b2c3d4e5f6a7b8c9',
  GITHUB_RUN_ID: '1234567890',
  GITHUB_SERVER_URL: 'https://github.com'
}

const release = (name: string): string => `/releases/v2.1.0/${name}`

/** Longer than the summary's 80-character cell: shown shortened in the middle, whole in the JSON. */
export const LONG_PATH = release('installers/windows/x64/enterprise-edition/with-offline-dependencies/acme-downloads-setup-2.1.0-x64.msi')
/** A path with markdown's table and link syntax in it (the URL parser keeps `|`, `[`, `]`). */
export const HOSTILE_PATH = release('notes|draft[1](x).txt')
/** What a misbehaving API might echo back: HTML and markdown that must stay text. */
export const HOSTILE_MESSAGE = 'Invalid path <script>alert(1)</script> | `rm` **now**'

export interface SummaryState {
  name: SummaryStateName
  /** A line for people: what this state shows. */
  title: string
  /** The paths given to the action, in order. */
  paths: string[]
  emulator?: Partial<EmulatorOptions>
  faults?: FaultRule[]
  /** Inputs besides api-key, resource-id, api-url and the paths. */
  inputs: Record<string, string>
  /** Hand the paths over in a paths-file instead of the `paths` input. */
  pathsFile?: boolean
  signal?: RunOptions['signal']
  timeoutMs?: number
}

const numbered = (count: number, name: (i: number) => string): string[] => Array.from({ length: count }, (_, i) => name(i))

export const SUMMARY_STATES: readonly SummaryState[] = [
  {
    name: 'success',
    title: 'Success: five files purged by URL, then prefetched, each purge awaited until Gcore reports it done',
    paths: [
      release('acme-2.1.0-linux-x64.tar.gz'),
      release('acme-2.1.0-linux-arm64.tar.gz'),
      release('acme-2.1.0-macos-universal.dmg'),
      release('acme-2.1.0-windows-x64.zip'),
      release('acme-2.1.0-source.tar.gz')
    ],
    // The account allows 2 prefetches and 4 purges a second: the limits come from it.
    emulator: { windowMs: 1000, rates: { prefetch: 2, purge_by_url: 4 }, purgeStatus: { durationMs: 1200 } },
    inputs: { purge: 'true', 'batch-size': '2' }
  },
  {
    name: 'partial',
    title: 'Partial: one prefetch batch of three refused with a 400; its paths are listed, open',
    paths: [
      release('acme-2.1.0-linux-x64.tar.gz'),
      release('acme-2.1.0-linux-arm64.tar.gz'),
      LONG_PATH,
      HOSTILE_PATH,
      release('acme-2.1.0-windows-x64.zip'),
      release('acme-2.1.0-source.tar.gz')
    ],
    emulator: { windowMs: 1000, rates: { prefetch: 2 } },
    faults: [
      {
        operation: 'prefetch',
        on: [2],
        fault: { kind: 'status', status: 400, body: JSON.stringify({ errors: { paths: { '0': [HOSTILE_MESSAGE] } } }) }
      }
    ],
    inputs: { 'batch-size': '2' }
  },
  {
    name: 'failure',
    title: 'All failed: every prefetch refused with a 400; 30 failed paths, folded',
    paths: numbered(30, i => release(`assets/acme-2.1.0-asset-${String(i + 1).padStart(2, '0')}.bin`)),
    emulator: { windowMs: 1000, rates: { prefetch: 4 } },
    faults: [
      {
        operation: 'prefetch',
        on: 'every',
        fault: { kind: 'status', status: 400, body: '{"detail": "Prefetch is not available for this resource."}' }
      }
    ],
    inputs: { 'batch-size': '10' }
  },
  {
    name: 'cancelled',
    title: 'Cancelled: SIGINT while waiting 30 s for the next prefetch slot; the rest is cancelled',
    paths: numbered(300, i => release(`mirror/acme-2.1.0-part-${String(i + 1).padStart(3, '0')}.bin`)),
    emulator: { windowMs: 1000 },
    inputs: { 'prefetch-interval': '30' },
    signal: { name: 'SIGINT', when: stdout => stdout.includes('waiting 30 s') }
  },
  {
    name: 'dry-run',
    title: "Dry run: 250 paths planned with purge, Gcore's documented limits, nothing sent",
    paths: numbered(250, i => release(`mirror/acme-2.1.0-part-${String(i + 1).padStart(3, '0')}.bin`)),
    inputs: { purge: 'true', 'dry-run': 'true', limits: 'documented' }
  },
  {
    name: '10000-paths',
    title: '10,000 paths from a paths-file, 100 batches with a tiny interval, one batch refused',
    paths: numbered(10_000, i => release(`mirror/chunks/acme-2.1.0-chunk-${String(i + 1).padStart(5, '0')}.bin`)),
    emulator: { windowMs: 5 },
    faults: [
      {
        operation: 'prefetch',
        on: [37],
        fault: { kind: 'status', status: 400, body: '{"detail": "Too many files in the queue for this resource."}' }
      }
    ],
    inputs: { 'prefetch-interval': '0.01' },
    pathsFile: true,
    timeoutMs: 30_000
  }
]

export function summaryState(name: SummaryStateName): SummaryState {
  const state = SUMMARY_STATES.find(candidate => candidate.name === name)
  if (!state) throw new Error(`no summary state "${name}"`)
  return state
}

export interface SummaryRun {
  state: SummaryState
  run: ActionRun
  /** Every request the emulator answered. */
  log: GcoreEmulator['log']
}

/** Runs one state on a fresh emulator, and stops the emulator whatever happens. */
export async function runSummaryState(state: SummaryState): Promise<SummaryRun> {
  const gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000, ...state.emulator })
  for (const fault of state.faults ?? []) gcore.inject(fault)
  await gcore.start()
  try {
    const dir = mkdtempSync(nodePath.join(tmpdir(), `gcore-summary-${state.name}-`))
    const pathsInput: Record<string, string> = {}
    if (state.pathsFile) {
      writeFileSync(nodePath.join(dir, 'paths.txt'), state.paths.join('\n'))
      pathsInput['paths-file'] = 'paths.txt'
    } else {
      pathsInput.paths = state.paths.join('\n')
    }
    const run = await runAction(
      { 'api-key': KEY, 'resource-id': String(RESOURCE), 'api-url': gcore.url, ...pathsInput, ...state.inputs },
      { cwd: dir, env: CONTEXT_ENV, signal: state.signal, timeoutMs: state.timeoutMs }
    )
    return { state, run, log: gcore.log }
  } finally {
    await gcore.stop()
  }
}

/** All six, concurrently: each has its own emulator and rate windows. */
export async function runSummaryStates(states: readonly SummaryState[] = SUMMARY_STATES): Promise<Map<SummaryStateName, SummaryRun>> {
  const runs = await Promise.all(states.map(runSummaryState))
  return new Map(runs.map(run => [run.state.name, run]))
}
