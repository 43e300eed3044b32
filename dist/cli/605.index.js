export const id = 605;
export const ids = [605];
export const modules = {

/***/ 5605:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runCommand: () => (/* binding */ runCommand)
});

;// CONCATENATED MODULE: ./src/core/clock.ts
/** The real clock. */
const systemClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise(resolve => {
        if (signal?.aborted)
            return resolve();
        const until = Date.now() + ms;
        let timer;
        // Timers may fire a millisecond early by Date.now(); never wake before `until`,
        // or a request could reach Gcore just inside the previous one's interval.
        const arm = () => {
            const left = until - Date.now();
            if (left <= 0)
                return done();
            timer = setTimeout(arm, left);
        };
        function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
        arm();
    })
};

;// CONCATENATED MODULE: ./src/core/format.ts
/** Words and numbers as people read them, shared by the log, the summary and the CLI. */
/**
 * `12,345`: digits grouped by three, as en-US writes them. Not toLocaleString:
 * its first call loads ICU's number formats, about 10 ms of every run's start.
 */
function grouped(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
/** `1 path`, `3 paths`; irregular plurals are passed in. */
function plural(count, singular, pluralForm = `${singular}s`) {
    return `${grouped(count)} ${count === 1 ? singular : pluralForm}`;
}
/** `under a second`, `42 s`, `3 min 5 s`, `1 h 2 min`. */
function formatDuration(ms) {
    if (ms < 1000)
        return 'under a second';
    const seconds = Math.round(ms / 1000);
    if (seconds < 60)
        return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    if (minutes < 60)
        return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
    const hours = Math.floor(minutes / 60);
    return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
/** A request's own time, where fractions matter: `120 ms`, `1.25 s`, `42.5 s`. */
function formatSeconds(ms) {
    if (ms < 1000)
        return `${Math.round(ms)} ms`;
    return `${Number((ms / 1000).toFixed(ms < 10_000 ? 2 : 1))} s`;
}
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
/** Shortens a long text in the middle, keeping both ends: `/releases/v2/…/app-x64.iso`. */
function middleEllipsis(text, max) {
    if (text.length <= max)
        return text;
    const keep = max - 1;
    const head = Math.ceil(keep / 2);
    return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

;// CONCATENATED MODULE: ./src/core/gcore/errors.ts
class GcoreError extends Error {
    kind;
    status;
    retryAfter;
    unconfirmed;
    constructor(message, kind, status, 
    /** The raw Retry-After header of a 429, if any. */
    retryAfter, 
    /**
     * The request reached the API and its answer was lost (cut off, or not
     * finished in time): Gcore may have accepted it and counted it.
     */
    unconfirmed = false) {
        super(message);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.unconfirmed = unconfirmed;
        this.name = 'GcoreError';
    }
    /**
     * Anything a port threw, as a GcoreError: itself, or a transient failure
     * (a fake's bug or a library's surprise is retried, never trusted).
     */
    static from(error) {
        if (error instanceof GcoreError)
            return error;
        return new GcoreError(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, 'transient', null);
    }
    /** Whether the same request may succeed if sent again later. */
    get retryable() {
        return this.kind === 'rate-limited' || this.kind === 'transient';
    }
}
/** The failure kind of an HTTP status Gcore answered. */
function classifyStatus(status) {
    if (status === 429)
        return 'rate-limited';
    if (status === 401)
        return 'auth';
    if (status === 403)
        return 'forbidden';
    if (status === 404)
        return 'not-found';
    if (status === 408 || status >= 500)
        return 'transient';
    return 'rejected';
}
/**
 * One GET for the optional reads before sending (limits, resources, rules,
 * origin groups), and once more a second later when the failure may pass (a
 * 429, a 5xx, a timeout). Rejects with a GcoreError.
 */
async function getJsonOnceMore(api, path, clock, signal) {
    try {
        return await api.getJson(path, signal);
    }
    catch (caught) {
        const error = GcoreError.from(caught);
        if (!error.retryable || signal?.aborted)
            throw error;
        await clock.sleep(1000, signal);
        return api.getJson(path, signal).catch(again => Promise.reject(GcoreError.from(again)));
    }
}

;// CONCATENATED MODULE: ./src/core/gcore/shapes.ts
/**
 * What a Gcore GET answer must look like before it is read. A JSON answer of
 * the wrong shape (`null` or `[]` where a resource was asked for, a string
 * where a list was) is a failure that names what came, never read as a
 * resource whose every setting is off.
 */

/** `null`, `an empty list`, `a list`, `a string`, `a number`, `true`, `an object`: for messages. */
function describeJson(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return value.length === 0 ? 'an empty list' : 'a list';
    if (typeof value === 'object')
        return 'an object';
    if (typeof value === 'string')
        return 'a string';
    if (typeof value === 'number')
        return 'a number';
    return String(value);
}
/** The answer as an object, when it is one with a numeric `id`; else a GcoreError naming what came. */
function expectRecord(body, where, what) {
    if (body && typeof body === 'object' && !Array.isArray(body) && typeof body.id === 'number') {
        return body;
    }
    const got = body && typeof body === 'object' && !Array.isArray(body) ? 'an object without a numeric id' : describeJson(body);
    throw new GcoreError(`${where}: the answer is ${got}, not ${what}`, 'rejected', null);
}
/** A plain list, or the `results` of a paginated one; else a GcoreError naming what came. */
function expectList(body, where, what) {
    if (Array.isArray(body))
        return body;
    const results = body?.results;
    if (Array.isArray(results))
        return results;
    throw new GcoreError(`${where}: the answer is ${describeJson(body)}, not ${what}`, 'rejected', null);
}

;// CONCATENATED MODULE: ./src/core/gcore/limits.ts


/**
 * Gcore's documented limits: prefetch 100 paths a request, 1 a minute; purge by
 * URL 100 URLs, 2 a minute; purge by pattern 10 patterns, 1 a minute (purge all
 * shares that lane).
 */
const DOCUMENTED_LIMITS = {
    batchSize: 100,
    prefetchIntervalMs: 60_000,
    purgeUrlBatchSize: 100,
    purgeUrlIntervalMs: 30_000,
    purgePatternBatchSize: 10,
    purgePatternIntervalMs: 60_000
};
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 };
/** `N/s`, `N/m`, `N/h` → milliseconds between two requests. Undefined when unreadable. */
function parseRate(text) {
    if (typeof text !== 'string')
        return undefined;
    const match = /^\s*(\d+)\s*\/\s*([smh])\s*$/i.exec(text);
    if (!match || Number(match[1]) < 1)
        return undefined;
    return Math.ceil(UNIT_MS[match[2].toLowerCase()] / Number(match[1]));
}
function positiveInteger(value) {
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
function pick(explicit, account, raw, documented) {
    if (explicit !== undefined)
        return { value: explicit, source: 'input' };
    if (account !== undefined)
        return { value: account, source: 'account', raw: String(raw) };
    return { value: documented, source: 'documented' };
}
function resolveLimits(explicit, account) {
    const a = account ?? {};
    const D = DOCUMENTED_LIMITS;
    return {
        batchSize: pick(explicit.batchSize, positiveInteger(a.prefetch_pattern_limit), a.prefetch_pattern_limit, D.batchSize),
        prefetchIntervalMs: pick(explicit.prefetchIntervalMs, parseRate(a.prefetch_request_limit), a.prefetch_request_limit, D.prefetchIntervalMs),
        purgeUrlBatchSize: pick(undefined, positiveInteger(a.purge_max_urls_limit), a.purge_max_urls_limit, D.purgeUrlBatchSize),
        purgeUrlIntervalMs: pick(explicit.purgeIntervalMs, parseRate(a.purge_by_urls_request_limit), a.purge_by_urls_request_limit, D.purgeUrlIntervalMs),
        purgePatternBatchSize: pick(undefined, positiveInteger(a.purge_pattern_limit), a.purge_pattern_limit, D.purgePatternBatchSize),
        purgePatternIntervalMs: pick(explicit.purgePatternIntervalMs, parseRate(a.purge_request_limit), a.purge_request_limit, D.purgePatternIntervalMs)
    };
}
/** `prefetch interval 30 s (account: 2/m)`, for the log and the summary; only the lanes in use. */
function describeLimits(limits, used = { purgeUrl: true, purgePattern: false }) {
    const from = (limit) => limit.source === 'account' ? `account: ${limit.raw}` : limit.source === 'input' ? 'input' : 'Gcore documented';
    const seconds = (ms) => `${Number((ms / 1000).toFixed(3))} s`;
    const size = (label, limit) => `${label} ${limit.value} (${from(limit)})`;
    const every = (label, limit) => `${label} ${seconds(limit.value)} (${from(limit)})`;
    return [
        size('prefetch batch size', limits.batchSize),
        every('prefetch interval', limits.prefetchIntervalMs),
        ...(used.purgeUrl ? [size('purge batch size', limits.purgeUrlBatchSize), every('purge interval', limits.purgeUrlIntervalMs)] : []),
        ...(used.purgePattern
            ? [size('patterns per purge', limits.purgePatternBatchSize), every('pattern purge interval', limits.purgePatternIntervalMs)]
            : [])
    ];
}
/**
 * Reads the account's limits once (a transient failure is retried once, quietly).
 * Never throws: a failure is a `problem` and the documented values apply; a key
 * the API refuses (401) is also returned as `refused`, so the run stops before
 * it sends a purge or a prefetch with it.
 */
async function readAccountLimits(api, clock, signal) {
    try {
        const body = await getJsonOnceMore(api, '/cdn/clients/me/limits', clock, signal);
        if (body && typeof body === 'object' && !Array.isArray(body))
            return { account: body };
        return { account: null, problem: `the answer is ${describeJson(body)}, not a JSON object` };
    }
    catch (error) {
        const failure = GcoreError.from(error);
        if (failure.kind === 'auth')
            return { account: null, problem: failure.message, refused: failure };
        return { account: null, problem: failure.message };
    }
}

;// CONCATENATED MODULE: ./src/core/input-error.ts
/**
 * A problem with what the user gave: it names the input and quotes the value
 * (never the key's), and is raised before any request. Each front end words
 * the input its own way: `input "paths"` for the action, `--paths` for the CLI.
 */
const actionInputName = input => `input "${input}"`;
/** A problem with what the user gave us; `describe` words it for a front end. */
class InputError extends Error {
    input;
    compose;
    constructor(
    /** The input to fix, or `environment` for a variable of the run's environment (a proxy setting). */
    input, compose) {
        super(capitalise(compose(actionInputName)));
        this.input = input;
        this.compose = compose;
        this.name = 'InputError';
    }
    describe(name) {
        return capitalise(this.compose(name));
    }
}
/** The common case: a message that starts with the input's name. */
function inputError(input, rest) {
    return new InputError(input, name => `${name(input)} ${rest}`);
}
function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

;// CONCATENATED MODULE: ./src/core/gcore/resource.ts
const asBoolean = (value) => value === true;
const asString = (value) => (typeof value === 'string' ? value : null);
const asId = (value) => (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null);
const PROTOCOLS = ['HTTP', 'HTTPS', 'MATCH'];
const asProtocol = (value) => PROTOCOLS.includes(value) ? value : null;
/** The resource object of `GET /cdn/resources/{id}`, read defensively. */
function parseResource(body, rulesBody) {
    const raw = (body && typeof body === 'object' ? body : {});
    const embedded = Array.isArray(raw.rules) ? raw.rules : [];
    const rules = rulesBody === undefined ? embedded : listOf(rulesBody);
    return {
        id: Number(raw.id),
        hostname: asString(raw.cname),
        secondaryHostnames: Array.isArray(raw.secondaryHostnames)
            ? raw.secondaryHostnames.filter((name) => typeof name === 'string')
            : [],
        status: asString(raw.status) ?? 'active',
        active: raw.active === undefined ? true : asBoolean(raw.active),
        deleted: asBoolean(raw.deleted),
        suspended: asBoolean(raw.suspended),
        sslEnabled: asBoolean(raw.sslEnabled),
        // Undocumented absence: assume the safe answer, that URLs cannot be purged one by one.
        canPurgeByUrls: asBoolean(raw.can_purge_by_urls),
        originGroup: asId(raw.originGroup),
        // Gcore: "If protocol is not specified, HTTP is used to connect to an origin server."
        originProtocol: asProtocol(raw.originProtocol) ?? 'HTTP',
        options: (raw.options && typeof raw.options === 'object' ? raw.options : null),
        rules: parseRules(rules)
    };
}
/** A plain list, or the `results` of a paginated one. */
function listOf(body) {
    if (Array.isArray(body))
        return body;
    const results = body?.results;
    return Array.isArray(results) ? results : [];
}
function parseRules(items) {
    const rules = [];
    for (const item of items) {
        if (!item || typeof item !== 'object')
            continue;
        const raw = item;
        if (raw.active === false || raw.deleted === true || typeof raw.rule !== 'string')
            continue;
        const ruleType = typeof raw.ruleType === 'number' ? raw.ruleType : 0;
        // Gcore adds a leading slash to every rule path; type 1 (legacy) puts one before the expression.
        const source = ruleType === 1 ? `/${raw.rule}` : raw.rule.startsWith('/') || raw.rule.startsWith('^') ? raw.rule : `/${raw.rule}`;
        let regex;
        try {
            regex = new RegExp(source);
        }
        catch {
            regex = null;
        }
        rules.push({
            id: typeof raw.id === 'number' ? raw.id : null,
            rule: raw.rule,
            ruleType,
            weight: typeof raw.weight === 'number' ? raw.weight : Number.MAX_SAFE_INTEGER,
            originGroup: asId(raw.originGroup),
            originProtocol: asProtocol(raw.overrideOriginProtocol),
            options: (raw.options && typeof raw.options === 'object' ? raw.options : null),
            regex
        });
    }
    return rules.sort((a, b) => a.weight - b.weight);
}
/** What the rules see of a path: its decoded path, without the query. */
function rulePath(path) {
    const bare = path.split('?')[0];
    try {
        return decodeURIComponent(bare);
    }
    catch {
        return bare;
    }
}
/** Rules that apply to a path, first match first; a rule we cannot read counts as matching. */
function matchingRules(resource, path) {
    const target = rulePath(path);
    return resource.rules.filter(rule => rule.regex === null || rule.regex.test(target));
}
function resource_option(options, name) {
    return options ? options[name] : null;
}
function isOn(value) {
    return !!value && value.enabled !== false && value.value === true;
}
function listValue(value) {
    return value && value.enabled !== false && Array.isArray(value.value) ? value.value.map(String) : null;
}
function hidesCache(value) {
    if (!value || value.enabled === false)
        return false;
    const excepted = Array.isArray(value.excepted) ? value.excepted.map(header => String(header).toLowerCase()) : [];
    if (value.mode === 'hide')
        return !excepted.includes('cache');
    if (value.mode === 'show')
        return excepted.includes('cache');
    return false;
}
/**
 * pathOptions for many paths: paths matched by the same rules share one result,
 * so 100,000 paths cost one object per combination of rules, not one each.
 */
function pathOptionsOf(resource) {
    const byRules = new Map();
    return path => {
        const rules = matchingRules(resource, path);
        const key = rules.map(rule => resource.rules.indexOf(rule)).join(',');
        let options = byRules.get(key);
        if (!options)
            byRules.set(key, (options = optionsFor(resource, rules)));
        return options;
    };
}
/** The resource's options, overridden by the first matching rule that sets them. */
function optionsFor(resource, rules) {
    const effective = (name) => {
        const set = rules.find(rule => resource_option(rule.options, name) != null);
        return set ? resource_option(set.options, name) : resource_option(resource.options, name);
    };
    const sliceAnywhere = rules.some(rule => isOn(resource_option(rule.options, 'slice')));
    const cacheKey = effective('proxy_cache_key');
    const hostHeader = effective('hostHeader');
    const rewrite = effective('rewrite');
    return {
        slice: isOn(effective('slice')) || sliceAnywhere,
        ignoreQueryString: isOn(effective('ignoreQueryString')),
        whitelist: listValue(effective('query_params_whitelist')),
        blacklist: listValue(effective('query_params_blacklist')),
        // `$request_uri` is Gcore's default key: only another one is custom.
        customCacheKey: !!cacheKey && cacheKey.enabled !== false && typeof cacheKey.value === 'string' && !['', '$request_uri'].includes(cacheKey.value),
        hidesCacheHeader: hidesCache(effective('response_headers_hiding_policy')),
        originGroup: rules.find(rule => rule.originGroup !== null)?.originGroup ?? resource.originGroup,
        originProtocol: rules.find(rule => rule.originProtocol !== null)?.originProtocol ?? resource.originProtocol,
        hostHeader: hostHeader && hostHeader.enabled !== false && typeof hostHeader.value === 'string' && hostHeader.value ? hostHeader.value : null,
        forwardHostHeader: isOn(effective('forward_host_header')),
        rewrite: rewrite && rewrite.enabled !== false && typeof rewrite.body === 'string'
            ? { body: rewrite.body, flag: asString(rewrite.flag) ?? 'break' }
            : null
    };
}
/** The path as the cache key sees it: its query string dropped or filtered as the options say. */
function cacheKeyPath(path, options) {
    const at = path.indexOf('?');
    if (at === -1)
        return path;
    const bare = path.slice(0, at);
    if (options.ignoreQueryString)
        return bare;
    const keep = options.whitelist
        ? (name) => options.whitelist.includes(name)
        : options.blacklist
            ? (name) => !options.blacklist.includes(name)
            : null;
    if (!keep)
        return path;
    const pairs = path
        .slice(at + 1)
        .split('&')
        .filter(pair => pair !== '' && keep(decodeName(pair.split('=')[0])));
    return pairs.length ? `${bare}?${pairs.join('&')}` : bare;
}
function decodeName(name) {
    try {
        return decodeURIComponent(name.replace(/\+/g, ' '));
    }
    catch {
        return name;
    }
}
const WHY = {
    unknown: 'resource settings not read: purge by URL, as the action always did',
    chosen: 'chosen by the purge input',
    urlClears: 'purge by URL clears the whole file',
    slice: 'slice on: purge by URL clears only the first 10 MB part',
    vary: 'can_purge_by_urls is false (the resource keeps Vary variants): purge by URL is refused or clears one variant',
    customKey: 'custom cache key: purge by pattern does not work, and purge by URL would leave parts or variants',
    all: 'purge all: one request clears the whole resource'
};
/** How to purge one path so that the whole file is cleared. */
function decidePurge(mode, resource, options) {
    if (mode === 'url' || mode === 'pattern')
        return { kind: mode, why: WHY.chosen };
    if (mode === 'all')
        return { kind: 'all', why: WHY.all };
    if (!resource || !options)
        return { kind: 'url', why: WHY.unknown };
    const urlFallsShort = options.slice || !resource.canPurgeByUrls;
    if (!urlFallsShort)
        return { kind: 'url', why: WHY.urlClears };
    if (options.customCacheKey)
        return { kind: 'all', why: WHY.customKey };
    return { kind: 'pattern', why: options.slice ? WHY.slice : WHY.vary };
}
/** Fails fast on a resource that cannot serve; a resource being changed is only a warning. */
function stateProblem(resource) {
    if (resource.deleted || resource.status === 'deleted')
        return { fail: `resource ${resource.id} is deleted` };
    if (resource.suspended || resource.status === 'suspended')
        return { fail: `resource ${resource.id} is suspended: it serves no content` };
    if (!resource.active)
        return { fail: `resource ${resource.id} is not active (active: false): it serves no content` };
    if (resource.status === 'processed')
        return {
            warn: `resource ${resource.id} is being changed (status processed): a new setting can take about 15 minutes to reach every location`
        };
    if (resource.status !== 'active')
        return { warn: `resource ${resource.id} has status ${JSON.stringify(resource.status)}` };
    return null;
}
/** The base URL the edge answers on: the resource's hostname, https when it serves SSL. */
function edgeBaseUrl(resource) {
    return resource.hostname ? `${resource.sslEnabled ? 'https' : 'http'}://${resource.hostname}` : null;
}
/** Resources whose hostname (main, then secondary) is `hostname`, deleted ones left out. */
function withHostname(items, hostname, field) {
    const want = hostname.toLowerCase();
    const ids = new Set();
    for (const item of items) {
        const raw = (item ?? {});
        if (raw.deleted === true || raw.status === 'deleted' || typeof raw.id !== 'number')
            continue;
        const names = field === 'cname' ? [raw.cname] : Array.isArray(raw.secondaryHostnames) ? raw.secondaryHostnames : [];
        if (names.some(name => typeof name === 'string' && name.toLowerCase() === want))
            ids.add(raw.id);
    }
    return [...ids];
}

;// CONCATENATED MODULE: ./src/core/gcore/lookup.ts




/** Thrown when the settings had to be read (`resource-check: required`) and could not be. */
class ResourceCheckFailed extends Error {
}
const PERMISSION = 'permission to view CDN resources';
/** The optional GET, retried once (see getJsonOnceMore). */
function getJson({ api, clock, signal }, path) {
    return getJsonOnceMore(api, path, clock, signal);
}
async function resolveHostname(reader, hostname) {
    const query = async (field) => expectList(await getJson(reader, `/cdn/resources?${field}=${encodeURIComponent(hostname)}&limit=1000`), 'GET /cdn/resources', 'a list of resources');
    let ids;
    try {
        ids = withHostname(await query('cname'), hostname, 'cname');
        if (ids.length === 0)
            ids = withHostname(await query('secondaryHostnames'), hostname, 'secondaryHostnames');
    }
    catch (error) {
        if (error instanceof GcoreError && error.kind === 'forbidden') {
            throw new InputError('resource-id', name => `${name('resource-id')} ${JSON.stringify(hostname)} cannot be looked up: the key has no ${PERMISSION} (HTTP 403); give the resource's numeric ID instead.`);
        }
        if (error instanceof GcoreError && error.kind !== 'auth' && error.kind !== 'cancelled') {
            throw new InputError('resource-id', name => `${name('resource-id')} ${JSON.stringify(hostname)} could not be looked up (${error.message}); give the resource's numeric ID instead.`);
        }
        throw error;
    }
    if (ids.length === 0) {
        throw new InputError('resource-id', name => `${name('resource-id')}: no CDN resource of this key's account has the hostname ${JSON.stringify(hostname)}.`);
    }
    if (ids.length > 1) {
        throw new InputError('resource-id', name => `${name('resource-id')}: the hostname ${JSON.stringify(hostname)} belongs to several resources (${ids.join(', ')}); give one ID.`);
    }
    return ids[0];
}
/** The rules endpoint, or the rules embedded in the resource when it cannot be read. */
async function readRules(reader, id) {
    try {
        // A list (or a page of one); anything else is as unreadable as a failed request.
        return expectList(await getJson(reader, `/cdn/resources/${id}/rules`), `GET /cdn/resources/${id}/rules`, 'a list of rules');
    }
    catch (error) {
        if (error instanceof GcoreError && (error.kind === 'auth' || error.kind === 'cancelled'))
            throw error;
        return undefined;
    }
}
async function lookUpResources(reader, refs, check) {
    const notices = [];
    const warnings = [];
    const resources = [];
    const seen = new Set();
    let forbiddenSaid = false;
    for (const ref of refs) {
        const id = ref.id ?? (await resolveHostname(reader, ref.hostname));
        if (seen.has(id))
            continue;
        seen.add(id);
        const entry = { id, givenHostname: ref.hostname ?? null, resource: null };
        resources.push(entry);
        if (check === 'off')
            continue;
        try {
            const body = expectRecord(await getJson(reader, `/cdn/resources/${id}`), `GET /cdn/resources/${id}`, 'a resource');
            entry.resource = parseResource(body, await readRules(reader, id));
        }
        catch (error) {
            const failure = GcoreError.from(error);
            if (failure.kind === 'auth' || failure.kind === 'cancelled')
                throw failure;
            if (failure.kind === 'not-found') {
                const given = ref.hostname ? `${JSON.stringify(ref.hostname)} (ID ${id})` : String(id);
                throw new InputError('resource-id', name => `${name('resource-id')} ${given}: the key's account has no CDN resource with that ID (HTTP 404).`);
            }
            const why = failure.kind === 'forbidden'
                ? `the key has no ${PERMISSION} (HTTP 403; a "Purge and Prefetch only" token may not read settings)`
                : `its settings could not be read (${failure.message})`;
            if (check === 'required')
                throw new ResourceCheckFailed(`resource-check is required, but resource ${id}: ${why}.`);
            if (failure.kind === 'forbidden') {
                if (!forbiddenSaid)
                    notices.push(`Resource settings not read: ${why}. Purging by URL as before; slice and cache-key settings are not checked.`);
                forbiddenSaid = true;
            }
            else {
                warnings.push(`Resource ${id}: ${why}; purging by URL as before, slice and cache-key settings not checked.`);
            }
        }
    }
    return { resources, notices, warnings };
}

;// CONCATENATED MODULE: ./src/core/gcore/origin-group.ts

/** Names under which an answer carries a credential. */
const CREDENTIAL = /key|secret|token|password|credential|signature/i;
/** Gcore's mask for a credential in an answer. */
const MASKED = 'SECRET_VALUE';
const isObject = (value) => !!value && typeof value === 'object' && !Array.isArray(value);
const origin_group_text = (value) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);
/** The group, or null when the answer is not an origin group. */
function parseOriginGroup(body) {
    if (!isObject(body) || (!Array.isArray(body.sources) && !isObject(body.auth)))
        return null;
    const secrets = new Set();
    collectSecrets(body, secrets);
    const sources = Array.isArray(body.sources) ? body.sources.filter(isObject).map(parseSource) : [];
    // The deprecated form: one private S3 bucket for the whole group.
    if (body.auth_type === 'awsSignatureV4' && isObject(body.auth)) {
        sources.push({ type: 's3', address: describeS3(body.auth), enabled: true, backup: false, hostHeaderOverride: null });
    }
    return { id: Number(body.id), sources, secrets: [...secrets] };
}
function parseSource(raw) {
    const type = raw.origin_type === 's3'
        ? 's3'
        : raw.origin_type === 'fastedge'
            ? 'fastedge'
            : raw.origin_type === undefined || raw.origin_type === 'host'
                ? 'host'
                : 'unknown';
    const config = isObject(raw.config) ? raw.config : {};
    const address = type === 'host'
        ? (origin_group_text(raw.source) ?? '')
        : type === 's3'
            ? describeS3(config)
            : type === 'fastedge'
                ? `FastEdge app ${origin_group_text(config.app_id) ?? '?'}`
                : `${String(raw.origin_type)} source`;
    return {
        type: type === 'host' && !address ? 'unknown' : type,
        address,
        enabled: raw.enabled !== false,
        backup: raw.backup === true,
        hostHeaderOverride: origin_group_text(raw.host_header_override)
    };
}
/** A bucket as a person would name it, without its credentials. */
function describeS3(config) {
    const bucket = origin_group_text(config.s3_bucket_name) ?? '?';
    const where = origin_group_text(config.s3_storage_hostname) ?? origin_group_text(config.s3_region);
    return `S3 bucket ${bucket}${where ? ` (${where})` : ''}`;
}
function collectSecrets(value, into, name = '') {
    if (typeof value === 'string') {
        if (CREDENTIAL.test(name) && value !== MASKED && value.trim() !== '')
            into.add(value);
        return;
    }
    if (Array.isArray(value))
        for (const item of value)
            collectSecrets(item, into, name);
    else if (isObject(value))
        for (const [key, item] of Object.entries(value))
            collectSecrets(item, into, key);
}
/**
 * Reads each origin group once (a failure that may pass is retried once). A
 * group that cannot be read is the reason, in words; a refused key throws.
 */
async function readOriginGroups(api, ids, clock, signal) {
    const groups = new Map();
    for (const id of new Set(ids)) {
        try {
            // The answer is never quoted anywhere: it may hold credentials Gcore did not mask.
            groups.set(id, parseOriginGroup(await getJsonOnceMore(api, `/cdn/origin_groups/${id}`, clock, signal)) ?? 'its answer is not an origin group');
        }
        catch (error) {
            const failure = GcoreError.from(error);
            if (failure.kind === 'auth' || failure.kind === 'cancelled')
                throw failure;
            groups.set(id, failure.kind === 'forbidden'
                ? 'the key may not read origin groups (HTTP 403)'
                : failure.kind === 'not-found'
                    ? `no origin group ${id} (HTTP 404)`
                    : // Gcore's words or the network's, redacted: never the answer of a group that was read.
                        failure.message);
        }
    }
    return groups;
}

;// CONCATENATED MODULE: ./src/core/gcore/time.ts
/**
 * Times on Gcore's clock, as its answers write them: `X-Cached-Since` and a
 * purge's `created` (`2024-07-03T09:47:49+00:00`, also seen as
 * `2025-11-14 08:32:19`, no zone: UTC), and the HTTP `Date` header. A time
 * that cannot be read is unknown (null), never "now": a freshness check that
 * cannot read a date must fail, not pass.
 */
const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/i;
const HTTP_DATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
/** Milliseconds since the epoch, or null when the text is not one of Gcore's time forms. */
function parseGcoreTime(text) {
    const value = text?.trim();
    if (!value)
        return null;
    const match = ISO_LIKE.exec(value);
    if (match) {
        const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
        const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
        const ms = Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${offset}`);
        return Number.isNaN(ms) ? null : ms;
    }
    if (HTTP_DATE.test(value)) {
        const ms = Date.parse(value);
        return Number.isNaN(ms) ? null : ms;
    }
    return null;
}
/** The whole second a time falls in: the resolution `X-Cached-Since` and `Date` have. */
function wholeSecond(ms) {
    return Math.floor(ms / 1000);
}

;// CONCATENATED MODULE: ./src/core/gcore/purge-status.ts



const PURGE_TYPES = { url: 'purge_by_url', pattern: 'purge_by_pattern', all: 'purge_all' };
// Runner and Gcore clocks may differ a little: look back a bit before the request.
const CLOCK_SKEW_MS = 10_000;
const PAGE_SIZE = 100;
const MAX_PAGES = 5;
const MAX_STATUS_FAILURES = 3;
/** A payload URL may carry the host; compare by path and query. */
function pathOf(url) {
    try {
        const parsed = new URL(url, 'http://placeholder.invalid');
        return parsed.pathname + parsed.search;
    }
    catch {
        return url;
    }
}
function payloadItems(entry, kind) {
    const list = kind === 'url' ? entry.payload?.urls : entry.payload?.paths;
    if (!Array.isArray(list))
        return kind === 'all' ? new Set() : null;
    return new Set(list.map(String).map(kind === 'url' ? pathOf : item => item));
}
function findPurge(entries, purge) {
    const matches = entries.filter(entry => {
        if (entry.resource?.id !== purge.resource)
            return false;
        if (entry.purge_type !== undefined && entry.purge_type !== PURGE_TYPES[purge.kind])
            return false;
        const items = payloadItems(entry, purge.kind);
        return items !== null && purge.items.every(item => items.has(item));
    });
    // ISO 8601 times sort as text; no collator needed (loading one costs milliseconds).
    return matches.sort((a, b) => (String(a.created) < String(b.created) ? 1 : String(a.created) > String(b.created) ? -1 : 0))[0];
}
async function fetchEntries(api, purge, sentAt, signal) {
    const fromCreated = new Date(sentAt - CLOCK_SKEW_MS).toISOString();
    const entries = [];
    for (let page = 0; page < MAX_PAGES; page++) {
        const query = `purge_type=${PURGE_TYPES[purge.kind]}&from_created=${encodeURIComponent(fromCreated)}&limit=${PAGE_SIZE}&offset=${page * PAGE_SIZE}`;
        const body = await api.getJson(`/cdn/purge_statuses?${query}`, signal);
        const items = expectList(body, 'GET /cdn/purge_statuses', 'a list of purge statuses');
        if (Array.isArray(body))
            return [...entries, ...items];
        entries.push(...items);
        if (!body.next)
            break;
    }
    return entries;
}
async function awaitPurge(api, purge, sentAt, options) {
    const { clock, logger, signal } = options;
    const deadline = clock.now() + options.timeoutMs;
    const unknown = { ok: true, purgeId: null, createdAt: null };
    const done = (entry) => ({
        ok: true,
        purgeId: typeof entry.purge_id === 'number' ? entry.purge_id : null,
        createdAt: parseGcoreTime(typeof entry.created === 'string' ? entry.created : null)
    });
    const settle = async (why, entry) => {
        logger.notice(`${purge.label}: ${why}; waiting purge-settle (${options.settleMs / 1000} s) before prefetching its paths`);
        await clock.sleep(Math.min(options.settleMs, Math.max(0, deadline - clock.now())), signal);
        return entry ? done(entry) : unknown;
    };
    let failures = 0;
    for (;;) {
        // Cancelled: the purge was accepted all the same; its prefetch will be reported cancelled.
        if (signal?.aborted)
            return unknown;
        let entries;
        try {
            entries = await fetchEntries(api, purge, sentAt, signal);
            failures = 0;
        }
        catch (error) {
            const failure = GcoreError.from(error);
            if (failure.kind === 'cancelled')
                return unknown;
            // A 4xx will not change on retry (no such endpoint, no right to read it): settle at once.
            if (!failure.retryable || ++failures >= MAX_STATUS_FAILURES)
                return settle(`the purge status endpoint failed (${failure.message})`);
            logger.debug(`${purge.label}: purge status request failed (${failure.message}); trying again`);
            await clock.sleep(options.pollMs, signal);
            continue;
        }
        const entry = findPurge(entries, purge);
        if (!entry)
            return settle('no matching entry in the purge history');
        if (entry.status === 'Successful') {
            logger.info(`${purge.label}: purge finished (Successful)`);
            return done(entry);
        }
        if (entry.status === 'Failed')
            return { ok: false, error: 'purge accepted, but Gcore reports it Failed' };
        if (entry.status === 'Status report disabled')
            return settle('purge status reports are disabled for this account', entry);
        if (clock.now() >= deadline) {
            logger.warning(`${purge.label}: purge still ${String(entry.status)} after purge-timeout (${options.timeoutMs / 1000} s); prefetching anyway`);
            return done(entry);
        }
        await clock.sleep(Math.min(options.pollMs, Math.max(0, deadline - clock.now())), signal);
    }
}

;// CONCATENATED MODULE: ./src/core/pool.ts
/** `Promise.all(items.map(fn))` with at most `limit` calls in flight, results in order. */
async function mapLimit(items, limit, fn) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            results[index] = await fn(items[index]);
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    return results;
}
/** At most `limit` calls of `use` in flight at once; the others wait their turn, in the order they came. */
class Slots {
    free;
    queue = [];
    constructor(limit) {
        this.free = limit;
    }
    async use(fn) {
        if (this.free > 0)
            this.free--;
        else
            await new Promise(resolve => this.queue.push(resolve));
        try {
            return await fn();
        }
        finally {
            const next = this.queue.shift();
            if (next)
                next();
            else
                this.free++;
        }
    }
}
/**
 * Resolves when `event` does or `signal` aborts, whichever is first. Nothing is
 * left attached to the signal, which lives long: a wait per path over 100,000
 * paths must not add up.
 */
function untilOrAborted(event, signal) {
    if (signal.aborted)
        return Promise.resolve();
    return new Promise(resolve => {
        const done = () => {
            signal.removeEventListener('abort', done);
            resolve();
        };
        signal.addEventListener('abort', done, { once: true });
        void event.then(done);
    });
}

;// CONCATENATED MODULE: ./src/core/text.ts
/**
 * Text that came from elsewhere, made safe to show: secrets redacted in every
 * form they can take, and network text flattened so it can never become a
 * workflow command (`::warning::…` on a line of its own) or break a table.
 */
/** Shorter runs of a secret are too common to mean anything; longer ones are redacted. */
const SECRET_RUN = 8;
const MASK = '***';
/** The secret as an API might echo it: raw, URL-, form-, JSON-, HTML-escaped, hex, and base64 at any alignment. */
function secretForms(secret) {
    const forms = new Set([secret]);
    const url = encodeURIComponent(secret);
    forms.add(url);
    forms.add(url.replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()));
    forms.add(url.replace(/%20/g, '+'));
    const json = JSON.stringify(secret).slice(1, -1);
    forms.add(json);
    forms.add(json.replace(/\//g, '\\/'));
    forms.add(secret.replace(/[&<>"']/g, char => `&#${char.charCodeAt(0)};`));
    forms.add(secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'));
    for (const encoding of ['utf8', 'latin1']) {
        const hex = Buffer.from(secret, encoding).toString('hex');
        forms.add(hex);
        forms.add(hex.toUpperCase());
    }
    const bytes = Buffer.from(secret, 'latin1');
    for (let shift = 0; shift < 3; shift++) {
        // Base64 of a text that holds the secret at byte offset `shift` (mod 3): the
        // characters that depend on the secret's bytes alone.
        const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
        const core = encoded.slice(Math.ceil((shift * 4) / 3), Math.floor(((shift + bytes.length) * 4) / 3));
        forms.add(core);
        forms.add(core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    return [...forms].filter(form => form.length >= SECRET_RUN);
}
/**
 * Masks every run of SECRET_RUN or more characters that also occurs in one of
 * the secrets' forms: the whole secret, and any piece of it that an echo or a
 * cut left behind.
 */
function redact(text, secrets) {
    const windows = new Set();
    for (const secret of secrets) {
        if (!secret)
            continue;
        for (const form of secretForms(secret)) {
            for (let i = 0; i + SECRET_RUN <= form.length; i++)
                windows.add(form.slice(i, i + SECRET_RUN));
        }
    }
    if (windows.size === 0 || text.length < SECRET_RUN)
        return text;
    const masked = new Uint8Array(text.length);
    let any = false;
    for (let i = 0; i + SECRET_RUN <= text.length; i++) {
        if (windows.has(text.slice(i, i + SECRET_RUN))) {
            masked.fill(1, i, i + SECRET_RUN);
            any = true;
        }
    }
    if (!any)
        return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
        if (!masked[i])
            out += text[i];
        else if (i === 0 || !masked[i - 1])
            out += MASK;
    }
    return out;
}
/**
 * Network text as one harmless line: control characters and line breaks become
 * spaces, runs of whitespace collapse, and `::` is broken up so no line we
 * print can be read as a workflow command.
 */
function flatten(text) {
    return (text
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
        .replace(/\s+/g, ' ')
        .replace(/:(?=:)/g, ': ')
        .trim());
}
/** At most `max` characters, with an ellipsis when cut. */
function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max)}…` : text;
}
/** What every network text goes through before any sink: redact, flatten, redact again, then cut. */
function networkText(text, secrets, max = 500) {
    return truncate(redact(flatten(redact(text, secrets)), secrets), max);
}
/**
 * An HTML page becomes its title, or its text without tags. One pass over the
 * text, whatever it holds: a page of 200,000 `<` costs microseconds. Redact
 * before: a tag can cut a secret into pieces too short to recognise.
 */
function htmlText(body) {
    const lower = body.toLowerCase();
    const open = lower.indexOf('<title');
    if (open !== -1) {
        const start = lower.indexOf('>', open);
        const end = start === -1 ? -1 : lower.indexOf('</title', start);
        if (end !== -1) {
            const title = body.slice(start + 1, end).trim();
            if (title)
                return title;
        }
    }
    let text = '';
    let inTag = false;
    for (const char of body) {
        if (char === '<') {
            inTag = true;
            text += ' ';
        }
        else if (char === '>' && inTag)
            inTag = false;
        else if (!inTag)
            text += char;
    }
    return text.replace(/\s+/g, ' ').trim() || 'unreadable response body';
}

;// CONCATENATED MODULE: ./src/core/origin/route.ts
const isNotCheckable = (value) => 'why' in value;
const FIX_URL = 'give origin-url (a base URL where the runner can read the files)';
/** The router of `origin-url`: the base URL plus the CDN path, with its own Host. */
function originUrlRouter(base) {
    const source = new URL(base).host;
    return path => ({ targets: [{ source, url: `${base}${path}`, host: null, backup: false }], unaskedBackups: [] });
}
/**
 * The router of a resource, from its settings and the origin groups its paths
 * use (by ID; undefined: the group could not be read, with why).
 */
function resourceRouter(resource, optionsOf, groups) {
    return path => {
        const options = optionsOf(path);
        if (options.originGroup === null)
            return { why: 'the resource names no origin group', fix: FIX_URL };
        const group = groups.get(options.originGroup);
        if (group === undefined || typeof group === 'string') {
            return { why: `origin group ${options.originGroup} could not be read${group ? ` (${group})` : ''}`, fix: FIX_URL };
        }
        const enabled = group.sources.filter(source => source.enabled);
        if (!enabled.some(source => !source.backup))
            return { why: `origin group ${group.id} has no enabled primary source`, fix: FIX_URL };
        const unaskable = enabled.find(source => !source.backup && source.type !== 'host');
        if (unaskable)
            return { why: `its source ${unaskable.address} ${whyNotAskable(unaskable)}`, fix: FIX_URL };
        const originPath = rewritten(path, options.rewrite);
        if (typeof originPath !== 'string')
            return originPath;
        const scheme = options.originProtocol === 'HTTPS' || (options.originProtocol === 'MATCH' && resource.sslEnabled) ? 'https' : 'http';
        const host = options.hostHeader ?? resource.hostname;
        const targets = [];
        for (const source of enabled.filter(candidate => candidate.type === 'host')) {
            const url = safeUrl(`${scheme}://${source.address}${originPath}`);
            const header = source.hostHeaderOverride ?? host;
            if (!url)
                return { why: `its source ${JSON.stringify(source.address)} is not a host name or address`, fix: FIX_URL };
            if (!header)
                return { why: 'the Host header the CDN sends is unknown (no hostname, no hostHeader)', fix: FIX_URL };
            targets.push({ source: source.address, url, host: header, backup: source.backup });
        }
        const unaskedBackups = enabled.filter(source => source.backup && source.type !== 'host').map(source => source.address);
        return { targets, unaskedBackups };
    };
}
function whyNotAskable(source) {
    if (source.type === 's3')
        return 'is an S3 bucket, which needs signed requests';
    if (source.type === 'fastedge')
        return 'is a FastEdge application, which runs on the edge itself';
    return 'is of a type this action does not know';
}
function safeUrl(text) {
    try {
        return new URL(text).href;
    }
    catch {
        return null;
    }
}
/**
 * The path nginx's `rewrite regex replacement [flag]` makes of `path`, or why
 * it cannot be evaluated exactly here: only a JavaScript-compatible regex,
 * `$1`…`$9` and literal text in the replacement, the `break` and `last` flags,
 * and paths without percent-escapes (nginx rewrites the decoded path).
 */
