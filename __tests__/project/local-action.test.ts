/**
 * The README's local run: `npx @github/local-action run . src/main.ts .env.example`
 * runs the TypeScript source (through tsx, with @actions/core stubbed) against the
 * emulator. The only change to .env.example is the emulator's port, picked free.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { ROOT } from '../support/run-action.js'

const LOCAL_ACTION = nodePath.join(ROOT, 'node_modules/@github/local-action/bin/local-action.js')

/** The value of KEY in a dotenv file: one line, or a double-quoted value over several lines. */
function dotenvValue(text: string, key: string): string | undefined {
  const match = new RegExp(`^${key}=("([^"]*)"|.*)$`, 'm').exec(text)
  return match ? (match[2] ?? match[1]) : undefined
}

function run(args: string[]): Promise<{ code: number | null; output: string }> {
  const env = { ...process.env }
  delete env.NODE_OPTIONS // jest's --experimental-vm-modules is not for the action
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOCAL_ACTION, ...args], { cwd: ROOT, env })
    let output = ''
    child.stdout.on('data', chunk => (output += chunk))
    child.stderr.on('data', chunk => (output += chunk))
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(killer)
      resolve({ code, output })
    })
  })
}

describe('npx @github/local-action run . src/main.ts .env.example', () => {
  const example = readFileSync(nodePath.join(ROOT, '.env.example'), 'utf8')
  let gcore: GcoreEmulator
  let url: string

  beforeAll(async () => {
    gcore = new GcoreEmulator({ apiKey: dotenvValue(example, 'INPUT_API-KEY')!, windowMs: 1000 })
    url = await gcore.start()
  })
  afterAll(() => gcore.stop())

  it('.env.example points at the emulator the README starts, with the inputs a run needs', () => {
    expect(dotenvValue(example, 'INPUT_API-URL')).toBe('http://127.0.0.1:8787')
    expect(dotenvValue(example, 'INPUT_API-KEY')).toBe('test-key')
    expect(dotenvValue(example, 'INPUT_RESOURCE-ID')).toMatch(/^\d+$/)
    expect(dotenvValue(example, 'INPUT_PATHS')!.split('\n').length).toBeGreaterThanOrEqual(2)
  })

  it('purges and prefetches the paths through the stubbed toolkit, and prints the outputs', async () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'local-action-'))
    const summary = nodePath.join(dir, 'summary.md')
    const envFile = nodePath.join(dir, '.env')
    writeFileSync(
      envFile,
      example
        .replace('INPUT_API-URL=http://127.0.0.1:8787', `INPUT_API-URL=${url}`)
        .replace(/^GITHUB_STEP_SUMMARY=.*$/m, `GITHUB_STEP_SUMMARY=${summary}`)
        .replace(/^RUNNER_TEMP=.*$/m, `RUNNER_TEMP=${dir}`)
    )
    const paths = dotenvValue(example, 'INPUT_PATHS')!.split('\n')

    const result = await run(['run', '.', 'src/main.ts', envFile])

    expect(result.code).toBe(0)
    expect(result.output).toContain('Running Action')
    expect(result.output).toContain(`success: ${paths.length} of ${paths.length} paths prefetched, ${paths.length} purged in `)
    expect(result.output).toMatch(/│ 'result'\s+│ 'success'/)
    expect(result.output).not.toContain('test-key')
    const prefetched = gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)
    expect(prefetched).toEqual(paths)
    expect(gcore.acceptedRequests('purge')).toHaveLength(1)
    expect(readFileSync(summary, 'utf8')).toContain('## ✅ Gcore CDN prefetch: success')
  }, 90_000)
})
