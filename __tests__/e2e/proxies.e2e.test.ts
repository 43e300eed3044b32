/**
 * Proxies, for every request of the action and of the CLI (the Gcore API, and
 * the CLI's GitHub release lookup), through dist/ as shipped: HTTPS_PROXY and
 * HTTP_PROXY are honoured alike; a proxy that refuses, closes or answers CONNECT
 * with a 502 is named as the proxy in the error; a proxy value that cannot be
 * parsed is an input-level error naming the variable, before any request.
 *
 * The emulator's proxy (startProxy) tunnels to its API, with proxy faults on
 * `connect`; api-url names a non-loopback host (loopback addresses bypass
 * proxies), which only the proxy resolves. The runner's lower-case variables
 * are honoured too: `https_proxy` for the API, bypassed for the hosts in
 * `no_proxy`, and `http_proxy` for the edge checks of `verify-url: auto`, to
 * each resource's own hostname.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { GitHubStub } from '../support/github-stub.js'
import { batchesOf, expectOutputsPresent, expectPathsPartitioned, keyLeaks, stackTraces } from '../support/checks.js'
import { ConnectProxy } from '../support/connect-proxy.js'
import { closedPort } from '../support/connections.js'
import { KEY as CHECKED_KEY, runChecked } from '../support/e2e.js'
import { ROOT, runAction, type ActionRun } from '../support/run-action.js'
import type { EmulatorOptions } from '../../emulator/gcore-emulator.js'

const KEY = 'proxy-key-$ecret'
const PATHS = ['/p/1.iso', '/p/2.iso']
const tls = (name: string) => readFileSync(nodePath.join(ROOT, '__tests__/fixtures/tls', name), 'utf8')
const CA = { NODE_EXTRA_CA_CERTS: nodePath.join(ROOT, '__tests__/fixtures/tls/ca.pem') }
let gcore: GcoreEmulator
/** The emulator's CONNECT proxy, in front of its API. */
let proxyUrl: string

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  await gcore.start()
  proxyUrl = await gcore.startProxy()
})
afterEach(() => gcore.stop())

/** An emulator of the test's own (stopped after it), with runChecked's key, for tests that need other options. */
const owned: GcoreEmulator[] = []
afterEach(async () => {
  await Promise.all(owned.splice(0).map(emulator => emulator.stop()))
})
async function own(options: Partial<EmulatorOptions>): Promise<GcoreEmulator> {
  const emulator = new GcoreEmulator({ apiKey: CHECKED_KEY, windowMs: 200, ...options })
  owned.push(emulator)
  await emulator.start()
  return emulator
}

const inputs = (extra: Record<string, string> = {}) => ({
  'api-key': KEY,
  'resource-id': '321',
  'api-url': 'https://api.gcore.test',
  paths: PATHS.join('\n'),
  'prefetch-interval': '0.2',
  'max-attempts': '2',
  'request-timeout': '2',
  ...extra
})

async function action(extra: Record<string, string>, env: Record<string, string>): Promise<ActionRun> {
  const run = await runAction(inputs(extra), { env })
  expectOutputsPresent(run)
  expect(keyLeaks(run, KEY)).toEqual([])
  expect(stackTraces(run)).toEqual([])
  return run
}

interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const cwd = mkdtempSync(nodePath.join(tmpdir(), 'gcore-cli-proxy-'))
  return new Promise(resolve => {
    const child = spawn(process.execPath, [nodePath.join(ROOT, 'dist/cli/index.js'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', GCORE_API_KEY: KEY, ...env }
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += chunk))
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('close', code => resolve({ code, stdout, stderr }))
  })
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+(\(|:\d+)/m)

describe('the action behind a proxy', () => {
  it('a proxy that refuses: every error names it and its variable; nothing else is tried', async () => {
    const proxy = `http://127.0.0.1:${await closedPort()}`
    const run = await action({}, { HTTPS_PROXY: proxy })
    const named = `the proxy ${proxy} (HTTPS_PROXY) refused the connection`

    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`::notice::Could not read the account's limits (${named})`)
    expect(run.stdout).toContain(`::warning::Resource 321: its settings could not be read (${named})`)
    expect(batchesOf(run)[0]).toMatchObject({ outcome: 'failed', status: null, attempts: 2, error: `${named} (gave up after 2 attempts)` })
    expectPathsPartitioned(run, PATHS)
    expect(run.stdout).not.toContain('connection reset')
  })

  it('a proxy that answers CONNECT with 502: named, with the status and the tunnel asked for', async () => {
    gcore.inject({ operation: 'connect', on: 'every', fault: { kind: 'proxy-status', status: 502 } })
    const run = await action({}, { https_proxy: proxyUrl })

    expect(run.code).toBe(1)
    expect(batchesOf(run)[0].error).toBe(
      `the proxy ${proxyUrl} (HTTPS_PROXY) answered HTTP 502 to CONNECT api.gcore.test:443 (gave up after 2 attempts)`
    )
    expect(gcore.log).toEqual([]) // nothing reached the API
    expect(gcore.connects.every(entry => entry.target === 'api.gcore.test:443' && entry.answer === 502)).toBe(true)
  })

  it('a proxy that closes the connection, then one that asks for credentials: each said as it is', async () => {
    gcore.inject({ operation: 'connect', on: 'every', fault: { kind: 'proxy-reset' } })
    const reset = await action({ 'max-attempts': '1', limits: 'documented', 'resource-check': 'off' }, { HTTPS_PROXY: proxyUrl })
    expect(batchesOf(reset)[0].error).toContain(
      `the proxy ${proxyUrl} (HTTPS_PROXY) closed the connection before it opened the tunnel to api.gcore.test:443`
    )

    gcore.faults.length = 0
    gcore.inject({ operation: 'connect', on: 'every', fault: { kind: 'proxy-status', status: 407 } })
    const auth = await action({ 'max-attempts': '1', limits: 'documented', 'resource-check': 'off' }, { HTTPS_PROXY: proxyUrl })
    expect(batchesOf(auth)[0].error).toContain(
      `the proxy ${proxyUrl} (HTTPS_PROXY) answered HTTP 407 to CONNECT api.gcore.test:443: it wants credentials (http://user:password@host:port in the variable)`
    )
  })

  it('a proxy that fails twice, then tunnels: the retries go through it and the run succeeds', async () => {
    await gcore.stop()
    gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200, tls: { key: tls('server.key'), cert: tls('server.pem') } })
    await gcore.start()
    gcore.inject({ operation: 'connect', on: [1, 2], fault: { kind: 'proxy-status', status: 502 } })
    const run = await action({}, { HTTPS_PROXY: await gcore.startProxy(), ...CA })

    expect(run.code).toBe(0)
    expect(run.outputs['prefetched-count']).toBe('2')
    // The limits GET and its one retry met the 502s; the rest went through the tunnel.
    expect(gcore.connects.map(entry => entry.answer)).toEqual([502, 502, 200, 200, 200, 200])
    expect(gcore.log.map(entry => entry.operation)).toEqual(['resource', 'rules', 'origin-group', 'prefetch'])
  })

  it.each([
    [
      'HTTPS_PROXY',
      'proxy.corp:3128',
      'has no scheme, so it reads as a URL of the scheme "proxy.corp:" with no host: write http://proxy.corp:3128'
    ],
    ['https_proxy', 'socks5://proxy.corp:1080', 'is a socks5 proxy; only http:// and https:// proxies are supported'],
    ['HTTP_PROXY', 'http://user:pa55word@:3128', 'is not a valid URL'],
    ['HTTPS_PROXY', 'http://', 'is not a valid URL']
  ])('%s=%s cannot be parsed: an input-level error naming the variable, before any request', async (variable, value, problem) => {
    const run = await action({}, { [variable]: value })
    const shown = value.replace('user:pa55word', '***')

    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`::error::The environment variable ${variable} ${JSON.stringify(shown)} ${problem}.`)
    // Masked (its ::add-mask:: lines aside), and never quoted.
    expect(run.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('pa55word')
    expect(run.outputs).toMatchObject({ result: 'failure', 'prefetched-count': '0' })
    expect(gcore.log).toEqual([])
  })

  it('NO_PROXY entries that never match are warned about', async () => {
    const run = await action({ 'api-url': gcore.url }, { NO_PROXY: '*.gcore.test,10.0.0.0/8,.corp.example' })

    expect(run.code).toBe(0)
    expect(run.stdout).toContain(
      '::warning::NO_PROXY entry "*.gcore.test" never matches (a leading * is not a wildcard here): write .gcore.test'
    )
    expect(run.stdout).toContain('::warning::NO_PROXY entry "10.0.0.0/8" never matches: address ranges are not supported')
    expect(run.stdout).not.toContain('.corp.example')
  })
})

