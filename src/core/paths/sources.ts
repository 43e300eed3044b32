/**
 * Combines every source of paths into one ordered, de-duplicated list:
 * `paths`, then `paths-file`, then `files`, then release assets. The first
 * occurrence of a path wins its place, and decides whether it is skipped.
 */
import nodePath from 'node:path'
import { formatBytes, plural } from '../format.js'
import type { FileSource, ReleaseAsset } from '../ports.js'
import { actionInputName, InputError, inputError, type NameInput } from '../input-error.js'
import { assetFiles, localFiles, type ListedFile, type Unreadable } from './files.js'
import { describeOrigin, normaliseCdnPath, splitPathList, splitSeveralOnOneLine, type ListEntry, type PathOrigin } from './normalise.js'

/** Larger lists are refused: an upload step's list of 100,000 paths is about 6 MB. */
const MAX_PATHS_FILE_BYTES = 64 * 1024 * 1024
/** How many examples a warning lists before "and N more". */
const EXAMPLES = 10

/** The settings that say where paths come from. */
export interface PathSettings {
  paths: string
  pathsFile: string
  /** Glob patterns, one per line of `files`. */
  files: string[]
  baseDir: string
  /** Normalised: '' or `/dir/sub`, no trailing slash. */
  pathPrefix: string
  /** For files and release assets: `warn` names those outside Gcore's size window, `skip` leaves them out. */
  sizeCheck: 'warn' | 'skip' | 'off'
  releaseAssets: boolean
}

export interface CollectedPaths {
  /** Unique paths to send, in order. */
  paths: string[]
  /** Unique paths left out on purpose (size-check: skip). */
  skipped: string[]
  files: ListedFile[]
  /** For the log and the summary: what was normalised, split or left out. */
  warnings: string[]
}

export interface SourceOptions {
  files: FileSource
  workspace: string
  assets?: ReleaseAsset[]
  /** How warnings name an input; the action's wording by default. */
  name?: NameInput
}

export async function collectPaths(settings: PathSettings, options: SourceOptions): Promise<CollectedPaths> {
  const name = options.name ?? actionInputName
  const warnings: string[] = []
  const changed: string[] = []
  const split: string[] = []
  // The first occurrence of a path decides its place and whether it is skipped.
  const seen = new Set<string>()
  const paths: string[] = []
  const skipped: string[] = []
  const take = (path: string, skip: boolean): void => {
    if (seen.has(path)) return
    seen.add(path)
    ;(skip ? skipped : paths).push(path)
  }
  const normalise = {
    onChange: (raw: string, sent: string, why: string) => void changed.push(`${JSON.stringify(raw)} → ${JSON.stringify(sent)} (${why})`)
  }
  const add = (entries: ListEntry[]): void => {
    for (const entry of entries) {
      const parts = /[\s,]/.test(entry.raw.trim()) ? splitSeveralOnOneLine(entry) : [entry]
      if (parts.length > 1) split.push(`${describeOrigin(entry.origin, name)} (${parts.length} paths)`)
      for (const part of parts) take(normaliseCdnPath(part.raw, part.origin, normalise), false)
    }
  }

  add(splitPathList(settings.paths, { input: 'paths' }))
  if (settings.pathsFile) add(await readPathsFile(options.files, settings.pathsFile, options.workspace))

  // Local files and release assets have sizes: the size window applies to both.
  const skip = settings.sizeCheck === 'skip'
  const files: ListedFile[] = []
  if (settings.files.length) {
    const baseDir = await resolveBaseDir(options.files, settings.baseDir, options.workspace)
    const found = await localFiles(options.files, settings.files, baseDir, settings.pathPrefix, skip)
    warnings.push(...unreadableWarnings(found.unreadable, settings, name))
    for (const pattern of found.unmatched) {
      warnings.push(`Pattern ${JSON.stringify(pattern)} in ${name('files')} matched no file under ${settings.baseDir}.`)
    }
    files.push(...found.files)
  }
  files.push(...assetFiles(options.assets ?? [], settings.pathPrefix, skip))
  const outside = files.filter(file => file.outsideWindow)
  if (outside.length && settings.sizeCheck !== 'off') {
    warnings.push(
      `${plural(outside.length, 'file')} outside Gcore's recommended 200 MB – 5 GB prefetch window` +
        `${skip ? ` ${outside.length === 1 ? 'is' : 'are'} skipped` : ''}: ${examples(outside.map(file => `${file.file} (${formatBytes(file.size)})`))}.`
    )
  }
  for (const file of files) take(file.cdnPath, file.skipped)

  if (changed.length) warnings.push(`${plural(changed.length, 'path')} normalised: ${examples(changed)}.`)
  if (split.length) {
    warnings.push(
      `${plural(split.length, 'line')} held several paths separated by spaces or commas, sent as separate paths: ${examples(split)}.`
    )
  }

  return { paths, skipped, files, warnings }
}