function rewritten(path, rewrite) {
    if (!rewrite)
        return path;
    const cannot = (what) => ({
        why: `its rewrite ${JSON.stringify(rewrite.body)} ${what}, so the path the CDN asks the origin for is not certain`,
        fix: FIX_URL
    });
    if (rewrite.flag !== 'break' && rewrite.flag !== 'last')
        return cannot(`redirects (flag ${rewrite.flag})`);
    const parts = rewrite.body.trim().split(/\s+/);
    if (parts.length !== 2)
        return cannot('is not "regex replacement"');
    const [source, replacement] = parts;
    if (!SAFE_REGEX.test(source) || /[*+?}][+]/.test(source) || source.includes('(?'))
        return cannot('uses regex syntax nginx and JavaScript read differently');
    if (/\$(?![1-9])/.test(replacement) || /^(https?:|\$scheme)/.test(replacement) || replacement.includes('?'))
        return cannot('uses nginx variables, a query or a full URL');
    const query = path.indexOf('?');
    const bare = query === -1 ? path : path.slice(0, query);
    if (bare.includes('%'))
        return cannot('meets a percent-encoded path');
    let regex;
    try {
        regex = new RegExp(source);
    }
    catch {
        return cannot('is not a regular expression this action can read');
    }
    const match = regex.exec(bare);
    if (!match)
        return path;
    const result = replacement.replace(/\$([1-9])/g, (_, n) => match[Number(n)] ?? '');
    return `${result.startsWith('/') ? '' : '/'}${result}${query === -1 ? '' : path.slice(query)}`;
}
/** Characters and escapes that mean the same to PCRE (nginx) and to JavaScript. */
const SAFE_REGEX = /^(?:[^\\]|\\[.\\/\-dDwWsS()[\]{}*+?|^$])*$/;

;// CONCATENATED MODULE: ./src/core/origin/verdict.ts
/**
 * Whether the origin holds the new file of a path, from one HEAD at each of
 * its sources (pure). Ready: every primary source answers 2xx, with the
 * expected size where it is known (a local file, a release asset), and the
 * sources agree on Content-Length and, where they show one, ETag: with large
 * files cached in parts, sources that differ give downloads made of two files
 * (Gcore: "The Content-Length and Etag headers must be consistent across the
 * origin"). A backup source that differs, or lacks the file, is a warning.
 */
