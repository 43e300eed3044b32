/**
 * The CLI as a process: the committed dist/cli bundle and its CommonJS bin,
 * against the emulator. Logs on stderr, the report on stdout (text or --json),
 * and the exit code: 0 done, 1 paths failed, 2 a usage problem, 130 cancelled.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { EXIT_CODES } from '../../src/cli/args.js'
import { emulatorPerTest, KEY } from '../support/e2e.js'
import { ROOT } from '../support/run-action.js'

describe('the bin, a CommonJS launcher in front of the bundle', () => {
  const launcher = nodePath.join(ROOT, 'dist/cli/gcore-cdn-prefetch.cjs')
  const bundle = nodePath.join(ROOT, 'dist/cli/index.js')
  const output = (file: string, args: string[]) => execFileSync(process.execPath, [file, ...args], { encoding: 'utf8' })

  it.each([['--help'], ['-h'], ['--version']])('answers %s with the bundle’s own text', flag => {
    expect(output(launcher, [flag])).toBe(output(bundle, [flag]))
  })

  it('hands everything else to the bundle', () => {
    const run = spawnSync(process.execPath, [launcher, '--resource-id', '0', '--paths', '/a'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', GCORE_API_KEY: 'k' }
    })
    expect(run.status).toBe(EXIT_CODES.usage)
    expect(run.stderr).toContain('--resource-id must be a positive integer')
  })
})

describe('dist/cli/index.js against the emulator', () => {
  const emulator = emulatorPerTest()

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
  const base = (interval = '1') => [
    '--resource-id',
    '9',
    '--api-url',
    emulator.gcore.url,
    '--prefetch-interval',
    interval,
    '--paths-file',
    'list.txt'
  ]

  it('prints its version and help without loading the engine', async () => {
    const pkg = JSON.parse(readFileSync(nodePath.join(ROOT, 'package.json'), 'utf8'))
    expect((await cli(['--version'])).stdout).toBe(`${pkg.version}\n`)
    const help = await cli(['--help'])
    expect(help.code).toBe(EXIT_CODES.success)
    expect(help.stdout).toContain('Usage: GCORE_API_KEY=<token> gcore-cdn-prefetch')
    expect(emulator.gcore.log).toHaveLength(0)
  })

  it('prefetches a paths file and prints a plain-text report', async () => {
    const run = await cli([...base(), '--purge', 'auto', '--purge-interval', '0.5'])

    expect(run.code).toBe(EXIT_CODES.success)
    expect(emulator.gcore.acceptedRequests('prefetch')).toHaveLength(3)
    expect(emulator.gcore.acceptedRequests('purge')).toHaveLength(3)
    expect(run.stdout).toMatch(/^Result: success: 250 of 250 paths prefetched, 250 purged in \d+ s/)
    expect(run.stderr).toContain('250 paths: 3 purge by URL and 3 prefetch batches of up to 100')
    expect(run.stdout + run.stderr).not.toContain(KEY)
  })

  it('prints the outputs and the full report as JSON with --json, and exits 1 when paths failed', async () => {
    emulator.gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 400, body: '{"message": "nope"}' } })
    const run = await cli([...base(), '--json'])

    expect(run.code).toBe(EXIT_CODES.failed)
    const json = JSON.parse(run.stdout)
    expect(json).toMatchObject({ result: 'partial', 'total-count': 250, 'prefetched-count': 150, 'failed-count': 100 })
    expect(json['failed-paths'][0]).toBe('/cli/100.iso')
    expect(json.report).toMatchObject({ totalCount: 250, failedCount: 100 })
    expect(run.stderr).toContain('error: 100 of 250 paths were not prefetched; first error: HTTP 400: nope')
  })

  it('treats Ctrl-C as a cancel: stops sending, reports, exits 130', async () => {
    const run = await cli([...base('20'), '--json'], { interruptWhen: stderr => stderr.includes('waiting') })

    expect(run.code).toBe(EXIT_CODES.cancelled)
    expect(run.ms).toBeLessThan(5000)
    expect(emulator.gcore.acceptedRequests('prefetch')).toHaveLength(1)
    const json = JSON.parse(run.stdout)
    expect(json).toMatchObject({ 'prefetched-count': 100, 'failed-count': 150 })
    expect(json.report.cancelled).toBe(true)
  })

  it('exits 2 on invalid input, before any request', async () => {
    const run = await cli(['--resource-id', '0', '--api-url', emulator.gcore.url, '--paths', '/a'])

    expect(run.code).toBe(EXIT_CODES.usage)
    expect(run.stderr).toContain('error: --resource-id must be a positive integer or a CDN hostname, got "0".')
    expect(emulator.gcore.log).toHaveLength(0)
  })
})
