/**
 * The run's GitHub context, and GitHub's releases as the engine's ReleaseApi.
 *
 * The context comes from the runner's environment and event file, as
 * @actions/github reads it, so the action loads Octokit only when a release
 * must be looked up by tag (on a `release` event the assets are in the event).
 * What to look up and what a failure means is core's (paths/release.ts).
 */
import { readFileSync } from 'node:fs'
import { ReleaseReadError } from '../core/paths/release.js'
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

/** The two calls of Octokit the release lookup makes, so tests can pass a stub. */
export interface OctokitReleases {
  releaseIdByTag(owner: string, repo: string, tag: string, signal: AbortSignal): Promise<number>
  assets(owner: string, repo: string, releaseId: number, signal: AbortSignal): Promise<{ name: string; size: number }[]>
}

/** Octokit from @actions/github, loaded on first use. */
function octokit(token: string): OctokitReleases {
  const load = async () => {
    const github = await import('@actions/github')
    return github.getOctokit(token)
  }
  return {
    async releaseIdByTag(owner, repo, tag, signal) {
      const client = await load()
      return (await client.rest.repos.getReleaseByTag({ owner, repo, tag, request: { signal } })).data.id
    },
    async assets(owner, repo, releaseId, signal) {
      const client = await load()
      return client.paginate(client.rest.repos.listReleaseAssets, {
        owner,
        repo,
        release_id: releaseId,
        per_page: 100,
        request: { signal }
      })
    }
  }
}

/** The release of a `release` event from its payload; any other release through Octokit, by tag. */
export function githubReleases(event: GitHubEvent, api: (token: string) => OctokitReleases = octokit): ReleaseApi {
  const fromEvent = payloadRelease(event)
  const eventRelease: Release | null = fromEvent
    ? { tag: fromEvent.tag_name, assets: (fromEvent.assets ?? []).map(asset => ({ name: asset.name, size: asset.size })) }
    : null
  return {
    event: event.eventName,
    eventRelease,
    repository: event.repository,
    async assetsByTag(tag, token, signal) {
      const [owner, repo] = event.repository.split('/')
      const client = api(token)
      try {
        const assets = await client.assets(owner, repo, await client.releaseIdByTag(owner, repo, tag, signal), signal)
        return assets.map(asset => ({ name: asset.name, size: asset.size }))
      } catch (error) {
        // Octokit's RequestError carries GitHub's status.
        const status = (error as { status?: unknown }).status
        throw new ReleaseReadError((error as Error).message, typeof status === 'number' ? status : null)
      }
    }
  }
}
