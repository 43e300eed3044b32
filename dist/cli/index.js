#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 7593:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   BK: () => (/* binding */ helpText),
/* harmony export */   Du: () => (/* binding */ parseCommandLine),
/* harmony export */   GI: () => (/* binding */ flagName),
/* harmony export */   ai: () => (/* binding */ EXIT_CODES),
/* harmony export */   cN: () => (/* binding */ inputReader),
/* harmony export */   eb: () => (/* binding */ UsageError)
/* harmony export */ });
/* unused harmony export SWITCHES */
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _spec_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3379);
/**
 * The command line, parsed by node:util's parseArgs. The flags are the action's
 * inputs (from the generated spec), except the secrets, which come from the
 * environment so they stay out of shell history. Nothing here loads the engine:
 * `--help` and `--version` start in the time of a bare `node`.
 */


const EXIT_CODES = {
    success: 0,
    failed: 1,
    usage: 2,
    cancelled: 130
};
/** Secret inputs and the environment variables they come from instead of flags. */
const SECRETS_FROM_ENV = { 'api-key': 'GCORE_API_KEY', 'github-token': 'GITHUB_TOKEN' };
/** Inputs that take several values: a repeated flag adds one. */
const LIST_FLAGS = ['resource-id', 'paths', 'files', 'verify-url', 'purge-patterns'];
/** Yes/no inputs: `--dry-run` alone means yes, `--no-wait-for-purge` no. */
const SWITCHES = ['release-assets', 'wait-for-purge', 'verify-required', 'fail-on-error', 'dry-run'];
const FLAG_INPUTS = _spec_js__WEBPACK_IMPORTED_MODULE_1__/* .ACTION_INPUTS */ .b.filter(input => !(input.name in SECRETS_FROM_ENV));
const isSwitch = (input) => SWITCHES.includes(input.name);
const isList = (input) => LIST_FLAGS.includes(input.name);
class UsageError extends Error {
}
function optionSpecs() {
    const options = {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' }
    };
    for (const input of FLAG_INPUTS) {
        if (isSwitch(input)) {
            options[input.name] = { type: 'boolean' };
            options[`no-${input.name}`] = { type: 'boolean' };
        }
        else {
            options[input.name] = { type: 'string', multiple: isList(input) };
        }
    }
    return options;
}
function parseCommandLine(argv) {
    for (const arg of argv) {
        const name = /^--([a-z-]+)(=|$)/.exec(arg)?.[1];
        if (name && name in SECRETS_FROM_ENV) {
            throw new UsageError(`--${name} is not a flag, so the secret stays out of shell history: set ${SECRETS_FROM_ENV[name]} instead.`);
        }
    }
    let values;
    try {
        ;
        ({ values } = (0,node_util__WEBPACK_IMPORTED_MODULE_0__.parseArgs)({ args: argv, options: optionSpecs(), strict: true, allowPositionals: false }));
    }
    catch (error) {
        throw new UsageError(describeParseError(error));
    }
    const inputs = {};
    for (const input of FLAG_INPUTS) {
        const value = values[input.name];
        if (isSwitch(input)) {
            if (value && values[`no-${input.name}`])
                throw new UsageError(`--${input.name} and --no-${input.name} contradict each other.`);
            if (value)
                inputs[input.name] = 'true';
            else if (values[`no-${input.name}`])
                inputs[input.name] = 'false';
        }
        else if (Array.isArray(value)) {
            inputs[input.name] = value.join('\n');
        }
        else if (typeof value === 'string') {
            inputs[input.name] = value;
        }
    }
    return { inputs, json: !!values.json, verbose: !!values.verbose, help: !!values.help, version: !!values.version };
}
/** parseArgs' errors, in this command's words. */
function describeParseError(error) {
    const flag = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? '';
    switch (error.code) {
        case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
            return `Unknown flag ${flag}; see --help.`;
        case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
            return /argument missing/.test(error.message)
                ? `${flag} needs a value.`
                : `${flag} takes no value (it is a yes/no flag; use --no-${flag.replace(/^--/, '')} for no).`;
        case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
            return `Unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}; flags look like --resource-id 123.`;
        default:
            return error.message;
    }
}
/** Inputs as the engine reads them: flags, else the environment's secrets, else action.yml's defaults. */
function inputReader(flags, env) {
    return name => {
        if (name in SECRETS_FROM_ENV)
            return env[SECRETS_FROM_ENV[name]] ?? '';
        if (name in flags)
            return flags[name];
        return _spec_js__WEBPACK_IMPORTED_MODULE_1__/* .ACTION_INPUTS */ .b.find(input => input.name === name)?.default ?? '';
    };
}
/** How errors name an input on the command line: its flag, or the variable of a secret. */
function flagName(input) {
    return SECRETS_FROM_ENV[input] ?? `--${input}`;
}
function helpText() {
    const flags = FLAG_INPUTS.map(input => {
        const usage = isSwitch(input) ? `--[no-]${input.name}` : `--${input.name} <value>${isList(input) ? ' (repeatable)' : ''}`;
        const fallback = input.required ? 'required' : input.default === '' ? '' : `default: ${input.default}`;
        return `  ${usage}${fallback ? `  (${fallback})` : ''}\n      ${input.description}`;
    });
    return [
        `gcore-cdn-prefetch ${_spec_js__WEBPACK_IMPORTED_MODULE_1__/* .VERSION */ .x}: purge and prefetch files into Gcore CDN resources within Gcore's rate limits.`,
        '',
        'Usage: GCORE_API_KEY=<token> gcore-cdn-prefetch --resource-id <id> [--paths <path>]... [--paths-file <file>] [--purge auto]',
        '',
        'Environment:',
        '  GCORE_API_KEY       the Gcore API token (required; never a flag, so it stays out of shell history)',
        '  GITHUB_TOKEN        a GitHub token, for --release-assets with --release-tag',
        '  GITHUB_REPOSITORY   owner/repo of the release, for --release-tag',
        '',
        'Flags (the GitHub Action takes the same names under with:; a repeatable flag adds one line per use):',
        ...flags,
        '',
        'Output:',
        "  --json      print the action's outputs (kebab-case keys) and the full report as JSON on stdout; logs go to stderr",
        '  --verbose   log every path of every request',
        '  -h, --help  this text',
        '  --version   the version',
        '',
        'Exit codes:',
        '  0    every path prefetched (or a dry run, or nothing to do)',
        '  1    some paths were not prefetched, or --verify-required found a path not HIT',
        '  2    invalid flags or values: nothing was sent',
        '  130  cancelled (Ctrl-C): nothing more was sent, the report says what is left'
    ].join('\n');
}