/** `W/"x"` and `"x"` name the same version for this comparison. */
function sameEtag(a, b) {
    return a.replace(/^W\//i, '') === b.replace(/^W\//i, '');
}
const describe = (answer) => answer.status === null
    ? `${answer.source}: ${answer.error ?? 'no answer'}`
    : `${answer.source}: HTTP ${answer.status}${answer.status >= 300 && answer.status < 400 ? ` after ${answer.redirects} redirects` : ''}` +
        `${answer.html ? ', an HTML page (a login or filter page?)' : ''}` +
        // The size and ETag of an error page say nothing of the file.
        `${answer.status < 300 && answer.size !== null ? `, ${answer.size} bytes` : ''}${answer.status < 300 && answer.etag ? `, ETag ${answer.etag}` : ''}`;
function judgeOrigin(answers, expectedSize) {
    const primaries = answers.filter(answer => !answer.backup);
    const backups = answers.filter(answer => answer.backup);
    const verdict = (state, detail, size = null, etag = null) => ({
        state,
        detail,
        size,
        etag,
        warnings: [],
        answers
    });
    const ok = (answer) => answer.status !== null && answer.status >= 200 && answer.status < 300 && !answer.html;
    if (primaries.length === 0)
        return verdict('error', 'no primary source of the origin was asked');
    const missing = primaries.find(answer => answer.status === 404 || answer.status === 410);
    if (missing)
        return verdict('missing', `the file is missing at the origin (${describe(missing)})`);
    const failed = primaries.find(answer => !ok(answer));
    if (failed)
        return verdict('error', `the origin did not answer with the file (${describe(failed)})`);
    if (expectedSize !== null) {
        const other = primaries.find(answer => answer.size !== null && answer.size !== expectedSize);
        if (other)
            return verdict('size', `the origin has another size than the new file, ${expectedSize} bytes (${describe(other)})`);
    }
    const sized = primaries.filter(answer => answer.size !== null);
    const tagged = primaries.filter(answer => answer.etag !== null);
    const sizesDiffer = sized.some(answer => answer.size !== sized[0].size);
    const etagsDiffer = tagged.some(answer => !sameEtag(answer.etag, tagged[0].etag));
    if (sizesDiffer || etagsDiffer)
        return verdict('disagree', `the origin's sources disagree (${primaries.map(describe).join('; ')})`);
    const size = sized[0]?.size ?? expectedSize;
    const etag = tagged.length === primaries.length ? (tagged[0]?.etag ?? null) : null;
    const ready = verdict('ready', null, size, etag);
    for (const backup of backups) {
        const differs = !ok(backup) ||
            (size !== null && backup.size !== null && backup.size !== size) ||
            (etag !== null && backup.etag !== null && !sameEtag(backup.etag, etag));
        if (differs)
            ready.warnings.push(`backup source ${describe(backup)} differs from the primary sources`);
    }
    return ready;
}
/** A verdict as the report keeps it: the answers reduced to the one that decided. */
function originFinding(verdict) {
    // The answer that decided: the first that is not a plain 2xx when not ready, else the first primary source's.
    const deciding = (verdict.state !== 'ready' && verdict.answers.find(answer => !answer.backup && (answer.status === null || answer.status >= 300))) ||
        verdict.answers.find(answer => !answer.backup) ||
        null;
    return {
        state: verdict.state,
        detail: verdict.detail,
        source: deciding?.source ?? null,
        status: deciding?.status ?? null,
        size: verdict.size ?? deciding?.size ?? null,
        etag: verdict.etag ?? deciding?.etag ?? null
    };
}

;// CONCATENATED MODULE: ./src/core/origin/check.ts
/**
 * The origin check before any purge: does the origin hold the new file of
 * each path, at every source the CDN fetches from? Each path is asked (a HEAD
 * at each source, with the Host header the CDN sends), in the plan's order;
 * a path not ready is asked again every few seconds until the deadline
 * (origin-timeout, bounded by the time budget), then fails with its verdict.
 * The schedule forms its batches from the paths ready so far (Readiness), so
 * a path ready early is not held back by a slow one. A resource's paths are
 * first asked a little ahead of its schedule, not all at once: a thousand
 * HEADs in the first second would only compete with its first purges and
 * prefetches for the runner, and a path is asked closer to its purge.
 *
 * Before the rounds, each source is probed with a few paths: a source that
 * refuses the runner every time (401, 403, a reset, a timeout, an unknown
 * host: an ACL that admits only Gcore's servers) cannot be asked, and the
 * resource's check is skipped, with why and how to fix it.
 */




/** Every path ready from the start: no check, or a check skipped. */
const ALL_READY = {
    state: () => 'ready',
    changed: () => new Promise(() => undefined),
    taken: () => undefined
};
/** Paths asked at once. */
const CONCURRENCY = 16;
/** A path not ready is asked again after this long. */
const POLL_MS = 5000;
/** Paths a source is probed with before it is judged unreachable. */
const PROBE_PATHS = 3;
class OriginCheck {
    options;
    resources = new Map();
    skipped = new Map();
    /** Paths asked and not ready, to be asked again: in the order they are due. */
    waiting = new Set();
    pulse = deferred();
    running = null;
    /** Ends the check with the run, or when the schedule no longer waits for it. */
    ended = new AbortController();
    signal;
    constructor(resources, options) {
        this.options = options;
        this.signal = AbortSignal.any([options.signal, this.ended.signal]);
        for (const resource of resources) {
            const entries = new Map();
            for (const path of resource.paths) {
                const route = resource.router(path);
                if (isNotCheckable(route)) {
                    this.skipped.set(resource.id, route);
                    break;
                }
                entries.set(path, { path, router: resource.router, state: 'unchecked', finding: null, dueAt: 0, ahead: false });
            }
            if (!this.skipped.has(resource.id))
                this.resources.set(resource.id, { entries, limit: resource.ahead ?? Infinity, ahead: 0 });
        }
    }
    /**
     * Probes each source of each resource; resolves with the resources that
     * cannot be checked, and why. Their paths count as ready.
     */
    async probe() {
        for (const [resource, { entries }] of this.resources) {
            const refused = await this.refusingSource([...entries.values()].slice(0, PROBE_PATHS));
            if (refused) {
                this.skipped.set(resource, refused);
                this.resources.delete(resource);
            }
        }
        return this.skipped;
    }
    /** Starts asking every path; resolves when each is ready or failed (or the run is cancelled). */
    run() {
        this.running ??= this.loop();
        return this.running;
    }
    state(resource, path) {
        return this.resources.get(resource)?.entries.get(path)?.state ?? 'ready';
    }
    changed() {
        return this.pulse.promise;
    }
    taken(resource, paths) {
        const checked = this.resources.get(resource);
        if (!checked)
            return;
        for (const path of paths)
            this.unlead(checked, checked.entries.get(path));
        this.wake();
    }
    /** Stops asking; paths not ready stay as they are. */
    async stop() {
        this.ended.abort();
        await this.running;
    }
    /** The last verdict of every path asked, by resource. */
    verdicts(resource) {
        const verdicts = new Map();
        for (const entry of this.resources.get(resource)?.entries.values() ?? [])
            if (entry.finding)
                verdicts.set(entry.path, entry.finding);
        return verdicts;
    }
    /** Every path asked once, each resource a little ahead of its schedule; meanwhile, the paths not ready asked again. */
    async loop() {
        const slots = new Slots(this.options.concurrency ?? CONCURRENCY);
        const total = [...this.resources.values()].reduce((sum, { entries }) => sum + entries.size, 0);
        let everyPathAsked = false;
        const firstAsks = async () => {
            await Promise.all([...this.resources.values()].map(checked => this.askInTurn(checked, slots)));
            everyPathAsked = true;
            this.say(total, 'every path asked');
            this.wake();
        };
        await Promise.all([firstAsks(), this.askAgain(slots, total, () => everyPathAsked)]);
        if (this.signal.aborted)
            return;
        // What is still not ready now stays so: it is neither purged nor prefetched.
        for (const { entries } of this.resources.values()) {
            for (const entry of entries.values())
                if (entry.state === 'waiting' || entry.state === 'unchecked')
                    this.settle(entry, 'failed');
        }
    }
    /** A resource's paths, each asked once in the plan's order, while fewer than its limit are ahead of its schedule. */
    async askInTurn(checked, slots) {
        await mapLimit([...checked.entries.values()], this.options.concurrency ?? CONCURRENCY, async (entry) => {
            while (checked.ahead >= checked.limit && !this.signal.aborted)
                await this.change();
            if (this.signal.aborted)
                return;
            entry.ahead = true;
            checked.ahead++;
            await slots.use(() => this.ask(entry));
            if (entry.state === 'ready')
                return;
            // Not ready: it no longer stands for a batch's worth ahead, so the next path may be asked.
            this.unlead(checked, entry);
            this.wake();
        });
    }
    /** The paths not ready, asked again as each falls due, until none is left and every path has been asked once. */
    async askAgain(slots, total, everyPathAsked) {
        const { clock } = this.options;
        while (!this.signal.aborted) {
            const next = this.waiting.values().next().value;
            if (!next) {
                if (everyPathAsked())
                    return;
                await this.change();
                continue;
            }
            await clock.sleep(Math.max(0, next.dueAt - clock.now()), this.signal);
            const due = [...this.waiting].filter(entry => entry.dueAt <= clock.now());
            await Promise.all(due.map(entry => slots.use(() => this.ask(entry))));
            if (due.length)
                this.say(total, `${due.length} asked again`);
        }
    }
    /** The next change of a path's state, or the end of the check. */
    change() {
        return untilOrAborted(this.pulse.promise, this.signal);
    }
    say(total, what) {
        let ready = 0;
        for (const { entries } of this.resources.values())
            for (const entry of entries.values())
                if (entry.state === 'ready')
                    ready++;
        const waiting = this.waiting.size;
        this.options.logger.info(`Origin check (${what}): ${ready} of ${total} paths ready at the origin${waiting ? `, ${waiting} not yet` : ''}`);
    }
    async ask(entry) {
        const { probe, sizes, secrets } = this.options;
        const signal = this.signal;
        if (signal.aborted)
            return;
        const verdict = await askOrigin(routeOf(entry), sizes.get(entry.path) ?? null, { probe, signal, secrets });
        if (signal.aborted)
            return;
        entry.finding = originFinding(verdict);
        for (const warning of verdict.warnings)
            this.options.logger.warning(`${entry.path}: ${warning}`);
        if (verdict.state === 'ready')
            return this.settle(entry, 'ready');
        // Asked again a few seconds later, and a last time at the deadline itself.
        const now = this.options.clock.now();
        if (now >= this.options.deadline)
            return this.settle(entry, 'failed');
        entry.dueAt = Math.min(now + (this.options.pollMs ?? POLL_MS), this.options.deadline);
        this.settle(entry, 'waiting');
    }
    /** The first primary source that refused every probe, as a reason the check cannot run. */
    async refusingSource(probes) {
        const targets = probes[0] ? routeOf(probes[0]).targets : [];
        for (const target of targets.filter(candidate => !candidate.backup)) {
            const answers = [];
            for (const entry of probes) {
                const same = routeOf(entry).targets.find(candidate => candidate.source === target.source);
                if (!same)
                    continue;
                const answer = await askSource(same, { ...this.options, signal: this.signal });
                answers.push(answer);
                if (!refuses(answer))
                    break;
            }
            if (answers.length && answers.every(refuses)) {
                const last = answers[answers.length - 1];
                const said = last.status === null ? last.error : `HTTP ${last.status}`;
                return {
                    why: `the origin refuses the runner (source ${target.source}: ${said})`,
                    fix: "give origin-url (a URL where the runner can read the files), or let the runner through the origin's ACL"
                };
            }
        }
        return null;
    }
    settle(entry, state) {
        entry.state = state;
        // Re-added when still waiting: the set stays in the order the paths fall due.
        this.waiting.delete(entry);
        if (state === 'waiting')
            this.waiting.add(entry);
        this.wake();
    }
    /** The entry no longer counts ahead of its resource's schedule. */
    unlead(checked, entry) {
        if (!entry?.ahead)
            return;
        entry.ahead = false;
        checked.ahead--;
    }
    wake() {
        const pulse = this.pulse;
        this.pulse = deferred();
        pulse.resolve();
    }
}
/** An entry's route: the constructor kept only paths its router can route. */
function routeOf(entry) {
    const route = entry.router(entry.path);
    if (isNotCheckable(route))
        throw new Error(`${entry.path} was routable when the check began: ${route.why}`);
    return route;
}
/** An HTML page where no HTML file was asked for is no file: the path's last segment says which. */
function htmlIsAFile(url) {
    return /\.x?html?$/i.test(new URL(url).pathname);
}
/** One HEAD at one source, as a SourceAnswer whatever happens. */
async function askSource(target, { probe, signal, secrets }) {
    const { source, backup } = target;
    try {
        const answer = await probe.head(target.url, target.host, signal);
        const html = answer.status >= 200 && answer.status < 300 && answer.contentType === 'text/html' && !htmlIsAFile(target.url);
        return {
            source,
            backup,
            status: answer.status,
            size: answer.contentLength,
            etag: answer.etag,
            error: null,
            redirects: answer.redirects,
            html
        };
    }
    catch (error) {
        const why = networkText(error instanceof Error ? error.message : String(error), secrets, 200);
        return { source, backup, status: null, size: null, etag: null, error: why, redirects: 0, html: false };
    }
}
/** Every source of a path asked at once, and the verdict on what they answered. */
async function askOrigin(route, expectedSize, asking) {
    return judgeOrigin(await Promise.all(route.targets.map(target => askSource(target, asking))), expectedSize);
}
/** A source that will not talk to the runner: it says nothing about the file. */
function refuses(answer) {
    return answer.status === null || answer.status === 401 || answer.status === 403;
}
function deferred() {
    let resolve;
    const promise = new Promise(r => (resolve = r));
    return { promise, resolve };
}

;// CONCATENATED MODULE: ./src/core/paths/release.ts
/**
 * A release's assets, as a source of paths: the one policy both front ends
 * follow. On a `release` event the assets come from the event, without a call;
 * otherwise the release is read by `release-tag` through a thin adapter
 * (Octokit in the action, the HTTP layer in the CLI), within one deadline and
 * the run's cancel. Every problem is an InputError naming the input to fix.
 */


/** One deadline for the whole lookup, its pages included. */
const RELEASE_LOOKUP_TIMEOUT_MS = 60_000;
/** What a GitHub adapter rejects with: `status` when GitHub (or something on the way) answered. */
class ReleaseReadError extends Error {
    status;
    constructor(message, status = null) {
        super(message);
        this.status = status;
        this.name = 'ReleaseReadError';
    }
}
async function readRelease(api, settings, signal, timeoutMs = RELEASE_LOOKUP_TIMEOUT_MS) {
    const fromEvent = api.eventRelease;
    if (fromEvent) {
        if (fromEvent.assets.length === 0)
            throw noAssets(fromEvent.tag);
        return fromEvent;
    }
    const tag = settings.releaseTag;
    if (!tag) {
        const event = api.event ? ` (this run's event is ${JSON.stringify(api.event)})` : '';
        throw inputError('release-tag', `is required with "release-assets" outside a release event${event}.`);
    }
    if (!settings.githubToken)
        throw inputError('github-token', 'is empty: it is needed to read the release from the GitHub API.');
    const repository = api.repository;
    if (!/^[^/\s]+\/[^/\s]+$/.test(repository))
        throw inputError('release-tag', 'needs GITHUB_REPOSITORY (owner/repo) to look the release up.');
    const deadline = AbortSignal.timeout(timeoutMs);
    const both = AbortSignal.any([signal, deadline]);
    const problem = (text) => new InputError('release-tag', name => `${name('release-tag')}: ${text}`);
    let assets;
    try {
        assets = await api.assetsByTag(tag, settings.githubToken, both);
    }
    catch (error) {
        const status = error instanceof ReleaseReadError ? error.status : null;
        if (status === 404)
            throw problem(`no release with tag ${JSON.stringify(tag)} in ${repository}.`);
        const why = deadline.aborted
            ? 'no answer in time'
            : signal.aborted
                ? 'cancelled'
                : status
                    ? `HTTP ${status}`
                    : networkText(error instanceof Error ? error.message : String(error), [settings.githubToken]);
        // GitHub answered: the token may be what it refused. Otherwise the reason says what failed on the way.
        throw new InputError('release-tag', name => `${name('release-tag')}: could not read release ${JSON.stringify(tag)} of ${repository} (${why})${status ? `; check ${name('github-token')}` : ''}.`);
    }
    if (assets.length === 0)
        throw noAssets(tag);
    return { tag, assets };
}
function noAssets(tag) {
    return new InputError('release-assets', name => `${name('release-assets')} is true, but release ${JSON.stringify(tag)} has no assets.`);
}

;// CONCATENATED MODULE: ./src/core/proxy.ts
/**
 * The proxy variables, checked before any request. @actions/http-client reads
 * them for every request (core/http.ts): `https_proxy` or `HTTPS_PROXY` for
 * https URLs, `http_proxy` or `HTTP_PROXY` for http, the lower-case spelling
 * first; `no_proxy` or `NO_PROXY` names hosts to reach directly. It ignores a
 * value it cannot read (`proxy.corp:3128` parses as a URL of the scheme
 * `proxy.corp:` with no host) and connects directly, or fails on each request:
 * here such a value is an input-level error naming the variable, and a
 * NO_PROXY entry the library would never match is a warning.
 */

/** The variable the library reads for each scheme, lower-case spelling first. */
const PROXY_VARIABLES = [
    ['https_proxy', 'HTTPS_PROXY'],
    ['http_proxy', 'HTTP_PROXY']
];
/** The value with any credentials masked, for messages. */
function shown(value) {
    const at = value.lastIndexOf('@');
    if (at === -1)
        return value;
    const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
    return `${scheme}***${value.slice(at)}`;
}
/** What is wrong with a proxy value, as the library would read it; null when it is a usable http(s) proxy. */
function proxyValueProblem(value) {
    let url;
    try {
        url = new URL(value);
    }
    catch {
        // The library's fallback for a value without a scheme, such as 10.0.0.1:3128.
        if (/^https?:\/\//i.test(value))
            return 'is not a valid URL';
        try {
            url = new URL(`http://${value}`);
        }
        catch {
            return 'is not a valid URL';
        }
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        const hostAndPort = /^[^/:]+:\d+$/.test(value);
        return hostAndPort
            ? `has no scheme, so it reads as a URL of the scheme "${url.protocol}" with no host: write http://${value}`
            : `is a ${url.protocol.slice(0, -1)} proxy; only http:// and https:// proxies are supported`;
    }
    if (!url.hostname)
        return 'names no host';
    return null;
}
/**
 * An InputError for the first proxy variable that cannot be used, naming it
 * and its value (credentials masked), and warnings for NO_PROXY entries the
 * library would never match.
 */
function checkProxyEnvironment(env) {
    let error = null;
    for (const spellings of PROXY_VARIABLES) {
        const variable = spellings.find(name => env[name]);
        if (!variable || error)
            continue;
        const value = env[variable].trim();
        const problem = proxyValueProblem(value);
        if (problem) {
            error = new InputError('environment', () => `The environment variable ${variable} ${JSON.stringify(shown(value))} ${problem}.`);
        }
    }
    const noProxy = env.no_proxy ? 'no_proxy' : env.NO_PROXY ? 'NO_PROXY' : null;
    const warnings = [];
    for (const entry of noProxy ? env[noProxy].split(',').map(item => item.trim()) : []) {
        if (/^\*./.test(entry)) {
            warnings.push(`${noProxy} entry ${JSON.stringify(entry)} never matches (a leading * is not a wildcard here): write ${entry.slice(1)} (a name covers its subdomains).`);
        }
        else if (/\/\d+$/.test(entry)) {
            warnings.push(`${noProxy} entry ${JSON.stringify(entry)} never matches: address ranges are not supported; list the hosts or their names.`);
        }
    }
    return { error, warnings };
}

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
;// CONCATENATED MODULE: ./src/core/paths/files.ts
/**
 * Local files as CDN paths: globbing under `base-dir`, mapping each match to
 * `path-prefix` + its path relative to `base-dir`, and Gcore's size window.
 */



const MiB = 1024 * 1024;
/** Gcore recommends prefetch for files over 200 MB and under 5 GB. */
const SIZE_WINDOW = { min: 200 * MiB, max: 5 * 1024 * MiB };
function isOutsideWindow(size) {
    return size < SIZE_WINDOW.min || size > SIZE_WINDOW.max;
}
/**
 * One file-name segment as a browser requests it: UTF-8 percent-encoding of
 * everything a URL path cannot carry literally, including `%`, `#`, `?` and
 * `*` (a name is data, never an escape, a fragment, a query or a wildcard).
 */
function encodeFileSegment(name) {
    return encodeURIComponent(name)
        .replace(/%(24|26|2B|2C|3B|3D|3A|40)/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
        .replace(/\*/g, '%2A');
}
/**
 * The CDN path of a file: prefix + `/` + its path relative to base-dir, with `/`
 * separators on every OS. `pathModule` is node:path's posix or win32 flavour.
 */
function fileCdnPath(file, baseDir, prefix, pathModule = (external_node_path_default())) {
    const relative = pathModule.relative(baseDir, pathModule.resolve(baseDir, file));
    if (relative === '' || relative.startsWith('..') || pathModule.isAbsolute(relative)) {
        throw inputError('files', `matched ${JSON.stringify(file)}, which is outside base-dir ${JSON.stringify(baseDir)}.`);
    }
    const segments = relative.split(/[\\/]/).filter(segment => segment !== '');
    return `${prefix}/${segments.map(encodeFileSegment).join('/')}`;
}
/**
 * Matches glob patterns under baseDir: files only, `!` excludes, dot-files only
 * when a pattern names them. Each positive pattern is globbed on its own so a
 * pattern that matches nothing can be named. Order: by pattern, then path.
 */
async function matchFiles(files, patterns, baseDir) {
    const excludes = patterns.filter(pattern => pattern.startsWith('!'));
    const includes = patterns.filter(pattern => !pattern.startsWith('!'));
    const seen = new Set();
    const unmatched = [];
    const unreadable = new Map();
    const onUnreadable = (directory, code) => {
        const path = external_node_path_default().relative(baseDir, directory).split((external_node_path_default()).sep).join('/');
        if (!unreadable.has(path))
            unreadable.set(path, { path, kind: 'directory', code });
    };
    for (const pattern of includes) {
        const matches = await files.glob([pattern, ...excludes], baseDir, onUnreadable);
        if (matches.length === 0)
            unmatched.push(pattern);
        for (const match of [...matches].sort())
            seen.add(match);
    }
    return { files: [...seen], unmatched, unreadable: [...unreadable.values()] };
}
/** Globs, stats and maps the matched files to CDN paths. */
async function localFiles(source, patterns, baseDir, prefix, skipOutsideWindow) {
    const { files, unmatched, unreadable } = await matchFiles(source, patterns, baseDir);
    const mapped = files.map(file => ({ file, cdnPath: fileCdnPath(file, baseDir, prefix) }));
    // A file listed but not readable (its directory may be listed, not entered) is left out, and said.
    const sizes = await mapLimit(mapped, 64, ({ file }) => source.size(external_node_path_default().join(baseDir, file)).catch((error) => {
        unreadable.push({ path: file, kind: 'file', code: error?.code ?? String(error?.message ?? error) });
        return null;
    }));
    const listed = [];
    mapped.forEach((entry, i) => {
        const size = sizes[i];
        if (size === null)
            return;
        const outsideWindow = isOutsideWindow(size);
        listed.push({ ...entry, size, outsideWindow, skipped: skipOutsideWindow && outsideWindow });
    });
    return { files: listed, unmatched, unreadable };
}
/** Release assets as listed files: prefix + `/` + the name, encoded as file names are. */
function assetFiles(assets, prefix, skipOutsideWindow) {
    return assets.map(asset => {
        const outsideWindow = isOutsideWindow(asset.size);
        return {
            file: asset.name,
            size: asset.size,
            cdnPath: `${prefix}/${encodeFileSegment(asset.name)}`,
            outsideWindow,
            skipped: skipOutsideWindow && outsideWindow
        };
    });
}

;// CONCATENATED MODULE: ./src/core/paths/normalise.ts
/**
 * Turns what users write into normalised CDN paths.
 *
 * A CDN path is what a browser would send in its request line: it starts with `/`,
 * has no domain, and is percent-encoded as UTF-8. We let the WHATWG URL parser do
 * the encoding (it is what browsers use), and add only what it leaves alone:
 * a lone `%` that starts no valid escape becomes `%25`.
 *
 * What a user could not have meant literally (Windows backslashes, doubled
 * slashes, several paths on one line) is normalised and reported through
 * `onChange`, never guessed silently and never by dropping a segment.
 *
 * `#` is where a URL ends: in a path it is part of a name and sent as `%23`
 * (said through `onChange`), so `/v#1.iso` and `/v#2.iso` stay two paths; in a
 * full URL it starts a fragment no server sees, so the URL is refused with
 * both spellings to choose from. Nothing is ever cut at a `#`.
 */

function describeOrigin(origin, name) {
    const source = origin.file ? `file ${JSON.stringify(origin.file)}` : name(origin.input);
    return origin.where ? `${source}, ${origin.where}` : source;
}
// A stand-in origin for parsing bare paths; never sent anywhere.
const PLACEHOLDER_ORIGIN = 'http://cdn.invalid';
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g;
/**
 * A path already in the form we send: `/`, then characters a URL path carries
 * as they are (valid `%XX` escapes included), no dot segment, no doubled slash,
 * no query. Most paths of a long list look like this, and are taken as they are
 * instead of through a URL object: 100,000 of them cost no garbage.
 */
const ALREADY_NORMAL = /^(?:\/(?!\.{1,2}(?:\/|$))(?:[A-Za-z0-9\-._~!$&'()+,;=:@]|%[0-9A-Fa-f]{2})+)+$/;
// `//cdn.example.com/file`: a protocol-relative URL to a browser, a doubled slash to a shell script.
const HOST_OR_FOLDER = /^\/\/([^/]*\.[^/]*)(\/|$)/;
function pathError(raw, origin, problem) {
    return new InputError(origin.input, name => `Path ${JSON.stringify(raw)} from ${describeOrigin(origin, name)} ${problem}.`);
}
/**
 * Normalises one user-written path or full URL. Throws an InputError naming the
 * path and its origin for anything that cannot be prefetched.
 */
function normaliseCdnPath(raw, origin, options = {}) {
    if (ALREADY_NORMAL.test(raw))
        return raw;
    let text = raw.trim();
    if (text === '')
        throw pathError(raw, origin, 'is empty');
    if (CONTROL_CHARACTER.test(text))
        throw pathError(raw, origin, 'contains a control character');
    if (text.includes('*'))
        throw pathError(raw, origin, 'contains `*`: prefetch takes exact paths, not wildcards');
    const changes = [];
    const scheme = HAS_SCHEME.test(text);
    if (!scheme && text.includes('\\')) {
        // A Windows path: every backslash is a separator, and a leading `\\server`
        // is a folder, not a host.
        text = text.replace(/\\/g, '/');
        changes.push('backslashes read as /');
    }
    if (text.includes('#')) {
        if (scheme) {
            const at = text.indexOf('#');
            throw pathError(raw, origin, `has a "#", where a URL ends (${JSON.stringify(text.slice(at))} would be a fragment, never sent): write %23 for a "#" that is part of the name (${JSON.stringify(text.replace(/#/g, '%23'))}), or leave the fragment out`);
        }
        // A name may hold `#`; a URL parser would end the path there and merge /v#1.iso with /v#2.iso.
        text = text.replace(/#/g, '%23');
        changes.push('# sent as %23');
    }
    const host = !scheme && !changes.includes('backslashes read as /') ? HOST_OR_FOLDER.exec(text)?.[1] : undefined;
    if (host !== undefined) {
        const rest = text.slice(2 + host.length);
        throw pathError(raw, origin, `starts with // and ${JSON.stringify(host)} could be a host or a folder: write https://${host}${rest || '/…'} for a URL, or /${host}${rest} for a path`);
    }
    let url;
    try {
        if (!scheme) {
            url = new URL(`/${text.replace(/^\/+/, '')}`, PLACEHOLDER_ORIGIN);
            if (/^\/{2,}/.test(text))
                changes.push('leading // read as /');
        }
        else {
            url = new URL(text);
            if (url.protocol !== 'http:' && url.protocol !== 'https:') {
                throw pathError(raw, origin, 'is a URL that is not http(s); give a path such as /dir/file.iso');
            }
        }
    }
    catch (error) {
        if (error instanceof InputError)
            throw error;
        throw pathError(raw, origin, 'is not a valid path or URL');
    }
    let pathname = url.pathname;
    if (/\/{2,}/.test(pathname)) {
        pathname = pathname.replace(/\/{2,}/g, '/');
        if (!changes.includes('leading // read as /'))
            changes.push('repeated / collapsed');
    }
    const path = (pathname + url.search).replace(LONE_PERCENT, '%25');
    if (!options.allowRoot && (path === '/' || path.startsWith('/?')))
        throw pathError(raw, origin, 'names no file');
    if (changes.length)
        options.onChange?.(raw, path, changes.join(', '));
    return path;
}
/**
 * Splits a list input: a JSON array of strings (so `failed-paths` from an earlier
 * run feeds straight back in), or one path per line with blank lines ignored.
 */
function splitPathList(text, origin) {
    const trimmed = text.trim();
    if (trimmed.startsWith('[')) {
        let parsed;
        try {
            parsed = JSON.parse(trimmed);
        }
        catch {
            throw new InputError(origin.input, name => `${describeOrigin(origin, name)} starts with "[" but is not a valid JSON array of paths.`);
        }
        if (!Array.isArray(parsed) || parsed.some(item => typeof item !== 'string')) {
            throw new InputError(origin.input, name => `${describeOrigin(origin, name)} is JSON but not an array of strings.`);
        }
        return parsed
            .map((raw, index) => ({ raw, origin: { ...origin, where: `item ${index + 1}` } }))
            .filter(entry => entry.raw.trim() !== ''); // like blank lines
    }
    const entries = [];
    text.split(/\r?\n/).forEach((line, index) => {
        if (line.trim() !== '')
            entries.push({ raw: line, origin: { ...origin, where: `line ${index + 1}` } });
    });
    return entries;
}
const LOOKS_LIKE_PATH = /^(\/|[a-z][a-z0-9+.-]*:\/\/)/i;
/**
 * Several paths written on one line (`/a.iso /b.iso`, `/a.iso, /b.iso`): split
 * when every part looks like a path of its own; otherwise the line is one path
 * (a file name may hold spaces and commas).
 */
function splitSeveralOnOneLine(entry) {
    const parts = entry.raw
        .trim()
        .split(/\s*,\s*|\s+/)
        .filter(part => part !== '');
    if (parts.length < 2 || !parts.every(part => LOOKS_LIKE_PATH.test(part)))
        return [entry];
    return parts.map(raw => ({ raw, origin: entry.origin }));
}
/** `path-prefix` as a CDN path without a trailing slash ('' for the root). */
function normalisePrefix(raw, notices = []) {
    if (raw.trim() === '')
        return '';
    const origin = { input: 'path-prefix' };
    const prefix = normaliseCdnPath(raw, origin, {
        allowRoot: true,
        onChange: (text, path, why) => notices.push(`path-prefix ${JSON.stringify(text)} is used as ${JSON.stringify(path)} (${why}).`)
    }).replace(/\/+$/, '');
    if (prefix.includes('?')) {
        throw new InputError('path-prefix', name => `${name('path-prefix')} must be a plain path without a query, got ${JSON.stringify(raw)}.`);
    }
    return prefix;
}

;// CONCATENATED MODULE: ./src/core/paths/sources.ts
/**
 * Combines every source of paths into one ordered, de-duplicated list:
 * `paths`, then `paths-file`, then `files`, then release assets. The first
 * occurrence of a path wins its place, and decides whether it is skipped.
 */





/** Larger lists are refused: an upload step's list of 100,000 paths is about 6 MB. */
const MAX_PATHS_FILE_BYTES = 64 * 1024 * 1024;
/** How many examples a warning lists before "and N more". */
const EXAMPLES = 10;
async function collectPaths(settings, options) {
    const name = options.name ?? actionInputName;
    const warnings = [];
    const changed = [];
    const split = [];
    // The first occurrence of a path decides its place and whether it is skipped.
    const seen = new Set();
    const paths = [];
    const skipped = [];
    const take = (path, skip) => {
        if (seen.has(path))
            return;
        seen.add(path);
        (skip ? skipped : paths).push(path);
    };
    const normalise = {
        onChange: (raw, sent, why) => void changed.push(`${JSON.stringify(raw)} → ${JSON.stringify(sent)} (${why})`)
    };
    const add = (entries) => {
        for (const entry of entries) {
            const parts = /[\s,]/.test(entry.raw.trim()) ? splitSeveralOnOneLine(entry) : [entry];
            if (parts.length > 1)
                split.push(`${describeOrigin(entry.origin, name)} (${parts.length} paths)`);
            for (const part of parts)
                take(normaliseCdnPath(part.raw, part.origin, normalise), false);
        }
    };
    add(splitPathList(settings.paths, { input: 'paths' }));
    if (settings.pathsFile)
        add(await readPathsFile(options.files, settings.pathsFile, options.workspace));
    // Local files and release assets have sizes: the size window applies to both.
    const skip = settings.sizeCheck === 'skip';
    const files = [];
    if (settings.files.length) {
        const baseDir = await resolveBaseDir(options.files, settings.baseDir, options.workspace);
        const found = await localFiles(options.files, settings.files, baseDir, settings.pathPrefix, skip);
        warnings.push(...unreadableWarnings(found.unreadable, settings, name));
        for (const pattern of found.unmatched) {
            warnings.push(`Pattern ${JSON.stringify(pattern)} in ${name('files')} matched no file under ${settings.baseDir}.`);
        }
        files.push(...found.files);
    }
    files.push(...assetFiles(options.assets ?? [], settings.pathPrefix, skip));
    const outside = files.filter(file => file.outsideWindow);
    if (outside.length && settings.sizeCheck !== 'off') {
        warnings.push(`${plural(outside.length, 'file')} outside Gcore's recommended 200 MB – 5 GB prefetch window` +
            `${skip ? ` ${outside.length === 1 ? 'is' : 'are'} skipped` : ''}: ${examples(outside.map(file => `${file.file} (${formatBytes(file.size)})`))}.`);
    }
    for (const file of files)
        take(file.cdnPath, file.skipped);
    if (changed.length)
        warnings.push(`${plural(changed.length, 'path')} normalised: ${examples(changed)}.`);
    if (split.length) {
        warnings.push(`${plural(split.length, 'line')} held several paths separated by spaces or commas, sent as separate paths: ${examples(split)}.`);
    }
    return { paths, skipped, files, warnings };
}
/** A segment of a glob pattern that is not a plain name. */
const MAGIC = /[*?[\]{}]|[@+!]\(/;
/**
 * What could not be read under base-dir: an error when the user named it (base-dir itself, or a
 * pattern's plain leading part), else a warning naming each, for the files left out.
 */
function unreadableWarnings(unreadable, settings, name) {
    const named = settings.files
        .filter(pattern => !pattern.startsWith('!'))
        .map(pattern => {
        const segments = pattern
            .replace(/\\/g, '/')
            .split('/')
            .filter(segment => segment !== '' && segment !== '.');
        const plain = segments.findIndex(segment => MAGIC.test(segment));
        return { pattern, path: (plain === -1 ? segments : segments.slice(0, plain)).join('/') };
    });
    const within = (inner, outer) => outer === '' || inner === outer || inner.startsWith(`${outer}/`);
    for (const entry of unreadable) {
        if (entry.path === '') {
            throw inputError('base-dir', `${JSON.stringify(settings.baseDir)} cannot be read (${entry.code}): its files cannot be listed.`);
        }
        const pattern = named.find(({ path }) => path !== '' && within(path, entry.path));
        if (pattern) {
            throw new InputError('files', n => `${n('files')} names ${JSON.stringify(pattern.path)} (pattern ${JSON.stringify(pattern.pattern)}), but the ${entry.kind} ${JSON.stringify(entry.path)} under ${settings.baseDir} cannot be read (${entry.code}).`);
        }
    }
    const describe = (kind) => unreadable.filter(entry => entry.kind === kind).map(entry => `${entry.path} (${entry.code})`);
    const warnings = [];
    const directories = describe('directory');
    if (directories.length) {
        warnings.push(`${plural(directories.length, 'directory', 'directories')} under ${settings.baseDir} could not be read, so the files in ${directories.length === 1 ? 'it are' : 'them are'} left out of ${name('files')}: ${examples(directories)}.`);
    }
    const files = describe('file');
    if (files.length) {
        warnings.push(`${plural(files.length, 'file')} under ${settings.baseDir} could not be read and ${files.length === 1 ? 'is' : 'are'} left out of ${name('files')}: ${examples(files)}.`);
    }
    return warnings;
}
function examples(items) {
    const more = items.length > EXAMPLES ? ` and ${items.length - EXAMPLES} more` : '';
    return `${items.slice(0, EXAMPLES).join(', ')}${more}`;
}
async function readPathsFile(source, file, workspace) {
    const full = external_node_path_default().resolve(workspace, file);
    const notReadable = inputError('paths-file', `names ${JSON.stringify(file)}, which is not a readable file.`);
    if ((await source.kind(full)) !== 'file')
        throw notReadable;
    const size = await source.size(full);
    if (size > MAX_PATHS_FILE_BYTES) {
        throw inputError('paths-file', `names ${JSON.stringify(file)}, which is ${formatBytes(size)}; the limit is ${formatBytes(MAX_PATHS_FILE_BYTES)}.`);
    }
    const bytes = await source.readBytes(full).catch(() => {
        throw notReadable;
    });
    const origin = { input: 'paths-file', file };
    return splitPathList(decodeUtf8(bytes, origin), origin);
}
/** UTF-8 or a clear refusal: a Latin-1 file would otherwise send U+FFFD in its paths. */
function decodeUtf8(bytes, origin) {
    try {
        return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    }
    catch {
        let line = 1;
        let start = 0;
        for (let i = 0; i <= bytes.length; i++) {
            if (i === bytes.length || bytes[i] === 0x0a) {
                try {
                    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i));
                }
                catch {
                    break;
                }
                line++;
                start = i + 1;
            }
        }
        throw new InputError(origin.input, name => `${name(origin.input)} names ${JSON.stringify(origin.file)}, which is not valid UTF-8 at line ${line} (saved as Latin-1 or another encoding?): save the list as UTF-8.`);
    }
}
async function resolveBaseDir(source, baseDir, workspace) {
    const full = external_node_path_default().resolve(workspace, baseDir);
    if ((await source.kind(full)) !== 'directory') {
        throw inputError('base-dir', `must be a directory, got ${JSON.stringify(baseDir)} (${full}).`);
    }
    return full;
}

;// CONCATENATED MODULE: ./src/core/plan/batches.ts
/** A request kind in words, for the log and the summary: `prefetch`, `purge by URL`, `purge by pattern`, `purge all`. */
function describeRequest(kind) {
    return kind === 'prefetch' ? 'prefetch' : kind === 'url' ? 'purge by URL' : kind === 'pattern' ? 'purge by pattern' : 'purge all';
}
function chunk(items, size) {
    const chunks = [];
    for (let start = 0; start < items.length; start += size)
        chunks.push(items.slice(start, start + size));
    return chunks;
}
/** The pattern that purges exactly one path and what shares its prefix: the path without its query. */
function patternOf(path) {
    const query = path.indexOf('?');
    return query === -1 ? path : path.slice(0, query);
}
/** Whether a Gcore pattern (recursive prefix, `*` only at the end) clears `path`. */
function patternCovers(pattern, path) {
    return patternOf(path).startsWith(pattern.endsWith('*') ? pattern.slice(0, -1) : pattern);
}
/**
 * Makes one resource's batches, group by group: the batches every group waits
 * for (a purge all, the purge-patterns) once, up front; then, for each group
 * of at most `sizes.prefetch` paths, the purges that clear its paths and its
 * prefetch. The schedule forms groups as paths become ready at the origin; the
 * plan forms them all at once (`batchesOf`), which is the same when every path
 * is ready from the start.
 */
class BatchMaker {
    input;
    sizes;
    expected;
    lanes = { 'purge-url': [], 'purge-pattern': [], prefetch: [] };
    /** A purge all and the purge-patterns: they clear paths of many groups. */
    upfront;
    constructor(input, sizes, 
    /** How many batches each lane is expected to have, for "2/3" before the last group is formed. */
    expected = {}) {
        this.input = input;
        this.sizes = sizes;
        this.expected = expected;
        const { purge } = input;
        const purgeAll = [...purge.values()].includes('all')
            ? [
                this.batch('purge-pattern', 'all', [], input.paths.filter(path => purge.get(path) === 'all'))
            ]
            : [];
        const user = chunk(purge.size > 0 ? input.userPatterns : [], sizes.purgePattern).map(patterns => {
            const covers = input.paths.filter(path => patterns.some(pattern => patternCovers(pattern, path)));
            return Object.assign(this.batch('purge-pattern', 'pattern', patterns, covers), { fromInput: true });
        });
        this.upfront = [...purgeAll, ...user];
    }
    /** The batches of one group of paths: its own purges, then its prefetch, which waits for them. */
    group(paths) {
        const { purge } = this.input;
        const made = [];
        const after = [];
        if (purge.size > 0) {
            after.push(...this.upfront.filter(batch => batch.kind === 'all' || batch.items.some(pattern => paths.some(path => patternCovers(pattern, path)))));
            const byUrl = paths.filter(path => purge.get(path) === 'url');
            for (const part of chunk(byUrl, this.sizes.purgeUrl))
                made.push(this.batch('purge-url', 'url', part, part));
            // Paths that differ only in their query share one pattern.
            const byPattern = new Map();
            for (const path of paths.filter(path => purge.get(path) === 'pattern')) {
                const pattern = patternOf(path);
                byPattern.set(pattern, [...(byPattern.get(pattern) ?? []), path]);
            }
            for (const part of chunk([...byPattern.keys()], this.sizes.purgePattern)) {
                made.push(this.batch('purge-pattern', 'pattern', part, part.flatMap(pattern => byPattern.get(pattern))));
            }
            after.push(...made);
        }
        made.push(this.batch('prefetch', 'prefetch', paths, paths, after));
        return made;
    }
    /** How many batches a lane has so far: "batch 2/3" in the log. */
    count(lane) {
        return this.lanes[lane].length;
    }
    /** Every batch made, in the report's order: pattern purges (and all), URL purges, prefetches. */
    all() {
        return [...this.lanes['purge-pattern'], ...this.lanes['purge-url'], ...this.lanes.prefetch];
    }
    batch(lane, kind, items, covers, after = []) {
        const created = {
            operation: kind === 'prefetch' ? 'prefetch' : 'purge',
            kind,
            lane,
            resource: this.input.resource,
            index: this.lanes[lane].length + 1,
            of: Math.max(this.expected[lane] ?? 0, this.lanes[lane].length + 1),
            items,
            covers,
            after
        };
        this.lanes[lane].push(created);
        return created;
    }
}
/** A resource's batches with every path ready: its purge batches (pattern lane, then URL lane), then its prefetches. */
function batchesOf(input, sizes) {
    const maker = new BatchMaker(input, sizes);
    for (const group of chunk(input.paths, sizes.prefetch))
        maker.group(group);
    const batches = maker.all();
    for (const batch of batches)
        batch.of = maker.count(batch.lane);
    return batches;
}

;// CONCATENATED MODULE: ./src/core/plan/estimate.ts
function intervalOf(lane, intervals) {
    return lane === 'prefetch' ? intervals.prefetchMs : lane === 'purge-url' ? intervals.purgeUrlMs : intervals.purgePatternMs;
}
/**
 * The fastest schedule the rate limits allow: each lane sends one interval
 * apart, and prefetch k starts once its purges are sent and one prefetch
 * interval has passed since prefetch k-1. Resources run in parallel.
 */
function estimateMs(resources, intervals) {
    let longest = 0;
    for (const resource of resources) {
        const sentAt = new Map();
        for (const lane of ['purge-url', 'purge-pattern']) {
            resource.batches.filter(batch => batch.lane === lane).forEach((batch, i) => sentAt.set(batch, i * intervalOf(lane, intervals)));
        }
        let previous = -Infinity;
        for (const batch of resource.batches.filter(b => b.lane === 'prefetch')) {
            const purged = Math.max(0, ...batch.after.map(purge => sentAt.get(purge) ?? 0));
            previous = Math.max(purged, previous + intervals.prefetchMs);
        }
        longest = Math.max(longest, previous, ...sentAt.values());
    }
    return longest;
}

;// CONCATENATED MODULE: ./src/core/plan/describe.ts
/**
 * The plan in words, for the log and the summary: what was decided for each
 * resource and why, the one-line plan, and what the user should know before
 * anything is sent (pattern overlaps, slow pattern purges).
 */



/** Pattern purges slower than this get a warning with the alternatives. */
const SLOW_PATTERN_PURGES_MS = 10 * 60_000;
/** How many examples a note lists before "…". */
const describe_EXAMPLES = 5;
const PURGE_WORDS = {
    url: 'by URL',
    pattern: 'by pattern',
    all: 'by one purge of the whole resource',
    'purge-patterns': 'by a pattern of purge-patterns'
};
const describe_examples = (items, max = describe_EXAMPLES) => `${items.slice(0, max).join(', ')}${items.length > max ? ', …' : ''}`;
/** What was decided for each resource and why, and what a pattern purge clears besides. */
function planMessages(plan, settings) {
    return [
        ...plan.resources.flatMap(resource => resourceMessages(resource, settings)),
        ...overlapNotes(plan).map(text => ({ level: 'info', text }))
    ];
}
function resourceMessages(record, settings) {
    const { id } = record;
    const messages = [];
    const say = (text, level = 'info') => void messages.push({ level, text });
    if (record.failure)
        return [{ level: 'warning', text: `Resource ${id}: ${record.failure}; nothing is sent to it.` }];
    if (record.stateWarning)
        say(`Resource ${id}: ${record.stateWarning}.`, 'warning');
    if (record.rewritten.length) {
        say(`Resource ${id}: ${plural(record.rewritten.length, 'path')} rewritten as its cache key sees the query string (${describe_examples(record.rewritten)}); ${plural(record.paths.length, 'path')} sent.`);
    }
    if (settings.purge === 'off')
        return messages;
    if (settings.purge === 'url' && record.sliced) {
        say(`Resource ${id}: purge: url on ${plural(record.sliced, 'sliced path')}: a purge by URL clears only the first 10 MB part, so old parts can stay at the edge. Use purge: auto.`, 'warning');
    }
    if ((settings.purge === 'pattern' || record.userPatterns.length) && record.customCacheKey) {
        say(`Resource ${id} has a custom cache key (proxy_cache_key): Gcore says purge by pattern does not work with it.`, 'warning');
    }
    if (settings.purge === 'all')
        say(`Resource ${id}: purge: all clears the whole resource; every file is fetched from the origin again.`, 'warning');
    for (const count of record.purgeKinds)
        say(`Resource ${id}: ${plural(count.paths, 'path')} purged ${PURGE_WORDS[count.kind]}: ${count.why}.`);
    return messages;
}
/**
 * Among the run's own paths, those a pattern of this plan clears besides its own:
 * Gcore's pattern is a recursive prefix, so `/a.iso` also clears `/a.iso.sig`.
 * User patterns are left out: clearing a folder is what they are for.
 */
function patternOverlaps(record) {
    const own = (batch) => batch.kind === 'pattern' && !batch.fromInput;
    if (!record.batches.some(own))
        return [];
    const sorted = record.paths.map(path => [patternOf(path), path]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const keys = sorted.map(([key]) => key);
    const overlaps = [];
    for (const batch of record.batches.filter(own)) {
        for (const pattern of batch.items) {
            const alsoClears = [];
            for (let i = lowerBound(keys, pattern); i < keys.length && keys[i].startsWith(pattern); i++) {
                if (keys[i] !== pattern)
                    alsoClears.push(sorted[i][1]);
            }
            if (alsoClears.length)
                overlaps.push({ pattern, alsoClears });
        }
    }
    return overlaps;
}
function lowerBound(sorted, value) {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
        const mid = (low + high) >>> 1;
        if (sorted[mid] < value)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}
function overlapNotes(plan) {
    return plan.resources.flatMap(record => {
        const overlaps = patternOverlaps(record);
        if (overlaps.length === 0)
            return [];
        const shown = overlaps.slice(0, describe_EXAMPLES).map(entry => `${entry.pattern} also clears ${describe_examples(entry.alsoClears, 3)}`);
        const more = overlaps.length > describe_EXAMPLES ? `; and ${overlaps.length - describe_EXAMPLES} more` : '';
        return [`Resource ${record.id}: a purge by pattern is a prefix, so ${shown.join('; ')}${more}.`];
    });
}
/** Pattern purges that take long at the pattern lane's rate, with what clears the same faster. */
function slowPatternWarnings(plan, intervals) {
    return plan.resources.flatMap(record => {
        const patterns = record.batches.filter(batch => batch.lane === 'purge-pattern').length;
        const interval = intervalOf('purge-pattern', intervals);
        const time = (patterns - 1) * interval;
        if (patterns < 2 || time <= SLOW_PATTERN_PURGES_MS)
            return [];
        return [
            `Resource ${record.id}: ${plural(patterns, 'purge by pattern request')} at one per ${formatDuration(interval)} take about ${formatDuration(time)}. ` +
                'A few folder patterns in purge-patterns, or purge: all, clear the same in one or two requests.'
        ];
    });
}
/** `250 paths: 3 purge by URL and 3 prefetch batches of up to 100, one prefetch every 60 s: about 2 min`. */
function describePlan(plan, estimate, batchSize, intervals) {
    const first = plan.resources.find(record => !record.failure) ?? plan.resources[0];
    const count = (lane) => first?.batches.filter(batch => batch.lane === lane).length ?? 0;
    const purges = [
        count('purge-url') && `${count('purge-url')} purge by URL`,
        count('purge-pattern') && `${count('purge-pattern')} purge by pattern`
    ].filter(Boolean);
    const resources = plan.resources.length > 1 ? ` on each of ${plan.resources.length} resources` : '';
    const time = estimate < 1000 ? 'under a second' : `about ${formatDuration(estimate)}`;
    const pace = count('prefetch') > 1 ? `, one prefetch every ${formatSeconds(intervals.prefetchMs)}` : '';
    return `${plural(plan.paths.length, 'path')}: ${purges.length ? `${purges.join(', ')} and ` : ''}${plural(count('prefetch'), 'prefetch batch', 'prefetch batches')} of up to ${batchSize}${resources}${pace}: ${time}`;
}

;// CONCATENATED MODULE: ./src/core/plan/plan.ts


const COVERED = 'cleared by a pattern of purge-patterns, so not purged again';
function makePlan(settings, paths, looked, sizes) {
    const resources = looked.map(entry => planResource(settings, paths, entry, sizes));
    return {
        paths: unionOf(resources.map(resource => resource.paths)),
        resources,
        batches: resources.flatMap(resource => resource.batches)
    };
}
function planResource(settings, runPaths, looked, sizes) {
    const { id, resource } = looked;
    const optionsOf = resource ? pathOptionsOf(resource) : null;
    const problem = resource ? stateProblem(resource) : null;
    const failure = problem && 'fail' in problem ? problem.fail : null;
    const purging = settings.purge !== 'off' && !failure;
    const userPatterns = purging ? settings.purgePatterns : [];
    const paths = [];
    const sent = new Set();
    const rewritten = [];
    const facts = { sliced: 0, customCacheKey: 0, hidesCacheHeader: false };
    const purge = new Map();
    const kinds = new Map();
    for (const path of runPaths) {
        const options = optionsOf?.(path) ?? null;
        const key = options ? cacheKeyPath(path, options) : path;
        if (key !== path)
            rewritten.push(`${path} → ${key}`);
        if (sent.has(key))
            continue;
        sent.add(key);
        paths.push(key);
        if (options?.slice)
            facts.sliced++;
        if (options?.customCacheKey)
            facts.customCacheKey++;
        if (options?.hidesCacheHeader)
            facts.hidesCacheHeader = true;
        if (!purging)
            continue;
        const covered = userPatterns.some(pattern => patternCovers(pattern, key));
        const decision = covered ? { kind: 'covered', why: COVERED } : decidePurge(settings.purge, resource, options);
        purge.set(key, decision.kind);
        const label = decision.kind === 'covered' ? 'purge-patterns' : decision.kind;
        const count = kinds.get(label) ?? { kind: label, paths: 0, why: decision.why };
        count.paths++;
        kinds.set(label, count);
    }
    return {
        id,
        givenHostname: looked.givenHostname,
        resource,
        failure,
        stateWarning: problem && 'warn' in problem ? problem.warn : null,
        // A resource that cannot serve sends nothing: every path of the run fails there.
        paths: failure ? runPaths : paths,
        rewritten: failure ? [] : rewritten,
        optionsOf,
        ...facts,
        purge,
        userPatterns,
        purgeKinds: [...kinds.values()],
        batches: failure ? [] : batchesOf({ resource: id, paths, purge, userPatterns }, sizes)
    };
}
/** The paths of every resource, each once, in order: most runs have one resource, so one list as it is. */
function unionOf(lists) {
    if (lists.length <= 1)
        return lists[0] ?? [];
    return [...new Set(lists.flat())];
}

;// CONCATENATED MODULE: ./src/core/report/checks.ts
/** One entry per resource and path the origin or the edge was asked about. */
function pathChecks(resources, edge) {
    const byKey = new Map(edge.map(check => [`${check.resource} ${check.path}`, check]));
    const checks = [];
    for (const resource of resources) {
        if (resource.origin.size === 0 && !resource.edgeAsked)
            continue;
        for (const path of resource.paths) {
            const origin = resource.origin.get(path);
            const seen = byKey.get(`${resource.id} ${path}`);
            if (!origin && !seen && !resource.edgeAsked)
                continue;
            const why = seen ? seen.reason : origin && origin.state !== 'ready' ? origin.detail : resource.edgeAsked ? 'not prefetched' : null;
            checks.push({
                resource: resource.id,
                path,
                verified: seen?.verdict === 'verified',
                result: seen?.verdict ?? 'unchecked',
                error: why,
                url: seen?.url ?? null,
                status: seen?.head.status ?? null,
                attempts: seen?.attempts ?? 0,
                expectedSize: seen?.reference.size ?? origin?.size ?? null,
                size: seen?.head.size ?? null,
                origin: origin ?? null,
                edge: seen
                    ? {
                        firstCache: seen.head.firstCache,
                        cache: seen.head.cache,
                        etag: seen.head.etag,
                        cachedSince: seen.head.cachedSince,
                        lastPart: seen.lastPart
                    }
                    : null
            });
        }
    }
    return checks;
}

;// CONCATENATED MODULE: ./src/core/report/model.ts
function iso(ms) {
    return ms === null ? null : new Date(ms).toISOString();
}
function toRecord(result) {
    const { batch } = result;
    return {
        operation: batch.operation,
        kind: batch.kind,
        resource: batch.resource,
        index: batch.index,
        paths: result.items,
        outcome: result.outcome,
        status: result.status,
        attempts: result.attempts,
        error: result.error,
        started: iso(result.started),
        finished: iso(result.finished),
        completed: iso(result.completed),
        purge_id: result.purgeId
    };
}
/** Paths done by every resource that has them: accepted prefetches, or purges that cleared them. */
function doneEverywhere(plan, results, operation) {
    const done = new Map(plan.resources.map(resource => [resource.id, new Set()]));
    for (const result of results) {
        if (result.batch.operation !== operation || result.outcome !== 'succeeded')
            continue;
        const paths = operation === 'prefetch' ? result.items : result.batch.covers;
        for (const path of paths)
            done.get(result.batch.resource).add(path);
    }
    // One resource holds every path: what it did is what was done.
    if (plan.resources.length === 1)
        return done.get(plan.resources[0].id);
    const everywhere = new Set();
    const holders = plan.resources.map(resource => ({ paths: new Set(resource.paths), done: done.get(resource.id) }));
    for (const path of plan.paths) {
        const holding = holders.filter(holder => holder.paths.has(path));
        if (holding.length > 0 && holding.every(holder => holder.done.has(path)))
            everywhere.add(path);
    }
    return everywhere;
}
function buildReport(plan, results, facts) {
    const prefetched = doneEverywhere(plan, results, 'prefetch');
    const purged = facts.purge === 'off' ? new Set() : doneEverywhere(plan, results, 'purge');
    // A dry run sends nothing: its planned paths count as skipped, so that
    // prefetched + failed + skipped = total holds for every run.
    const failedPaths = facts.dryRun ? [] : plan.paths.filter(path => !prefetched.has(path));
    const skippedPaths = facts.dryRun ? [...facts.skipped, ...plan.paths] : facts.skipped;
    const anyAccepted = results.some(result => result.batch.operation === 'prefetch' && result.outcome === 'succeeded');
    let result;
    if (facts.dryRun)
        result = 'dry-run';
    // Cancelled before any path was known: nothing was done, which is no success.
    else if (facts.cancelled && plan.paths.length === 0)
        result = 'failure';
    else if (failedPaths.length === 0)
        result = 'success';
    else if (!anyAccepted)
        result = 'failure';
    else
        result = 'partial';
    return {
        result,
        cancelled: facts.cancelled,
        resources: facts.resources,
        totalCount: plan.paths.length + facts.skipped.length,
        plannedCount: plan.paths.length,
        prefetchedCount: facts.dryRun ? 0 : prefetched.size,
        purgedCount: facts.dryRun ? 0 : purged.size,
        failedCount: failedPaths.length,
        failedPaths,
        skippedCount: skippedPaths.length,
        skippedPaths,
        files: facts.files,
        limits: facts.limits,
        verify: facts.verify,
        verifiedCount: facts.verify.filter(entry => entry.verified).length,
        skippedChecks: facts.skippedChecks,
        batches: results.map(toRecord),
        purge: facts.purge,
        dryRun: facts.dryRun,
        elapsedMs: facts.elapsedMs,
        estimateMs: facts.estimateMs,
        notes: facts.notes
    };
}
function verdictOf(report, rules) {
    if (report.cancelled) {
        return {
            failed: true,
            message: `Cancelled: ${report.failedCount} of ${report.totalCount} paths were not prefetched (see failed-paths).`
        };
    }
    if (report.failedCount > 0 && rules.failOnError) {
        const firstError = report.resources.find(resource => resource.error)?.error ??
            report.verify.find(entry => entry.origin && entry.origin.state !== 'ready')?.origin?.detail ??
            report.batches.find(batch => batch.error)?.error;
        return {
            failed: true,
            message: `${report.failedCount} of ${report.totalCount} paths were not prefetched${firstError ? `; first error: ${firstError}` : ''}`
        };
    }
    const notVerified = report.verify.length - report.verifiedCount;
    if (rules.verifyRequired && (notVerified > 0 || report.verify.length === 0)) {
        return {
            failed: true,
            message: `Edge verification: the edge does not provably serve the origin's file for ${notVerified} of ${report.verify.length} paths (verify-required).`
        };
    }
    return { failed: false, message: report.result };
}

;// CONCATENATED MODULE: ./src/core/report/resources.ts
function describeState(resource) {
    if (resource.deleted)
        return 'deleted';
    if (resource.suspended)
        return 'suspended';
    if (!resource.active && resource.status === 'active')
        return 'inactive';
    return resource.status;
}
function resourceReports(plan, purge) {
    return plan.resources.map(record => {
        const kinds = record.purgeKinds.map(({ kind, paths, why }) => ({ kind, paths, why }));
        return {
            id: record.id,
            hostname: record.resource?.hostname ?? record.givenHostname,
            state: record.resource ? describeState(record.resource) : 'unknown',
            slice: record.resource ? record.sliced > 0 : null,
            purgeKind: purge === 'off' || kinds.length === 0 ? 'none' : kinds.length === 1 ? kinds[0].kind : 'mixed',
            paths: record.paths.length,
            purgeKinds: kinds,
            error: record.failure && `${record.failure}; nothing was sent to it`
        };
    });
}

;// CONCATENATED MODULE: ./src/core/report/sentence.ts
/**
 * The one sentence that says how a run went, written once for the log, the
 * summary's headline and the CLI: `partial: 248 of 250 paths prefetched,
 * 250 purged, 2 failed in 2 min 5 s`.
 */

/** The counts, most important first: `248 of 250 paths prefetched, 250 purged, 2 failed`. */
function countsPhrase(report) {
    const parts = [
        report.dryRun
            ? `${plural(report.plannedCount, 'path')} planned, nothing sent`
            : `${grouped(report.prefetchedCount)} of ${plural(report.totalCount, 'path')} prefetched`
    ];
    if (report.purge !== 'off' && !report.dryRun)
        parts.push(`${grouped(report.purgedCount)} purged`);
    // After a cancel most of them were never sent: "not prefetched" says both.
    if (report.failedCount)
        parts.push(`${grouped(report.failedCount)} ${report.cancelled ? 'not prefetched' : 'failed'}`);
    // In a dry run the planned paths are counted as skipped too; name only those left out by size.
    const skipped = report.dryRun ? report.skippedCount - report.plannedCount : report.skippedCount;
    if (skipped)
        parts.push(`${grouped(skipped)} skipped`);
    if (report.verify.some(entry => entry.edge))
        parts.push(`${grouped(report.verifiedCount)} of ${grouped(report.verify.length)} verified at the edge`);
    return parts.join(', ');
}
function resultLabel(report) {
    return `${report.result}${report.cancelled ? ' (cancelled)' : ''}`;
}
function resultSentence(report) {
    const time = report.dryRun ? `, estimated ${formatDuration(report.estimateMs)}` : ` in ${formatDuration(report.elapsedMs)}`;
    return `${resultLabel(report)}: ${countsPhrase(report)}${time}`;
}

;// CONCATENATED MODULE: ./src/core/schedule/retry-policy.ts
const BACKOFF_BASE_MS = 1000;
/**
 * A Retry-After longer than this many intervals is capped (and said): Gcore's
 * limits are per interval, so a longer wait is a proxy's or a bug's, and a
 * job must not sleep for hours on one header.
 */
const MAX_RETRY_AFTER_FACTOR = 2;
/** Exponential backoff with jitter: 50-100 % of base × 2^(attempt-1), capped. */
function backoffMs(attempt, capMs, random) {
    const full = Math.min(capMs, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    return Math.round(full * (0.5 + random() / 2));
}
/** Retry-After is delta-seconds or an HTTP date. Undefined when absent or unreadable; may be ≤ 0. */
function parseRetryAfter(value, now) {
    if (value === undefined || value.trim() === '')
        return undefined;
    const text = value.trim();
    if (/^-?\d+(\.\d+)?$/.test(text))
        return Math.ceil(Number(text) * 1000);
    const date = Date.parse(text);
    return Number.isNaN(date) ? undefined : date - now;
}
function retryAfterCapMs(intervalMs) {
    return MAX_RETRY_AFTER_FACTOR * intervalMs;
}
function decideRetry(error, attempt, policy, now) {
    if (error.kind === 'auth')
        return { action: 'stop-run', error: error.message };
    if (error.kind === 'forbidden' || error.kind === 'not-found')
        return { action: 'stop-resource', error: error.message };
    if (!error.retryable)
        return { action: 'fail', error: error.message };
    if (attempt >= policy.maxAttempts)
        return { action: 'fail', error: `${error.message} (gave up after ${attempt} attempts)` };
    if (error.kind === 'transient') {
        if (error.unconfirmed)
            return { action: 'retry', waitMs: policy.intervalMs };
        return { action: 'retry', waitMs: backoffMs(attempt, Math.max(policy.intervalMs, BACKOFF_BASE_MS), policy.random) };
    }
    const asked = parseRetryAfter(error.retryAfter, now);
    const cap = retryAfterCapMs(policy.intervalMs);
    if (asked !== undefined && asked > cap) {
        return { action: 'retry', waitMs: cap, note: `Retry-After ${Math.round(asked / 1000)} s is capped at ${Math.round(cap / 1000)} s` };
    }
    // No header, 0, negative or a date in the past: the interval is the floor.
    return { action: 'retry', waitMs: Math.max(asked ?? 0, policy.intervalMs) };
}

;// CONCATENATED MODULE: ./src/core/schedule/lane.ts
/**
 * One rate-limited lane: a resource's prefetches, URL purges, or pattern purges.
 *
 * It sends one request at a time, and the next one only an interval after the
 * previous answer arrived: Gcore measures arrivals, so this never causes a 429
 * of our own. What to do after a failure is the retry policy's decision; the
 * lane only keeps time and records everything in the batch's result.
 */





function labelOf(batch) {
    return `${describeRequest(batch.kind)} ${batch.index}/${batch.of} (resource ${batch.resource})`;
}
class RateLane {
    intervalMs;
    context;
    nextSlot = 0;
    constructor(intervalMs, context) {
        this.intervalMs = intervalMs;
        this.context = context;
    }
    /**
     * Waits until this lane may send again, so that the next batch is formed at
     * its turn (from the paths ready then); early when its resource stops.
     */
    async untilSlot(label, stopped) {
        const { clock, logger } = this.context;
        const wait = Math.min(this.nextSlot, this.context.sendBy) - clock.now();
        if (wait <= 0 || stopped.aborted)
            return;
        if (wait >= 1000)
            logger.info(`${label}: waiting ${formatSeconds(wait)} for the next slot`);
        await clock.sleep(wait, stopped);
    }
    /** Sends one batch: waits for its slot, tries up to max-attempts, and records the result. */
    async send(result) {
        const { api, clock, logger, signal, policy } = this.context;
        const { batch } = result;
        const label = labelOf(batch);
        for (;;) {
            if (Math.max(this.nextSlot, clock.now()) > this.context.sendBy) {
                if (result.attempts > 0) {
                    // Tried already: it failed, and the budget leaves no time for another try.
                    result.outcome = 'failed';
                    result.error = `${result.error} (no time left for another try within the time-budget)`;
                }
                this.context.stop('run', batch.resource, {
                    outcome: 'not-attempted',
                    error: 'not attempted: the time-budget would run out before its turn'
                });
                return;
            }
            const wait = this.nextSlot - clock.now();
            if (wait > 0) {
                if (wait >= 1000)
                    logger.info(`${label}: waiting ${formatSeconds(wait)} for the next slot`);
                await clock.sleep(wait, signal);
            }
            if (this.context.stopped(batch.resource))
                return;
            result.attempts++;
            result.started ??= clock.now();
            const began = clock.now();
            const answer = await api.send(batch.kind, batch.resource, result.items, signal).catch(GcoreError.from);
            result.finished = clock.now();
            const took = formatSeconds(result.finished - began);
            const title = `${label} · ${plural(result.items.length, batch.operation === 'prefetch' ? 'path' : batch.kind === 'url' ? 'URL' : 'pattern')} · attempt ${result.attempts}/${policy.maxAttempts}`;
            if (!(answer instanceof GcoreError)) {
                this.context.answered();
                Object.assign(result, { outcome: 'succeeded', status: answer.status, error: null, acceptedAt: parseGcoreTime(answer.date) });
                this.nextSlot = clock.now() + this.intervalMs;
                logger.group(`${title} · HTTP ${answer.status} · ${took}`, result.items);
                return;
            }
            if (answer.kind === 'cancelled') {
                result.outcome = 'cancelled';
                result.error = 'cancelled while the request was in flight; Gcore may have accepted it';
                return;
            }
            if (answer.status !== null)
                this.context.answered();
            result.status = answer.status;
            result.error = answer.message;
            logger.group(`${title} · ${answer.status ? `HTTP ${answer.status}` : 'no answer'} · ${took}`, [
                `error: ${answer.message}`,
                ...result.items
            ]);
            const decision = decideRetry(answer, result.attempts, { ...policy, intervalMs: this.intervalMs }, clock.now());
            if (decision.action === 'retry') {
                this.nextSlot = clock.now() + decision.waitMs;
                if (decision.note)
                    logger.warning(`${label}: ${decision.note}`);
                logger.info(`${label}: retrying in ${formatSeconds(decision.waitMs)} (${answer.message})`);
                continue;
            }
            result.outcome = 'failed';
            result.error = decision.error;
            this.nextSlot = clock.now() + this.intervalMs;
            if (decision.action === 'stop-run') {
                this.context.stop('run', batch.resource, {
                    outcome: 'not-attempted',
                    error: `not attempted: the API refused the key (HTTP ${answer.status}) earlier in this run`
                });
            }
            else if (decision.action === 'stop-resource') {
                const why = answer.kind === 'not-found' ? 'does not exist for this key' : 'refused this key';
                this.context.stop('resource', batch.resource, {
                    outcome: 'not-attempted',
                    error: `not attempted: resource ${batch.resource} ${why} (HTTP ${answer.status}) earlier in this run`
                });
            }
            return;
        }
    }
}

;// CONCATENATED MODULE: ./src/core/schedule/feed.ts


class BatchFeed {
    input;
    sizes;
    readiness;
    stopped;
    maker;
    queues = { 'purge-url': [], 'purge-pattern': [], prefetch: [] };
    /** Paths in a batch, or failed at the origin: never looked at again. */
    gone = new Set();
    /** Every path before this index is gone. */
    start = 0;
    forming = null;
    exhausted = false;
    /** Paths not yet in a batch (nor failed at the origin) that would give each lane work. */
    left = { 'purge-url': 0, 'purge-pattern': 0, prefetch: 0 };
    constructor(input, sizes, readiness, 
    /** Aborts when the resource sends nothing more (a cancel, the time budget, a refused key). */
    stopped, expected = {}) {
        this.input = input;
        this.sizes = sizes;
        this.readiness = readiness;
        this.stopped = stopped;
        this.maker = new BatchMaker(input, sizes, expected);
        for (const batch of this.maker.upfront)
            this.queues[batch.lane].push(batch);
        for (const path of input.paths)
            this.count(path, 1);
    }
    /** Whether the lane may get another batch: one is waiting for it, or paths are left that would make one. */
    hasMore(lane) {
        return this.queues[lane].length > 0 || this.left[lane] > 0;
    }
    /** The purge all and the purge-patterns: they clear paths of many groups. */
    get upfront() {
        return this.maker.upfront;
    }
    /** The lane's next batch; null when the resource has no more for it. */
    async next(lane) {
        for (;;) {
            const queued = this.queues[lane].shift();
            if (queued)
                return queued;
            if (this.exhausted)
                return null;
            this.forming ??= this.form().finally(() => (this.forming = null));
            await this.forming;
        }
    }
    /** Resolves when none of `paths` is still being asked at the origin; with those that are ready. */
    async settled(paths) {
        for (;;) {
            const states = paths.map(path => this.readiness.state(this.input.resource, path));
            if (this.stopped.aborted || !states.some(state => state === 'unchecked' || state === 'waiting')) {
                return paths.filter((_, i) => states[i] === 'ready');
            }
            await this.change();
        }
    }
    /** Every batch formed, in the report's order, each knowing how many its lane has. */
    batches() {
        const all = this.maker.all();
        for (const batch of all)
            batch.of = this.maker.count(batch.lane);
        return all;
    }
    async form() {
        const group = await this.nextGroup();
        if (group === null) {
            this.exhausted = true;
            return;
        }
        for (const batch of this.maker.group(group))
            this.queues[batch.lane].push(batch);
    }
    /** The next group of ready paths, waiting as the rule above says; null when no path is left. */
    async nextGroup() {
        const { paths, resource } = this.input;
        const size = this.sizes.prefetch;
        for (;;) {
            const stopped = this.stopped.aborted;
            const picked = [];
            let firstAskPending = false;
            let waiting = false;
            for (let i = this.start; i < paths.length && picked.length < size; i++) {
                const path = paths[i];
                if (this.gone.has(path))
                    continue;
                const state = this.readiness.state(resource, path);
                // Once stopped, every path left goes into a batch that says so; only those failed at the origin stay out.
                if (state === 'ready' || (stopped && state !== 'failed'))
                    picked.push(path);
                else if (state === 'failed')
                    this.drop(path);
                else if (state === 'waiting')
                    waiting = true;
                else {
                    firstAskPending = true;
                    break;
                }
            }
            if (picked.length === size || (picked.length > 0 && !firstAskPending))
                return this.take(picked);
            if (picked.length === 0 && !firstAskPending && !waiting)
                return null;
            await this.change();
        }
    }
    /** The next change at the origin, or the stop. */
    change() {
        return untilOrAborted(this.readiness.changed(), this.stopped);
    }
    take(picked) {
        for (const path of picked)
            this.drop(path);
        while (this.start < this.input.paths.length && this.gone.has(this.input.paths[this.start]))
            this.start++;
        this.readiness.taken(this.input.resource, picked);
        return picked;
    }
    drop(path) {
        this.gone.add(path);
        this.count(path, -1);
    }
    count(path, by) {
        this.left.prefetch += by;
        const kind = this.input.purge.get(path);
        if (kind === 'url')
            this.left['purge-url'] += by;
        else if (kind === 'pattern')
            this.left['purge-pattern'] += by;
    }
}

;// CONCATENATED MODULE: ./src/core/schedule/run.ts





function plannedResult(batch) {
    return {
        batch,
        items: batch.items,
        outcome: 'planned',
        status: null,
        attempts: 0,
        error: null,
        started: null,
        finished: null,
        completed: null,
        acceptedAt: null,
        purgeId: null,
        purgeCreatedAt: null
    };
}
function plannedResults(batches) {
    return batches.map(plannedResult);
}
const LANES = ['purge-pattern', 'purge-url', 'prefetch'];
async function runSchedule(resources, api, options) {
    const { clock, logger, signal } = options;
    const readiness = options.readiness ?? ALL_READY;
    const results = new Map();
    const resultOf = (batch) => {
        let result = results.get(batch);
        if (!result)
            results.set(batch, (result = plannedResult(batch)));
        return result;
    };
    let runStop = null;
    const resourceStops = new Map();
    // Until the API has answered anything, an unreachable API is a configuration
    // problem, not a reason to grind through every batch.
    let reachedApi = false;
    // Per resource, aborted when it (or the run) sends nothing more: every wait (for a slot, for the origin) ends then.
    const stops = new Map(resources.map(resource => [resource.id, new AbortController()]));
    const stopped = (resource) => {
        if (!runStop && signal?.aborted)
            runStop = { outcome: 'cancelled', error: 'cancelled before it was sent' };
        return runStop ?? resourceStops.get(resource) ?? null;
    };
    const stop = (scope, resource, why) => {
        if (scope === 'run')
            runStop ??= why;
        else if (!resourceStops.has(resource))
            resourceStops.set(resource, why);
        for (const [id, controller] of stops)
            if (scope === 'run' || id === resource)
                controller.abort();
    };
    const onCancel = () => stop('run', 0, { outcome: 'cancelled', error: 'cancelled before it was sent' });
    signal?.addEventListener('abort', onCancel, { once: true });
    const context = {
        api,
        clock,
        logger,
        signal,
        policy: { maxAttempts: options.maxAttempts, random: options.random ?? Math.random },
        sendBy: options.sendBy ?? Infinity,
        stopped,
        stop,
        answered() {
            reachedApi = true;
        }
    };
    // A batch's "done" promise exists from the moment anyone waits for it, so a
    // prefetch can wait for a purge that has not begun yet.
    const done = new Map();
    const doneOf = (batch) => {
        let entry = done.get(batch);
        if (!entry)
            done.set(batch, (entry = run_deferred()));
        return entry;
    };
    async function runBatch(batch, feed, lane) {
        const result = resultOf(batch);
        await Promise.all(batch.after.map(purge => doneOf(purge).promise));
        if (!stopped(batch.resource) && batch.operation === 'purge' && (batch.kind === 'all' || batch.fromInput)) {
            // A purge all or a purge-patterns pattern clears paths of many groups: it waits for all of them at the origin.
            const ready = await feed.settled(batch.covers);
            const notReady = batch.covers.length - ready.length;
            if (!stopped(batch.resource) && batch.covers.length > 0 && ready.length === 0) {
                result.outcome = 'not-attempted';
                result.error = 'not attempted: none of the paths it clears is ready at the origin';
                return;
            }
            if (notReady > 0 && !stopped(batch.resource)) {
                options.warn?.(`${labelOf(batch)} also clears ${notReady} ${notReady === 1 ? 'path' : 'paths'} the origin does not have ready; ` +
                    'the CDN fetches the file the origin holds when they are next asked for.');
            }
        }
        if (!stopped(batch.resource)) {
            if (batch.operation === 'prefetch') {
                // Never prefetch a path whose purge failed: that would re-cache the old file.
                const unpurged = new Set(batch.after.filter(purge => resultOf(purge).outcome !== 'succeeded').flatMap(purge => purge.covers));
                const purged = batch.items.filter(path => !unpurged.has(path));
                if (purged.length === 0) {
                    // Nothing sent: the batch keeps its paths, so the report says which they were.
                    result.outcome = 'not-attempted';
                    result.error = 'not attempted: the purge of these paths failed';
                    return;
                }
                result.items = purged;
            }
            await lane.send(result);
            if (result.outcome === 'failed' && result.status === null && !reachedApi) {
                stop('run', batch.resource, { outcome: 'not-attempted', error: `not attempted: the API could not be reached (${result.error})` });
            }
        }
        if (result.outcome === 'planned') {
            const why = stopped(batch.resource);
            result.outcome = why.outcome;
            result.error = why.error;
        }
    }
    async function complete(batch) {
        const result = resultOf(batch);
        try {
            if (batch.operation === 'purge' && result.outcome === 'succeeded') {
                const completion = options.afterPurge
                    ? await options.afterPurge(batch, result.started)
                    : { ok: true, purgeId: null, createdAt: null };
                if (completion.ok) {
                    result.completed = clock.now();
                    result.purgeId = completion.purgeId;
                    result.purgeCreatedAt = completion.createdAt;
                }
                else
                    Object.assign(result, { outcome: 'failed', error: completion.error });
            }
        }
        finally {
            doneOf(batch).resolve();
        }
    }
    const completions = [];
    const feeds = resources
        .filter(resource => !resource.failure)
        .map(resource => {
        const expected = {};
        for (const batch of resource.batches)
            expected[batch.lane] = (expected[batch.lane] ?? 0) + 1;
        const feed = new BatchFeed({ resource: resource.id, paths: resource.paths, purge: resource.purge, userPatterns: resource.userPatterns }, options.sizes, readiness, stops.get(resource.id).signal, expected);
        return { resource, feed, expected };
    });
    await Promise.all(feeds.flatMap(({ resource, feed, expected }) => LANES.filter(name => expected[name]).map(async (name) => {
        const lane = new RateLane(intervalOf(name, options.intervals), context);
        for (let index = 1;; index++) {
            if (!stopped(resource.id) && feed.hasMore(name))
                await lane.untilSlot(`${describeRequest(laneKind(name))} ${index}/${Math.max(index, expected[name] ?? 0)} (resource ${resource.id})`, stops.get(resource.id).signal);
            // A prefetch waits for the purge all and purge-patterns anyway, and they wait for every
            // path they clear to settle at the origin: form its group after them, from all that is ready then.
            if (name === 'prefetch')
                await Promise.all(feed.upfront.map(batch => doneOf(batch).promise));
            const batch = await feed.next(name);
            if (!batch)
                return;
            try {
                await runBatch(batch, feed, lane);
            }
            finally {
                completions.push(complete(batch));
            }
        }
    })));
    await Promise.all(completions);
    signal?.removeEventListener('abort', onCancel);
    return feeds.flatMap(({ feed }) => feed.batches().map(resultOf));
}
/** The request kind a lane's log line names before its batch is formed. */
function laneKind(lane) {
    return lane === 'prefetch' ? 'prefetch' : lane === 'purge-url' ? 'url' : 'pattern';
}
function run_deferred() {
    let resolve;
    const promise = new Promise(r => (resolve = r));
    return { promise, resolve };
}

// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
;// CONCATENATED MODULE: ./src/core/settings.ts
/**
 * Raw input values → one validated Settings object.
 *
 * Pure: it takes `getInput(name)`, so the action (core.getInput) and the CLI
 * (its flags) share every rule. Every problem is an InputError that names the
 * input and quotes the value (never the key's), raised before any request.
 */



function readSettings(getInput) {
    const read = (name) => getInput(name).trim();
    const notices = [];
    const resources = parseResources(read('resource-id'));
    const settings = {
        apiKey: parseApiKey(getInput('api-key')),
        resources,
        paths: getInput('paths'),
        pathsFile: read('paths-file'),
        files: lines(getInput('files')),
        baseDir: read('base-dir') || '.',
        pathPrefix: normalisePrefix(getInput('path-prefix'), notices),
        sizeCheck: parseChoice('size-check', read('size-check'), ['warn', 'skip', 'off'], 'warn'),
        releaseAssets: parseBoolean('release-assets', read('release-assets'), false),
        releaseTag: read('release-tag'),
        githubToken: read('github-token'),
        purge: parsePurge(read('purge')),
        purgePatterns: parsePurgePatterns(getInput('purge-patterns')),
        resourceCheck: parseChoice('resource-check', read('resource-check'), ['auto', 'required', 'off'], 'auto'),
        apiUrl: parseApiUrl(read('api-url'), notices),
        batchSize: parseInteger('batch-size', read('batch-size'), undefined, 1, 100),
        prefetchIntervalMs: parseSeconds('prefetch-interval', read('prefetch-interval'), undefined),
        purgeIntervalMs: parseSeconds('purge-interval', read('purge-interval'), undefined),
        purgePatternIntervalMs: parseSeconds('purge-pattern-interval', read('purge-pattern-interval'), undefined),
        limits: parseChoice('limits', read('limits'), ['auto', 'documented'], 'auto'),
        waitForPurge: parseBoolean('wait-for-purge', read('wait-for-purge'), true),
        purgeTimeoutMs: parseSeconds('purge-timeout', read('purge-timeout'), 300),
        purgeSettleMs: parseSeconds('purge-settle', read('purge-settle'), 10, true),
        originCheck: parseChoice('origin-check', read('origin-check'), ['auto', 'required', 'off'], 'auto'),
        originUrls: parseOriginUrls(read('origin-url'), resources.length),
        originTimeoutMs: parseSeconds('origin-timeout', read('origin-timeout'), 300, true),
        verifyUrls: parseVerifyUrls(read('verify-url'), resources.length),
        verifyTimeoutMs: parseSeconds('verify-timeout', read('verify-timeout'), 0, true),
        verifyConcurrency: parseInteger('verify-concurrency', read('verify-concurrency'), 8, 1, 64),
        verifyRequired: parseBoolean('verify-required', read('verify-required'), false),
        maxAttempts: parseInteger('max-attempts', read('max-attempts'), 5, 1, 100),
        requestTimeoutMs: parseSeconds('request-timeout', read('request-timeout'), 30),
        timeBudgetMs: parseSeconds('time-budget', read('time-budget'), undefined),
        failOnError: parseBoolean('fail-on-error', read('fail-on-error'), true),
        ifNoPaths: parseChoice('if-no-paths', read('if-no-paths'), ['error', 'warn', 'ignore'], 'error'),
        dryRun: parseBoolean('dry-run', read('dry-run'), false),
        notices
    };
    if (settings.verifyRequired && settings.verifyUrls !== 'auto' && settings.verifyUrls.length === 0) {
        throw new InputError('verify-required', name => `${name('verify-required')} is true, but ${name('verify-url')} is empty: no path would be checked at the edge. Set ${name('verify-url')} (auto, or the CDN's base URL).`);
    }
    return settings;
}
const quote = (value) => JSON.stringify(value);
function lines(value) {
    return value
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => line !== '');
}
/** Newline- or comma-separated items, blanks dropped. */
function listItems(value) {
    return value
        .split(/[\n,]/)
        .map(part => part.trim())
        .filter(part => part !== '');
}
// Node refuses these in a header; the key is never quoted back, only described.
// eslint-disable-next-line no-control-regex
const settings_CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const NOT_LATIN1 = /[^\u0020-\u00ff]/;
function parseApiKey(raw) {
    const value = raw.trim();
    if (!value)
        throw inputError('api-key', 'is required: pass your Gcore API token from a secret.');
    if (settings_CONTROL_CHARACTER.test(value))
        throw inputError('api-key', 'contains a control character or line break; check the secret.');
    if (NOT_LATIN1.test(value)) {
        throw inputError('api-key', 'contains a character an HTTP header cannot carry (outside Latin-1); check that the secret holds the token itself.');
    }
    if (/^(apikey|bearer|token)\s/i.test(value)) {
        const word = value.split(/\s/)[0];
        throw inputError('api-key', `starts with "${word} ": give the token alone; the action adds "APIKey " itself.`);
    }
    return value;
}
// A hostname: dot-separated labels of letters, digits and hyphens.
const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;
function parseResources(value) {
    if (!value)
        throw inputError('resource-id', 'is required: the ID of your Gcore CDN resource, or its hostname.');
    const refs = new Map();
    for (const part of listItems(value)) {
        if (/^[0-9]+$/.test(part)) {
            const id = Number(part);
            if (id < 1 || !Number.isSafeInteger(id))
                throw inputError('resource-id', `must be a positive integer or a CDN hostname, got ${quote(part)}.`);
            refs.set(`id:${id}`, { id });
        }
        else if (HOSTNAME.test(part) && !/^[0-9.]+$/.test(part)) {
            const hostname = part.toLowerCase();
            refs.set(`host:${hostname}`, { hostname });
        }
        else {
            throw inputError('resource-id', `must be a positive integer or a CDN hostname such as cdn.example.com, got ${quote(part)}.`);
        }
    }
    if (refs.size === 0)
        throw inputError('resource-id', `has no resource ID in ${quote(value)}.`);
    return [...refs.values()];
}
/** The values core.getBooleanInput accepts (YAML 1.2 core schema). */
function parseBoolean(name, value, fallback) {
    if (value === '')
        return fallback;
    if (['true', 'True', 'TRUE'].includes(value))
        return true;
    if (['false', 'False', 'FALSE'].includes(value))
        return false;
    throw inputError(name, `must be true or false, got ${quote(value)}.`);
}
/** `false`/`true` as before (true means `auto`), or a purge kind. */
function parsePurge(value) {
    const kinds = ['url', 'pattern', 'all', 'auto'];
    if (kinds.includes(value))
        return value;
    try {
        return parseBoolean('purge', value, false) ? 'auto' : 'off';
    }
    catch {
        throw inputError('purge', `must be false, true (auto), url, pattern, all or auto, got ${quote(value)}.`);
    }
}
function parsePurgePatterns(value) {
    const patterns = lines(value);
    for (const pattern of patterns) {
        const problem = !pattern.startsWith('/')
            ? 'must start with /'
            : pattern.slice(0, -1).includes('*')
                ? 'may have `*` only at the end'
                : settings_CONTROL_CHARACTER.test(pattern) || /\s/.test(pattern)
                    ? 'may not contain spaces or control characters'
                    : pattern.includes('?')
                        ? 'may not have a query string (Gcore ignores it in patterns)'
                        : pattern === '/' || pattern === '/*'
                            ? 'would clear the whole resource: use `purge: all` for that'
                            : undefined;
        if (problem)
            throw new InputError('purge-patterns', name => `${name('purge-patterns')}: pattern ${quote(pattern)} ${problem}.`);
    }
    return [...new Set(patterns)];
}
function parseInteger(name, value, fallback, min, max) {
    if (value === '')
        return fallback;
    const number = Number(value);
    if (!/^[0-9]+$/.test(value) || number < min || number > max) {
        throw inputError(name, `must be a whole number from ${min} to ${max}, got ${quote(value)}.`);
    }
    return number;
}
/** Seconds (decimals allowed, > 0, or >= 0 with allowZero) → milliseconds. */
function parseSeconds(name, value, fallbackSeconds, allowZero = false) {
    if (value === '')
        return (fallbackSeconds === undefined ? undefined : fallbackSeconds * 1000);
    const seconds = Number(value);
    if (!/^[0-9]*\.?[0-9]+$/.test(value) || !(allowZero ? seconds >= 0 : seconds > 0) || seconds > 86400) {
        const bound = allowZero ? '0 or more' : 'greater than 0';
        throw inputError(name, `must be a number of seconds ${bound} (at most 86400), got ${quote(value)}.`);
    }
    return Math.round(seconds * 1000);
}
/** `auto`, or one CDN base URL, or one per resource in the same order (newlines or commas). */
function parseVerifyUrls(value, resourceCount) {
    if (value === '')
        return [];
    if (value === 'auto')
        return 'auto';
    const urls = listItems(value);
    for (const text of urls) {
        const url = httpBaseUrl(text);
        if (!url || url.username || url.password) {
            throw inputError('verify-url', `must be auto, or http(s) base URLs such as https://cdn.example.com, got ${quote(text)}.`);
        }
    }
    if (urls.length !== 1 && urls.length !== resourceCount) {
        throw inputError('verify-url', `needs one URL, or one per resource (${resourceCount}), got ${urls.length}: ${quote(value)}.`);
    }
    return urls.map(url => url.replace(/\/+$/, ''));
}
/** One base URL, or one per resource in the same order; never echoed when it carries credentials. */
function parseOriginUrls(value, resourceCount) {
    if (value === '')
        return [];
    const urls = listItems(value);
    for (const text of urls) {
        const url = httpBaseUrl(text);
        if (url && (url.username || url.password)) {
            throw inputError('origin-url', 'must not carry a user name or password (the value is not shown); the runner asks the origin without credentials.');
        }
        if (!url) {
            // A text with `@` that is no URL may still hold a password: it is described, not quoted.
            const shown = text.includes('@') ? 'a value with "@" (not shown: it may carry credentials)' : quote(text);
            throw inputError('origin-url', `must be http(s) base URLs such as https://origin.example.com/files, got ${shown}.`);
        }
    }
    if (urls.length !== 1 && urls.length !== resourceCount) {
        throw inputError('origin-url', `needs one URL, or one per resource (${resourceCount}), got ${urls.length}.`);
    }
    return urls.map(url => url.replace(/\/+$/, ''));
}
/** `text` as an http(s) base URL (no query, no fragment), or undefined where it is not one. */
function httpBaseUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        return undefined;
    }
    const http = url.protocol === 'https:' || url.protocol === 'http:';
    return http && !url.search && !url.hash ? url : undefined;
}
function parseChoice(name, value, choices, fallback) {
    if (value === '')
        return fallback;
    if (choices.includes(value))
        return value;
    throw inputError(name, `must be one of ${choices.join(', ')}, got ${quote(value)}.`);
}
function isLoopbackHost(hostname) {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (host === 'localhost' || host === '::1')
        return true;
    return (0,external_node_net_.isIP)(host) === 4 && host.startsWith('127.');
}
const DEFAULT_API_URL = 'https://api.gcore.com';
/**
 * The API's base URL, without a trailing slash. A base that ends in `/cdn` is a
 * common paste from the docs' endpoint list: every path already starts with
 * `/cdn`, so it is dropped and said, rather than sent as `/cdn/cdn/…`.
 */
function parseApiUrl(value, notices = []) {
    const text = value || DEFAULT_API_URL;
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw inputError('api-url', `is not a valid URL: ${quote(value)}.`);
    }
    const loopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
    if (url.protocol !== 'https:' && !loopbackHttp) {
        throw inputError('api-url', `must use https (http only to a loopback address such as 127.0.0.1), got ${quote(value)}.`);
    }
    if (url.username || url.password || url.search || url.hash || text.includes('?') || text.includes('#')) {
        throw inputError('api-url', `must be a plain base URL without credentials, query or fragment, got ${quote(value)}.`);
    }
    let base = url.href.replace(/\/+$/, '');
    if (/\/cdn$/i.test(url.pathname.replace(/\/+$/, ''))) {
        base = base.replace(/\/cdn$/i, '');
        notices.push(`api-url ${quote(value)} ends in /cdn, which every API path already starts with: using ${base}.`);
    }
    return base;
}

;// CONCATENATED MODULE: ./src/core/verify.ts
/**
 * Edge verification: after prefetch, does the edge provably serve the
 * origin's file? Gcore's own check of a purge, for every path: ask the CDN and
 * the origin for the same file and compare Content-Length, ETag and
 * X-Cached-Since (../shared/gcore-origin-facts.md). A path is verified only when
 *
 * - the edge held the file before this check first asked for it: the first
 *   answer is a HIT, or a later HIT was cached (X-Cached-Since) before the first
 *   answer's Date. "Gcore's CDN caches files on the first request": a HIT that
 *   follows the check's own MISS proves nothing about the prefetch;
 * - its Content-Length is the origin's (or the new file's known size), and its
 *   ETag the origin's where both show one;
 * - where this run purged the path, it was cached no earlier than that purge,
 *   by Gcore's clock, to the whole second; a date that cannot be read is unknown,
 *   never fresh;
 * - on a sliced path, the last part (`Range: bytes=-1`) passes the same rules:
 *   the first part can be new while the last is old.
 *
 * A redirect or any answer other than 2xx proves nothing. Paths not verified
 * are asked again until `verify-timeout`. One edge server answers each time:
 * a verified path is on that server, not on every one.
 */





/** `HIT`, `MISS`, … from a header such as `HIT` or `hit, MISS`: the first verdict. */
function cacheVerdict(header) {
    const first = header?.split(/[,\s]+/).find(token => token !== '');
    return first ? first.toUpperCase().slice(0, 32) : 'no-header';
}
const ok = (status) => status >= 200 && status < 300;
/** The total of `bytes 9-9/10`, or null. */
function rangeTotal(contentRange) {
    const match = /\/\s*(\d+)\s*$/.exec(contentRange ?? '');
    return match ? Number(match[1]) : null;
}
function sizeOf(answer, ranged) {
    return ranged && answer.status === 206 ? rangeTotal(answer.contentRange) : answer.contentLength;
}
/**
 * One part's verdict (pure): `which` names it in the reason. A part that is
 * not in the cache says nothing of old bytes; one served from the cache (or
 * with its Cache header hidden) is held to the reference and the purge.
 */
function judgePart(part, which, reference, purgedAt, ranged, htmlIsAFile = false) {
    const { first, last } = part;
    if (!first || !last)
        return { verdict: 'error', reason: `${which}: ${part.error ?? 'no answer'}` };
    if (!ok(last.status)) {
        const redirect = last.status >= 300 && last.status < 400 ? ': a redirect, not the file; it proves nothing about the cache' : '';
        return { verdict: 'error', reason: `${which}: HTTP ${last.status}${redirect}` };
    }
    if (last.contentType === 'text/html' && !htmlIsAFile) {
        return { verdict: 'error', reason: `${which}: HTTP ${last.status}, an HTML page (something between you and Gcore: a proxy or filter?)` };
    }
    const cache = cacheVerdict(last.cache);
    const cachedSince = parseGcoreTime(last.cachedSince);
    if (cache === 'HIT' || cache === 'no-header') {
        const size = sizeOf(last, ranged);
        if (reference.size !== null && size !== null && size !== reference.size) {
            return { verdict: 'stale', reason: `${which}: the edge holds a file of ${size} bytes, the origin's has ${reference.size}` };
        }
        if (!ranged && reference.etag && last.etag && !sameEtag(reference.etag, last.etag)) {
            return { verdict: 'stale', reason: `${which}: the edge's ETag is ${last.etag}, the origin's ${reference.etag}` };
        }
        if (purgedAt !== undefined && purgedAt !== null && cachedSince !== null && wholeSecond(cachedSince) < wholeSecond(purgedAt)) {
            return {
                verdict: 'stale',
                reason: `${which}: cached at ${new Date(cachedSince).toISOString()}, before this run's purge (${new Date(purgedAt).toISOString()})`
            };
        }
    }
    if (cache === 'no-header')
        return { verdict: 'unproven', reason: `${which}: the Cache header is hidden, so the edge cannot show it holds the file` };
    if (cache !== 'HIT')
        return { verdict: 'not-cached', reason: `${which}: the edge answers ${cache}` };
    const firstAsked = parseGcoreTime(first.date);
    const heldBefore = cacheVerdict(first.cache) === 'HIT' ||
        (cachedSince !== null && firstAsked !== null && wholeSecond(cachedSince) < wholeSecond(firstAsked));
    if (!heldBefore) {
        return {
            verdict: 'unproven',
            reason: `${which}: first answered ${cacheVerdict(first.cache)}; the later HIT may be this check's own fetch (X-Cached-Since ${last.cachedSince ?? 'missing'})`
        };
    }
    if (reference.size === null)
        return { verdict: 'unproven', reason: `${which}: nothing to compare it with (${reference.missing ?? 'no reference'})` };
    if (sizeOf(last, ranged) === null)
        return { verdict: 'unproven', reason: `${which}: the edge shows no size` };
    if (purgedAt === null)
        return { verdict: 'unproven', reason: `${which}: the time of this run's purge is unknown` };
    if (purgedAt !== undefined && cachedSince === null) {
        return {
            verdict: 'unproven',
            reason: `${which}: X-Cached-Since is ${last.cachedSince === null ? 'missing' : `unreadable (${last.cachedSince})`}`
        };
    }
    return { verdict: 'verified', reason: null };
}
const SEVERITY = ['stale', 'error', 'unproven', 'not-cached', 'verified'];
function look(part, ranged) {
    return {
        status: part.last?.status ?? null,
        firstCache: part.first ? cacheVerdict(part.first.cache) : null,
        cache: part.last ? cacheVerdict(part.last.cache) : null,
        size: part.last ? sizeOf(part.last, ranged) : null,
        etag: part.last?.etag ?? null,
        cachedSince: part.last?.cachedSince ?? null
    };
}
async function verifyEdges(targets, probe, options) {
    const { clock, logger, signal } = options;
    const secrets = options.secrets ?? [];
    const checks = targets.flatMap(target => target.paths.map(path => ({
        target,
        path,
        url: `${target.baseUrl}${path}`,
        attempts: 0,
        reference: null,
        head: { first: null, last: null, error: null },
        tail: target.sliced(path) === false ? null : { first: null, last: null, error: null },
        verdict: 'error',
        reason: null
    })));
    const ask = async (part, request) => {
        try {
            const answer = await request();
            part.first ??= answer;
            part.last = answer;
            part.error = null;
        }
        catch (error) {
            part.error = networkText(error instanceof Error ? error.message : String(error), secrets);
        }
    };
    const check = async (entry) => {
        if (signal?.aborted)
            return;
        entry.attempts++;
        entry.reference ??= await entry.target.reference(entry.path, signal);
        await ask(entry.head, () => probe.head(entry.url, signal));
        if (entry.tail)
            await ask(entry.tail, () => probe.lastByte(entry.url, signal));
        if (signal?.aborted)
            return;
        const purgedAt = entry.target.purgedAt(entry.path);
        const html = htmlIsAFile(entry.url);
        const verdicts = [judgePart(entry.head, 'first part', entry.reference, purgedAt, false, html)];
        // An edge that ignores the Range answers for the whole file: the first part's verdict covers it.
        if (entry.tail && !(entry.tail.last?.status === 200 && entry.target.sliced(entry.path) === null)) {
            verdicts.push(judgePart(entry.tail, 'last part', entry.reference, purgedAt, true, html));
        }
        const worst = verdicts.sort((a, b) => SEVERITY.indexOf(a.verdict) - SEVERITY.indexOf(b.verdict))[0];
        entry.verdict = worst.verdict;
        entry.reason = worst.reason;
    };
    const deadline = clock.now() + options.timeoutMs;
    let pending = checks;
    for (let pass = 1; pending.length && !signal?.aborted; pass++) {
        await mapLimit(pending, options.concurrency, check);
        pending = checks.filter(entry => entry.verdict !== 'verified');
        logger.info(`Edge verification pass ${pass}: the edge serves the origin's file for ${checks.length - pending.length} of ${checks.length} paths`);
        const left = deadline - clock.now();
        if (!pending.length || left <= 0)
            break;
        await clock.sleep(Math.min(options.pollMs ?? 5000, left), signal);
    }
    return checks.map(entry => ({
        resource: entry.target.resource,
        path: entry.path,
        url: entry.url,
        verdict: entry.attempts ? entry.verdict : 'error',
        reason: entry.attempts ? entry.reason : 'not checked: the run was cancelled',
        attempts: entry.attempts,
        reference: entry.reference ?? { size: null, etag: null, missing: 'not asked' },
        head: look(entry.head, false),
        lastPart: entry.tail ? look(entry.tail, true) : null
    }));
}

;// CONCATENATED MODULE: ./src/core/engine.ts
/**
 * The whole warm-up as one pipeline, free of GitHub and of the process:
 *
 *   settings → paths → limits → resources → plan → origins → origin check
 *            → schedule → verify → report
 *
 * The action and the CLI are thin front ends over `warm`: they supply the
 * inputs, the ports (clock, logger, files, releases) and a cancel signal, and
 * publish the report their own way. Whatever happens once the settings are read
 * (a refused key, a cancel, an unexpected error), `warm` returns a report that
 * accounts for every path it knew of.
 */
























/** The limits, resource and purge-status GETs are optional help: a slow answer must not hold up the run. */
const OPTIONAL_REQUEST_TIMEOUT_MS = 5000;
/** Ends the run before anything was sent: a refused key, a resource that must be read, an input, a cancel. */
class StopBeforeSending extends Error {
    cancelled;
    inputError;
    constructor(message, cancelled = false, inputError) {
        super(message);
        this.cancelled = cancelled;
        this.inputError = inputError;
    }
}
/** One run's context: its options, what it knows so far, and what it told the user. */
class Run {
    options;
    startedAt;
    name;
    /** Everything the user was told, for the summary too. */
    notes = [];
    /** Checks that could not run for a resource. */
    skippedChecks = [];
    /** Secrets an answer carried (an origin group's S3 keys), kept out of every text. */
    secrets = [];
    settings;
    collected = { paths: [], skipped: [], files: [], warnings: [] };
    constructor(options) {
        this.options = options;
        this.startedAt = options.clock.now();
        this.name = options.name ?? actionInputName;
    }
    get signal() {
        return this.options.signal;
    }
    knownSizes;
    /** The new files' sizes by CDN path: local files and release assets. */
    get sizes() {
        this.knownSizes ??= new Map(this.collected.files.map(file => [file.cdnPath, file.size]));
        return this.knownSizes;
    }
    probes = {};
    /** HEAD requests at the origin, for the check before the purge and the reference after the prefetch. */
    get originProbe() {
        this.probes.origin ??= this.options.network.origin(this.settings.requestTimeoutMs);
        return this.probes.origin;
    }
    /** Requests at the edge, for the verification. */
    get edgeProbe() {
        this.probes.edge ??= this.options.network.edge(this.settings.requestTimeoutMs);
        return this.probes.edge;
    }
    /** The probes keep connections for their next request: the run closes them when it ends. */
    closeProbes() {
        this.probes.origin?.close();
        this.probes.edge?.close();
    }
    /** The end of the time budget, or Infinity. */
    get deadline() {
        return this.settings.timeBudgetMs === undefined ? Infinity : this.startedAt + this.settings.timeBudgetMs;
    }
    say(level, text) {
        this.options.logger[level](text);
        this.notes.push(text);
    }
    /** A report of a run that sent nothing: every known path is failed, or cancelled. */
    unsent(cancelled) {
        return buildReport({ paths: this.collected.paths, resources: [] }, [], {
            skipped: this.collected.skipped,
            files: this.collected.files,
            limits: [],
            verify: [],
            skippedChecks: this.skippedChecks,
            resources: [],
            purge: this.settings?.purge ?? 'off',
            dryRun: false,
            cancelled,
            elapsedMs: this.options.clock.now() - this.startedAt,
            estimateMs: 0,
            notes: this.notes
        });
    }
    stopped(stop) {
        if (!stop.inputError)
            this.notes.push(stop.message);
        const unsent = this.unsent(stop.cancelled);
        // Stopped on a problem, the run failed, whatever the (possibly empty) list of paths would make of it.
        const report = stop.cancelled ? unsent : { ...unsent, result: 'failure' };
        const verdict = stop.cancelled && this.settings ? verdictOf(report, this.settings) : { failed: true, message: stop.message };
        return { settings: this.settings, report, verdict, inputError: stop.inputError };
    }
    apis;
    /** The API client for purge and prefetch, and one with a short deadline for the optional GETs. */
    get api() {
        if (!this.apis) {
            const { apiUrl, apiKey, requestTimeoutMs } = this.settings;
            const make = (timeoutMs) => this.options.network.api({ apiUrl, apiKey, timeoutMs, secrets: this.secrets });
            this.apis = { client: make(requestTimeoutMs), helper: make(Math.min(requestTimeoutMs, OPTIONAL_REQUEST_TIMEOUT_MS)) };
        }
        return this.apis;
    }
    /** After any GET before sending: a cancel ends the run here. */
    checkCancel() {
        if (this.signal.aborted)
            throw new StopBeforeSending('Cancelled before anything was sent.', true);
    }
}
async function warm(options) {
    const run = new Run(options);
    try {
        run.settings = readSettingsStep(run);
        run.collected = await collectPathsStep(run);
        if (run.collected.paths.length === 0)
            return nothingToSend(run);
    }
    catch (error) {
        if (error instanceof StopBeforeSending)
            return run.stopped(error);
        throw error;
    }
    try {
        const limits = await limitsStep(run);
        const plan = planStep(run, limits, await resourcesStep(run));
        const routers = await originsStep(run, plan);
        const check = await originCheckStep(run, plan, routers);
        const results = await scheduleStep(run, plan, check);
        const edge = await verifyStep(run, plan, results, routers);
        return reportStep(run, { plan, results, edge, check });
    }
    catch (error) {
        if (error instanceof StopBeforeSending)
            return run.stopped(error);
        // A bug or a fault nothing else caught: still a report that accounts for every path.
        const message = `Unexpected error: ${error?.message ?? String(error)}`;
        options.logger.debug(error?.stack ?? message);
        run.notes.push(message);
        const report = { ...run.unsent(run.signal.aborted), result: 'failure' };
        return { settings: run.settings, report, verdict: { failed: true, message }, unexpected: error };
    }
    finally {
        run.closeProbes();
    }
}
function readSettingsStep(run) {
    try {
        const settings = readSettings(run.options.getInput);
        for (const notice of settings.notices)
            run.say('notice', notice);
        const proxies = checkProxyEnvironment(run.options.environment ?? {});
        for (const warning of proxies.warnings)
            run.say('warning', warning);
        if (proxies.error) {
            run.settings = settings;
            throw proxies.error;
        }
        return settings;
    }
    catch (error) {
        if (error instanceof InputError)
            throw new StopBeforeSending(error.describe(run.name), false, error);
        throw error;
    }
}
/** Every source of paths; an input error here means nothing was sent. */
async function collectPathsStep(run) {
    const { settings, options, name, signal } = run;
    const sources = { files: options.files, workspace: options.workspace, name };
    try {
        let assets = [];
        if (settings.releaseAssets) {
            if (!options.releases)
                throw new InputError('release-assets', n => `${n('release-assets')} is not available here.`);
            const release = await readRelease(options.releases, settings, signal);
            options.logger.info(`Release ${release.tag}: ${plural(release.assets.length, 'asset')}`);
            assets = release.assets;
        }
        const collected = await collectPaths(settings, { ...sources, assets });
        for (const warning of collected.warnings)
            run.say('warning', warning);
        return collected;
    }
    catch (error) {
        if (signal.aborted) {
            // The release's assets were never learnt; the paths given besides them are reported, so failed-paths can be fed back.
            run.collected = (await collectPaths({ ...settings, releaseAssets: false }, sources).catch(() => undefined)) ?? run.collected;
            throw new StopBeforeSending('Cancelled before anything was sent.', true);
        }
        if (error instanceof InputError)
            throw new StopBeforeSending(error.describe(run.name), false, error);
        throw error;
    }
}
function nothingToSend(run) {
    const { settings, collected, name } = run;
    const message = collected.skipped.length
        ? `No paths to prefetch: all ${collected.skipped.length} are outside the size window (size-check: skip).`
        : `No paths to prefetch: ${['paths', 'paths-file', 'files', 'release-assets'].map(input => name(input)).join(', ')} gave none.`;
    // With if-no-paths: error, the message is the step's error; otherwise it is said here.
    if (settings.ifNoPaths === 'error')
        run.notes.push(message);
    else
        run.say(settings.ifNoPaths === 'warn' ? 'warning' : 'info', message);
    const report = run.unsent(false);
    if (settings.ifNoPaths === 'error')
        return { settings, report: { ...report, result: 'failure' }, verdict: { failed: true, message } };
    return { settings, report, verdict: { failed: false, message } };
}
function keyRefused(run, error) {
    return new StopBeforeSending(`The API refused the key (${error.message}); nothing was sent. Check ${run.name('api-key')}.`);
}
/** The account's limits (a GET, also in a dry run): a refused key stops the run here. */
async function limitsStep(run) {
    if (run.settings.limits === 'documented')
        return resolveLimits(run.settings, null);
    const read = await readAccountLimits(run.api.helper, run.options.clock, run.signal);
    run.checkCancel();
    if (read.refused)
        throw keyRefused(run, read.refused);
    if (read.problem)
        run.options.logger.notice(`Could not read the account's limits (${read.problem}); using Gcore's documented limits.`);
    return resolveLimits(run.settings, read.account);
}
/** Each resource found (by ID or hostname) and read, with its rules. */
async function resourcesStep(run) {
    try {
        const lookup = await lookUpResources({ api: run.api.helper, clock: run.options.clock, signal: run.signal }, run.settings.resources, run.settings.resourceCheck);
        for (const notice of lookup.notices)
            run.say('notice', notice);
        for (const warning of lookup.warnings)
            run.say('warning', warning);
        return lookup.resources;
    }
    catch (error) {
        run.checkCancel();
        if (error instanceof InputError)
            throw new StopBeforeSending(error.describe(run.name), false, error);
        if (error instanceof ResourceCheckFailed)
            throw new StopBeforeSending(error.message);
        if (error instanceof GcoreError && error.kind === 'auth')
            throw keyRefused(run, error);
        throw error;
    }
}
/** One record per resource (its paths as its cache key sees them, how each is purged, its batches), and the plan in words. */
function planStep(run, limits, looked) {
    const { settings, collected, options } = run;
    const sizes = {
        prefetch: limits.batchSize.value,
        purgeUrl: limits.purgeUrlBatchSize.value,
        purgePattern: limits.purgePatternBatchSize.value
    };
    const plan = makePlan(settings, collected.paths, looked, sizes);
    const intervals = {
        prefetchMs: limits.prefetchIntervalMs.value,
        purgeUrlMs: limits.purgeUrlIntervalMs.value,
        purgePatternMs: limits.purgePatternIntervalMs.value
    };
    const estimate = estimateMs(plan.resources, intervals);
    const limitLines = describeLimits(limits, {
        purgeUrl: plan.batches.some(b => b.lane === 'purge-url'),
        purgePattern: plan.batches.some(b => b.lane === 'purge-pattern')
    });
    for (const message of planMessages(plan, settings))
        run.say(message.level, message.text);
    options.logger.info(`Limits: ${limitLines.join(', ')}`);
    options.logger.info(`${describePlan(plan, estimate, limits.batchSize.value, intervals)} (planned in ${options.clock.now() - run.startedAt} ms)`);
    for (const text of slowPatternWarnings(plan, intervals))
        run.say('warning', text);
    if (run.startedAt + estimate > run.deadline) {
        run.say('warning', `The plan takes about ${formatDuration(estimate)}, longer than time-budget (${formatDuration(settings.timeBudgetMs)}): what cannot finish in time is not sent.`);
    }
    run.checkCancel();
    return { ...plan, sizes, intervals, estimate, limitLines };
}
/** The requests, lane by lane; a dry run plans them and sends nothing. */
async function scheduleStep(run, plan, check) {
    const { settings, options, signal } = run;
    if (settings.dryRun) {
        run.notes.push('Dry run: resources and limits were read (GET only); no purge or prefetch was sent.');
        return plannedResults(plan.batches);
    }
    const { client, helper } = run.api;
    const afterPurge = (batch, sentAt) => awaitPurge(helper, { resource: batch.resource, kind: batch.kind, items: batch.items, label: labelOf(batch) }, sentAt, {
        clock: options.clock,
        logger: options.logger,
        signal,
        timeoutMs: Math.max(0, Math.min(settings.purgeTimeoutMs, run.deadline - options.clock.now())),
        settleMs: settings.purgeSettleMs,
        pollMs: Math.min(5000, plan.intervals.purgeUrlMs)
    });
    try {
        return await runSchedule(plan.resources, client, {
            intervals: plan.intervals,
            sizes: plan.sizes,
            readiness: check ?? undefined,
            maxAttempts: settings.maxAttempts,
            clock: options.clock,
            logger: options.logger,
            signal,
            sendBy: run.deadline - settings.requestTimeoutMs,
            afterPurge: settings.waitForPurge ? afterPurge : undefined,
            warn: text => run.say('warning', text)
        });
    }
    finally {
        // Whatever is still being asked at the origin has missed its turn: the check ends with the schedule.
        await check?.stop();
    }
}
/**
 * Where the CDN fetches each resource's files: `origin-url`, or its origin
 * groups (read once each), for the origin check and as the edge's reference.
 */
async function originsStep(run, plan) {
    const { settings, options } = run;
    const routers = new Map();
    const wanted = settings.originCheck !== 'off' || settings.verifyUrls === 'auto' || settings.verifyUrls.length > 0;
    if (!wanted || settings.dryRun)
        return routers;
    const records = plan.resources.filter(record => !record.failure);
    if (settings.originUrls.length) {
        for (const record of records) {
            const i = plan.resources.indexOf(record);
            routers.set(record.id, originUrlRouter(settings.originUrls[settings.originUrls.length === 1 ? 0 : i]));
        }
        return routers;
    }
    const ids = records.flatMap(({ resource }) => (resource ? [resource.originGroup, ...resource.rules.map(rule => rule.originGroup)] : []));
    let groups;
    try {
        groups = await readOriginGroups(run.api.helper, ids.filter((id) => id !== null), options.clock, run.signal);
    }
    catch (error) {
        run.checkCancel();
        if (error instanceof GcoreError && error.kind === 'auth')
            throw keyRefused(run, error);
        throw error;
    }
    for (const group of groups.values()) {
        if (typeof group === 'string')
            continue;
        for (const secret of group.secrets) {
            run.secrets.push(secret);
            options.logger.secret(secret);
        }
    }
    for (const record of records) {
        routers.set(record.id, record.resource && record.optionsOf
            ? resourceRouter(record.resource, record.optionsOf, groups)
            : {
                why: 'its settings were not read (see resource-check)',
                fix: 'give origin-url (a base URL where the runner can read the files)'
            });
    }
    return routers;
}
/**
 * Before any purge: the origin check starts, each resource's sources are
 * probed, and a resource whose origin cannot be asked is skipped (`auto`, with
 * a notice) or stops the run before anything is sent (`required`).
 */
async function originCheckStep(run, plan, routers) {
    const { settings, options } = run;
    if (settings.originCheck === 'off' || settings.dryRun)
        return null;
    const skipped = new Map();
    const checked = [];
    for (const record of plan.resources.filter(entry => !entry.failure)) {
        const router = routers.get(record.id);
        if (isNotCheckable(router))
            skipped.set(record.id, router);
        // Asked two batches ahead of the schedule; all at once where a purge all or purge-patterns waits for every path it clears.
        else if (record.batches.some(batch => batch.kind === 'all' || batch.fromInput))
            checked.push({ id: record.id, paths: record.paths, router });
        else
            checked.push({ id: record.id, paths: record.paths, router, ahead: 2 * plan.sizes.prefetch });
    }
    const check = new OriginCheck(checked, {
        probe: run.originProbe,
        clock: options.clock,
        logger: options.logger,
        signal: run.signal,
        deadline: Math.min(options.clock.now() + settings.originTimeoutMs, run.deadline),
        sizes: run.sizes,
        secrets: run.secrets
    });
    for (const [id, why] of await check.probe())
        skipped.set(id, why);
    run.checkCancel();
    const alike = new Map();
    for (const [resource, { why, fix }] of skipped) {
        if (settings.originCheck === 'required') {
            throw new StopBeforeSending(`origin-check is required, but the origin of resource ${resource} cannot be asked: ${why}; ${fix}.`);
        }
        run.skippedChecks.push({ resource, check: 'origin', why: `${why}; to check it, ${fix}` });
        const reason = `${why}. Its paths are purged and prefetched without it; to check it, ${fix}.`;
        alike.set(reason, [...(alike.get(reason) ?? []), resource]);
    }
    // Said once per reason here (many resources often share one, such as a key that may not read settings);
    // the summary and the CLI's report name each resource from skippedChecks.
    for (const [reason, resources] of alike) {
        const which = resources.length === 1 ? `resource ${resources[0]}` : `each of resources ${resources.join(', ')}`;
        options.logger.notice(`Origin check skipped for ${which}: ${reason}`);
    }
    void check.run();
    return check;
}
/** After the prefetch: does the edge provably serve the origin's file? */
async function verifyStep(run, plan, results, routers) {
    const { settings, options, signal } = run;
    const targets = verifyTargets(run, plan, results, routers);
    if (targets.length === 0 || settings.dryRun || signal.aborted)
        return [];
    return verifyEdges(targets, run.edgeProbe, {
        clock: options.clock,
        logger: options.logger,
        signal,
        timeoutMs: Math.max(0, Math.min(settings.verifyTimeoutMs, run.deadline - options.clock.now())),
        concurrency: settings.verifyConcurrency,
        secrets: run.secrets
    });
}
function reportStep(run, done) {
    const { settings, collected, options } = run;
    const edgeAsked = new Set(done.edge.map(entry => entry.resource));
    const checked = done.plan.resources
        .filter(record => !record.failure)
        .map(record => ({
        id: record.id,
        paths: record.paths,
        origin: done.check?.verdicts(record.id) ?? new Map(),
        edgeAsked: edgeAsked.has(record.id)
    }));
    const report = buildReport(done.plan, done.results, {
        skipped: collected.skipped,
        files: collected.files,
        limits: done.plan.limitLines,
        verify: pathChecks(checked, done.edge),
        skippedChecks: run.skippedChecks,
        resources: resourceReports(done.plan, settings.purge),
        purge: settings.purge,
        dryRun: settings.dryRun,
        cancelled: run.signal.aborted,
        elapsedMs: options.clock.now() - run.startedAt,
        estimateMs: done.plan.estimate,
        notes: run.notes
    });
    options.logger.info(resultSentence(report));
    return { settings, report, verdict: verdictOf(report, settings) };
}
/**
 * Where to check each resource's prefetched paths (its hostname, or the given
 * base URLs), and what each must show: the origin's file, asked again now, or
 * the new file's known size; and when this run's purge of it took effect.
 */
function verifyTargets(run, plan, results, routers) {
    const { verifyUrls } = run.settings;
    if (verifyUrls !== 'auto' && verifyUrls.length === 0)
        return [];
    const targets = [];
    plan.resources.forEach((record, i) => {
        if (record.failure)
            return;
        const baseUrl = verifyUrls !== 'auto'
            ? verifyUrls[verifyUrls.length === 1 ? 0 : i]
            : record.resource
                ? edgeBaseUrl(record.resource)
                : record.givenHostname
                    ? `https://${record.givenHostname}`
                    : null;
        if (!baseUrl) {
            run.say('warning', `verify-url auto: the hostname of resource ${record.id} is unknown (its settings were not read); not verified.`);
            return;
        }
        if (record.hidesCacheHeader) {
            run.say('notice', `Resource ${record.id} hides the Cache header (response_headers_hiding_policy): the edge cannot show it holds a file there.`);
        }
        const own = results.filter(result => result.batch.resource === record.id && result.outcome === 'succeeded');
        const purgedAt = new Map();
        for (const result of own.filter(r => r.batch.operation === 'purge')) {
            const at = result.purgeCreatedAt ?? result.acceptedAt;
            for (const path of result.batch.covers)
                purgedAt.set(path, Math.max(purgedAt.get(path) ?? 0, at ?? 0) || null);
        }
        const router = routers.get(record.id);
        // A resource whose sources refused the runner before is not asked again; its files' known sizes still count.
        const askable = router && !isNotCheckable(router) && !run.skippedChecks.some(skip => skip.resource === record.id) ? router : null;
        const reference = async (path, signal) => {
            const known = run.sizes.get(path) ?? null;
            const route = askable?.(path);
            if (route && !isNotCheckable(route)) {
                const verdict = await askOrigin(route, known, { probe: run.originProbe, signal, secrets: run.secrets });
                if (verdict.state === 'ready')
                    return { size: verdict.size, etag: verdict.etag };
                return known !== null
                    ? { size: known, etag: null }
                    : { size: null, etag: null, missing: verdict.detail ?? 'the origin gave no size' };
            }
            if (known !== null)
                return { size: known, etag: null };
            const why = router && isNotCheckable(router) ? router.why : 'the origin could not be asked';
            return { size: null, etag: null, missing: `${why}, and the new file's size is unknown` };
        };
        targets.push({
            resource: record.id,
            baseUrl,
            paths: own.filter(r => r.batch.operation === 'prefetch').flatMap(r => r.items),
            sliced: path => (record.optionsOf ? record.optionsOf(path).slice : null),
            purgedAt: path => (purgedAt.has(path) ? purgedAt.get(path) : undefined),
            reference
        });
    });
    return targets;
}

// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4942);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
;// CONCATENATED MODULE: ./src/core/http.ts
/**
 * One HTTP exchange through @actions/http-client, with the guarantees the
 * library leaves to its callers:
 *
 * - one deadline for the whole exchange, headers and body: a trickling or
 *   half-finished answer ends at `timeoutMs`, and its socket is destroyed;
 * - a cancel signal that aborts the request in flight at once;
 * - a body cut short (Content-Length promised, connection closed) is an error,
 *   never a promise that does not settle;
 * - at most `maxBodyBytes` of a body are kept: an endless error page cannot
 *   fill the memory or stall the event loop;
 * - no socket outlives its exchange, so a finished run exits at once; only a
 *   ConnectionPool keeps idle connections, for many small requests to the same
 *   hosts (the origin and edge checks), until its owner closes it;
 * - the proxy settings (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, read by the
 *   library for every request alike), and a proxy that refuses, fails or
 *   answers CONNECT with anything but 200 named as the proxy in the error.
 *
 * This is the only module that imports @actions/http-client: the Gcore client,
 * the edge check and GitHub's release lookup all go through it.
 */



class HttpError extends Error {
    failure;
    status;
    code;
    constructor(message, failure, 
    /** The status, when the headers had arrived before the failure. */
    status = null, code) {
        super(message);
        this.failure = failure;
        this.status = status;
        this.code = code;
        this.name = 'HttpError';
    }
}
/**
 * Keep-alive connections for many small requests to the same hosts: a HEAD to
 * each of 1,000 paths at an origin costs one connection setup per socket, not
 * one per request. A request through a proxy goes the library's usual way.
 */
class ConnectionPool {
    agents = {
        'http:': new external_node_http_.Agent({ keepAlive: true, maxSockets: POOL_SOCKETS }),
        'https:': new external_node_https_.Agent({ keepAlive: true, maxSockets: POOL_SOCKETS })
    };
    /** The agent for a direct connection to `url`, or undefined when a proxy applies. */
    agentFor(url) {
        if ((0,lib/* getProxyUrl */.s_)(url))
            return undefined;
        const parsed = new URL(url);
        return parsed.protocol === 'https:' ? this.agents['https:'] : parsed.protocol === 'http:' ? this.agents['http:'] : undefined;
    }
    /** Closes every connection: nothing of the pool keeps the process alive. */
    close() {
        for (const agent of Object.values(this.agents))
            agent.destroy();
    }
}
/** Connections a pool keeps per host and protocol. */
const POOL_SOCKETS = 16;
const USER_AGENT = 'gcore-cdn-prefetch';
/** Sends the request's signal down to node's http.request, uses the pool's agent if any, and unwraps `[::1]`. */
function requestHandler(signal, agent) {
    return {
        prepareRequest(options) {
            options.signal = signal;
            if (agent)
                options.agent = agent;
            // The WHATWG URL keeps IPv6 brackets in `hostname`; node's resolver wants the bare address.
            if (typeof options.host === 'string' && options.host.startsWith('['))
                options.host = options.host.slice(1, -1);
        },
        canHandleAuthentication: () => false,
        handleAuthentication: () => Promise.reject(new Error('not supported'))
    };
}
async function exchange(request, options) {
    const controller = new AbortController();
    let why = null;
    const abort = (reason) => {
        why ??= reason;
        controller.abort();
    };
    if (options.signal?.aborted)
        throw new HttpError('cancelled before it was sent', 'cancelled');
    const onCancel = () => abort('cancelled');
    options.signal?.addEventListener('abort', onCancel, { once: true });
    const timer = setTimeout(() => abort('timeout'), options.timeoutMs);
    const pooled = options.pool?.agentFor(request.url);
    const client = new lib/* HttpClient */.Qq(options.userAgent ?? USER_AGENT, [requestHandler(controller.signal, pooled)], {
        // Our deadline ends the exchange first; the library's idle timer only half-closes a socket.
        socketTimeout: options.timeoutMs + 60_000,
        allowRedirects: false,
        allowRetries: false,
        keepAlive: false
    });
    let message;
    let reusable = false;
    let proxy = null;
    try {
        proxy = proxyFor(request.url);
        const response = await client.request(request.method, request.url, request.body ?? null, request.headers);
        message = response.message;
        const { body, truncated } = await readBody(message, options.maxBodyBytes, controller.signal);
        // A pooled connection whose answer was read to its end goes back to the pool.
        reusable = pooled !== undefined && !truncated && message.complete;
        return { status: message.statusCode ?? 0, headers: message.headers, body, truncated };
    }
    catch (error) {
        const status = message?.statusCode ?? null;
        if (why === 'timeout')
            throw new HttpError(`no complete answer within ${options.timeoutMs / 1000} s (request-timeout)`, 'timeout', status);
        if (why === 'cancelled')
            throw new HttpError('cancelled while the request was in flight', 'cancelled', status);
        if (error instanceof HttpError)
            throw error;
        if (proxy && status === null) {
            const failure = describeProxyFailure(error, proxy);
            if (failure)
                throw failure;
        }
        throw describeNetworkError(error, status);
    }
    finally {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onCancel);
        // Whatever else happened, this exchange's socket goes now.
        if (!reusable)
            message?.socket?.destroy();
        client.dispose();
    }
}
/** Reads up to `max` bytes; rejects when the body ends early or the signal aborts. */
function readBody(message, max, signal) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        let settled = false;
        const finish = (result) => {
            if (settled)
                return;
            settled = true;
            signal.removeEventListener('abort', onAbort);
            if (result instanceof Error)
                reject(result);
            else
                resolve(result);
        };
        const text = () => Buffer.concat(chunks).toString('utf8');
        const onAbort = () => {
            message.destroy();
            finish(new HttpError('aborted', 'cancelled', message.statusCode ?? null));
        };
        if (signal.aborted)
            return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        message.on('data', (chunk) => {
            if (settled)
                return;
            const room = max - size;
            if (chunk.length > room) {
                chunks.push(chunk.subarray(0, room));
                // Settle first: destroy() emits 'aborted' at once, which would report a cut answer.
                finish({ body: text(), truncated: true });
                message.destroy();
                return;
            }
            chunks.push(chunk);
            size += chunk.length;
        });
        message.on('end', () => finish({ body: text(), truncated: false }));
        const cut = () => {
            const expected = message.headers['content-length'];
            const of = expected ? ` of ${expected}` : '';
            finish(new HttpError(`the answer was cut off after ${size}${of} bytes (connection closed)`, 'cut', message.statusCode ?? null));
        };
        message.on('error', cut);
        message.on('aborted', cut);
        message.on('close', () => {
            if (!message.complete)
                cut();
        });
    });
}
function proxyFor(url) {
    const href = (0,lib/* getProxyUrl */.s_)(url);
    if (!href)
        return null;
    const proxy = new URL(href);
    const target = new URL(url);
    const https = target.protocol === 'https:';
    return {
        shown: `${proxy.protocol}//${proxy.host}`,
        variable: https ? 'HTTPS_PROXY' : 'HTTP_PROXY',
        target: `${target.hostname}:${target.port || (https ? 443 : 80)}`
    };
}
/**
 * The tunnel the library opens through a proxy fails with ECONNRESET, whatever
 * the cause: `tunneling socket could not be established, statusCode=502` or
 * `…, cause=connect ECONNREFUSED …`. Said as what it is: the proxy's doing.
 */
