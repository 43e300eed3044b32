/**
 * The CLI as users install it: `npm pack`, then `npm install -g` of the tarball
 * into a temporary prefix, then the installed `gcore-cdn-prefetch` command runs
 * `--help` and a dry run against the emulator. The package carries the bundles
 * only, with no dependency to fetch.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import type { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { KEY, startEmulator } from '../support/e2e.js'
import { ROOT } from '../support/run-action.js'

const pkg = JSON.parse(readFileSync(nodePath.join(ROOT, 'package.json'), 'utf8')) as {
  name: string
  version: string
  dependencies?: object
}
let dir: string
let command: string
let gcore: GcoreEmulator

beforeAll(async () => {
  dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-install-'))
  const npm = (...args: string[]) =>
    execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ROOT, encoding: 'utf8' })
  npm('pack', '--pack-destination', dir)
  npm('install', '--global', '--prefix', nodePath.join(dir, 'prefix'), nodePath.join(dir, `${pkg.name}-${pkg.version}.tgz`))
  command = nodePath.join(dir, 'prefix', 'bin', 'gcore-cdn-prefetch')
  gcore = await startEmulator()
}, 60_000)
afterAll(() => gcore?.stop())

/** Runs the installed command without blocking this process, where the emulator answers. */
function run(args: string[]): Promise<{ status: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: dir, env: { PATH: process.env.PATH ?? '', GCORE_API_KEY: KEY } })
    let stdout = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.on('error', reject)
    child.on('close', status => resolve({ status, stdout }))
  })
}

describe('npm pack, then npm install -g of the tarball', () => {
  it('ships the bundles and needs no dependency', () => {
    expect(pkg.dependencies).toBeUndefined()
  })

  it('gives a working gcore-cdn-prefetch command: --help and --version', async () => {
    const help = await run(['--help'])
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('Usage: GCORE_API_KEY=<token> gcore-cdn-prefetch --resource-id <id>')
    expect((await run(['--version'])).stdout).toBe(`${pkg.version}\n`)
  })

  it('plans a dry run against the emulator, sending nothing', async () => {
    writeFileSync(nodePath.join(dir, 'list.txt'), '/a.iso\n/b.iso\n')
    const dry = await run([
      '--resource-id',
      '42',
      '--api-url',
      gcore.url,
      '--paths-file',
      'list.txt',
      '--purge',
      'auto',
      '--dry-run',
      '--json'
    ])

    expect(dry.status).toBe(0)
    expect(JSON.parse(dry.stdout)).toMatchObject({ result: 'dry-run', 'total-count': 2, 'skipped-count': 2 })
    expect(gcore.log.every(entry => entry.method === 'GET')).toBe(true)
  })
})
