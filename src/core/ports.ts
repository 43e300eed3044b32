/**
 * The engine's only doors out. Everything in src/core that touches time, the
 * log, the network (Gcore's API and its edge), GitHub releases or the file
 * system goes through one of these, so the front ends (src/action, src/cli)
 * choose the real thing (see http-network.ts) and the tests choose a fake.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms`, or early when `signal` aborts. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

export interface Logger {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  debug(message: string): void
  /** A collapsible block, written at once so concurrent lanes never interleave inside it. */
  group(title: string, lines: string[]): void
}

/** What one Gcore POST does: a prefetch, or a purge of one kind. */
export type RequestKind = 'prefetch' | PurgeKind

/** `url`: `{"urls": [...]}`; `pattern`: `{"paths": [...]}`; `all`: `{"paths": []}`. */
export type PurgeKind = 'url' | 'pattern' | 'all'

export interface GcoreApi {
  /** One POST to `/cdn/resources/{id}/prefetch` or `/purge`. Resolves on 2xx; rejects with a GcoreError. */
  send(kind: RequestKind, resourceId: number, items: string[], signal?: AbortSignal): Promise<{ status: number }>
  /** One GET of a JSON document, such as `/cdn/clients/me/limits`. Rejects with a GcoreError. */
  getJson(path: string, signal?: AbortSignal): Promise<unknown>
}

/** What one HEAD at the edge showed. */
interface EdgeAnswer {
  status: number
  /** Gcore's `Cache` header (or `X-Cache`); undefined when hidden. */
  cache: string | undefined
  /** Content-Length, when it is a whole number. */
  contentLength: number | null
}

export interface EdgeProbe {
  /** HEAD a URL. Rejects on network errors and timeouts. */
  head(url: string, signal?: AbortSignal): Promise<EdgeAnswer>
}

/** Where the engine's requests go. The front ends pass the HTTP one; tests a fake Gcore. */
export interface Network {
  /** A client of Gcore's API whose every request ends within `timeoutMs`. */
  api(options: { apiUrl: string; apiKey: string; timeoutMs: number }): GcoreApi
  /** HEAD requests at the edge, each within `timeoutMs`. */
  edge(timeoutMs: number): EdgeProbe
}

export interface ReleaseAsset {
  name: string
  size: number
}

export interface Release {
  tag: string
  assets: ReleaseAsset[]
}

/** GitHub's releases, as the release policy (paths/release.ts) asks for them. */
export interface ReleaseApi {
  /** The event that started the run (`release`, `push`, …); '' outside GitHub Actions. */
  readonly event: string
  /** The release a `release` event is about, with its assets; null for any other event. */
  readonly eventRelease: Release | null
  /** `owner/repo` whose releases are read by tag; '' when unknown. */
  readonly repository: string
  /** The assets of the release tagged `tag`. Rejects with a ReleaseReadError when GitHub answered otherwise. */
  assetsByTag(tag: string, token: string, signal: AbortSignal): Promise<ReleaseAsset[]>
}

export interface FileSource {
  /**
   * Files (not directories) under `cwd` matching the patterns (`!` excludes), as `/`-separated relative paths.
   * A directory that could not be read (its files are missing from the result) is told to `onUnreadable`,
   * by its absolute path and the error's code; one that does not exist is not.
   */
  glob(patterns: string[], cwd: string, onUnreadable?: (directory: string, code: string) => void): Promise<string[]>
  /** `file`, `directory`, or `missing` for anything else (absent, unreadable, a socket). */
  kind(path: string): Promise<'file' | 'directory' | 'missing'>
  size(path: string): Promise<number>
  readBytes(path: string): Promise<Uint8Array>
}
