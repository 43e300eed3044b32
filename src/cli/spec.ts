// Generated from action.yml and package.json by scripts/sync-action-spec.mjs (npm run docs). Do not edit.

import type { InputName } from '../core/input-names.js'

export interface InputSpec {
  name: InputName
  description: string
  /** null for a required input. */
  default: string | null
  required: boolean
}

export const VERSION = "1.0.0"

export const ACTION_INPUTS: InputSpec[] = [
  {
    "name": "api-key",
    "description": "Gcore API token, sent as `Authorization: APIKey <token>`. Pass it from a secret; it is masked at once.",
    "default": null,
    "required": true
  },
  {
    "name": "resource-id",
    "description": "CDN resource ID, or one of the resource's hostnames (`cdn.example.com`, looked up by the API); several separated by newlines or commas warm every path on each resource.",
    "default": null,
    "required": true
  },
  {
    "name": "paths",
    "description": "Newline-separated CDN paths (or full URLs) to prefetch. Blank lines are ignored, a missing leading `/` is added, duplicates are sent once.",
    "default": "",
    "required": false
  },
  {
    "name": "paths-file",
    "description": "A text file with one CDN path per line, or a JSON array of paths (for example written by an upload step), relative to the current directory.",
    "default": "",
    "required": false
  },
  {
    "name": "files",
    "description": "Newline-separated glob patterns of local files, relative to `--base-dir`: `**` recurses, a leading `!` excludes, files only, dot-files only when a pattern names them.",
    "default": "",
    "required": false
  },
  {
    "name": "base-dir",
    "description": "The local directory that maps to the CDN root (or to `--path-prefix`), relative to the current directory.",
    "default": ".",
    "required": false
  },
  {
    "name": "path-prefix",
    "description": "CDN path prefix for files from `--files`, for example `/downloads/v2.1.0`.",
    "default": "",
    "required": false
  },
  {
    "name": "size-check",
    "description": "For files from `--files`: `warn` names the files outside Gcore's recommended 200 MB – 5 GB window, `skip` leaves them out, `off` does neither.",
    "default": "warn",
    "required": false
  },
  {
    "name": "release-assets",
    "description": "Add one CDN path per asset of the release: `--path-prefix` + `/` + the asset's name. On a `release` event the assets come from the event; otherwise the release is read by `--release-tag`.",
    "default": "false",
    "required": false
  },
  {
    "name": "release-tag",
    "description": "Tag of the release whose assets to add, outside a `release` event (for example on `workflow_dispatch`).",
    "default": "",
    "required": false
  },
  {
    "name": "github-token",
    "description": "Token to read the release from the GitHub API when `--release-tag` is used.",
    "default": "${{ github.token }}",
    "required": false
  },
  {
    "name": "purge",
    "description": "Purge the paths before prefetching them: `false`; `auto` (or `true`) by URL where that clears the whole file, by pattern where the resource caches in slices or keeps Vary variants; or always `url`, `pattern` or `all` (one purge of the whole resource).",
    "default": "false",
    "required": false
  },
  {
    "name": "purge-patterns",
    "description": "Newline-separated purge patterns (start with `/`, `*` only at the end, a prefix: `/releases/v2/` clears the folder) purged by pattern first; the paths they cover are not purged again. Needs `--purge`.",
    "default": "",
    "required": false
  },
  {
    "name": "resource-check",
    "description": "`auto` reads each resource's settings (`GET /cdn/resources/{id}` and its rules) to choose the purge kind, and carries on with a notice when the key may not read them; `required` fails then; `off` reads nothing.",
    "default": "auto",
    "required": false
  },
  {
    "name": "origin-check",
    "description": "Before any purge, ask the origin (HEAD at every source of the resource's origin group, with the Host header the CDN sends) whether it holds each file: a path is purged and prefetched only once every primary source has it, with the new file's size where known, and the sources agree on size and ETag; a path not ready by `--origin-timeout` is neither purged nor prefetched and fails. `auto` skips a resource whose origin cannot be asked (an S3 source, a refusing ACL, a key that may not read origin groups), with a notice; `required` fails then, before anything is sent; `off` asks nothing.",
    "default": "auto",
    "required": false
  },
  {
    "name": "origin-url",
    "description": "Base URL where the runner reads the files instead of the origin group's sources (a public bucket endpoint, an internal name), one, or one per resource in the same order; a path is asked at this URL plus the CDN path. No credentials in it.",
    "default": "",
    "required": false
  },
  {
    "name": "origin-timeout",
    "description": "Seconds to wait for a path to be ready at the origin (asked again every few seconds); `--time-budget` bounds it too. 0 means one look.",
    "default": "300",
    "required": false
  },
  {
    "name": "api-url",
    "description": "Gcore API base URL. https only, except http to a loopback address for local emulators.",
    "default": "https://api.gcore.com",
    "required": false
  },
  {
    "name": "limits",
    "description": "`auto` reads the account's limits (`GET /cdn/clients/me/limits`) for batch sizes and intervals; `documented` uses Gcore's documented limits. Flags set explicitly always win.",
    "default": "auto",
    "required": false
  },
  {
    "name": "batch-size",
    "description": "Paths per request, 1 to 100 (empty means the account's limit, or Gcore's documented 100).",
    "default": "",
    "required": false
  },
  {
    "name": "prefetch-interval",
    "description": "Seconds between two prefetch requests to one resource (empty means the account's rate, or Gcore's documented 60). Decimals allowed.",
    "default": "",
    "required": false
  },
  {
    "name": "purge-interval",
    "description": "Seconds between two purge-by-URL requests to one resource (empty means the account's rate, or 30 from Gcore's documented 2 per minute).",
    "default": "",
    "required": false
  },
  {
    "name": "purge-pattern-interval",
    "description": "Seconds between two purge-by-pattern (or purge-all) requests to one resource (empty means the account's rate, or Gcore's documented 60).",
    "default": "",
    "required": false
  },
  {
    "name": "wait-for-purge",
    "description": "After a purge is accepted, wait until Gcore reports it finished before prefetching its paths.",
    "default": "true",
    "required": false
  },
  {
    "name": "purge-timeout",
    "description": "Seconds to wait for one purge to finish; after that its paths are prefetched anyway, with a warning.",
    "default": "300",
    "required": false
  },
  {
    "name": "purge-settle",
    "description": "Seconds to wait after a purge when its status cannot be read (status reports disabled, no matching entry, endpoint failing).",
    "default": "10",
    "required": false
  },
  {
    "name": "max-attempts",
    "description": "Tries per request for retryable failures (429, 5xx, timeouts, connection errors), at least 1.",
    "default": "5",
    "required": false
  },
  {
    "name": "request-timeout",
    "description": "Seconds one HTTP exchange may take, answer and body included, before it is abandoned (and retried).",
    "default": "30",
    "required": false
  },
  {
    "name": "time-budget",
    "description": "Seconds the run may take (empty means no limit). What cannot finish in time is not sent and is reported in `failed-paths` and `failed-paths-file`, for a later run.",
    "default": "",
    "required": false
  },
  {
    "name": "verify-url",
    "description": "Verify at the edge that it serves the origin's file: a path is verified when the edge held it before the check first asked (a first `Cache: HIT`, or a later HIT cached before that), its size (and ETag where shown) are the origin's, it was cached after this run's purge, and on a sliced path its last part passes too. `auto` uses each resource's hostname; or CDN base URLs such as `https://cdn.example.com`, one, or one per resource in the same order.",
    "default": "",
    "required": false
  },
  {
    "name": "verify-timeout",
    "description": "Seconds to keep asking the edge for paths not yet verified (0 means one pass).",
    "default": "0",
    "required": false
  },
  {
    "name": "verify-concurrency",
    "description": "Edge checks in flight at once.",
    "default": "8",
    "required": false
  },
  {
    "name": "verify-required",
    "description": "Exit 1 unless every path is verified at the edge (needs `--verify-url`).",
    "default": "false",
    "required": false
  },
  {
    "name": "fail-on-error",
    "description": "Exit 1 when any path could not be purged or prefetched.",
    "default": "true",
    "required": false
  },
  {
    "name": "if-no-paths",
    "description": "What to do when there is nothing to prefetch: `error`, `warn` or `ignore`.",
    "default": "error",
    "required": false
  },
  {
    "name": "dry-run",
    "description": "Plan and report the batches, send nothing.",
    "default": "false",
    "required": false
  }
]
