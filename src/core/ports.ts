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
  /** A secret an answer carried: never to be shown, whatever prints it from now on. */
  secret(value: string): void
}

/** What one Gcore POST does: a prefetch, or a purge of one kind. */
export type RequestKind = 'prefetch' | PurgeKind

/** `url`: `{"urls": [...]}`; `pattern`: `{"paths": [...]}`; `all`: `{"paths": []}`. */
export type PurgeKind = 'url' | 'pattern' | 'all'

export interface GcoreApi {
  /**
   * One POST to `/cdn/resources/{id}/prefetch` or `/purge`. Resolves on 2xx with
   * the answer's `Date` (Gcore's clock), rejects with a GcoreError.
   */
  send(kind: RequestKind, resourceId: number, items: string[], signal?: AbortSignal): Promise<{ status: number; date: string | null }>
  /** One GET of a JSON document, such as `/cdn/clients/me/limits`. Rejects with a GcoreError. */
  getJson(path: string, signal?: AbortSignal): Promise<unknown>
}

/** What the edge answered to one request: the headers verification reads, raw. */
export interface EdgeAnswer {
  status: number
  /** Gcore's `Cache` header (or `X-Cache`); undefined when hidden. */
  cache: string | undefined
  /** Content-Length, when it is a whole number. */
  contentLength: number | null
  etag: string | null
  /** `X-Cached-Since`: when the part that answered was cached. */
  cachedSince: string | null
  /** The answer's `Date`: the edge's clock. */
  date: string | null
  /** `Content-Range` of a ranged answer: `bytes 9-9/10`. */
  contentRange: string | null
  /** The media type, lower case, without parameters; null when absent. */
  contentType: string | null
}

export interface EdgeProbe {
  /** HEAD a URL (what the first part holds). Rejects on network errors and timeouts. */
  head(url: string, signal?: AbortSignal): Promise<EdgeAnswer>
  /** GET its last byte (`Range: bytes=-1`): what the last part holds. */
  lastByte(url: string, signal?: AbortSignal): Promise<EdgeAnswer>
  /** Closes any connection it keeps for the next request. */
  close(): void
}

/** What an origin source answered to a HEAD. */
export interface OriginAnswer {
  status: number
  /** Content-Length, when it is a whole number. */
  contentLength: number | null
  etag: string | null
  /** The media type, lower case, without parameters; null when absent. */
  contentType: string | null
  /** How many redirects were followed to get this answer. */
  redirects: number
}

export interface OriginProbe {
  /**
   * HEAD a URL with this Host header (null: the URL's own), following a few
   * redirects, never reading a body. Rejects on network errors and timeouts.
   */
  head(url: string, host: string | null, signal?: AbortSignal): Promise<OriginAnswer>
  /** Closes any connection it keeps for the next request. */
  close(): void
}

/** Where the engine's requests go. The front ends pass the HTTP one; tests a fake Gcore. */
export interface Network {
  /**
   * A client of Gcore's API whose every request ends within `timeoutMs`; no text
   * it gives shows the key or any of `secrets` (a list that may grow during the run).
   */
  api(options: { apiUrl: string; apiKey: string; timeoutMs: number; secrets: readonly string[] }): GcoreApi
  /** Requests at the edge, each within `timeoutMs`. */
  edge(timeoutMs: number): EdgeProbe
  /** HEAD requests at the origin's sources, each within `timeoutMs`. */
  origin(timeoutMs: number): OriginProbe
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
