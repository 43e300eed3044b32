import { describe, expect, it } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { readEvent, releaseSource, runContext, type GitHubEvent, type ReleaseApi } from '../src/action/context.js'
import { assetFiles } from '../src/core/paths/files.js'
import { renderContextLine } from '../src/core/report/markdown.js'

const MB = 1024 * 1024

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

/** A release API that must not be called. */
const noApi = (): ReleaseApi => {
  throw new Error('the GitHub API was called')
}

describe('assetFiles', () => {
  it('maps names with the file-name encoding and applies the size window', () => {
    const files = assetFiles(
      [
        { name: 'App Setup 2.1.0.exe', size: 250 * MB },
        { name: 'sums#1.txt', size: 10 }
      ],
      '/releases/v2',
      true
    )
    expect(files).toEqual([
      {
        file: 'App Setup 2.1.0.exe',
        size: 250 * MB,
        cdnPath: '/releases/v2/App%20Setup%202.1.0.exe',
        outsideWindow: false,
        skipped: false
      },
      { file: 'sums#1.txt', size: 10, cdnPath: '/releases/v2/sums%231.txt', outsideWindow: true, skipped: true }
    ])
  })
})

describe('releaseSource', () => {
  it('reads a release event payload without any API call', async () => {
    const payload = { release: { tag_name: 'v1', assets: [{ name: 'a.iso', size: 5, url: 'x' }] } }
    const source = releaseSource({ event: event('release', payload), token: '', timeoutMs: 1000, api: noApi })
    await expect(source.release('')).resolves.toEqual({ tag: 'v1', assets: [{ name: 'a.iso', size: 5 }] })
  })

  it('needs release-tag outside a release event, and says so before any call', async () => {
    await expect(releaseSource({ event: event('push', {}), token: 't', timeoutMs: 1000, api: noApi }).release('')).rejects.toThrow(
      'Input "release-tag" is required with "release-assets" outside a release event (this run\'s event is "push").'
    )
    await expect(releaseSource({ event: event('push', {}), token: '', timeoutMs: 1000, api: noApi }).release('v1')).rejects.toThrow(
      'Input "github-token" is empty'
    )
  })

  it('looks the release up by tag, and names an unknown tag', async () => {
    const api = (): ReleaseApi => ({
      releaseIdByTag: async (_owner, _repo, tag) =>
        tag === 'v2' ? 7 : Promise.reject(Object.assign(new Error('Not Found'), { status: 404 })),
      assets: async (_owner, _repo, id) => (id === 7 ? [{ name: 'b.iso', size: 9 }] : [])
    })
    const source = releaseSource({ event: event('workflow_dispatch', {}), token: 't', timeoutMs: 1000, api })
    await expect(source.release('v2')).resolves.toEqual({ tag: 'v2', assets: [{ name: 'b.iso', size: 9 }] })
    await expect(source.release('v9')).rejects.toThrow('Input "release-tag": no release with tag "v9" in acme/app.')
  })

  it('gives up on a lookup that never answers, and on a cancel', async () => {
    const hang = (): ReleaseApi => ({
      releaseIdByTag: (_o, _r, _t, signal) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      assets: async () => []
    })
    const slow = releaseSource({ event: event('workflow_dispatch', {}), token: 't', timeoutMs: 50, api: hang })
    await expect(slow.release('v2')).rejects.toThrow('could not read release "v2" of acme/app (no answer in time)')
    const controller = new AbortController()
    const cancelled = releaseSource({ event: event('workflow_dispatch', {}), token: 't', timeoutMs: 60_000, api: hang }).release(
      'v2',
      controller.signal
    )
    controller.abort()
    await expect(cancelled).rejects.toThrow('(cancelled)')
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