function describeProxyFailure(error, proxy) {
    const text = error?.message ?? '';
    const the = `the proxy ${proxy.shown} (${proxy.variable})`;
    const status = /tunneling socket could not be established, statusCode=(\d+)/.exec(text)?.[1];
    if (status) {
        const auth = status === '407' ? ': it wants credentials (http://user:password@host:port in the variable)' : '';
        return new HttpError(`${the} answered HTTP ${status} to CONNECT ${proxy.target}${auth}`, 'network', null, 'EPROXY');
    }
    if (text.startsWith('got illegal response body from proxy')) {
        return new HttpError(`${the} answered CONNECT ${proxy.target} with a body instead of opening the tunnel`, 'network', null, 'EPROXY');
    }
    const cause = /tunneling socket could not be established, cause=(.*)$/s.exec(text)?.[1];
    if (cause === undefined)
        return null;
    if (/ECONNREFUSED/.test(cause))
        return new HttpError(`${the} refused the connection`, 'network', null, 'EPROXY');
    if (/ENOTFOUND|EAI_AGAIN/.test(cause))
        return new HttpError(`${the}: its host was not found`, 'network', null, 'EPROXY');
    if (/socket hang up|ECONNRESET|EPIPE/.test(cause))
        return new HttpError(`${the} closed the connection before it opened the tunnel to ${proxy.target}`, 'network', null, 'EPROXY');
    return new HttpError(`${the} failed: ${cause}`, 'network', null, 'EPROXY');
}
/** Node's codes for a certificate chain it cannot trust: often a proxy that inspects TLS with its own CA. */
const UNTRUSTED_CERTIFICATE = new Set([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'UNABLE_TO_GET_ISSUER_CERT',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
]);
function describeNetworkError(error, status) {
    const err = error;
    const code = err?.code;
    if (code && UNTRUSTED_CERTIFICATE.has(code)) {
        return new HttpError(`the server's certificate is not trusted (${err.message}): a proxy or filter that inspects TLS? Trust its CA with NODE_EXTRA_CA_CERTS`, 'network', status, code);
    }
    switch (code) {
        case 'ECONNREFUSED':
            return new HttpError('connection refused', 'network', status, code);
        case 'ECONNRESET':
        case 'EPIPE':
            return new HttpError(status === null ? 'connection reset' : 'connection reset during the answer', status === null ? 'network' : 'cut', status, code);
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return new HttpError(`host not found (${err.hostname ?? 'unknown host'})`, 'network', status, code);
        default:
            return new HttpError(`network error: ${err?.message ?? String(error)}`, 'network', status, code);
    }
}
/**
 * `fetch` over `exchange`, for a library that takes a fetch of its own (Octokit):
 * its requests then honour the same proxy settings, deadline and body cap, and
 * fail with the same HttpError, as every other request of the run.
 */