describe('the CLI behind a proxy', () => {
  // Without the optional reads (each failure of one is asked again a second later): the prefetch alone meets the proxy.
  const args = [
    '--resource-id',
    '321',
    '--paths',
    '/p/1.iso',
    '--prefetch-interval',
    '0.2',
    '--max-attempts',
    '1',
    '--limits',
    'documented',
    '--resource-check',
    'off'
  ]

  it('a refusing proxy and a 502 proxy on the Gcore API: named, exit 1, no stack trace', async () => {
    const refusing = `http://127.0.0.1:${await closedPort()}`
    const refused = await cli([...args, '--api-url', 'https://api.gcore.test'], { HTTPS_PROXY: refusing })
    expect(refused.code).toBe(1)
    expect(refused.stdout).toContain(`the proxy ${refusing} (HTTPS_PROXY) refused the connection`)
    noStack(refused.stderr)

    gcore.inject({ operation: 'connect', on: 'every', fault: { kind: 'proxy-status', status: 502 } })
    const bad = await cli([...args, '--api-url', 'https://api.gcore.test'], { HTTPS_PROXY: proxyUrl })
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain(`the proxy ${proxyUrl} (HTTPS_PROXY) answered HTTP 502 to CONNECT api.gcore.test:443`)
    noStack(bad.stderr)
  })

  it('an unparsable proxy value: a usage error naming the variable, exit 2', async () => {
    const run = await cli([...args, '--api-url', gcore.url], { HTTPS_PROXY: 'proxy.corp:3128' })
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('error: The environment variable HTTPS_PROXY "proxy.corp:3128" has no scheme')
    expect(gcore.log).toEqual([])
  })

  describe('the release lookup', () => {
    let gh: GitHubStub
    beforeEach(async () => {
      gh = new GitHubStub([{ id: 7, tag: 'v1', assets: [{ name: 'a#1.iso', size: 300 * 1024 * 1024 }] }])
      await gh.start()
    })
    afterEach(() => gh.stop())

    const release = ['--resource-id', '321', '--api-url', '', '--release-assets', '--release-tag', 'v1', '--path-prefix', '/rel']
    const env = (extra: Record<string, string>) => ({
      GITHUB_TOKEN: 'ghs_cliToken',
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_API_URL: 'http://api.github.test',
      ...extra
    })

    it('goes through HTTP_PROXY like every request; a loopback api-url does not', async () => {
      const proxy = new ConnectProxy({ host: '127.0.0.1', port: Number(new URL(gh.url).port) })
      await proxy.start()
      try {
        const run = await cli(
          release.map(arg => (arg === '' ? gcore.url : arg)),
          env({ HTTP_PROXY: proxy.url })
        )
        expect(run.code).toBe(0)
        expect(proxy.tunnels).toEqual(['api.github.test:80', 'api.github.test:80'])
        expect(gh.requests.map(request => request.authorization)).toEqual(['token ghs_cliToken', 'token ghs_cliToken'])
        expect(gcore.acceptedRequests('prefetch')[0].body).toEqual({ paths: ['/rel/a%231.iso'] })
      } finally {
        await proxy.stop()
      }
    })

    it('a refusing proxy and a 502 proxy: named in the error, exit 2, no stack trace', async () => {
      const refusing = `http://127.0.0.1:${await closedPort()}`
      const refused = await cli(
        release.map(arg => (arg === '' ? gcore.url : arg)),
        env({ HTTP_PROXY: refusing })
      )
      expect(refused.code).toBe(2)
      expect(refused.stderr).toContain(
        `error: --release-tag: could not read release "v1" of acme/app (the proxy ${refusing} (HTTP_PROXY) refused the connection).`
      )
      noStack(refused.stderr)

      gcore.inject({ operation: 'connect', on: 'every', fault: { kind: 'proxy-status', status: 502 } })
      const bad = await cli(
        release.map(arg => (arg === '' ? gcore.url : arg)),
        env({ HTTP_PROXY: proxyUrl })
      )
      expect(bad.code).toBe(2)
      expect(bad.stderr).toContain(`(the proxy ${proxyUrl} (HTTP_PROXY) answered HTTP 502 to CONNECT api.github.test:80)`)
      noStack(bad.stderr)
      expect(gcore.log).toEqual([])
    })
  })
})

describe('the runner’s proxy variables, in lower case', () => {
  it('https_proxy is honoured, and no_proxy bypasses it', async () => {
    const gcore = await own({ tls: { key: tls('server.key'), cert: tls('server.pem') } })
    const proxy = new ConnectProxy({ host: '127.0.0.1', port: gcore.port })
    await proxy.start()
    const env = { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: nodePath.join(ROOT, '__tests__/fixtures/tls/ca.pem') }
    try {
      const proxied = await runChecked(gcore, { paths: '/a.iso', 'api-url': 'https://api.gcore.test' }, { env })
      expect(proxied.code).toBe(0)
      // One tunnel per request: the account's limits, the resource, its rules and its origin group, then the prefetch.
      expect(proxy.tunnels).toEqual(Array(5).fill('api.gcore.test:443'))
      expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules', 'origin-group', 'prefetch'])

      const bypassed = await runChecked(
        gcore,
        { paths: '/a.iso', 'api-url': 'https://api.gcore.test', 'max-attempts': '1' },
        { env: { ...env, no_proxy: 'api.gcore.test' } }
      )
      expect(bypassed.code).toBe(1)
      expect(proxy.tunnels).toHaveLength(5)
      expect(bypassed.stdout).toContain('host not found (api.gcore.test)')
    } finally {
      await proxy.stop()
    }
  })

  it('verify-url auto asks the resource’s hostname, through http_proxy', async () => {
    const gcore = await own({ resources: [{ id: 7, cname: 'cdn.example.com' }] })
    const edge = new URL(await gcore.startEdge())
    const proxy = new ConnectProxy({ host: '127.0.0.1', port: Number(edge.port) })
    await proxy.start()
    try {
      const run = await runChecked(
        gcore,
        { 'resource-id': '7', paths: '/dl/app.iso', 'verify-url': 'auto' },
        { env: { http_proxy: proxy.url } }
      )

      expect(run.code).toBe(0)
      expect(proxy.tunnels).toEqual(['cdn.example.com:80'])
      expect(JSON.parse(run.outputs.verify)).toMatchObject([{ url: 'http://cdn.example.com/dl/app.iso', result: 'verified' }])
      expect(run.outputs['verified-count']).toBe('1')
    } finally {
      await proxy.stop()
    }
  })
})
