/** The CLI: flag parsing and help in process, and dist/cli/index.js end to end against the emulator. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { ACTION_INPUTS } from '../src/action-spec.js'
import { EXIT_CODES, helpText, inputReader, parseArgs, UsageError } from '../src/command.js'
import { GcoreEmulator } from '../emulator/gcore-emulator.js'
import { ROOT } from './support/run-action.js'

describe('parseArgs', () => {
  it('reads values, booleans, negations and repeated flags', () => {
    expect(parseArgs(['--resource-id', '7', '--paths=/a', '--paths', '/b', '--purge', '--no-wait-for-purge', '--dry-run', 'false', '--json'])).toEqual({
      inputs: { 'resource-id': '7', paths: '/a\n/b', purge: 'true', 'wait-for-purge': 'false', 'dry-run': 'false' },
      json: true,
      verbose: false,
      help: false,
      version: false
    })
  })

  it.each([
    [['--api-key', 'x'], /set GCORE_API_KEY instead/],
    [['--github-token=x'], /set GITHUB_TOKEN instead/],
    [['--colour', 'red'], /Unknown flag --colour/],
    [['--resource-id'], /needs a value/],
    [['--no-paths'], /only for true\/false flags/],
    [['stray'], /Unexpected argument "stray"/]
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError)
    expect(() => parseArgs(argv)).toThrow(message)
  })

  it('takes secrets from the environment and defaults from action.yml', () => {
    const read = inputReader({ paths: '/a' }, { GCORE_API_KEY: 'k', GITHUB_TOKEN: 'g' })
    expect([read('api-key'), read('github-token'), read('paths'), read('size-check'), read('batch-size')]).toEqual(['k', 'g', '/a', 'warn', ''])
  })
})

describe('helpText', () => {
  it('is generated from the action inputs: every one but the secrets, with its default', () => {
    const help = helpText('1.0.0')
    for (const input of ACTION_INPUTS) {
      if (input.name === 'api-key' || input.name === 'github-token') expect(help).not.toContain(`--${input.name}`)
      else expect(help).toContain(`--${input.name}`)
    }
    expect(help).toContain('--size-check <value>  (default: warn)')
    expect(help).toContain('130  cancelled')
  })

  it('reports the package version', () => {
    const pkg = JSON.parse(readFileSync(nodePath.join(ROOT, 'package.json'), 'utf8'))
    expect(readFileSync(nodePath.join(ROOT, 'src/cli.ts'), 'utf8')).toContain(`'${pkg.version}'`)
    expect(pkg.bin).toEqual({ 'gcore-cdn-prefetch': 'dist/cli/index.js' })
  })
})

describe('dist/cli/index.js against the emulator', () => {
  const KEY = 'cli-k$y'
  let gcore: GcoreEmulator
  beforeEach(async () => {
    gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000 })
    await gcore.start()
  })
  afterEach(async () => gcore.stop())

  function cli(args: string[], options: { interruptWhen?: (stderr: string) => boolean } = {}) {
    const cwd = mkdtempSync(nodePath.join(tmpdir(), 'gcore-cli-'))
    writeFileSync(nodePath.join(cwd, 'list.txt'), Array.from({ length: 250 }, (_, i) => `/cli/${i}.iso`).join('\n'))
    return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>(resolve => {
      const started = Date.now()
      const child = spawn(process.execPath, [nodePath.join(ROOT, 'dist/cli/index.js'), ...args], {
        cwd,
        env: { PATH: process.env.PATH ?? '', GCORE_API_KEY: KEY }
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', chunk => (stdout += chunk))
      child.stderr.on('data', chunk => {
        stderr += chunk
        if (options.interruptWhen?.(stderr) && !child.killed) child.kill('SIGINT')
      })
      child.on('close', code => resolve({ code, stdout, stderr, ms: Date.now() - started }))
    })
  }
  const base = (interval = '1') => ['--resource-id', '9', '--api-url', gcore.url, '--prefetch-interval', interval, '--paths-file', 'list.txt']

  it('prefetches a paths file and prints a plain-text report', async () => {
    const run = await cli([...base(), '--purge', '--purge-interval', '0.5'])

    expect(run.code).toBe(EXIT_CODES.success)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(3)
    expect(gcore.acceptedRequests('purge')).toHaveLength(3)
    expect(run.stdout).toMatch(/^Result: success: 250 paths, 250 prefetched, 0 failed, 0 skipped, 250 purged/)
    expect(run.stderr).toContain('250 paths: 3 purge and 3 prefetch batches of up to 100')
    expect(run.stdout + run.stderr).not.toContain(KEY)
  })

  it('prints the full report as JSON with --json, and exits 1 when paths failed', async () => {
    gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 400, body: '{"message": "nope"}' } })
    const run = await cli([...base(), '--json'])

    expect(run.code).toBe(EXIT_CODES.failed)
    const report = JSON.parse(run.stdout)
    expect(report).toMatchObject({ result: 'partial', totalCount: 250, prefetchedCount: 150, failedCount: 100 })
    expect(report.failedPaths[0]).toBe('/cli/100.iso')
    expect(run.stderr).toContain('error: 100 of 250 paths were not prefetched; first error: HTTP 400: nope')
  })

  it('treats Ctrl-C as a cancel: stops sending, reports, exits 130', async () => {
    const run = await cli([...base('20'), '--json'], { interruptWhen: stderr => stderr.includes('waiting') })

    expect(run.code).toBe(EXIT_CODES.cancelled)
    expect(run.ms).toBeLessThan(5000)
    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1)
    const report = JSON.parse(run.stdout)
    expect(report).toMatchObject({ cancelled: true, prefetchedCount: 100, failedCount: 150 })
  })

  it('exits 2 on invalid input, before any request', async () => {
    const run = await cli(['--resource-id', '0', '--api-url', gcore.url, '--paths', '/a'])

    expect(run.code).toBe(EXIT_CODES.usage)
    expect(run.stderr).toContain('error: --resource-id must be a positive integer, got "0".')
    expect(gcore.log).toHaveLength(0)
  })
})
