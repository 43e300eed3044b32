/**
 * GitHub's releases for the CLI, from the REST API through the one HTTP layer
 * (core/http.ts: deadlines, body caps, and the proxy settings every request
 * honours): the CLI carries no Octokit. What to look up and what a failure
 * means is core's (paths/release.ts).
 */
import { exchange } from '../core/http.js'
import { RELEASE_LOOKUP_TIMEOUT_MS, ReleaseReadError } from '../core/paths/release.js'
import type { ReleaseApi, ReleaseAsset } from '../core/ports.js'

/** A page of 100 assets is about 200 kB of JSON. */
const MAX_PAGE_BYTES = 8 * 1024 * 1024
const PER_PAGE = 100

export function githubReleases(env: NodeJS.ProcessEnv): ReleaseApi {
  const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '')
  const repository = env.GITHUB_REPOSITORY ?? ''
  const get = async (path: string, token: string, signal: AbortSignal): Promise<unknown> => {
    const headers: Record<string, string> = { Accept: 'application/vnd.github+json', Authorization: `Bearer ${token}` }
    const answer = await exchange(
      { method: 'GET', url: `${api}${path}`, headers },
      { timeoutMs: RELEASE_LOOKUP_TIMEOUT_MS, signal, maxBodyBytes: MAX_PAGE_BYTES }
    )
    if (answer.status < 200 || answer.status >= 300) throw new ReleaseReadError(`HTTP ${answer.status}`, answer.status)
    try {
      return JSON.parse(answer.body)
    } catch {
      throw new ReleaseReadError(`the answer to GET ${path} is not JSON (HTTP ${answer.status})`)
    }
  }
  return {
    event: '',
    eventRelease: null,
    repository,
    async assetsByTag(tag, token, signal) {
      const release = await get(`/repos/${repository}/releases/tags/${encodeURIComponent(tag)}`, token, signal)
      const id = (release as { id?: unknown } | null)?.id
      if (typeof id !== 'number') throw new ReleaseReadError('the release answer has no numeric id')
      const assets: ReleaseAsset[] = []
      for (let page = 1; ; page++) {
        const items = await get(`/repos/${repository}/releases/${id}/assets?per_page=${PER_PAGE}&page=${page}`, token, signal)
        if (!Array.isArray(items) || items.some(item => typeof item?.name !== 'string' || typeof item?.size !== 'number')) {
          throw new ReleaseReadError('the assets answer is not a list of assets')
        }
        assets.push(...items.map(item => ({ name: item.name as string, size: item.size as number })))
        if (items.length < PER_PAGE) return assets
      }
    }
  }
}
