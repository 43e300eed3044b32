/**
 * Runs the committed dist/index.js the way the GitHub runner does: inputs as
 * INPUT_<NAME> with action.yml's defaults filled in, GITHUB_OUTPUT and
 * GITHUB_STEP_SUMMARY files, and RUNNER_TEMP; then reads everything back.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

export const ROOT = new URL('../../', import.meta.url).pathname
/** A file of the repository, as text. */
export const readRepoFile = (file: string): string => readFileSync(join(ROOT, file), 'utf8')
const ACTION = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
  outputs: Record<string, unknown>
}

export interface ActionRun {
  code: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  /** Every file the run wrote, for leak checks. */
  files: Record<string, string>
  durationMs: number
  workDir: string
  /** Epoch ms: when the process was spawned, when the signal was sent (null if none), when it last wrote to stdout or stderr, when it exited. */
  startedAt: number
  signalledAt: number | null
  lastOutputAt: number
  exitedAt: number
}

export interface RunOptions {
  env?: Record<string, string>
  /** Send this signal after `afterMs`, when `when(stdout)` first holds, or when `on` resolves (e.g. a server saw a request). */
  signal?: { name: NodeJS.Signals; afterMs?: number; when?: (stdout: string) => boolean; on?: Promise<unknown> }
  cwd?: string
  timeoutMs?: number
  /** Extra node flags, for example `--import` of a probe. */
  nodeArgs?: string[]
  /** Another copy of the bundle to run instead of dist/index.js. */
  entry?: string
  /** Called with the child as soon as it is spawned (its pid, its streams). */
  onSpawn?: (child: ChildProcess) => void
  /** Run as this user and group (the tests must run as root), with the runner's files open to it. */
  user?: { uid: number; gid: number }
}

/** The runner evaluates expressions in defaults; this is the only one action.yml uses. */
export const RUNNER_TOKEN = 'ghs_runnerTokenForTests'
const evaluate = (value: string): string => value.replace(/\$\{\{\s*github\.token\s*\}\}/g, RUNNER_TOKEN)

function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(ACTION.inputs)) {
    if (spec.default !== undefined) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = evaluate(String(spec.default))
  }
  for (const [name, value] of Object.entries(inputs)) {
    if (!(name in ACTION.inputs)) throw new Error(`test uses input "${name}" that action.yml does not declare`)
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

/** Parses the GITHUB_OUTPUT file format (`name<<delimiter` blocks). */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i])
    if (!match) continue
    const [, name, delimiter] = match
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
    outputs[name] = value.join('\n')
  }
  return outputs
}

export function runAction(inputs: Record<string, string>, options: RunOptions = {}): Promise<ActionRun> {
  const workDir = mkdtempSync(join(tmpdir(), 'gcore-action-'))
  const outputFile = join(workDir, 'output.txt')
  const summaryFile = join(workDir, 'summary.md')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  if (options.user) {
    chmodSync(workDir, 0o777)
    for (const file of [outputFile, summaryFile]) chmodSync(file, 0o666)
  }
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? workDir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_TEMP: workDir,
    GITHUB_WORKSPACE: options.cwd ?? workDir,
    ...inputEnv(inputs),
    ...options.env
  }
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? join(ROOT, 'dist/index.js')], {
      env,
      cwd: options.cwd ?? workDir,
      ...options.user
    })
    options.onSpawn?.(child)
    let stdout = ''
    let stderr = ''
    let signalledAt: number | null = null
    let lastOutputAt = started
    let exited = false
    let exitedAt = 0
    const sendSignal = (): void => {
      if (signalledAt !== null || exited || !options.signal) return
      signalledAt = Date.now()
      child.kill(options.signal.name)
    }
    child.stdout.on('data', chunk => {
      stdout += chunk
      lastOutputAt = Date.now()
      if (options.signal?.when?.(stdout)) sendSignal()
    })
    child.stderr.on('data', chunk => {
      stderr += chunk
      lastOutputAt = Date.now()
    })
    if (options.signal?.afterMs !== undefined) setTimeout(sendSignal, options.signal.afterMs)
    void options.signal?.on?.then(sendSignal)
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000)
    child.on('error', reject)
    child.on('exit', () => {
      exited = true
      exitedAt = Date.now()
    })
    child.on('close', code => {
      exitedAt ||= Date.now()
      exited = true
      clearTimeout(killer)
      const files: Record<string, string> = {}
      for (const file of [outputFile, summaryFile]) files[file] = readFileSync(file, 'utf8')
      const outputs = parseOutputFile(files[outputFile])
      if (outputs['report-file']) {
        try {
          files[outputs['report-file']] = readFileSync(outputs['report-file'], 'utf8')
        } catch {
          // absent report file is asserted by the tests that care
        }
      }
      resolve({
        code,
        stdout,
        stderr,
        outputs,
        summary: files[summaryFile],
        files,
        durationMs: exitedAt - started,
        workDir,
        startedAt: started,
        signalledAt,
        lastOutputAt,
        exitedAt
      })
    })
  })
}

export function declaredOutputs(): string[] {
  return Object.keys(ACTION.outputs)
}
