/**
 * The origin behind every resource: what a CDN server gets when it fetches a
 * path. Tests "release" new bytes with `set`, then see whether purge and
 * prefetch brought every cached part up to date.
 */
import { splitRequestPath } from './cache-key.js'

export type Version = string | number

export interface OriginFile {
  size: number
  version: Version
}

const MiB = 1024 * 1024

/** A path nobody described: large enough to be sliced, as the files this action prefetches are. */
const DEFAULT_ORIGIN_FILE: OriginFile = { size: 300 * MiB, version: 1 }

export class Origin {
  private readonly files = new Map<string, OriginFile>()

  constructor(files: Record<string, { size: number; version?: Version }> = {}) {
    for (const [path, file] of Object.entries(files)) this.set(path, { size: file.size, version: file.version ?? 1 })
  }

  /** The current file at a CDN path (query ignored). */
  file(path: string): OriginFile {
    return this.files.get(splitRequestPath(path).path) ?? DEFAULT_ORIGIN_FILE
  }

  /** New bytes at a path. Without a version, a numeric version goes up by one (else it becomes 2). */
  set(path: string, file: { size: number; version?: Version }): OriginFile {
    if (!Number.isSafeInteger(file.size) || file.size < 0)
      throw new Error(`origin ${path}: size must be a whole number of bytes, got ${file.size}`)
    const previous = this.file(path).version
    const next: OriginFile = { size: file.size, version: file.version ?? (typeof previous === 'number' ? previous + 1 : 2) }
    this.files.set(splitRequestPath(path).path, next)
    return next
  }
}
