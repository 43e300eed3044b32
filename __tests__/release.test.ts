import { describe, expect, it } from '@jest/globals'
import type * as github from '@actions/github'
import { assetFiles, releaseAssets, runContext } from '../src/release.js'
import { renderContextLine } from '../src/report.js'

type Context = typeof github.context
const MB = 1024 * 1024

function context(eventName: string, payload: Record<string, unknown>): Context {
  return {
    eventName,
    payload,
    ref: 'refs/heads/main',
    sha: 'abcdef0123456789',
    runId: 99,
    serverUrl: 'https://github.example',
    repo: { owner: 'acme', repo: 'app' }
  } as unknown as Context
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
      { file: 'App Setup 2.1.0.exe', size: 250 * MB, cdnPath: '/releases/v2/App%20Setup%202.1.0.exe', outsideWindow: false, skipped: false },
      { file: 'sums#1.txt', size: 10, cdnPath: '/releases/v2/sums%231.txt', outsideWindow: true, skipped: true }
    ])
  })
})

describe('releaseAssets', () => {
  it('reads a release event payload without any API call', async () => {
    const payload = { release: { tag_name: 'v1', assets: [{ name: 'a.iso', size: 5, url: 'x' }] } }
    await expect(releaseAssets({ tag: '', token: '', context: context('release', payload) })).resolves.toEqual({
      tag: 'v1',
      assets: [{ name: 'a.iso', size: 5 }]
    })
  })

  it('needs release-tag outside a release event, and says so before any call', async () => {
    await expect(releaseAssets({ tag: '', token: 't', context: context('push', {}) })).rejects.toThrow(
      'Input "release-tag" is required with "release-assets" outside a release event (this run\'s event is "push").'
    )
    await expect(releaseAssets({ tag: 'v1', token: '', context: context('push', {}) })).rejects.toThrow('Input "github-token" is empty')
  })
})

describe('runContext', () => {
  it('prefers the release tag and links the run', () => {
    process.env.GITHUB_REPOSITORY = 'acme/app'
    const run = runContext(context('release', { release: { tag_name: 'v2.1.0' } }))
    expect(run).toEqual({ repository: 'acme/app', event: 'release', ref: 'v2.1.0', sha: 'abcdef0', runUrl: 'https://github.example/acme/app/actions/runs/99' })
    expect(renderContextLine({ ...run, repository: 'a<b>/c' }, 'html')).toContain('<code>a&lt;b&gt;/c</code>')
  })
})
