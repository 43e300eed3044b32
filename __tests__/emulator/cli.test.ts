/**
 * The emulator's command line (emulator/cli-args.ts, cli.ts): flags, resource
 * specs, the origin and edge flags, --help, and the server it starts, naming
 * its origin servers and logging their requests.
 */
import { describe, expect, it } from '@jest/globals'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ts from 'typescript'
import { CLI_FLAGS, HELP, parseCliArgs, parseResourceSpec } from '../../emulator/cli-args.js'
import { MiB, send, waitFor } from '../support/emulator-client.js'
import { ROOT } from '../support/run-action.js'

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

const config = (argv: string[]) => {
  const parsed = parseCliArgs(argv)
  if (parsed.help) throw new Error('unexpected --help')
  return parsed.config
}

describe('origin flags', () => {
  it('--origin-source, --s3-source, --fastedge-source and --origin-group make the origin groups', () => {
    const { options } = config([
      '--origin-source',
      'lag=20s,acl=on,vhost=origin.example.com,missing=/a.iso|/b.iso,only_published=on,port=0,tag=eu,host_header_override=o.example.com',
      '--origin-source',
      'group=2,backup=on',
      '--origin-source',
      'group=2,enabled=off,lag=500ms',
      '--s3-source',
      'group=2,s3_type=other,s3_bucket_name=dl,s3_storage_hostname=s3.example.net,s3_secret_access_key=abc/def,backup=on',
      '--fastedge-source',
      'app_id=12345,enabled=off',
      '--origin-group',
      'id=2,name=Mirrors',
      '--unmasked-s3-secrets'
    ])
    expect(options.unmaskedS3Secrets).toBe(true)
    expect(options.originGroups).toEqual([
      {
        id: 1,
        sources: [
          {
            lagMs: 20_000,
            acl: true,
            vhost: 'origin.example.com',
            missing: ['/a.iso', '/b.iso'],
            onlyPublished: true,
            port: 0,
            tag: 'eu',
            host_header_override: 'o.example.com'
          },
          { origin_type: 'fastedge', config: { app_id: '12345' }, enabled: false }
        ]
      },
      {
        id: 2,
        name: 'Mirrors',
        sources: [
          { backup: true },
          { enabled: false, lagMs: 500 },
          {
            origin_type: 's3',
            config: { s3_type: 'other', s3_bucket_name: 'dl', s3_storage_hostname: 's3.example.net', s3_secret_access_key: 'abc/def' },
            backup: true
          }
        ]
      }
    ])
  })

  it('without a host source, group 1 keeps its plain one; without any origin flag, the emulator default applies', () => {
    expect(config(['--s3-source', 's3_type=amazon,s3_bucket_name=b,s3_region=eu-west-1']).options.originGroups).toEqual([
      { id: 1, sources: [{}, { origin_type: 's3', config: { s3_type: 'amazon', s3_bucket_name: 'b', s3_region: 'eu-west-1' } }] }
    ])
    expect(config(['--origin-source', '']).options.originGroups).toEqual([{ id: 1, sources: [{}] }])
    expect(config([]).options.originGroups).toBeUndefined()
  })

  it('--origin-source takes TLS files', () => {
    const tls = join(ROOT, '__tests__', 'fixtures', 'tls')
    const { options } = config(['--origin-source', `tls_key=${join(tls, 'server.key')},tls_cert=${join(tls, 'server.pem')}`])
    const [source] = options.originGroups![0].sources as { tls: { key: string; cert: string } }[]
    expect([source.tls.key, source.tls.cert]).toEqual([expect.stringContaining('PRIVATE KEY'), expect.stringContaining('CERTIFICATE')])
  })

  it('--publish, --origin and --cached-since-format', () => {
    const parsed = config([
      '--publish',
      'path=/v/a.iso,size=700MiB,version=2,delay=20s,source=1',
      '--publish',
      'path=/v/b.iso,size=1.5GiB,source=0|2',
      '--origin',
      'path=/v/a.iso,size=600MiB,version=v1',
      '--cached-since-format',
      'space'
    ])
    expect(parsed.publications).toEqual([
      { path: '/v/a.iso', file: { size: 700 * MiB, version: 2 }, delivery: { delayMs: 20_000, sources: [1] } },
      { path: '/v/b.iso', file: { size: 1.5 * 1024 * MiB }, delivery: { sources: [0, 2] } }
    ])
    expect(parsed.options).toMatchObject({ origin: { '/v/a.iso': { size: 600 * MiB, version: 'v1' } }, cachedSinceFormat: 'space' })
    expect(config([]).options.cachedSinceFormat).toBe('iso')
  })

  it('resource keys for the origin', () => {
    expect(
      parseResourceSpec(
        'id=1,origin_group=7,origin_protocol=https,host_header=origin.example.com,rewrite=/(.*) /media/$1,rewrite_flag=last'
      )
    ).toEqual({
      id: 1,
      originGroup: 7,
      originProtocol: 'HTTPS',
      options: {
        hostHeader: { enabled: true, value: 'origin.example.com' },
        rewrite: { enabled: true, body: '/(.*) /media/$1', flag: 'last' }
      }
    })
    expect(parseResourceSpec('id=2,forward_host_header=on,origin_protocol=MATCH')).toEqual({
      id: 2,
      originProtocol: 'MATCH',
      options: { forward_host_header: { enabled: true, value: true } }
    })
  })

  it.each([
    [['--origin-source', 'lag=20'], /lag=20: expected a duration with its unit/],
    [['--origin-source', 'colour=blue'], /--origin-source "colour=blue": unknown key "colour"/],
    [['--origin-source', 'group=0'], /group=0: expected a whole number of at least 1/],
    [['--origin-source', 'tls_key=a.pem'], /tls_key and tls_cert go together/],
    [['--origin-source', 'tls_key=/no/such.pem,tls_cert=/no/such.pem'], /cannot read \/no\/such\.pem \(ENOENT\)/],
    [['--s3-source', 's3_bucket_name=b'], /s3_type=amazon\|other is required/],
    [['--fastedge-source', 'enabled=off'], /app_id=<FastEdge application ID> is required/],
    [['--origin-group', 'id=2'], /id=<n> and name=<text> are required/],
    [['--publish', 'path=/a.iso'], /size=<size> is required/],
    [['--publish', 'size=1MiB'], /path=\/<origin path> is required/],
    [['--publish', 'path=/a.iso,size=1,source=x'], /source=x: expected host source numbers/],
    [['--cached-since-format', 'rfc'], /"rfc" is not iso or space/],
    [['--resource', 'id=1,origin_protocol=ftp'], /origin_protocol=ftp: expected HTTP, HTTPS, MATCH/],
    [['--resource', 'id=1,rewrite_flag=last'], /rewrite_flag needs rewrite=/],
    [['--resource', 'id=1,rewrite=/x,rewrite_flag=jump'], /rewrite_flag=jump: expected break, last, redirect, permanent/],
    [['--resource', 'id=1,host_header=a.example.com,forward_host_header=on'], /cannot be combined/],
    [['--fault', 'purge:1=lost'], /lost is a fault of prefetch only/],
    [['--fault', 'edge:1=redirect-loop:200'], /redirect status 200 is not between 300 and 399/]
  ])('rejects %j, naming the bad part', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message)
  })

  it('--help explains every flag, the origin and the new faults', () => {
    for (const flag of CLI_FLAGS) expect(HELP).toContain(`--${flag}`)
    for (const text of ['origin-group', 'origin |', 'edge |', 'redirect-loop', 'lost', 'X-Cached-Since', 'bytes=-1', 'only_published'])
      expect(HELP).toContain(text)
    for (const flag of [
      'origin-source',
      's3-source',
      'fastedge-source',
      'origin-group',
      'publish',
      'unmasked-s3-secrets',
      'cached-since-format'
    ])
      expect(CLI_FLAGS).toContain(flag)
  })
})

