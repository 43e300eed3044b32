/**
 * Release assets through the process: the release event read from
 * GITHUB_EVENT_PATH (no GitHub API call) with the run's context at the top of
 * the log and the summary, and a release looked up by tag through Octokit
 * against a GitHub stub, across pages, with the runner's token.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { emulatorPerTest, runChecked } from '../support/e2e.js'
import { GitHubStub } from '../support/github-stub.js'
import { sent } from '../support/requests.js'
import { RELEASE_ASSETS, RELEASE_PATHS } from '../support/releases.js'
import { RUNNER_TOKEN } from '../support/run-action.js'

const RELEASE = { 'release-assets': 'true', 'path-prefix': '/releases/v2.1.0' }

// The origin holds the release's assets, as after an upload: the origin check finds each of its size.
const emulator = emulatorPerTest({
  origin: Object.fromEntries(RELEASE_ASSETS.map((asset, i) => [RELEASE_PATHS[i], { size: asset.size }]))
})
let gh: GitHubStub
beforeEach(async () => {
  gh = new GitHubStub([{ id: 7, tag: 'v2.1.0', assets: RELEASE_ASSETS }])
  await gh.start()
})
afterEach(() => gh.stop())

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

describe('release assets', () => {
  it('from the release event, with no GitHub API call; the run’s context opens the log and the summary', async () => {
    const run = await runChecked(emulator.gcore, RELEASE, {
      env: githubEnv('release', { action: 'published', release: { id: 7, tag_name: 'v2.1.0', assets: RELEASE_ASSETS } })
    })

    expect(run.code).toBe(0)
    expect(sent(emulator.gcore, 'prefetch')).toEqual(RELEASE_PATHS)
    expect(gh.requests).toHaveLength(0)
    const context = 'acme/app · release · v2.1.0 · 0123456 · https://github.com/acme/app/actions/runs/4242'
    expect(run.stdout.split('\n').filter(line => !line.startsWith('::add-mask::'))[0]).toBe(context)
    expect(run.summary.split('\n')[0]).toBe(
      '<code>acme/app</code> · <code>release</code> · <code>v2.1.0</code> · <code>0123456</code> · ' +
        '<a href="https://github.com/acme/app/actions/runs/4242">run</a>'
    )
  })

  it('by release-tag through the GitHub API, across pages, with the runner’s token', async () => {
    const run = await runChecked(
      emulator.gcore,
      { ...RELEASE, 'release-tag': 'v2.1.0' },
      { env: githubEnv('workflow_dispatch', { inputs: {} }) }
    )

    expect(run.code).toBe(0)
    expect(sent(emulator.gcore, 'prefetch')).toEqual(RELEASE_PATHS)
    expect(gh.requests.map(request => request.url)).toEqual([
      '/repos/acme/app/releases/tags/v2.1.0',
      '/repos/acme/app/releases/7/assets?per_page=100',
      '/repos/acme/app/releases/7/assets?per_page=100&page=2'
    ])
    expect(gh.requests.every(request => request.authorization === `token ${RUNNER_TOKEN}`)).toBe(true)
  })
})
