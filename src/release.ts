/**
 * The run's GitHub context, and a release's assets as CDN paths.
 *
 * On a `release` event the assets come from the event payload: no API call. On
 * any other event the release is looked up by tag through the GitHub API, with
 * its assets paginated. Errors name the input to fix.
 */
import * as github from '@actions/github'
import { encodeFileSegment, isOutsideWindow } from './files.js'
import { InputError } from './input-error.js'
import type { ListedFile } from './sources.js'

type Context = typeof github.context

export interface RunContext {
  repository: string
  event: string
  /** The release tag on a release event, else the ref. */
  ref: string
  sha: string
  runUrl: string | null
}

export function runContext(context: Context = github.context): RunContext {
  const repository = process.env.GITHUB_REPOSITORY ?? ''
  const tag = (context.payload.release as { tag_name?: string } | undefined)?.tag_name
  return {
    repository,
    event: context.eventName ?? '',
    ref: tag ?? context.ref ?? '',
    sha: (context.sha ?? '').slice(0, 7),
    runUrl: repository && context.runId ? `${context.serverUrl}/${repository}/actions/runs/${context.runId}` : null
  }
}

export interface ReleaseAsset {
  name: string
  size: number
}

export interface ReleaseOptions {
  tag: string
  token: string
  context?: Context
  /** Injectable for tests; defaults to @actions/github's Octokit. */
  octokit?: ReturnType<typeof github.getOctokit>
}

/** The release's tag and assets, from the event payload or the GitHub API. */
export async function releaseAssets(options: ReleaseOptions): Promise<{ tag: string; assets: ReleaseAsset[] }> {
  const context = options.context ?? github.context
  const payloadRelease = context.eventName === 'release' ? (context.payload.release as PayloadRelease | undefined) : undefined
  if (payloadRelease) {
    const assets = (payloadRelease.assets ?? []).map(asset => ({ name: asset.name, size: asset.size }))
    if (assets.length === 0) {
      throw new InputError(`Input "release-assets" is true, but release ${JSON.stringify(payloadRelease.tag_name)} has no assets.`)
    }
    return { tag: payloadRelease.tag_name, assets }
  }

  if (!options.tag) {
    throw new InputError(
      `Input "release-tag" is required with "release-assets" outside a release event (this run's event is "${context.eventName}").`
    )
  }
  if (!options.token) throw new InputError('Input "github-token" is empty: it is needed to read the release from the GitHub API.')
  const { owner, repo } = context.repo
  const octokit = options.octokit ?? github.getOctokit(options.token)
  let releaseId: number
  try {
    releaseId = (await octokit.rest.repos.getReleaseByTag({ owner, repo, tag: options.tag })).data.id
  } catch (error) {
    const status = (error as { status?: number }).status
    if (status === 404) {
      throw new InputError(`Input "release-tag": no release with tag ${JSON.stringify(options.tag)} in ${owner}/${repo}.`)
    }
    throw new InputError(
      `Input "release-tag": could not read release ${JSON.stringify(options.tag)} of ${owner}/${repo}` +
        ` (${status ? `HTTP ${status}` : (error as Error).message}); check "github-token".`
    )
  }
  const assets = await octokit.paginate(octokit.rest.repos.listReleaseAssets, {
    owner,
    repo,
    release_id: releaseId,
    per_page: 100
  })
  if (assets.length === 0) {
    throw new InputError(`Input "release-assets" is true, but release ${JSON.stringify(options.tag)} has no assets.`)
  }
  return { tag: options.tag, assets: assets.map(asset => ({ name: asset.name, size: asset.size })) }
}

interface PayloadRelease {
  tag_name: string
  assets?: { name: string; size: number }[]
}

/** Assets as listed files: prefix + `/` + the name, encoded as file names are. */
export function assetFiles(assets: ReleaseAsset[], prefix: string, skipOutsideWindow: boolean): ListedFile[] {
  return assets.map(asset => {
    const outsideWindow = isOutsideWindow(asset.size)
    return {
      file: asset.name,
      size: asset.size,
      cdnPath: `${prefix}/${encodeFileSegment(asset.name)}`,
      outsideWindow,
      skipped: skipOutsideWindow && outsideWindow
    }
  })
}