describe('the running command line', () => {
  it('names its origin servers in its first line, publishes, and logs each origin request', async () => {
    const server = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'emulator', 'cli.ts'),
        '--port',
        '0',
        '--origin-source',
        '',
        '--origin-source',
        'lag=1m',
        '--publish',
        'path=/v/a.iso,size=1MiB,version=2'
      ],
      { cwd: ROOT }
    )
    let output = ''
    server.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    server.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    try {
      await waitFor(() => output.includes('\n'), 'the first line', 20_000)
      const origins = /origin #0 (http:\/\/127\.0\.0\.1:\d+), #1 (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      expect(origins).not.toBeNull()
      expect((await send(`${origins![1]}/v/a.iso`, { method: 'HEAD' })).headers.etag).toBe(`"v2-${MiB}"`)
      expect((await send(`${origins![2]}/v/a.iso`, { method: 'HEAD' })).headers.etag).toBe(`"v1-${300 * MiB}"`) // a minute behind
      await waitFor(() => /origin #1 HEAD \/v\/a\.iso \[127\.0\.0\.1:\d+\] → 200 v1/.test(output), 'the origin request line')
    } finally {
      const exit = new Promise<number | null>(resolve => server.on('close', code => resolve(code)))
      server.kill('SIGTERM')
      expect(await exit).toBe(0)
    }
  })
})