function fetchOverExchange(options) {
    return async (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const method = (init?.method ?? 'GET').toUpperCase();
        if (method !== 'GET' && method !== 'HEAD')
            throw new HttpError(`${method} is not sent through this fetch`, 'network');
        const headers = {};
        new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
        const answer = await exchange({ method, url, headers }, { ...options, signal: init?.signal ?? undefined });
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(answer.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value])
                responseHeaders.append(name, one);
        }
        const bodyless = method === 'HEAD' || answer.status === 204 || answer.status === 304;
        return new Response(bodyless ? null : answer.body, { status: answer.status, headers: responseHeaders });
    };
}

;// CONCATENATED MODULE: ./src/core/gcore/client.ts
/**
 * The Gcore CDN API: purge (by URL, by pattern, all), prefetch, and JSON GETs
 * (account limits, purge statuses, resources).
 *
 * One call is one HTTP request: retries and pacing belong to the scheduler.
 * Every failure is a GcoreError whose `kind` says what it means, and whose
 * message carries Gcore's own words, redacted and flattened (see text.ts).
 */



/** What is kept of an error body: enough for any message Gcore writes. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** How much of a foreign answer (a filter's page) is quoted. */
const MAX_EXCERPT_CHARACTERS = 120;
/** What is kept of a JSON answer: a page of 100 purge statuses or 1,000 resources fits. */
const MAX_JSON_BODY_BYTES = 16 * 1024 * 1024;
const ENDPOINT = { prefetch: 'prefetch', url: 'purge', pattern: 'purge', all: 'purge' };
/** The documented bodies: purge by URL takes `urls`; by pattern `paths`; all `paths: []`. */
function requestBody(kind, items) {
    if (kind === 'url')
        return JSON.stringify({ urls: items });
    if (kind === 'all')
        return JSON.stringify({ paths: [] });
    return JSON.stringify({ paths: items });
}
class GcoreClient {
    options;
    constructor(options) {
        this.options = options;
    }
    async send(kind, resourceId, items, signal) {
        const path = `/cdn/resources/${resourceId}/${ENDPOINT[kind]}`;
        const answer = await this.request('POST', path, requestBody(kind, items), MAX_ERROR_BODY_BYTES, signal);
        return readSendAnswer(answer, { items, resourceId, hidden: this.hidden() });
    }
    async getJson(path, signal) {
        const answer = await this.request('GET', path, undefined, MAX_JSON_BODY_BYTES, signal);
        return readJsonAnswer(answer, path, this.hidden());
    }
    async request(method, path, body, maxBodyBytes, signal) {
        const headers = { Authorization: `APIKey ${this.options.apiKey}`, Accept: 'application/json' };
        if (body !== undefined)
            headers['Content-Type'] = 'application/json';
        try {
            return await exchange({ method, url: `${this.options.apiUrl}${path}`, headers, body }, { timeoutMs: this.options.timeoutMs, signal, maxBodyBytes, userAgent: this.options.userAgent });
        }
        catch (error) {
            if (error instanceof HttpError) {
                // A cut answer is unconfirmed even when it said 2xx: sending the same purge
                // or prefetch again is harmless, so it is retried like any network failure.
                const kind = error.failure === 'cancelled' ? 'cancelled' : 'transient';
                const unconfirmed = error.failure === 'cut' || error.failure === 'timeout';
                throw new GcoreError(networkText(error.message, this.hidden()), kind, null, undefined, unconfirmed);
            }
            throw new GcoreError(networkText(`unexpected error: ${error.message}`, this.hidden()), 'transient', null);
        }
    }
    /** The key first, then every other secret known so far. */
    hidden() {
        return [this.options.apiKey, ...(this.options.secrets ?? [])];
    }
}
/**
 * What an answer to a purge or prefetch means: accepted, with Gcore's Date,
 * or a GcoreError. Pure, so that the tests' fake Gcore reads an answer
 * exactly as this client does.
 */
