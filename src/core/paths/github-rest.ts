/**
 * GitHub's REST API for a release's assets, through the one HTTP layer
 * (core/http.ts: one deadline per request, body caps, and the proxy settings
 * every request honours), for both front ends: the action on `release-tag`,
 * the CLI on `--release-tag`. What to look up and what a failure means is the
 * release policy's (release.ts); this says only what GitHub answered.
 *
 * An answer that is not GitHub's JSON (a web filter's page behind a 200) or
 * not of the expected shape is a ReleaseReadError that says so, never a crash.
 */
import { exchange, type HttpAnswer } from '../http.js'
import { htmlText, networkText, redact } from '../text.js'
import type { ReleaseApi } from '../ports.js'
import { RELEASE_LOOKUP_TIMEOUT_MS, ReleaseReadError } from './release.js'

/** A page of 100 assets is about 200 kB of JSON. */
const MAX_PAGE_BYTES = 8 * 1024 * 1024
const PER_PAGE = 100
/** A release holds at most 1,000 assets; pages past that are a loop, not a release. */
const MAX_PAGES = 20

/** The two calls of GitHub's REST API a release lookup by tag makes. */
export interface ReleaseCalls {
  releaseIdByTag(owner: string, repo: string, tag: string, signal: AbortSignal): Promise<number>
  assets(owner: string, repo: string, releaseId: number, signal: AbortSignal): Promise<{ name: string; size: number }[]>
}

/** The calls against `apiUrl` (GITHUB_API_URL: https://api.github.com, or a GHES server's `/api/v3`) with `token`. */
export function githubRestReleases(apiUrl: string): (token: string) => ReleaseCalls {
  const api = apiUrl.replace(/\/+$/, '')
  return token => {
    const get = async (url: string, signal: AbortSignal): Promise<{ body: unknown; next: string | null }> => {
      // `token`, as Octokit sends it: every GitHub and GHES version reads it.
      const headers = { Accept: 'application/vnd.github+json', Authorization: `token ${token}`, 'X-GitHub-Api-Version': '2022-11-28' }
      const answer = await exchange(
        { method: 'GET', url, headers },
        { timeoutMs: RELEASE_LOOKUP_TIMEOUT_MS, signal, maxBodyBytes: MAX_PAGE_BYTES }
      )
      const where = `GET ${new URL(url).pathname}`
      if (answer.status < 200 || answer.status >= 300) throw new ReleaseReadError(`${where}: HTTP ${answer.status}`, answer.status)
      try {
        return { body: JSON.parse(answer.body), next: nextPage(answer, api) }
      } catch {
        throw notGitHubs(answer, where, token)
      }
    }
    return {
      async releaseIdByTag(owner, repo, tag, signal) {
        const { body } = await get(`${api}/repos/${owner}/${repo}/releases/tags/${encodeURIComponent(tag)}`, signal)
        const id = (body as { id?: unknown } | null)?.id
        if (typeof id !== 'number') throw new ReleaseReadError('the release answer has no numeric id')
        return id
      },
      async assets(owner, repo, releaseId, signal) {
        const assets: { name: string; size: number }[] = []
        let url: string | null = `${api}/repos/${owner}/${repo}/releases/${releaseId}/assets?per_page=${PER_PAGE}`
        for (let page = 0; url && page < MAX_PAGES; page++) {
          const { body, next }: { body: unknown; next: string | null } = await get(url, signal)
          if (!Array.isArray(body) || body.some(item => typeof item?.name !== 'string' || typeof item?.size !== 'number')) {
            throw new ReleaseReadError('the assets answer is not a list of assets')
          }
          assets.push(...body.map(item => ({ name: item.name as string, size: item.size as number })))
          url = next
        }
        return assets
      }
    }
  }
}

/** A release's assets by tag in `repository` (owner/repo), as the release policy asks for them. */
export function assetsByTag(repository: string, calls: (token: string) => ReleaseCalls): ReleaseApi['assetsByTag'] {
  return async (tag, token, signal) => {
    const [owner, repo] = repository.split('/')
    const api = calls(token)
    try {
      const assets = await api.assets(owner, repo, await api.releaseIdByTag(owner, repo, tag, signal), signal)
      return assets.map(asset => ({ name: asset.name, size: asset.size }))
    } catch (error) {
      if (error instanceof ReleaseReadError) throw error
      const status = (error as { status?: unknown }).status
      throw new ReleaseReadError((error as Error)?.message ?? String(error), typeof status === 'number' ? status : null)
    }
  }
}

/** The `rel="next"` URL of the Link header, when it is on the API's own origin (the token goes nowhere else). */
function nextPage(answer: HttpAnswer, api: string): string | null {
  const link = answer.headers.link
  const next = (Array.isArray(link) ? link.join(',') : (link ?? '')).split(',').find(part => /;\s*rel="?next"?/.test(part))
  const url = next && /<([^>]+)>/.exec(next)?.[1]
  if (!url) return null
  try {
    return new URL(url).origin === new URL(api).origin ? url : null
  } catch {
    return null
  }
}

function notGitHubs(answer: HttpAnswer, where: string, token: string): ReleaseReadError {
  const type = Array.isArray(answer.headers['content-type']) ? answer.headers['content-type'][0] : answer.headers['content-type']
  return notGitHubsAnswer(where, answer.status, type ?? null, answer.body, token)
}

/** An answer that is not GitHub's JSON (a web filter's page behind a 200), said as what it is, with a short, neutralised excerpt. */
export function notGitHubsAnswer(where: string, status: number, contentType: string | null, body: string, token: string): ReleaseReadError {
  const type = contentType?.split(';')[0]
  const said = networkText(htmlText(redact(body, [token])), [token], 120)
  return new ReleaseReadError(
    `${where}: HTTP ${status} with a body that is not GitHub's (${type || 'no Content-Type'}, not JSON): the answer came from something between you and GitHub: a proxy or filter? It said: "${said}"`
  )
}
