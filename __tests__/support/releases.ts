/** GitHub's releases behind the ReleaseApi port, stubbed: a release event's, or lookups by tag that a test answers; and a release to read. */
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

const MiB = 1024 * 1024

/** A release's assets: two in Gcore's prefetch size window, one outside it. */
export const RELEASE_ASSETS = [
  { name: 'app-linux-x64.tar.gz', size: 300 * MiB },
  { name: 'App Setup 2.1.0.exe', size: 250 * MiB },
  { name: 'checksums.txt', size: 1024 }
]

/** Their CDN paths under `path-prefix: /releases/v2.1.0`. */
export const RELEASE_PATHS = [
  '/releases/v2.1.0/app-linux-x64.tar.gz',
  '/releases/v2.1.0/App%20Setup%202.1.0.exe',
  '/releases/v2.1.0/checksums.txt'
]