function readSendAnswer(answer, context) {
    if (answer.status < 200 || answer.status >= 300)
        throw failure(answer, context);
    // Gcore answers a purge or a prefetch with no body or JSON; a cut JSON echo of a long list is still JSON.
    const body = answer.body.trimStart();
    if (body === '' || (answer.truncated && /^[[{]/.test(body)) || parsesAsJson(body)) {
        return { status: answer.status, date: headerValue(answer.headers.date) ?? null };
    }
    throw notGcores(answer, context.hidden);
}
/** What an answer to a GET of `path` means: its JSON, or a GcoreError. Pure, as readSendAnswer. */
function readJsonAnswer(answer, path, hidden) {
    const where = `GET ${path.split('?')[0]}`;
    if (answer.status < 200 || answer.status >= 300)
        throw failure(answer, { hidden }, where);
    if (answer.truncated)
        throw new GcoreError(`${where}: the answer is larger than ${MAX_JSON_BODY_BYTES / 1024 / 1024} MiB`, 'rejected', answer.status);
    try {
        return JSON.parse(answer.body);
    }
    catch {
        throw notGcores(answer, hidden, where);
    }
}
function failure(answer, { hidden, items = [], resourceId }, where) {
    const { status } = answer;
    let detail;
    if (status >= 300 && status < 400) {
        detail = `redirect to ${redirectHost(headerValue(answer.headers.location))} not followed, so the key stays with api-url; check api-url`;
    }
    else {
        // Redact before the body is parsed or its tags stripped: a key with `<` or `>` in it
        // would otherwise be cut into pieces too short to recognise.
        detail = describeErrorBody(redact(answer.body, hidden), items);
        if (status === 404 && resourceId !== undefined) {
            detail = `resource ${resourceId} was not found: the key's account has no CDN resource with that ID (check resource-id) (${detail})`;
        }
    }
    const prefix = where ? `${where}: ` : '';
    return new GcoreError(networkText(`${prefix}HTTP ${status}: ${detail}`, hidden), classifyStatus(status), status, headerValue(answer.headers['retry-after']));
}
/**
 * A 2xx whose body is neither empty nor JSON did not come from Gcore's API: a
 * corporate web filter's page, a captive portal, a proxy's own answer. It is a
 * failure of the request, retried like a 5xx (the thing in between may let
 * the next one through), with an excerpt of what it said.
 */
function notGcores(answer, hidden, where) {
    const type = headerValue(answer.headers['content-type'])?.split(';')[0].trim() || 'no Content-Type';
    const said = networkText(htmlText(redact(answer.body, hidden)), hidden, MAX_EXCERPT_CHARACTERS);
    const prefix = where ? `${where}: ` : '';
    return new GcoreError(networkText(`${prefix}HTTP ${answer.status} with a body that is not Gcore's (${type}, not JSON): the answer came from something between you and Gcore: a proxy or filter? It said: "${said}"`, hidden), 'transient', answer.status);
}
function parsesAsJson(text) {
    try {
        JSON.parse(text);
        return true;
    }
    catch {
        return false;
    }
}
function headerValue(value) {
    return Array.isArray(value) ? value[0] : value;
}
function redirectHost(location) {
    try {
        return location ? new URL(location).host || 'the same host' : 'nowhere';
    }
    catch {
        return 'the same host';
    }
}
/**
 * Gcore's error bodies, as documented: `{"message": "..."}`, `{"errors": {"paths": ["..."]}}`
 * or per item `{"errors": {"paths": {"1": ["This field may not be blank."]}}}`. The item
 * form is mapped back to the path that was sent at that index.
 */
function describeErrorBody(text, sent) {
    const body = text.trim();
    if (body === '')
        return 'empty response body';
    let parsed;
    try {
        parsed = JSON.parse(body);
    }
    catch {
        return htmlText(body);
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const { message, errors, detail } = parsed;
        if (typeof message === 'string')
            return message;
        if (typeof detail === 'string')
            return detail;
        if (errors && typeof errors === 'object')
            return describeFieldErrors(errors, sent);
    }
    return body;
}
function describeFieldErrors(errors, sent) {
    const parts = [];
    for (const [field, value] of Object.entries(errors)) {
        if (Array.isArray(value)) {
            parts.push(`${field}: ${value.map(String).join(' ')}`);
        }
        else if (value && typeof value === 'object') {
            for (const [index, messages] of Object.entries(value)) {
                const path = sent[Number(index)];
                const which = path === undefined ? `${field}[${index}]` : `${field}[${index}] ${JSON.stringify(path)}`;
                parts.push(`${which}: ${Array.isArray(messages) ? messages.map(String).join(' ') : String(messages)}`);
            }
        }
        else {
            parts.push(`${field}: ${String(value)}`);
        }
    }
    return parts.join('; ');
}

;// CONCATENATED MODULE: ./src/core/http-network.ts
/**
 * The Network the front ends pass to the engine: Gcore's API through its HTTP
 * client, and the edge and the origin asked directly, all through the one
 * HTTP layer (http.ts: deadlines, body caps, cancel). Tests pass a fake Gcore.
 */


/** An origin that redirects more often than this is answered by its last redirect (a loop, most likely). */
const MAX_ORIGIN_REDIRECTS = 3;
/** A ranged answer is one byte; an edge that ignores the Range is cut off here. */
const MAX_RANGE_BODY_BYTES = 1024;
function header(answer, name) {
    const value = answer.headers[name];
    return (Array.isArray(value) ? value[0] : value) ?? null;
}
/** A Content-Length that is a whole number of bytes, else unknown. */
function contentLength(answer) {
    const text = header(answer, 'content-length');
    if (text === null || !/^\s*\d+\s*$/.test(text))
        return null;
    const length = Number(text);
    return Number.isSafeInteger(length) ? length : null;
}
/** `text/html; charset=utf-8` → `text/html`. */
function mediaType(answer) {
    return header(answer, 'content-type')?.split(';')[0].trim().toLowerCase() || null;
}
function edgeAnswer(answer) {
    return {
        status: answer.status,
        cache: header(answer, 'cache') ?? header(answer, 'x-cache') ?? undefined,
        contentLength: contentLength(answer),
        etag: header(answer, 'etag'),
        cachedSince: header(answer, 'x-cached-since'),
        date: header(answer, 'date'),
        contentRange: header(answer, 'content-range'),
        contentType: mediaType(answer)
    };
}
/** The edge and the origin are asked about many paths on one host: their connections are kept for the next request. */
function httpEdgeProbe(timeoutMs) {
    const pool = new ConnectionPool();
    return {
        async head(url, signal) {
            return edgeAnswer(await exchange({ method: 'HEAD', url, headers: {} }, { timeoutMs, signal, maxBodyBytes: 0, pool }));
        },
        async lastByte(url, signal) {
            const answer = await exchange({ method: 'GET', url, headers: { Range: 'bytes=-1' } }, { timeoutMs, signal, maxBodyBytes: MAX_RANGE_BODY_BYTES, pool });
            return edgeAnswer(answer);
        },
        close: () => pool.close()
    };
}
function httpOriginProbe(timeoutMs) {
    const pool = new ConnectionPool();
    return {
        close: () => pool.close(),
        async head(url, host, signal) {
            let target = url;
            let hostHeader = host;
            for (let hop = 0;; hop++) {
                const answer = await exchange({ method: 'HEAD', url: target, headers: hostHeader ? { Host: hostHeader } : {} }, { timeoutMs, signal, maxBodyBytes: 0, pool });
                const location = header(answer, 'location');
                if (answer.status < 300 || answer.status >= 400 || !location || hop === MAX_ORIGIN_REDIRECTS) {
                    return {
                        status: answer.status,
                        contentLength: contentLength(answer),
                        etag: header(answer, 'etag'),
                        contentType: mediaType(answer),
                        redirects: hop
                    };
                }
                const next = new URL(location, target);
                // A redirect elsewhere is asked as any client would, with that host's own Host header.
                if (next.host !== new URL(target).host)
                    hostHeader = null;
                target = next.href;
            }
        }
    };
}
const httpNetwork = {
    api: options => new GcoreClient(options),
    edge: httpEdgeProbe,
    origin: httpOriginProbe
};

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/core/paths/node-file-source.ts
/**
 * The FileSource on the real file system. Globbing uses tinyglobby, loaded only
 * when `files` is used: @actions/glob takes about 50 × as long as `find` on a
 * tree of 100,000 files, tinyglobby about 2 × (see `npm run bench`).
 */


/** A directory that is not there is no news; any other failure to list one leaves files out. */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);
const nodeFileSource = {
    async glob(patterns, cwd, onUnreadable) {
        const { glob } = await __webpack_require__.e(/* import() */ 382).then(__webpack_require__.bind(__webpack_require__, 3382));
        // tinyglobby skips a directory it cannot list, silently: its readdir is watched to say which.
        const watched = ((path, options, callback) => (0,external_node_fs_.readdir)(path, options, (error, entries) => {
            if (error && !ABSENT.has(error.code ?? ''))
                onUnreadable?.(path, error.code ?? error.message);
            callback(error, entries);
        }));
        return glob(patterns, {
            cwd,
            onlyFiles: true,
            dot: false,
            expandDirectories: false,
            followSymbolicLinks: true,
            ...(onUnreadable ? { fs: { readdir: watched } } : {})
        });
    },
    async kind(path) {
        const info = await (0,promises_.stat)(path).catch(() => null);
        if (info?.isFile())
            return 'file';
        if (info?.isDirectory())
            return 'directory';
        return 'missing';
    },
    async size(path) {
        return (await (0,promises_.stat)(path)).size;
    },
    async readBytes(path) {
        return (0,promises_.readFile)(path);
    }
};

;// CONCATENATED MODULE: ./src/core/report/json.ts
/**
 * The report as the action's outputs: the same names (kebab-case) for the step
 * outputs and the CLI's `--json`, typed here, stringified by the action.
 */

/** GitHub caps one output at 1 MB; past this a JSON output is shortened and the report file is complete. */
const OUTPUT_BUDGET_BYTES = (/* unused pure expression or super */ null && (900 * 1000));
const OUTPUT_NAMES = (/* unused pure expression or super */ null && ([
    'result',
    'total-count',
    'prefetched-count',
    'purged-count',
    'failed-count',
    'failed-paths',
    'failed-paths-file',
    'skipped-count',
    'skipped-paths',
    'verified-count',
    'verify',
    'batches',
    'resources',
    'report-file'
]));
/** Every output with its natural JSON type; the files' paths where they were written ('' where not). */
function outputFields(report, reportFile, failedPathsFile = '') {
    return {
        result: report.result,
        'total-count': report.totalCount,
        'prefetched-count': report.prefetchedCount,
        'purged-count': report.purgedCount,
        'failed-count': report.failedCount,
        'failed-paths': report.failedPaths,
        'failed-paths-file': failedPathsFile,
        'skipped-count': report.skippedCount,
        'skipped-paths': report.skippedPaths,
        'verified-count': report.verifiedCount,
        verify: report.verify,
        batches: report.batches,
        resources: report.resources.map(resource => ({
            id: resource.id,
            hostname: resource.hostname,
            state: resource.state,
            slice: resource.slice,
            'purge-kind': resource.purgeKind,
            paths: resource.paths
        })),
        'report-file': reportFile
    };
}
/** A JSON array of `items` that fits in `budget` bytes: as many leading items as fit, measured one by one. */
function jsonArrayWithin(items, budget) {
    // Each kept item costs its text and one separator; the brackets cost two.
    const { kept, cut } = fitLines(items, item => JSON.stringify(item), budget - 2);
    return { json: `[${kept.join(',')}]`, cut };
}
/**
 * The failed paths as `paths-file` reads them, in pieces: one path per line. A
 * CDN path holds no line break or leading `[`, so the file reads back exactly.
 */
function* failedPathsChunks(report) {
    const CHUNK = 1000;
    for (let start = 0; start < report.failedPaths.length; start += CHUNK) {
        yield `${report.failedPaths.slice(start, start + CHUNK).join('\n')}\n`;
    }
}
/**
 * The report as pretty JSON, in pieces: a long array is written CHUNK items at
 * a time, so the report of 100,000 paths never exists as one string.
 */
function* reportJsonChunks(report) {
    const CHUNK = 100;
    const entries = Object.entries(report);
    yield '{\n';
    for (const [i, [key, value]] of entries.entries()) {
        const comma = i < entries.length - 1 ? ',' : '';
        if (Array.isArray(value) && value.length > CHUNK) {
            yield `  ${JSON.stringify(key)}: [\n`;
            for (let start = 0; start < value.length; start += CHUNK) {
                const part = value.slice(start, start + CHUNK).map(item => `    ${JSON.stringify(item)}`);
                yield `${part.join(',\n')}${start + CHUNK < value.length ? ',' : ''}\n`;
            }
            yield `  ]${comma}\n`;
        }
        else {
            yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
        }
    }
    yield '}\n';
}
/**
 * The step outputs as strings. An oversized JSON output stays valid but
 * shortened: `batches` first drops its path lists, then trailing records; the
 * path lists keep the paths that fit. The report file has it all.
 */
function stepOutputs(report, reportFile, failedPathsFile = '') {
    const fields = outputFields(report, reportFile, failedPathsFile);
    const notes = [];
    const values = {};
    for (const name of OUTPUT_NAMES) {
        const value = fields[name];
        if (!Array.isArray(value)) {
            values[name] = String(value);
            continue;
        }
        let fit = jsonArrayWithin(value, OUTPUT_BUDGET_BYTES);
        if (fit.cut && name === 'batches') {
            fit = jsonArrayWithin(report.batches.map(record => ({ ...record, paths: [] })), OUTPUT_BUDGET_BYTES);
            notes.push(`batches leaves out the path lists${fit.cut ? ` and the last ${fit.cut} of ${value.length} batches` : ''} (GitHub's output limit); report-file has them.`);
        }
        else if (fit.cut && name === 'failed-paths' && failedPathsFile) {
            notes.push(`failed-paths lists the first ${value.length - fit.cut} of ${value.length} paths (GitHub's output limit); all are in failed-paths-file, one per line, for paths-file.`);
        }
        else if (fit.cut) {
            notes.push(`${name} lists the first ${value.length - fit.cut} of ${value.length} entries (GitHub's output limit); all are in report-file.`);
        }
        values[name] = fit.json;
    }
    return { values, notes };
}

;// CONCATENATED MODULE: ./src/host/signals.ts
/**
 * Handles SIGINT and SIGTERM from now on. `onCancel` is told of the first;
 * without it, read `received()` and the signal's `abort` event (the action
 * installs the handlers before its bundle loads, and says so once it has).
 */
function cancelOnSignals(onCancel) {
    const controller = new AbortController();
    let first = null;
    const handle = (signal) => {
        if (first)
            return;
        first = signal;
        onCancel?.(signal);
        controller.abort();
    };
    const onInt = () => handle('SIGINT');
    const onTerm = () => handle('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return {
        signal: controller.signal,
        received: () => first,
        dispose() {
            process.off('SIGINT', onInt);
            process.off('SIGTERM', onTerm);
        }
    };
}
/**
 * Once the report is out, nothing may keep the process alive: a socket the
 * server never closes, a timer of a library. This exits after `graceMs` only
 * if something still holds the event loop; otherwise the process ends at once.
 */
function exitWhenIdle(graceMs = 1000) {
    setTimeout(() => process.exit(), graceMs).unref();
}

// EXTERNAL MODULE: ./src/cli/args.ts
var cli_args = __webpack_require__(7593);
;// CONCATENATED MODULE: ./src/core/paths/github-rest.ts
/**
 * GitHub's REST API for a release's assets, through the one HTTP layer
 * (core/http.ts: one deadline per request, body caps, and the proxy settings
 * every request honours), for both front ends: the action on `release-tag`,
 * the CLI on `--release-tag`. What to look up and what a failure means is the
 * release policy's (release.ts); this says only what GitHub answered.
 *
 * An answer that is not GitHub's JSON (a web filter's page behind a 200) or
 * not of the expected shape is a ReleaseReadError that says so, never a crash.
 */



/** A page of 100 assets is about 200 kB of JSON. */
const MAX_PAGE_BYTES = 8 * 1024 * 1024;
const PER_PAGE = 100;
/** A release holds at most 1,000 assets; pages past that are a loop, not a release. */
const github_rest_MAX_PAGES = 20;
/** The calls against `apiUrl` (GITHUB_API_URL: https://api.github.com, or a GHES server's `/api/v3`) with `token`. */
function githubRestReleases(apiUrl) {
    const api = apiUrl.replace(/\/+$/, '');
    return token => {
        const get = async (url, signal) => {
            // `token`, as Octokit sends it: every GitHub and GHES version reads it.
            const headers = { Accept: 'application/vnd.github+json', Authorization: `token ${token}`, 'X-GitHub-Api-Version': '2022-11-28' };
            const answer = await exchange({ method: 'GET', url, headers }, { timeoutMs: RELEASE_LOOKUP_TIMEOUT_MS, signal, maxBodyBytes: MAX_PAGE_BYTES });
            const where = `GET ${new URL(url).pathname}`;
            if (answer.status < 200 || answer.status >= 300)
                throw new ReleaseReadError(`${where}: HTTP ${answer.status}`, answer.status);
            try {
                return { body: JSON.parse(answer.body), next: nextPage(answer, api) };
            }
            catch {
                throw notGitHubs(answer, where, token);
            }
        };
        return {
            async releaseIdByTag(owner, repo, tag, signal) {
                const { body } = await get(`${api}/repos/${owner}/${repo}/releases/tags/${encodeURIComponent(tag)}`, signal);
                const id = body?.id;
                if (typeof id !== 'number')
                    throw new ReleaseReadError('the release answer has no numeric id');
                return id;
            },
            async assets(owner, repo, releaseId, signal) {
                const assets = [];
                let url = `${api}/repos/${owner}/${repo}/releases/${releaseId}/assets?per_page=${PER_PAGE}`;
                for (let page = 0; url && page < github_rest_MAX_PAGES; page++) {
                    const { body, next } = await get(url, signal);
                    if (!Array.isArray(body) || body.some(item => typeof item?.name !== 'string' || typeof item?.size !== 'number')) {
                        throw new ReleaseReadError('the assets answer is not a list of assets');
                    }
                    assets.push(...body.map(item => ({ name: item.name, size: item.size })));
                    url = next;
                }
                return assets;
            }
        };
    };
}
/** A release's assets by tag in `repository` (owner/repo), as the release policy asks for them. */
function assetsByTag(repository, calls) {
    return async (tag, token, signal) => {
        const [owner, repo] = repository.split('/');
        const api = calls(token);
        try {
            const assets = await api.assets(owner, repo, await api.releaseIdByTag(owner, repo, tag, signal), signal);
            return assets.map(asset => ({ name: asset.name, size: asset.size }));
        }
        catch (error) {
            if (error instanceof ReleaseReadError)
                throw error;
            const status = error.status;
            throw new ReleaseReadError(error?.message ?? String(error), typeof status === 'number' ? status : null);
        }
    };
}
/** The `rel="next"` URL of the Link header, when it is on the API's own origin (the token goes nowhere else). */
function nextPage(answer, api) {
    const link = answer.headers.link;
    const next = (Array.isArray(link) ? link.join(',') : (link ?? '')).split(',').find(part => /;\s*rel="?next"?/.test(part));
    const url = next && /<([^>]+)>/.exec(next)?.[1];
    if (!url)
        return null;
    try {
        return new URL(url).origin === new URL(api).origin ? url : null;
    }
    catch {
        return null;
    }
}
function notGitHubs(answer, where, token) {
    const type = Array.isArray(answer.headers['content-type']) ? answer.headers['content-type'][0] : answer.headers['content-type'];
    return notGitHubsAnswer(where, answer.status, type ?? null, answer.body, token);
}
/** An answer that is not GitHub's JSON (a web filter's page behind a 200), said as what it is, with a short, neutralised excerpt. */
function notGitHubsAnswer(where, status, contentType, body, token) {
    const type = contentType?.split(';')[0];
    const said = networkText(htmlText(redact(body, [token])), [token], 120);
    return new ReleaseReadError(`${where}: HTTP ${status} with a body that is not GitHub's (${type || 'no Content-Type'}, not JSON): the answer came from something between you and GitHub: a proxy or filter? It said: "${said}"`);
}

;// CONCATENATED MODULE: ./src/cli/release.ts
/**
 * GitHub's releases for the CLI: by tag from the REST API through the one HTTP
 * layer (core/paths/github-rest.ts, as the action does), never from an event.
 * What to look up and what a failure means is core's (paths/release.ts).
 */

function githubReleases(env) {
    const repository = env.GITHUB_REPOSITORY ?? '';
    return {
        event: '',
        eventRelease: null,
        repository,
        assetsByTag: assetsByTag(repository, githubRestReleases(env.GITHUB_API_URL ?? 'https://api.github.com'))
    };
}

;// CONCATENATED MODULE: ./src/cli/run.ts
/**
 * The engine as a command, for other CI systems and laptops:
 *
 *   GCORE_API_KEY=… npx gcore-cdn-prefetch --resource-id 123 --paths-file list.txt --purge auto
 *
 * Logs go to stderr; the report to stdout (text, or `--json`); the exit code
 * says how it went.
 */











/** A line per fact; failed paths listed in full (a terminal can scroll). */
function textReport(report) {
    const lines = [`Result: ${resultSentence(report)}`];
    if (!report.dryRun)
        lines.push(`Time: ${formatDuration(report.elapsedMs)} (estimate ${formatDuration(report.estimateMs)})`);
    if (report.limits.length)
        lines.push(`Limits: ${report.limits.join(', ')}`);
    for (const resource of report.resources) {
        const kinds = resource.purgeKinds.map(entry => `${entry.kind} ${entry.paths}`).join(', ');
        lines.push(`Resource ${resource.id}${resource.hostname ? ` (${resource.hostname})` : ''}: ${resource.state}${resource.slice ? ', slice on' : ''}${kinds ? `, purge ${kinds}` : ''}${resource.error ? `: ${resource.error}` : ''}`);
    }
    if (report.batches.length)
        lines.push('Batches:');
    for (const batch of report.batches) {
        const request = batch.kind === 'prefetch' ? 'prefetch' : `purge/${batch.kind}`;
        lines.push(`  ${request.padEnd(13)} resource ${batch.resource}  #${String(batch.index).padEnd(4)} ${String(batch.paths.length).padStart(3)} items  ` +
            `${batch.outcome.padEnd(13)} ${batch.status ?? '-'}  ${batch.attempts} ${batch.attempts === 1 ? 'attempt' : 'attempts'}${batch.error ? `  ${batch.error}` : ''}`);
    }
    for (const skip of report.skippedChecks)
        lines.push(`Origin check skipped for resource ${skip.resource}: ${skip.why}`);
    const origin = report.verify.filter(entry => entry.origin);
    if (origin.length) {
        const notReady = origin.filter(entry => entry.origin.state !== 'ready');
        lines.push(`Origin: the new file was there for ${origin.length - notReady.length} of ${origin.length} paths before the purge`);
        for (const entry of notReady)
            lines.push(`  ${entry.origin.state.padEnd(9)} resource ${entry.resource}  ${entry.path}  ${entry.origin.detail ?? ''}`);
    }
    if (report.verify.some(entry => entry.edge)) {
        lines.push(`Edge: the edge serves the origin's file for ${report.verifiedCount} of ${report.verify.length} paths`);
        for (const entry of report.verify.filter(check => !check.verified)) {
            lines.push(`  ${entry.result.padEnd(10)} resource ${entry.resource}  ${entry.path}  ${entry.error ?? ''}`);
        }
    }
    for (const note of report.notes)
        lines.push(`Note: ${note}`);
    if (report.failedPaths.length)
        lines.push('Failed paths:', ...report.failedPaths.map(path => `  ${path}`));
    return lines.join('\n');
}
/** Logs on stderr; a secret an answer carried is masked in every line after it is known. */
function stderrLogger(verbose) {
    const secrets = [];
    const write = (line) => void process.stderr.write(`${secrets.length ? redact(line, secrets) : line}\n`);
    return {
        info: message => write(message),
        notice: message => write(`notice: ${message}`),
        warning: message => write(`warning: ${message}`),
        debug: message => (verbose ? write(`debug: ${message}`) : undefined),
        group(title, lines) {
            write(title);
            if (verbose)
                for (const line of lines)
                    write(`    ${line}`);
        },
        secret: value => void secrets.push(value)
    };
}
async function runCommand(args, env) {
    const cancellation = cancelOnSignals(() => process.stderr.write('Cancelling: sending nothing more, aborting what is in flight, reporting what is left\n'));
    try {
        const outcome = await warm({
            getInput: (0,cli_args/* inputReader */.cN)(args.inputs, env),
            logger: stderrLogger(args.verbose),
            clock: systemClock,
            files: nodeFileSource,
            network: httpNetwork,
            releases: githubReleases(env),
            signal: cancellation.signal,
            workspace: process.cwd(),
            name: cli_args/* flagName */.GI,
            environment: env
        });
        const { report, verdict } = outcome;
        if (outcome.inputError) {
            process.stderr.write(`error: ${outcome.inputError.describe(cli_args/* flagName */.GI)}\n`);
            if (args.json)
                process.stdout.write(`${JSON.stringify({ ...outputFields(report, ''), report }, null, 2)}\n`);
            return cli_args/* EXIT_CODES */.ai.usage;
        }
        process.stdout.write(`${args.json ? JSON.stringify({ ...outputFields(report, ''), report }, null, 2) : textReport(report)}\n`);
        if (outcome.unexpected && args.verbose)
            process.stderr.write(`${outcome.unexpected?.stack ?? ''}\n`);
        if (report.cancelled)
            return cli_args/* EXIT_CODES */.ai.cancelled;
        if (verdict.failed)
            process.stderr.write(`error: ${verdict.message}\n`);
        // Nothing to send and --if-no-paths error: a usage problem, like a bad flag.
        if (verdict.failed && report.totalCount === 0)
            return cli_args/* EXIT_CODES */.ai.usage;
        return verdict.failed ? cli_args/* EXIT_CODES */.ai.failed : cli_args/* EXIT_CODES */.ai.success;
    }
    finally {
        cancellation.dispose();
        exitWhenIdle();
    }
}


/***/ })

};
