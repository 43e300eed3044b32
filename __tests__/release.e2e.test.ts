/**
 * End to end: release assets from a release event (no GitHub API call) and from
 * the GitHub API by tag (paginated), plus the run context at the top of the log
 * and the summary. Mirrors the acceptance list of the "releases" issue.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator } from '../emulator/gcore-emulator.js'
import { GitHubStub } from './support/github-stub.js'
import { RUNNER_TOKEN, runAction } from './support/run-action.js'

const KEY = 'release-key'
const MB = 1024 * 1024
const ASSETS = [
  { name: 'app-linux-x64.tar.gz', size: 300 * MB },
  { name: 'App Setup 2.1.0.exe', size: 250 * MB },
  { name: 'checksums.txt', size: 1024 }
]
const EXPECTED = ['/releases/v2.1.0/app-linux-x64.tar.gz', '/releases/v2.1.0/App%20Setup%202.1.0.exe', '/releases/v2.1.0/checksums.txt']

let gcore: GcoreEmulator
let gh: GitHubStub

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 1000 })
  gh = new GitHubStub([{ id: 7, tag: 'v2.1.0', assets: ASSETS }])
  await Promise.all([gcore.start(), gh.start()])
})
afterEach(async () => Promise.all([gcore.stop(), gh.stop()]))

function githubEnv(eventName: string, payload: unknown): Record<string, string> {
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-event-'))
  const eventPath = nodePath.join(dir, 'event.json')
  writeFileSync(eventPath, JSON.stringify(payload))
  return {
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REF: 'refs/tags/v2.1.0',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: gh.url
  }
}

const inputs = (extra: Record<string, string> = {}) => ({
  'api-key': KEY,
  'resource-id': '5',
  'api-url': gcore.url,
  'prefetch-interval': '1',
  'release-assets': 'true',
  'path-prefix': '/releases/v2.1.0',
  ...extra
})
const prefetched = () => gcore.acceptedRequests('prefetch').flatMap(entry => (entry.body as { paths: string[] }).paths)
const releaseEvent = { action: 'published', release: { id: 7, tag_name: 'v2.1.0', assets: ASSETS } }

describe('release assets', () => {
  it('takes the assets from a release event, with no GitHub API call', async () => {
    const run = await runAction(inputs(), { env: githubEnv('release', releaseEvent) })

    expect(run.code).toBe(0)
    expect(prefetched()).toEqual(EXPECTED)
    expect(gh.requests).toHaveLength(0)
    const warning = run.stdout.split('\n').find(line => line.startsWith('::warning::'))
    expect(warning).toContain('checksums.txt')
    expect(warning).not.toContain('App Setup')
  })

  it('skips assets outside the size window with size-check: skip', async () => {
    const run = await runAction(inputs({ 'size-check': 'skip' }), { env: githubEnv('release', releaseEvent) })

    expect(prefetched()).toEqual(EXPECTED.slice(0, 2))
    expect(JSON.parse(run.outputs['skipped-paths'])).toEqual([EXPECTED[2]])
  })

  it('opens the log and the summary with the run context', async () => {
    const run = await runAction(inputs(), { env: githubEnv('release', releaseEvent) })

    const context = 'acme/app · release · v2.1.0 · 0123456 · https://github.com/acme/app/actions/runs/4242'
    expect(run.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))[0]).toBe(context)
    expect(run.summary.split('\n')[0]).toBe(
      '<code>acme/app</code> · <code>release</code> · <code>v2.1.0</code> · <code>0123456</code> · ' +
        '<a href="https://github.com/acme/app/actions/runs/4242">run</a>'
    )
  })

  it('reads the release by release-tag through the GitHub API, across pages', async () => {
    const run = await runAction(inputs({ 'release-tag': 'v2.1.0' }), { env: githubEnv('workflow_dispatch', { inputs: {} }) })

    expect(run.code).toBe(0)
    expect(prefetched()).toEqual(EXPECTED)
    expect(gh.requests.map(r => r.url)).toEqual([
      '/repos/acme/app/releases/tags/v2.1.0',
      '/repos/acme/app/releases/7/assets?per_page=100',
      '/repos/acme/app/releases/7/assets?per_page=100&page=2'
    ])
    expect(gh.requests.every(r => r.authorization === `token ${RUNNER_TOKEN}`)).toBe(true)
  })

  it.each([
    [{ 'release-tag': 'v9.9.9' }, 'Input "release-tag": no release with tag "v9.9.9" in acme/app.'],
    [{}, 'Input "release-tag" is required with "release-assets" outside a release event']
  ])('fails clearly for %j, with no Gcore request', async (extra, message) => {
    const run = await runAction(inputs(extra), { env: githubEnv('workflow_dispatch', {}) })

    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`::error::${message}`)
    expect(gcore.log).toHaveLength(0)
  })

  it('fails clearly for a release event whose release has no assets', async () => {
    const run = await runAction(inputs(), { env: githubEnv('release', { release: { tag_name: 'v3', assets: [] } }) })

    expect(run.code).toBe(1)
    expect(run.stdout).toContain('::error::Input "release-assets" is true, but release "v3" has no assets.')
    expect(gcore.log).toHaveLength(0)
  })
})
