/**
 * A release's assets for the CLI, from the GitHub REST API with fetch: the CLI
 * carries no Octokit. Paginated, bounded by a deadline and the run's cancel.
 */
import type { ReleaseAsset, ReleaseSource } from '../core/ports.js'
import { InputError, inputError } from '../core/input-error.js'

export function githubReleases(env: NodeJS.ProcessEnv, timeoutMs: number): ReleaseSource {
  return {
    async release(tag, signal) {
      if (!tag) throw inputError('release-tag', 'is required with --release-assets outside GitHub Actions.')
      const token = env.GITHUB_TOKEN ?? ''
      const repository = env.GITHUB_REPOSITORY ?? ''
      if (!/^[^/]+\/[^/]+$/.test(repository)) throw inputError('release-tag', 'needs GITHUB_REPOSITORY=owner/repo to find the release.')
      const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '')
      const deadline = AbortSignal.timeout(timeoutMs)
      const both = signal ? AbortSignal.any([signal, deadline]) : deadline
      const problem = (text: string): InputError => new InputError('release-tag', name => `${name('release-tag')}: ${text}`)
      const get = async (url: string): Promise<unknown> => {
        const headers: Record<string, string> = { Accept: 'application/vnd.github+json', 'User-Agent': 'gcore-cdn-prefetch' }
        if (token) headers.Authorization = `Bearer ${token}`
        let response: Response
        try {
          response = await fetch(url, { headers, signal: both })
        } catch {
          throw problem(
            `could not read release ${JSON.stringify(tag)} of ${repository} (${deadline.aborted ? 'no answer in time' : signal?.aborted ? 'cancelled' : 'network error'}).`
          )
        }
        if (response.status === 404) throw problem(`no release with tag ${JSON.stringify(tag)} in ${repository}.`)
        if (!response.ok)
          throw problem(`could not read release ${JSON.stringify(tag)} of ${repository} (HTTP ${response.status}); check GITHUB_TOKEN.`)
        return response.json()
      }
      const release = (await get(`${api}/repos/${repository}/releases/tags/${encodeURIComponent(tag)}`)) as { id: number }
      const assets: ReleaseAsset[] = []
      for (let page = 1; ; page++) {
        const items = (await get(`${api}/repos/${repository}/releases/${release.id}/assets?per_page=100&page=${page}`)) as {
          name: string
          size: number
        }[]
        assets.push(...items.map(item => ({ name: item.name, size: item.size })))
        if (items.length < 100) break
      }
      if (assets.length === 0) throw inputError('release-assets', `is set, but release ${JSON.stringify(tag)} has no assets.`)
      return { tag, assets }
    }
  }
}
