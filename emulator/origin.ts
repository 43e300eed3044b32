/**
 * The files at the origin, by origin path, and which version each origin
 * source serves when. Tests "release" new bytes with `publish`; each
 * publication reaches each source it is sent to after its own delay plus
 * that source's lag, so one source can serve v2 while another still serves
 * v1: an upload that reaches the storage late, or a mirror that replicates
 * behind the first. Then they see whether purge and prefetch brought every
 * cached part up to date.
 */
import { splitRequestPath } from './cache-key.js'

export type Version = string | number

/** A file as one source serves it. */
export interface OriginFile {
  size: number
  version: Version
  /** Strong and quoted, distinct per version: `"v2-734003200"` for version 2, `"<version>-<size>"` for a named one. */
  etag: string
  /** When this version reached the source (ms): its Last-Modified. */
  modifiedAt: number
}

/** What a source holds, besides the publications sent to it. */
export interface SourceHoldings {
  /** Every publication reaches this source this much later (ms). */
  lagMs: number
  /** Origin paths this source does not have (404), whatever is published. */
  missing: ReadonlySet<string>
  /** Whether paths never published are absent (404) rather than the default file. */
  onlyPublished: boolean
}

/** A new version of a path, as tests and the command line describe it. */
export interface NewFile {
  size: number
  /** Default: the previous numeric version plus one (2 after the default file or a named version). */
  version?: Version
}

/** When and where a publication becomes visible. */
export interface Delivery {
  /** The publication reaches each of its sources this much later (ms), on top of the source's lag. */
  delayMs?: number
  /** Indices of the host sources that get it; default every one. */
  sources?: number[]
}

interface Publication {
  size: number
  version: Version
  etag: string
  /** By source index: when it becomes visible there, or undefined when not sent there. */
  visibleAt: (number | undefined)[]
}

const MiB = 1024 * 1024

/** A path nobody described: large enough to be sliced, as the files this action prefetches are. */
const DEFAULT_FILE = { size: 300 * MiB, version: 1 }

/** Version names go into the ETag: printable ASCII without `"` or spaces. */
const VERSION_NAME = /^[!#-~]+$/

export class Origin {
  private readonly publications = new Map<string, Publication[]>()
  private readonly createdAt: number

  /** `files` are on every source from the start, lag or not. */
  constructor(
    private readonly sources: readonly SourceHoldings[],
    files: Record<string, NewFile>,
    private readonly now: () => number
  ) {
    this.createdAt = now()
    for (const [path, file] of Object.entries(files)) this.add(path, { size: file.size, version: file.version ?? 1 }, () => this.createdAt)
  }

  /** A new version of `path`; returns it as published (its modifiedAt: when it was published). */
  publish(path: string, file: NewFile, delivery: Delivery = {}): OriginFile {
    const delayMs = delivery.delayMs ?? 0
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`publish ${path}: delayMs must be 0 or more, got ${delayMs}`)
    const targets = delivery.sources ?? this.sources.map((_, index) => index)
    for (const index of targets) {
      if (!Number.isInteger(index) || index < 0 || index >= this.sources.length)
        throw new Error(`publish ${path}: no origin source ${index} (sources 0-${this.sources.length - 1})`)
    }
    const at = this.now()
    const version = file.version ?? nextVersion(this.publications.get(splitRequestPath(path).path)?.at(-1)?.version)
    const published = this.add(path, { size: file.size, version }, index =>
      targets.includes(index) ? at + delayMs + this.sources[index].lagMs : undefined
    )
    return { size: published.size, version: published.version, etag: published.etag, modifiedAt: at }
  }

  /** What source `index` serves at an origin path (query ignored) right now, or undefined (404). */
  file(index: number, path: string): OriginFile | undefined {
    return this.lookup(index, splitRequestPath(path).path)?.file
  }

  /** The version of the newest publication any source serves at a path right now: the one a cached part should be. */
  newest(path: string): Version | undefined {
    const key = splitRequestPath(path).path
    const found = this.sources.map((_, index) => this.lookup(index, key)).filter(hit => hit !== undefined)
    return found.sort((a, b) => a.position - b.position).at(-1)?.file.version
  }

  /** The file and its publication's position (-1: the default file), or undefined when the source has none. */
  private lookup(index: number, key: string): { file: OriginFile; position: number } | undefined {
    const holdings = this.sources[index]
    if (!holdings || holdings.missing.has(key)) return undefined
    const now = this.now()
    const published = this.publications.get(key) ?? []
    for (let position = published.length - 1; position >= 0; position--) {
      const { size, version, etag, visibleAt } = published[position]
      const at = visibleAt[index]
      if (at !== undefined && at <= now) return { file: { size, version, etag, modifiedAt: at }, position }
    }
    if (holdings.onlyPublished) return undefined
    return { file: { ...DEFAULT_FILE, etag: etagOf(DEFAULT_FILE.version, DEFAULT_FILE.size), modifiedAt: this.createdAt }, position: -1 }
  }

  private add(path: string, file: { size: number; version: Version }, visibleAt: (index: number) => number | undefined): Publication {
    if (!Number.isSafeInteger(file.size) || file.size < 0)
      throw new Error(`origin ${path}: size must be a whole number of bytes, got ${file.size}`)
    if (typeof file.version === 'string' && !VERSION_NAME.test(file.version))
      throw new Error(`origin ${path}: version "${file.version}" may hold only printable characters, no spaces or quotes`)
    const key = splitRequestPath(path).path
    const etag = etagOf(file.version, file.size)
    const clash = this.publications.get(key)?.find(earlier => earlier.etag === etag && earlier.version !== file.version)
    if (clash)
      throw new Error(`origin ${path}: version ${file.version} would have the same ETag as version ${clash.version}; name it otherwise`)
    const publication: Publication = {
      size: file.size,
      version: file.version,
      etag,
      visibleAt: this.sources.map((_, index) => visibleAt(index))
    }
    this.publications.set(key, [...(this.publications.get(key) ?? []), publication])
    return publication
  }
}

function nextVersion(previous: Version | undefined): Version {
  const base = previous ?? DEFAULT_FILE.version
  return typeof base === 'number' ? base + 1 : 2
}

function etagOf(version: Version, size: number): string {
  return `"${typeof version === 'number' ? `v${version}` : version}-${size}"`
}
