/**
 * Local files as CDN paths: globbing under `base-dir`, mapping each match to
 * `path-prefix` + its path relative to `base-dir`, and Gcore's size window.
 */
import nodePath from 'node:path'
import { mapLimit } from '../pool.js'
import type { FileSource } from '../ports.js'
import { inputError } from '../input-error.js'

const MiB = 1024 * 1024
/** Gcore recommends prefetch for files over 200 MB and under 5 GB. */
const SIZE_WINDOW = { min: 200 * MiB, max: 5 * 1024 * MiB } as const

/** A directory or file under base-dir that could not be read: its files are missing from the matches. */
export interface Unreadable {
  /** Relative to base-dir, `/`-separated; '' is base-dir itself. */
  path: string
  kind: 'directory' | 'file'
  /** EACCES, EPERM, … */
  code: string
}

/** A file with a known size that becomes one CDN path: a local file or a release asset. */
export interface ListedFile {
  /** Path relative to base-dir with `/` separators, or the asset's name. */
  file: string
  size: number
  cdnPath: string
  outsideWindow: boolean
  /** Left out on purpose (size-check: skip). */
  skipped: boolean
}

export function isOutsideWindow(size: number): boolean {
  return size < SIZE_WINDOW.min || size > SIZE_WINDOW.max
}

/**
 * One file-name segment as a browser requests it: UTF-8 percent-encoding of
 * everything a URL path cannot carry literally, including `%`, `#`, `?` and
 * `*` (a name is data, never an escape, a fragment, a query or a wildcard).
 */
export function encodeFileSegment(name: string): string {
  return encodeURIComponent(name)
    .replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\*/g, '%2A')
}

/**
 * The CDN path of a file: prefix + `/` + its path relative to base-dir, with `/`
 * separators on every OS. `pathModule` is node:path's posix or win32 flavour.
 */
export function fileCdnPath(file: string, baseDir: string, prefix: string, pathModule = nodePath): string {
  const relative = pathModule.relative(baseDir, pathModule.resolve(baseDir, file))
  if (relative === '' || relative.startsWith('..') || pathModule.isAbsolute(relative)) {
    throw inputError('files', `matched ${JSON.stringify(file)}, which is outside base-dir ${JSON.stringify(baseDir)}.`)
  }
  const segments = relative.split(/[\\/]/).filter(segment => segment !== '')
  return `${prefix}/${segments.map(encodeFileSegment).join('/')}`
}

/**
 * Matches glob patterns under baseDir: files only, `!` excludes, dot-files only
 * when a pattern names them. Each positive pattern is globbed on its own so a
 * pattern that matches nothing can be named. Order: by pattern, then path.
 */
export async function matchFiles(
  files: FileSource,
  patterns: string[],
  baseDir: string
): Promise<{ files: string[]; unmatched: string[]; unreadable: Unreadable[] }> {
  const excludes = patterns.filter(pattern => pattern.startsWith('!'))
  const includes = patterns.filter(pattern => !pattern.startsWith('!'))
  const seen = new Set<string>()
  const unmatched: string[] = []
  const unreadable = new Map<string, Unreadable>()
  const onUnreadable = (directory: string, code: string): void => {
    const path = nodePath.relative(baseDir, directory).split(nodePath.sep).join('/')
    if (!unreadable.has(path)) unreadable.set(path, { path, kind: 'directory', code })
  }
  for (const pattern of includes) {
    const matches = await files.glob([pattern, ...excludes], baseDir, onUnreadable)
    if (matches.length === 0) unmatched.push(pattern)
    for (const match of [...matches].sort()) seen.add(match)
  }
  return { files: [...seen], unmatched, unreadable: [...unreadable.values()] }
}

/** Globs, stats and maps the matched files to CDN paths. */
export async function localFiles(
  source: FileSource,
  patterns: string[],
  baseDir: string,
  prefix: string,
  skipOutsideWindow: boolean
): Promise<{ files: ListedFile[]; unmatched: string[]; unreadable: Unreadable[] }> {
  const { files, unmatched, unreadable } = await matchFiles(source, patterns, baseDir)
  const mapped = files.map(file => ({ file, cdnPath: fileCdnPath(file, baseDir, prefix) }))
  // A file listed but not readable (its directory may be listed, not entered) is left out, and said.
  const sizes = await mapLimit(mapped, 64, ({ file }) =>
    source.size(nodePath.join(baseDir, file)).catch((error: NodeJS.ErrnoException) => {
      unreadable.push({ path: file, kind: 'file', code: error?.code ?? String(error?.message ?? error) })
      return null
    })
  )
  const listed: ListedFile[] = []
  mapped.forEach((entry, i) => {
    const size = sizes[i]
    if (size === null) return
    const outsideWindow = isOutsideWindow(size)
    listed.push({ ...entry, size, outsideWindow, skipped: skipOutsideWindow && outsideWindow })
  })
  return { files: listed, unmatched, unreadable }
}

/** Release assets as listed files: prefix + `/` + the name, encoded as file names are. */
export function assetFiles(assets: { name: string; size: number }[], prefix: string, skipOutsideWindow: boolean): ListedFile[] {
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
