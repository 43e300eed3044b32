/**
 * The run's GitHub context, and GitHub's releases as the engine's ReleaseApi.
 *
 * The context comes from the runner's environment and event file, as
 * @actions/github reads it. On a `release` event the assets are in the event;
 * otherwise the release is read by tag from GitHub's REST API through the one
 * HTTP layer (core/paths/github-rest.ts), like every other request: the same
 * deadlines and the same proxy settings. What to look up and what a failure
 * means is core's (paths/release.ts).
 */
import { readFileSync } from 'node:fs'
import { assetsByTag, githubRestReleases, type ReleaseCalls } from '../core/paths/github-rest.js'
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

/** The release of a `release` event from its payload; any other release from the REST API, by tag. */
export function githubReleases(event: GitHubEvent, api: (token: string) => ReleaseCalls = githubRestReleases(event.apiUrl)): ReleaseApi {
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
