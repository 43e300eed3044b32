/**
 * A release's assets, as a source of paths: the one policy both front ends
 * follow. On a `release` event the assets come from the event, without a call;
 * otherwise the release is read by `release-tag` through a thin adapter
 * (Octokit in the action, the HTTP layer in the CLI), within one deadline and
 * the run's cancel. Every problem is an InputError naming the input to fix.
 */
import { InputError, inputError } from '../input-error.js'
import type { Release, ReleaseApi, ReleaseAsset } from '../ports.js'
import { networkText } from '../text.js'

/** One deadline for the whole lookup, its pages included. */
export const RELEASE_LOOKUP_TIMEOUT_MS = 60_000

/** What a GitHub adapter rejects with: `status` when GitHub (or something on the way) answered. */
export class ReleaseReadError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null
  ) {
    super(message)
    this.name = 'ReleaseReadError'
  }
}

export async function readRelease(
  api: ReleaseApi,
  settings: { releaseTag: string; githubToken: string },
  signal: AbortSignal,
  timeoutMs = RELEASE_LOOKUP_TIMEOUT_MS
): Promise<Release> {
  const fromEvent = api.eventRelease
  if (fromEvent) {
    if (fromEvent.assets.length === 0) throw noAssets(fromEvent.tag)
    return fromEvent
  }
  const tag = settings.releaseTag
  if (!tag) {
    const event = api.event ? ` (this run's event is ${JSON.stringify(api.event)})` : ''
    throw inputError('release-tag', `is required with "release-assets" outside a release event${event}.`)
  }
  if (!settings.githubToken) throw inputError('github-token', 'is empty: it is needed to read the release from the GitHub API.')
  const repository = api.repository
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository))
    throw inputError('release-tag', 'needs GITHUB_REPOSITORY (owner/repo) to look the release up.')

  const deadline = AbortSignal.timeout(timeoutMs)
  const both = AbortSignal.any([signal, deadline])
  const problem = (text: string): InputError => new InputError('release-tag', name => `${name('release-tag')}: ${text}`)
  let assets: ReleaseAsset[]
  try {
    assets = await api.assetsByTag(tag, settings.githubToken, both)
  } catch (error) {
    const status = error instanceof ReleaseReadError ? error.status : null
    if (status === 404) throw problem(`no release with tag ${JSON.stringify(tag)} in ${repository}.`)
    const why = deadline.aborted
      ? 'no answer in time'
      : signal.aborted
        ? 'cancelled'
        : status
          ? `HTTP ${status}`
          : networkText(error instanceof Error ? error.message : String(error), [settings.githubToken])
    // GitHub answered: the token may be what it refused. Otherwise the reason says what failed on the way.
    throw new InputError(
      'release-tag',
      name =>
        `${name('release-tag')}: could not read release ${JSON.stringify(tag)} of ${repository} (${why})${status ? `; check ${name('github-token')}` : ''}.`
    )
  }
  if (assets.length === 0) throw noAssets(tag)
  return { tag, assets }
}

function noAssets(tag: string): InputError {
  return new InputError('release-assets', name => `${name('release-assets')} is true, but release ${JSON.stringify(tag)} has no assets.`)
}
