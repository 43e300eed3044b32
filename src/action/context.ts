/**
 * The run's GitHub context, and a release's assets.
 *
 * The context comes from the runner's environment and event file, as
 * @actions/github reads it, so the action loads Octokit only when a release
 * must be looked up by tag (on a `release` event the assets are in the event).
 */
import { readFileSync } from 'node:fs'
import type { ReleaseAsset, ReleaseSource } from '../core/ports.js'
import type { RunContext } from '../core/report/markdown.js'
import { InputError, inputError } from '../core/input-error.js'
import { networkText } from '../core/text.js'

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

/** The two calls of Octokit we use, so tests can pass a stub. */
export interface ReleaseApi {
  releaseIdByTag(owner: string, repo: string, tag: string, signal: AbortSignal): Promise<number>
  assets(owner: string, repo: string, releaseId: number, signal: AbortSignal): Promise<ReleaseAsset[]>
}

/** Octokit from @actions/github, loaded on first use. */
function octokitReleases(token: string): ReleaseApi {
  const load = async () => {
    const github = await import('@actions/github')
    return github.getOctokit(token)
  }
  return {
    async releaseIdByTag(owner, repo, tag, signal) {
      const octokit = await load()
      return (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag, request: { signal } })).data.id
    },
    async assets(owner, repo, releaseId, signal) {
      const octokit = await load()
      const assets = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
        owner,
        repo,
        release_id: releaseId,
        per_page: 100,
        request: { signal }
      })
      return assets.map(asset => ({ name: asset.name, size: asset.size }))
    }
  }
}

export interface ReleaseSourceOptions {
  event: GitHubEvent
  token: string
  timeoutMs: number
  /** Defaults to Octokit. */
  api?: (token: string) => ReleaseApi
}

/** A release's assets: from a release event's payload without any call, else from the GitHub API by tag. */
export function releaseSource(options: ReleaseSourceOptions): ReleaseSource {
  const { event } = options
  return {
    async release(tag, signal) {
      const fromEvent = payloadRelease(event)
      if (fromEvent) {
        const assets = (fromEvent.assets ?? []).map(asset => ({ name: asset.name, size: asset.size }))
        if (assets.length === 0)
          throw inputError('release-assets', `is true, but release ${JSON.stringify(fromEvent.tag_name)} has no assets.`)
        return { tag: fromEvent.tag_name, assets }
      }
      if (!tag) {
        throw inputError(
          'release-tag',
          `is required with "release-assets" outside a release event (this run's event is "${event.eventName}").`
        )
      }
      if (!options.token) throw inputError('github-token', 'is empty: it is needed to read the release from the GitHub API.')
      const [owner, repo] = event.repository.split('/')
      if (!owner || !repo) throw inputError('release-tag', 'needs GITHUB_REPOSITORY (owner/repo) to look the release up.')
      const api = (options.api ?? octokitReleases)(options.token)
      // One deadline for the lookup, and the run's cancel, whichever comes first.
      const deadline = AbortSignal.timeout(options.timeoutMs * 2)
      const both = signal ? AbortSignal.any([signal, deadline]) : deadline
      const problem = (text: string): InputError => new InputError('release-tag', name => `${name('release-tag')}: ${text}`)
      let assets: ReleaseAsset[]
      try {
        assets = await api.assets(owner, repo, await api.releaseIdByTag(owner, repo, tag, both), both)
      } catch (error) {
        const status = (error as { status?: number }).status
        if (status === 404) throw problem(`no release with tag ${JSON.stringify(tag)} in ${owner}/${repo}.`)
        const why = deadline.aborted
          ? 'no answer in time'
          : signal?.aborted
            ? 'cancelled'
            : status
              ? `HTTP ${status}`
              : networkText((error as Error).message, [options.token])
        throw problem(`could not read release ${JSON.stringify(tag)} of ${owner}/${repo} (${why}); check "github-token".`)
      }
      if (assets.length === 0) throw inputError('release-assets', `is true, but release ${JSON.stringify(tag)} has no assets.`)
      return { tag, assets }
    }
  }
}
