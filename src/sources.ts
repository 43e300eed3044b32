/**
 * Combines every source of paths into one ordered, de-duplicated list:
 * `paths`, then `paths-file`, then `files`, then release assets. The first
 * occurrence of a path wins its place, and decides whether it is skipped.
 */
import { readFile, stat } from 'node:fs/promises'
import nodePath from 'node:path'
import { formatBytes, localFiles, type LocalFile } from './files.js'
import { InputError } from './input-error.js'
import type { Settings } from './inputs.js'
import { normaliseCdnPath, splitPathList } from './paths.js'
import { assetFiles, type ReleaseAsset } from './release.js'

/** Larger lists are refused: an upload step's list of 100,000 paths is about 6 MB. */
export const MAX_PATHS_FILE_BYTES = 64 * 1024 * 1024

export interface ListedFile extends LocalFile {
  skipped: boolean
}

export interface CollectedPaths {
  /** Unique paths to send, in order. */
  paths: string[]
  /** Unique paths left out on purpose (size-check: skip). */
  skipped: string[]
  files: ListedFile[]
  warnings: string[]
}

interface Candidate {
  path: string
  skip: boolean
}

export async function collectPaths(
  settings: Settings,
  workspace: string,
  releaseAssets: ReleaseAsset[] = []
): Promise<CollectedPaths> {
  const candidates: Candidate[] = []
  const warnings: string[] = []
  const add = (entries: { raw: string; origin: string }[]): void => {
    for (const entry of entries) candidates.push({ path: normaliseCdnPath(entry.raw, entry.origin), skip: false })
  }

  add(splitPathList(settings.paths, 'input "paths"'))
  if (settings.pathsFile) add(await readPathsFile(settings.pathsFile, workspace))

  // Local files and release assets have sizes: the size window applies to both.
  const skip = settings.sizeCheck === 'skip'
  const files: ListedFile[] = []
  if (settings.files.length) {
    const baseDir = await resolveBaseDir(settings.baseDir, workspace)
    const found = await localFiles(settings.files, baseDir, settings.pathPrefix)
    for (const pattern of found.unmatched) {
      warnings.push(`Pattern ${JSON.stringify(pattern)} in input "files" matched no file under ${settings.baseDir}.`)
    }
    files.push(...found.files.map(file => ({ ...file, skipped: skip && file.outsideWindow })))
  }
  files.push(...assetFiles(releaseAssets, settings.pathPrefix, skip))
  const outside = files.filter(file => file.outsideWindow)
  if (outside.length && settings.sizeCheck !== 'off') {
    const names = outside.slice(0, 20).map(file => `${file.file} (${formatBytes(file.size)})`)
    const more = outside.length > 20 ? ` and ${outside.length - 20} more` : ''
    warnings.push(
      `${outside.length} file(s) outside Gcore's recommended 200 MB – 5 GB prefetch window` +
        `${skip ? ' are skipped' : ''}: ${names.join(', ')}${more}.`
    )
  }
  candidates.push(...files.map(file => ({ path: file.cdnPath, skip: file.skipped })))

  const first = new Map<string, boolean>()
  for (const candidate of candidates) if (!first.has(candidate.path)) first.set(candidate.path, candidate.skip)
  const unique = [...first]
  return {
    paths: unique.filter(([, skip]) => !skip).map(([path]) => path),
    skipped: unique.filter(([, skip]) => skip).map(([path]) => path),
    files,
    warnings
  }
}

async function readPathsFile(file: string, workspace: string): Promise<{ raw: string; origin: string }[]> {
  const full = nodePath.resolve(workspace, file)
  let size: number
  try {
    const info = await stat(full)
    if (!info.isFile()) throw new Error('not a file')
    size = info.size
  } catch {
    throw new InputError(`Input "paths-file" names ${JSON.stringify(file)}, which is not a readable file.`)
  }
  if (size > MAX_PATHS_FILE_BYTES) {
    throw new InputError(
      `Input "paths-file" names ${JSON.stringify(file)}, which is ${formatBytes(size)}; the limit is ${formatBytes(MAX_PATHS_FILE_BYTES)}.`
    )
  }
  return splitPathList(await readFile(full, 'utf8'), `file ${JSON.stringify(file)}`)
}

async function resolveBaseDir(baseDir: string, workspace: string): Promise<string> {
  const full = nodePath.resolve(workspace, baseDir)
  const info = await stat(full).catch(() => null)
  if (!info?.isDirectory()) {
    throw new InputError(`Input "base-dir" must be a directory, got ${JSON.stringify(baseDir)} (${full}).`)
  }
  return full
}
