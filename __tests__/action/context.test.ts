import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { githubReleases, readEvent, runContext, type GitHubEvent } from '../../src/action/context.js'
import type { ReleaseCalls } from '../../src/core/paths/github-rest.js'
import { ReleaseReadError } from '../../src/core/paths/release.js'
import { renderContextLine } from '../../src/core/report/markdown.js'

function event(eventName: string, payload: Record<string, unknown>): GitHubEvent {
  return {
    eventName,
    payload,
    repository: 'acme/app',
    ref: 'refs/heads/main',
    sha: 'abcdef0123456789',
    runId: '99',
    serverUrl: 'https://github.example',
    apiUrl: 'https://api.github.example'
  }
}

/** A GitHub API that must not be called. */
const noOctokit = (): ReleaseCalls => {
  throw new Error('the GitHub API was called')
}

describe('githubReleases (the action’s adapter)', () => {
  it('takes a release event’s payload as it is, with no call', () => {
    const payload = { release: { tag_name: 'v1', assets: [{ name: 'a.iso', size: 5, url: 'x' }] } }
    const api = githubReleases(event('release', payload), noOctokit)
    expect(api).toMatchObject({
      event: 'release',
      repository: 'acme/app',
      eventRelease: { tag: 'v1', assets: [{ name: 'a.iso', size: 5 }] }
    })
    expect(githubReleases(event('push', {}), noOctokit).eventRelease).toBeNull()
  })

  it('reads assets by tag through the REST calls with the token, and hands on GitHub’s status', async () => {
    const tokens: string[] = []
    const octokit = (token: string): ReleaseCalls => {
      tokens.push(token)
      return {
        releaseIdByTag: async (_owner, _repo, tag) =>
          tag === 'v2' ? 7 : Promise.reject(Object.assign(new Error('Not Found'), { status: 404 })),
        assets: async (_owner, _repo, id) => (id === 7 ? [{ name: 'b.iso', size: 9 }] : [])
      }
    }
    const api = githubReleases(event('workflow_dispatch', {}), octokit)
    const signal = new AbortController().signal
    await expect(api.assetsByTag('v2', 'ghs_t', signal)).resolves.toEqual([{ name: 'b.iso', size: 9 }])
    await expect(api.assetsByTag('v9', 'ghs_t', signal)).rejects.toEqual(new ReleaseReadError('Not Found', 404))
    expect(tokens).toEqual(['ghs_t', 'ghs_t'])
  })
})

describe('runContext', () => {
  it('prefers the release tag and links the run', () => {
    const run = runContext(event('release', { release: { tag_name: 'v2.1.0' } }))
    expect(run).toEqual({
      repository: 'acme/app',
      event: 'release',
      ref: 'v2.1.0',
      sha: 'abcdef0',
      runUrl: 'https://github.example/acme/app/actions/runs/99'
    })
    expect(renderContextLine({ ...run, repository: 'a<b>/c' }, 'html')).toContain('<code>a&lt;b&gt;/c</code>')
  })

  it('reads the runner’s environment and event file, without touching process.env', () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-event-'))
    writeFileSync(nodePath.join(dir, 'event.json'), JSON.stringify({ release: { tag_name: 'v3' } }))
    const read = readEvent({
      GITHUB_EVENT_NAME: 'release',
      GITHUB_EVENT_PATH: nodePath.join(dir, 'event.json'),
      GITHUB_REPOSITORY: 'acme/app',
      GITHUB_SHA: 'f00',
      GITHUB_RUN_ID: '5'
    })
    expect(read).toMatchObject({
      eventName: 'release',
      payload: { release: { tag_name: 'v3' } },
      repository: 'acme/app',
      serverUrl: 'https://github.com'
    })
    expect(readEvent({}).payload).toEqual({})
  })
})