/** A segment of a glob pattern that is not a plain name. */
const MAGIC = /[*?[\]{}]|[@+!]\(/

/**
 * What could not be read under base-dir: an error when the user named it (base-dir itself, or a
 * pattern's plain leading part), else a warning naming each, for the files left out.
 */
function unreadableWarnings(unreadable: Unreadable[], settings: PathSettings, name: NameInput): string[] {
  const named = settings.files
    .filter(pattern => !pattern.startsWith('!'))
    .map(pattern => {
      const segments = pattern
        .replace(/\\/g, '/')
        .split('/')
        .filter(segment => segment !== '' && segment !== '.')
      const plain = segments.findIndex(segment => MAGIC.test(segment))
      return { pattern, path: (plain === -1 ? segments : segments.slice(0, plain)).join('/') }
    })
  const within = (inner: string, outer: string): boolean => outer === '' || inner === outer || inner.startsWith(`${outer}/`)
  for (const entry of unreadable) {
    if (entry.path === '') {
      throw inputError('base-dir', `${JSON.stringify(settings.baseDir)} cannot be read (${entry.code}): its files cannot be listed.`)
    }
    const pattern = named.find(({ path }) => path !== '' && within(path, entry.path))
    if (pattern) {
      throw new InputError(
        'files',
        n =>
          `${n('files')} names ${JSON.stringify(pattern.path)} (pattern ${JSON.stringify(pattern.pattern)}), but the ${entry.kind} ${JSON.stringify(entry.path)} under ${settings.baseDir} cannot be read (${entry.code}).`
      )
    }
  }
  const describe = (kind: Unreadable['kind']): string[] =>
    unreadable.filter(entry => entry.kind === kind).map(entry => `${entry.path} (${entry.code})`)
  const warnings: string[] = []
  const directories = describe('directory')
  if (directories.length) {
    warnings.push(
      `${plural(directories.length, 'directory', 'directories')} under ${settings.baseDir} could not be read, so the files in ${directories.length === 1 ? 'it are' : 'them are'} left out of ${name('files')}: ${examples(directories)}.`
    )
  }
  const files = describe('file')
  if (files.length) {
    warnings.push(
      `${plural(files.length, 'file')} under ${settings.baseDir} could not be read and ${files.length === 1 ? 'is' : 'are'} left out of ${name('files')}: ${examples(files)}.`
    )
  }
  return warnings
}

function examples(items: string[]): string {
  const more = items.length > EXAMPLES ? ` and ${items.length - EXAMPLES} more` : ''
  return `${items.slice(0, EXAMPLES).join(', ')}${more}`
}

async function readPathsFile(source: FileSource, file: string, workspace: string): Promise<ListEntry[]> {
  const full = nodePath.resolve(workspace, file)
  const notReadable = inputError('paths-file', `names ${JSON.stringify(file)}, which is not a readable file.`)
  if ((await source.kind(full)) !== 'file') throw notReadable
  const size = await source.size(full)
  if (size > MAX_PATHS_FILE_BYTES) {
    throw inputError(
      'paths-file',
      `names ${JSON.stringify(file)}, which is ${formatBytes(size)}; the limit is ${formatBytes(MAX_PATHS_FILE_BYTES)}.`
    )
  }
  const bytes = await source.readBytes(full).catch(() => {
    throw notReadable
  })
  const origin: PathOrigin = { input: 'paths-file', file }
  return splitPathList(decodeUtf8(bytes, origin), origin)
}

/** UTF-8 or a clear refusal: a Latin-1 file would otherwise send U+FFFD in its paths. */
function decodeUtf8(bytes: Uint8Array, origin: PathOrigin): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    let line = 1
    let start = 0
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i))
        } catch {
          break
        }
        line++
        start = i + 1
      }
    }
    throw new InputError(
      origin.input,
      name =>
        `${name(origin.input)} names ${JSON.stringify(origin.file)}, which is not valid UTF-8 at line ${line} (saved as Latin-1 or another encoding?): save the list as UTF-8.`
    )
  }
}

async function resolveBaseDir(source: FileSource, baseDir: string, workspace: string): Promise<string> {
  const full = nodePath.resolve(workspace, baseDir)
  if ((await source.kind(full)) !== 'directory') {
    throw inputError('base-dir', `must be a directory, got ${JSON.stringify(baseDir)} (${full}).`)
  }
  return full
}