/***/ }),

/***/ 3379:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   b: () => (/* binding */ ACTION_INPUTS),
/* harmony export */   x: () => (/* binding */ VERSION)
/* harmony export */ });
// Generated from action.yml and package.json by scripts/sync-action-spec.mjs (npm run docs). Do not edit.
const VERSION = "1.0.0";
const ACTION_INPUTS = [
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
];


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 3339:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("module");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};
/* harmony import */ var _args_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7593);
/* harmony import */ var _spec_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3379);
// The CLI's entry point (dist/cli/index.js). Flags are parsed here; the engine is
// loaded only when there is work to do, so `--help` starts as fast as bare node.


async function main(argv) {
    let args;
    try {
        args = (0,_args_js__WEBPACK_IMPORTED_MODULE_0__/* .parseCommandLine */ .Du)(argv);
    }
    catch (error) {
        if (!(error instanceof _args_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb))
            throw error;
        process.stderr.write(`error: ${error.message}\n`);
        return _args_js__WEBPACK_IMPORTED_MODULE_0__/* .EXIT_CODES */ .ai.usage;
    }
    if (args.help)
        return (process.stdout.write(`${(0,_args_js__WEBPACK_IMPORTED_MODULE_0__/* .helpText */ .BK)()}\n`), _args_js__WEBPACK_IMPORTED_MODULE_0__/* .EXIT_CODES */ .ai.success);
    if (args.version)
        return (process.stdout.write(`${_spec_js__WEBPACK_IMPORTED_MODULE_1__/* .VERSION */ .x}\n`), _args_js__WEBPACK_IMPORTED_MODULE_0__/* .EXIT_CODES */ .ai.success);
    const { runCommand } = await Promise.all(/* import() */[__nccwpck_require__.e(942), __nccwpck_require__.e(605)]).then(__nccwpck_require__.bind(__nccwpck_require__, 5605));
    return runCommand(args, process.env);
}
// Not a top-level await: with one, ncc wraps the entry in an async module, which costs start-up time.
void main(process.argv.slice(2)).then(code => {
    process.exitCode = code;
});

