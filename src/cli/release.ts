/**
 * GitHub's releases for the CLI: by tag from the REST API through the one HTTP
 * layer (core/paths/github-rest.ts, as the action does), never from an event.
 * What to look up and what a failure means is core's (paths/release.ts).
 */
import { assetsByTag, githubRestReleases } from '../core/paths/github-rest.js'
import type { ReleaseApi } from '../core/ports.js'

export function githubReleases(env: NodeJS.ProcessEnv): ReleaseApi {
  const repository = env.GITHUB_REPOSITORY ?? ''
  return {
    event: '',
    eventRelease: null,
    repository,
    assetsByTag: assetsByTag(repository, githubRestReleases(env.GITHUB_API_URL ?? 'https://api.github.com'))
  }
}
