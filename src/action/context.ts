/**
 * The run's GitHub context, and GitHub's releases as the engine's ReleaseApi.
 *
 * The context comes from the runner's environment and event file, as
 * @actions/github reads it, so the action loads Octokit only when a release
 * must be read by tag (on a `release` event the assets are in the event).
 * Octokit's requests go through the one HTTP layer (its `fetch` is core's),
 * with the same deadlines and proxy settings as every other request. What to
 * look up and what a failure means is core's (paths/release.ts).
 */
import { readFileSync } from 'node:fs'
import { fetchOverExchange, HttpError } from '../core/http.js'
import { assetsByTag, notGitHubsAnswer, type ReleaseCalls } from '../core/paths/github-rest.js'
import { RELEASE_LOOKUP_TIMEOUT_MS, ReleaseReadError } from '../core/paths/release.js'
import type { Release, ReleaseApi } from '../core/ports.js'
import type { RunContext } from '../core/report/markdown.js'

export interface GitHubEvent {
  eventName: string
  payload: Record<string, unknown>
  repository: string
  ref: string
  sha: string
  runId: string
  serverUrl: string
  apiUrl: string
}

export function readEvent(env: NodeJS.ProcessEnv = process.env): GitHubEvent {
  let payload: Record<string, unknown> = {}
  if (env.GITHUB_EVENT_PATH) {
    try {
      payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>
    } catch {
      // No event file (a local run): an empty payload, as @actions/github has it.
    }
  }
  return {
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    repository: env.GITHUB_REPOSITORY ?? '',
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    runId: env.GITHUB_RUN_ID ?? '',
    serverUrl: env.GITHUB_SERVER_URL ?? 'https://github.com',
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com'
  }
}

interface PayloadRelease {
  tag_name: string
  assets?: { name: string; size: number }[]
}

function payloadRelease(event: GitHubEvent): PayloadRelease | undefined {
  return event.eventName === 'release' ? (event.payload.release as PayloadRelease | undefined) : undefined
}

export function runContext(event: GitHubEvent): RunContext {
  return {
    repository: event.repository,
    event: event.eventName,
    ref: payloadRelease(event)?.tag_name ?? event.ref,
    sha: event.sha.slice(0, 7),
    runUrl: event.repository && event.runId ? `${event.serverUrl}/${event.repository}/actions/runs/${event.runId}` : null
  }
}

/** A page of 100 assets is about 200 kB of JSON. */
const MAX_PAGE_BYTES = 8 * 1024 * 1024

/** The two calls through Octokit from @actions/github, loaded on first use. */
function octokitReleases(apiUrl: string): (token: string) => ReleaseCalls {
  return token => {
    const load = async () => {
      const github = await import('@actions/github')
      const fetch = fetchOverExchange({ timeoutMs: RELEASE_LOOKUP_TIMEOUT_MS, maxBodyBytes: MAX_PAGE_BYTES })
      return github.getOctokit(token, { baseUrl: apiUrl, request: { fetch } })
    }
    // Octokit reports a failed request as HTTP 500; the layer's own error says what happened (a refusing proxy, a timeout).
    const unwrap = (error: unknown): never => {
      const cause = (error as { cause?: unknown }).cause
      throw cause instanceof HttpError ? new ReleaseReadError(cause.message) : error
    }
    return {
      async releaseIdByTag(owner, repo, tag, signal) {
        const octokit = await load()
        const answer = await octokit.rest.repos.getReleaseByTag({ owner, repo, tag, request: { signal } }).catch(unwrap)
        // Octokit hands on a body that is not JSON as text: not GitHub's answer.
        if (typeof answer.data === 'string') {
          const where = `GET /repos/${owner}/${repo}/releases/tags/${encodeURIComponent(tag)}`
          throw notGitHubsAnswer(where, answer.status, answer.headers['content-type'] ?? null, answer.data, token)
        }
        const id = (answer.data as { id?: unknown } | null)?.id
        if (typeof id !== 'number') throw new ReleaseReadError('the release answer has no numeric id')
        return id
      },
      async assets(owner, repo, releaseId, signal) {
        const octokit = await load()
        const assets = await octokit
          .paginate(octokit.rest.repos.listReleaseAssets, { owner, repo, release_id: releaseId, per_page: 100, request: { signal } })
          .catch(unwrap)
        if (!Array.isArray(assets) || assets.some(asset => typeof asset?.name !== 'string' || typeof asset?.size !== 'number')) {
          throw new ReleaseReadError('the assets answer is not a list of assets')
        }
        return assets.map(asset => ({ name: asset.name, size: asset.size }))
      }
    }
  }
}

/** The release of a `release` event from its payload; any other release through Octokit, by tag. */
export function githubReleases(event: GitHubEvent, api: (token: string) => ReleaseCalls = octokitReleases(event.apiUrl)): ReleaseApi {
  const fromEvent = payloadRelease(event)
  const eventRelease: Release | null = fromEvent
    ? { tag: fromEvent.tag_name, assets: (fromEvent.assets ?? []).map(asset => ({ name: asset.name, size: asset.size })) }
    : null
  return {
    event: event.eventName,
    eventRelease,
    repository: event.repository,
    assetsByTag: assetsByTag(event.repository, api)
  }
}
