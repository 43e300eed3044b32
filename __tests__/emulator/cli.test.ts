/** The emulator's command line (emulator/cli-args.ts, cli.ts): flags, resource specs, --help, and the server it starts. */
import { describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { CLI_FLAGS, HELP, parseCliArgs, parseResourceSpec } from '../../emulator/cli-args.js'
import { send, waitFor } from '../support/emulator-client.js'
import { ROOT } from '../support/run-action.js'

const MiB = 1024 * 1024

describe('command line', () => {
  it('parses flags, resource specs and faults into emulator options', () => {
    const parsed = parseCliArgs([
      '--port=0',
      '--window',
      '0.5',
      '--restricted-key',
      'ro',
      '--resource',
      'id=123456,cname=cdn.example.com,slice=on,can_purge_by_urls=false,ignore_query=on,ssl=off,status=active,secondary=a.example.com|b.example.com',
      '--origin',
      'path=/v/a.iso,size=700MiB,version=2',
      '--fault',
      'prefetch:2=cut-body'
    ])
    expect(parsed).toMatchObject({
      help: false,
      config: {
        port: 0,
        edgePort: 0,
        quiet: false,
        faults: [{ operation: 'prefetch', on: [2], fault: { kind: 'cut-body' } }],
        options: {
          apiKey: 'test-key',
          restrictedKeys: ['ro'],
          windowMs: 500,
          origin: { '/v/a.iso': { size: 700 * MiB, version: 2 } },
          resources: [
            {
              id: 123456,
              cname: 'cdn.example.com',
              secondaryHostnames: ['a.example.com', 'b.example.com'],
              status: 'active',
              can_purge_by_urls: false,
              sslEnabled: false,
              options: { slice: { enabled: true, value: true }, ignoreQueryString: { enabled: true, value: true } }
            }
          ]
        }
      }
    })
  })

  it.each([
    ['id=1,slice=maybe', /slice=maybe: expected on or off/],
    ['cname=x.example.com', /id=<positive integer> is required/],
    ['id=1,colour=blue', /unknown key "colour"/],
    ['id=1,ignore_query=on,query_whitelist=v', /cannot be combined/],
    ['id=1,status=gone', /status=gone/]
  ])('rejects --resource %s', (spec, message) => {
    expect(() => parseResourceSpec(spec)).toThrow(message)
  })

  it('--help lists every flag and exits 0; the server prints one line per request and stops on SIGTERM', async () => {
    const built = buildEmulator()
    const help = spawnSync(process.execPath, [join(built, 'cli.js'), '--help'], { encoding: 'utf8', timeout: 10_000 })
    expect(help.status).toBe(0)
    expect(help.stdout.trim()).toBe(HELP)
    for (const flag of CLI_FLAGS) expect(help.stdout).toContain(`--${flag}`)
    for (const flag of [
      'port',
      'edge-port',
      'key',
      'restricted-key',
      'window',
      'latency',
      'purge-duration',
      'resource',
      'resources',
      'fault',
      'quiet'
    ]) {
      expect(CLI_FLAGS).toContain(flag)
    }

    const bad = spawnSync(process.execPath, [join(built, 'cli.js'), '--fault', 'prefetch:0=hang'], { encoding: 'utf8', timeout: 10_000 })
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining('counted from 1')])

    const server = spawn(process.execPath, [join(built, 'cli.js'), '--port', '0', '--resource', 'id=7'], { cwd: built })
    const exit = new Promise<number | null>(resolve => server.on('close', code => resolve(code)))
    try {
      let output = ''
      server.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
      await waitFor(() => output.includes('\n'), 'the first line')
      const apiUrl = /API (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]
      expect(output).toMatch(/edge http:\/\/127\.0\.0\.1:\d+/)
      expect(output).not.toContain(built)
      // The command line's default key.
      expect((await send(`${apiUrl}/cdn/resources/7`, { key: 'test-key' })).status).toBe(200)
      await waitFor(() => output.includes('GET /cdn/resources/7 → 200'), 'the request line')
    } finally {
      server.kill('SIGTERM')
    }
    expect(await exit).toBe(0)
  })
})

/** emulator/*.ts as JavaScript in a temporary folder (transpile only: `npm run typecheck` checks types). */
function buildEmulator(): string {
  const out = mkdtempSync(join(tmpdir(), 'gcore-emulator-'))
  writeFileSync(join(out, 'package.json'), '{"type": "module"}')
  for (const file of readdirSync(join(ROOT, 'emulator')).filter(name => name.endsWith('.ts'))) {
    const source = readFileSync(join(ROOT, 'emulator', file), 'utf8')
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 }
    }).outputText
    writeFileSync(join(out, file.replace(/\.ts$/, '.js')), output)
  }
  return out
}
