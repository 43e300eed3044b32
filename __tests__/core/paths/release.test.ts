/** The release lookup policy (src/core/paths/release.ts), with a stub GitHub behind the ReleaseApi port. */
import { describe, expect, it } from '@jest/globals'
import { actionInputName } from '../../../src/core/input-error.js'
import { readRelease, ReleaseReadError } from '../../../src/core/paths/release.js'
import type { ReleaseApi, ReleaseAsset } from '../../../src/core/ports.js'
import { stubReleases } from '../../support/releases.js'

const NEVER = new AbortController().signal

const settings = (releaseTag: string, githubToken = 'ghs_token') => ({ releaseTag, githubToken })
const message = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: { describe?: (name: typeof actionInputName) => string; message: string }) => error.describe?.(actionInputName) ?? error.message
  )

describe('readRelease', () => {
  it('takes a release event’s assets without asking GitHub', async () => {
    const { api, calls } = stubReleases({ event: 'release', eventRelease: { tag: 'v1', assets: [{ name: 'a.iso', size: 5 }] } })
    await expect(readRelease(api, settings(''), NEVER)).resolves.toEqual({ tag: 'v1', assets: [{ name: 'a.iso', size: 5 }] })
    expect(calls).toEqual([])
  })

  it('needs release-tag, a token and the repository outside a release event, before any call', async () => {
    const { api, calls } = stubReleases({ event: 'push' })
    expect(await message(readRelease(api, settings(''), NEVER))).toBe(
      'Input "release-tag" is required with "release-assets" outside a release event (this run\'s event is "push").'
    )
    expect(await message(readRelease(api, settings('v1', ''), NEVER))).toMatch(/^Input "github-token" is empty/)
    expect(await message(readRelease(stubReleases({ repository: '' }).api, settings('v1'), NEVER))).toMatch(/GITHUB_REPOSITORY/)
    expect(calls).toEqual([])
  })

  it('reads the release by tag with the token, and names an unknown tag', async () => {
    const assets: ReleaseAsset[] = [{ name: 'b.iso', size: 9 }]
    const byTag: ReleaseApi['assetsByTag'] = async tag => (tag === 'v2' ? assets : Promise.reject(new ReleaseReadError('Not Found', 404)))
    const { api, calls } = stubReleases({ byTag })
    await expect(readRelease(api, settings('v2'), NEVER)).resolves.toEqual({ tag: 'v2', assets })
    expect(calls).toEqual(['v2 ghs_token'])
    expect(await message(readRelease(api, settings('v9'), NEVER))).toBe('Input "release-tag": no release with tag "v9" in acme/app.')
  })

  it('says why a lookup failed, never with the token in it', async () => {
    const fail = (error: Error) => stubReleases({ byTag: () => Promise.reject(error) }).api
    expect(await message(readRelease(fail(new ReleaseReadError('HTTP 502', 502)), settings('v2'), NEVER))).toBe(
      'Input "release-tag": could not read release "v2" of acme/app (HTTP 502); check input "github-token".'
    )
    const echoed = await message(readRelease(fail(new Error('bad credentials ghs_token\n::error::x')), settings('v2'), NEVER))
    expect(echoed).not.toContain('ghs_token')
    expect(echoed).not.toContain('\n')
  })

  it('refuses a release without assets', async () => {
    const { api } = stubReleases({ byTag: async () => [] })
    expect(await message(readRelease(api, settings('v2'), NEVER))).toBe('Input "release-assets" is true, but release "v2" has no assets.')
    const event = stubReleases({ event: 'release', eventRelease: { tag: 'v3', assets: [] } }).api
    expect(await message(readRelease(event, settings(''), NEVER))).toBe('Input "release-assets" is true, but release "v3" has no assets.')
  })

  it('gives up on a lookup that never answers within its deadline, and on a cancel', async () => {
    const hang: ReleaseApi['assetsByTag'] = (_tag, _token, signal) =>
      new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))
    const { api } = stubReleases({ byTag: hang })
    expect(await message(readRelease(api, settings('v2'), NEVER, 50))).toMatch(
      /could not read release "v2" of acme\/app \(no answer in time\)/
    )
    const controller = new AbortController()
    const cancelled = message(readRelease(api, settings('v2'), controller.signal))
    controller.abort()
    expect(await cancelled).toMatch(/\(cancelled\)/)
  })
})
