/**
 * The release lookup by tag reads GitHub's answers as carefully as Gcore's: an
 * HTML page behind a 200 (a web filter) or JSON of the wrong shape is an error
 * that says so, before any Gcore request, never a stack trace. The CLI and the
 * action share the lookup (core/paths/github-rest.ts); both are run as shipped.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { stackTraces } from '../support/checks.js'
import { ROOT, runAction } from '../support/run-action.js'

const KEY = 'release-answers-key'
let gcore: GcoreEmulator
let github: Server
let githubUrl: string
/** What the stub answers: to the release by tag, and to its assets. */
let answers: { release: [number, string, string]; assets: [number, string, string] }

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  github = createServer((req, res) => {
    const [status, type, body] = /\/assets/.test(req.url ?? '') ? answers.assets : answers.release
    res.writeHead(status, { 'Content-Type': type }).end(body)
  })
  await Promise.all([gcore.start(), new Promise<void>(resolve => github.listen(0, '127.0.0.1', resolve))])
  githubUrl = `http://127.0.0.1:${(github.address() as AddressInfo).port}`
})
afterEach(async () => {
  await gcore.stop()
  github.closeAllConnections()
  await new Promise(resolve => github.close(resolve))
})

const JSON_TYPE = 'application/json'
const FILTER = '<html><head><title>Blocked by corporate web filter</title></head><body>no</body></html>'
const CASES: [string, typeof answers, string][] = [
  [
    'an HTML page behind a 200',
    { release: [200, 'text/html', FILTER], assets: [200, JSON_TYPE, '[]'] },
    `(GET /repos/acme/app/releases/tags/v1: HTTP 200 with a body that is not GitHub's (text/html, not JSON): the answer came from something between you and GitHub: a proxy or filter? It said: "Blocked by corporate web filter")`
  ],
  [
    'a release without an id',
    { release: [200, JSON_TYPE, 'null'], assets: [200, JSON_TYPE, '[]'] },
    '(the release answer has no numeric id)'
  ],
  [
    'assets that are not a list',
    { release: [200, JSON_TYPE, '{"id": 7}'], assets: [200, JSON_TYPE, '{"message": "odd"}'] },
    '(the assets answer is not a list of assets)'
  ]
]

const env = () => ({ GITHUB_REPOSITORY: 'acme/app', GITHUB_API_URL: githubUrl })

describe('the CLI', () => {
  function cli(): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const args = ['--resource-id', '9', '--api-url', gcore.url, '--release-assets', '--release-tag', 'v1']
    return new Promise(resolve => {
      const child = spawn(process.execPath, [nodePath.join(ROOT, 'dist/cli/index.js'), ...args], {
        cwd: mkdtempSync(nodePath.join(tmpdir(), 'gcore-cli-rel-')),
        env: { PATH: process.env.PATH ?? '', GCORE_API_KEY: KEY, GITHUB_TOKEN: 'ghs_t0ken_for_tests', ...env() }
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', chunk => (stdout += chunk))
      child.stderr.on('data', chunk => (stderr += chunk))
      child.on('close', code => resolve({ code, stdout, stderr }))
    })
  }

  it.each(CASES)('%s: an error naming the release, exit 2, no stack trace', async (_, given, why) => {
    answers = given
    const run = await cli()

    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`error: --release-tag: could not read release "v1" of acme/app ${why}.`)
    expect(run.stderr).not.toMatch(/^\s+at /m)
    expect(gcore.log).toEqual([])
  })
})

describe('the action', () => {
  it.each(CASES)('%s: an error naming the input, before any Gcore request', async (_, given, why) => {
    answers = given
    const run = await runAction(
      { 'api-key': KEY, 'resource-id': '9', 'api-url': gcore.url, 'release-assets': 'true', 'release-tag': 'v1' },
      { env: { ...env(), GITHUB_EVENT_NAME: 'workflow_dispatch' } }
    )

    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`::error::Input "release-tag": could not read release "v1" of acme/app ${why}.`)
    expect(stackTraces(run)).toEqual([])
    expect(gcore.log).toEqual([])
  })
})
