/**
 * What every part of `npm run bench` shares: the figure type, child processes
 * timed with node's own clock, and the action's environment.
 */
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import nodePath from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root: this file runs as build/scripts/bench/common.js. */
export const ROOT = nodePath.resolve(fileURLToPath(import.meta.url), '../../../..')
export const DIST = nodePath.join(ROOT, 'dist/index.js')
/** The CLI's bin, as `npm install -g` links it: a CommonJS launcher in front of the ESM bundle. */
export const CLI = nodePath.join(ROOT, 'dist/cli/gcore-cdn-prefetch.cjs')
export const KEY = 'bench-key'

export const now = (): number => performance.timeOrigin + performance.now()

export interface Figure {
  name: string
  unit: string
  samples: number[]
  /** Lower is better for every figure; `max` is the target. */
  target?: { max: number; text: string }
  /** The median in the README's table before this bench (same measurement), if any. */
  was?: number
  /** Whether a result above `was` (beyond the noise margin) counts as a regression of ours. */
  judgeWas?: boolean
  /** The noise margin documented for this kind of figure, as a fraction (0.05 = 5 %). */
  noise?: number
  /** Said under the table: what the figure compares and why. */
  note?: string
}

/**
 * Noise margins: a target (or a README figure from before) counts as missed only
 * beyond value × (1 + margin). Measured on the 2-core bench machine while other
 * work ran on it: a ratio against a computed bound moves by under 2 % between
 * runs and a pair-by-pair start-up ratio by about 5 % (those use the A/A control
 * of the same run instead when it strays further from 1); a single process's
 * wall time, and glob against find, by far more; peak memory has two modes about
 * 10 % apart (when V8 collects), and its median of 5 moves by about 5 %.
 */
export const NOISE = { ratio: 0.05, wall: 0.2, memory: 0.05 } as const

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  /** From just before spawn to the child's `close` (exit and its pipes closed), in ms. */
  wallMs: number
  /** When it was spawned, on the `now()` clock. */
  startedAt: number
}

/** Runs `node args` with a minimal environment (PATH and `env` only). */
export function run(node: string, args: string[], env: Record<string, string>, cwd = ROOT): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const startedAt = now()
    const child = spawn(node, args, { cwd, env: { PATH: process.env.PATH ?? '', ...env } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('error', reject)
    child.on('close', code => resolve({ code, stdout, stderr, wallMs: now() - startedAt, startedAt }))
  })
}

/** The runner's environment for one action run: inputs as INPUT_*, outputs and summary files in `dir`. */
export function actionEnv(inputs: Record<string, string>, dir: string): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_OUTPUT: nodePath.join(dir, 'out'),
    GITHUB_STEP_SUMMARY: nodePath.join(dir, 'summary'),
    RUNNER_TEMP: dir
  }
  writeFileSync(env.GITHUB_OUTPUT, '')
  writeFileSync(env.GITHUB_STEP_SUMMARY, '')
  for (const [name, value] of Object.entries({ 'api-key': KEY, 'resource-id': '1', ...inputs })) env[`INPUT_${name.toUpperCase()}`] = value
  return env
}

/** The node binaries to measure on: the machine's, and Node 24 when $NODE24 names one. */
export interface NodeBinary {
  /** '' for the machine's node, ' (Node 24)' otherwise: appended to figure names. */
  suffix: string
  path: string
  version: string
}
