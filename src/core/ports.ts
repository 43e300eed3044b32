/**
 * The engine's only doors out. Everything in src/core that touches time, the
 * log, the Gcore API, GitHub releases or the file system goes through one of
 * these, so the front ends (src/action, src/cli) choose the real thing and the
 * tests choose a fake.
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

export interface ReleaseAsset {
  name: string
  size: number
}

export interface ReleaseSource {
  /**
   * The release's tag and assets: from the triggering event, or looked up by
   * `tag`. Throws an InputError naming the input to fix.
   */
  release(tag: string, signal?: AbortSignal): Promise<{ tag: string; assets: ReleaseAsset[] }>
}

export interface FileSource {
  /** Files (not directories) under `cwd` matching the patterns (`!` excludes), as `/`-separated relative paths. */
  glob(patterns: string[], cwd: string): Promise<string[]>
  /** `file`, `directory`, or `missing` for anything else (absent, unreadable, a socket). */
  kind(path: string): Promise<'file' | 'directory' | 'missing'>
  size(path: string): Promise<number>
  readBytes(path: string): Promise<Uint8Array>
}
