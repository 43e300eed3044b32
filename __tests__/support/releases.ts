/** GitHub's releases behind the ReleaseApi port, stubbed: a release event's, or lookups by tag that a test answers. */
import type { Release, ReleaseApi } from '../../src/core/ports.js'

export interface StubReleases {
  api: ReleaseApi
  /** Each lookup by tag, as `<tag> <token>`. */
  calls: string[]
}

export function stubReleases(
  options: { event?: string; eventRelease?: Release; byTag?: ReleaseApi['assetsByTag']; repository?: string } = {}
): StubReleases {
  const calls: string[] = []
  const api: ReleaseApi = {
    event: options.event ?? 'workflow_dispatch',
    eventRelease: options.eventRelease ?? null,
    repository: options.repository ?? 'acme/app',
    assetsByTag(tag, token, signal) {
      calls.push(`${tag} ${token}`)
      return options.byTag ? options.byTag(tag, token, signal) : Promise.reject(new Error('GitHub was asked'))
    }
  }
  return { api, calls }
}
