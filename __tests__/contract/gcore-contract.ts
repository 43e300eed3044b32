/**
 * The Gcore contract: what the engine may rely on of Gcore's API and edge,
 * asserted through the engine's own Network port. One suite, run against every
 * Gcore the tests use, as unstorage runs one `testDriver` against every driver:
 *
 * - fake.contract.test.ts: the in-process fake (support/fake-gcore.ts) on a fake clock;
 * - emulator.contract.test.ts: the emulator over real HTTP, through httpNetwork.
 *
 * A case that holds for one and not the other is drift, and fails here. Time
 * is counted in rate windows (a minute of fake time, a second of real time),
 * so the same assertions hold on both clocks. The edge, the origin groups and
 * their sources are asked as verification and the origin check ask them.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { GcoreError, type FailureKind } from '../../src/core/gcore/errors.js'
import { readAccountLimits, resolveLimits } from '../../src/core/gcore/limits.js'
import { findPurge } from '../../src/core/gcore/purge-status.js'
import { parseOriginGroup } from '../../src/core/gcore/origin-group.js'
import { parseGcoreTime } from '../../src/core/gcore/time.js'
import { listOf, parseResource, withHostname } from '../../src/core/gcore/resource.js'
import type { GcoreApi, Network, RequestKind } from '../../src/core/ports.js'
import type { Fault, FaultOperation, FaultRule, NewFile } from '../../emulator/gcore-emulator.js'
import type { FakeGcoreOptions } from '../support/fake-gcore.js'
import { RESOURCES, VIDEOS_RULE } from '../support/resources.js'

const CONTRACT_KEY = 'contract-k3y $ "quoted"'
const RESTRICTED_KEY = 'purge-and-prefetch-only'
const MiB = 1024 * 1024

/** A Gcore under test, seen only through the port the engine uses. */
interface GcoreSubject {
  network: Network
  apiUrl: string
  /** The base URL at which the edge answers for a resource. */
  edgeBase(resource: number): Promise<string>
  inject(rule: FaultRule): void
  /** A new version at the origin (every source, each after its own lag). */
  publish(path: string, file: NewFile): void
  /** Waits that long on the subject's clock. */
  wait(ms: number): Promise<void>
  stop(): Promise<void>
}

/** The options both Gcores take, but the window each sets itself. */
type ContractOptions = Omit<FakeGcoreOptions, 'clock' | 'windowMs'>

export interface ContractTarget {
  name: string
  /** One rate window: a minute on a fake clock, a second on a real one. */
  windowMs: number
  start(options: ContractOptions): Promise<GcoreSubject>
}

/** A timeout short enough for real time, for the cases that wait for one. */
const SHORT_TIMEOUT_MS = 300

export function gcoreContract(target: ContractTarget): void {
  const { windowMs } = target
  let subject: GcoreSubject | undefined

  async function start(options: Partial<ContractOptions> = {}): Promise<GcoreSubject> {
    subject = await target.start({ apiKey: CONTRACT_KEY, restrictedKeys: [RESTRICTED_KEY], ...options })
    return subject
  }
  afterEach(async () => {
    await subject?.stop()
    subject = undefined
  })

  const apiOf = (gcore: GcoreSubject, options: { key?: string; timeoutMs?: number } = {}): GcoreApi =>
    gcore.network.api({ apiUrl: gcore.apiUrl, apiKey: options.key ?? CONTRACT_KEY, timeoutMs: options.timeoutMs ?? 5000, secrets: [] })

  /** The GcoreError a call rejects with, as the engine reads it. */
  async function failureOf(
    call: Promise<unknown>
  ): Promise<Pick<GcoreError, 'kind' | 'status' | 'message' | 'retryAfter' | 'unconfirmed'>> {
    const error = await call.then(
      value => new Error(`resolved with ${JSON.stringify(value)}`),
      (caught: unknown) => caught
    )
    expect(error).toBeInstanceOf(GcoreError)
    const { kind, status, message, retryAfter, unconfirmed } = error as GcoreError
    return { kind, status, message, retryAfter, unconfirmed }
  }
  const refused = (kind: FailureKind, status: number | null, message: string) => ({ kind, status, message })

  describe(`${target.name}: what the engine may rely on of Gcore`, () => {
    describe('the key', () => {
      it('a key Gcore does not know is refused with 401 on every endpoint the engine uses', async () => {
        const api = apiOf(await start(), { key: 'not-a-key' })
        const auth = 'HTTP 401: Invalid authentication credentials.'
        for (const path of [
          '/cdn/clients/me/limits',
          '/cdn/resources/1',
          '/cdn/resources/1/rules',
          '/cdn/resources?cname=x.example.com',
          '/cdn/purge_statuses'
        ]) {
          expect(await failureOf(api.getJson(path))).toMatchObject(refused('auth', 401, `GET ${path.split('?')[0]}: ${auth}`))
        }
        for (const kind of ['prefetch', 'url', 'pattern', 'all'] as const) {
          expect(await failureOf(api.send(kind, 1, ['/a.iso']))).toMatchObject(refused('auth', 401, auth))
        }
      })

      it('a "Purge and Prefetch only" key may purge, prefetch and read limits and purge statuses, and gets 403 on resources', async () => {
        const api = apiOf(await start(), { key: RESTRICTED_KEY })
        const forbidden = 'HTTP 403: You do not have permission to perform this action.'
        for (const path of ['/cdn/resources/1', '/cdn/resources/1/rules', '/cdn/resources']) {
          expect(await failureOf(api.getJson(path))).toMatchObject(refused('forbidden', 403, `GET ${path}: ${forbidden}`))
        }
        await expect(api.send('prefetch', 1, ['/a.iso'])).resolves.toMatchObject({ status: 201 })
        await expect(api.send('url', 1, ['/a.iso'])).resolves.toMatchObject({ status: 201 })
        await expect(api.getJson('/cdn/clients/me/limits')).resolves.toHaveProperty('prefetch_request_limit')
        await expect(api.getJson('/cdn/purge_statuses')).resolves.toHaveLength(1)
      })
    })

    describe('resources', () => {
      it('a resource and its rules come in the shape the engine reads', async () => {
        const api = apiOf(await start({ resources: RESOURCES }))
        const read = async (id: number) =>
          parseResource(await api.getJson(`/cdn/resources/${id}`), await api.getJson(`/cdn/resources/${id}/rules`))
        const sliced = await read(10)
        expect(sliced).toMatchObject({
          id: 10,
          hostname: 'cdn.example.com',
          secondaryHostnames: ['Files.Example.com'],
          status: 'active',
          active: true,
          deleted: false,
          suspended: false,
          sslEnabled: false,
          canPurgeByUrls: true,
          options: { slice: { enabled: true, value: true } }
        })
        expect(sliced.rules).toMatchObject([{ id: 7, rule: '^/videos/', ruleType: 0, weight: 1, options: VIDEOS_RULE.options }])
        expect(await read(11)).toMatchObject({
          hostname: 'static.example.org',
          sslEnabled: true,
          canPurgeByUrls: false,
          rules: [{ id: 7 }]
        })
        expect(await read(12)).toMatchObject({ status: 'suspended', suspended: true, active: false })
        // Rules, paged: what listOf reads.
        const page = await api.getJson('/cdn/resources/10/rules?limit=1')
        expect(page).toMatchObject({ count: 1, next: null, previous: null })
        expect(listOf(page)).toMatchObject([{ id: 7 }])
      })

      it('resources are found by hostname, main then secondary, whatever its case', async () => {
        const api = apiOf(await start({ resources: RESOURCES }))
        const ids = async (field: 'cname' | 'secondaryHostnames', host: string) =>
          withHostname(listOf(await api.getJson(`/cdn/resources?${field}=${encodeURIComponent(host)}&limit=1000`)), host, field)
        expect(await ids('cname', 'CDN.example.com')).toEqual([10])
        expect(await ids('cname', 'files.example.com')).toEqual([])
        expect(await ids('secondaryHostnames', 'files.example.com')).toEqual([10])
        expect(await ids('cname', 'example.com')).toEqual([])
      })

      it('only the resources given exist: any other ID is 404 to reads and writes, deleted ones to writes', async () => {
        const api = apiOf(await start({ resources: RESOURCES }))
        expect(await failureOf(api.getJson('/cdn/resources/99'))).toMatchObject(
          refused('not-found', 404, 'GET /cdn/resources/99: HTTP 404: Not found.')
        )
        expect(await failureOf(api.getJson('/cdn/resources/99/rules'))).toMatchObject({ kind: 'not-found', status: 404 })
        const missing = (id: number) =>
          `HTTP 404: resource ${id} was not found: the key's account has no CDN resource with that ID (check resource-id) (Not found.)`
        expect(await failureOf(api.send('prefetch', 99, ['/a.iso']))).toMatchObject(refused('not-found', 404, missing(99)))
        expect(await failureOf(api.send('all', 13, []))).toMatchObject(refused('not-found', 404, missing(13)))
      })

      it('without resources given, every ID exists with the defaults', async () => {
        const api = apiOf(await start())
        expect(parseResource(await api.getJson('/cdn/resources/123456'))).toMatchObject({
          id: 123456,
          hostname: 'cdn123456.example.com',
          status: 'active',
          canPurgeByUrls: true,
          sslEnabled: false,
          rules: []
        })
        expect(
          withHostname(listOf(await api.getJson('/cdn/resources?cname=cdn202.example.com&limit=1000')), 'cdn202.example.com', 'cname')
        ).toEqual([202])
      })

      it('a suspended resource refuses purge and prefetch with a 400 that says so', async () => {
        const api = apiOf(await start({ resources: RESOURCES }))
        expect(await failureOf(api.send('prefetch', 12, ['/a.iso']))).toMatchObject(
          refused('rejected', 400, 'HTTP 400: CDN resource 12 is suspended. Activate it before purging or prefetching.')
        )
      })
    })

    describe('purge and prefetch bodies', () => {
      it('a prefetch and each kind of purge are accepted with 201', async () => {
        const api = apiOf(await start())
        for (const [kind, resource, items] of [
          ['prefetch', 1, ['/a.iso']],
          ['url', 2, ['/a.iso', '/b.iso?v=1']],
          ['pattern', 3, ['/v/*', '/w/']],
          ['all', 4, []]
        ] as [RequestKind, number, string[]][]) {
          await expect(api.send(kind, resource, items)).resolves.toMatchObject({ status: 201 })
        }
      })

      it('lists over the limits, blank items and bad patterns are refused with 400, naming what is wrong', async () => {
        const api = apiOf(await start({ maxPrefetchPaths: 3, maxPurgeUrls: 2, maxPurgePatterns: 1 }))
        const rejected = (message: string) => refused('rejected', 400, message)
        expect(await failureOf(api.send('prefetch', 1, ['/a', '/b', '/c', '/d']))).toMatchObject(
          rejected('HTTP 400: paths: Ensure this field has no more than 3 elements.')
        )
        expect(await failureOf(api.send('prefetch', 1, ['/a', ' ']))).toMatchObject(
          rejected('HTTP 400: paths[1] " ": This field may not be blank.')
        )
        expect(await failureOf(api.send('url', 1, ['/a', '/b', '/c']))).toMatchObject(
          rejected('HTTP 400: urls: Ensure this field has no more than 2 elements.')
        )
        expect(await failureOf(api.send('url', 1, ['/a*']))).toMatchObject(
          rejected('HTTP 400: urls: URL should start with / and contain no domain or *: /a*')
        )
        expect(await failureOf(api.send('pattern', 1, ['/a', '/b']))).toMatchObject(
          rejected('HTTP 400: paths: Ensure this field has no more than 1 elements.')
        )
        expect(await failureOf(api.send('pattern', 1, ['/v/*/a.iso']))).toMatchObject(
          rejected('HTTP 400: paths: The * wildcard is allowed only at the end of a pattern: /v/*/a.iso')
        )
        expect(await failureOf(api.send('pattern', 1, ['v/']))).toMatchObject(rejected('HTTP 400: paths: A path should start with /.'))
      })

      it('purge by URL is refused where can_purge_by_urls is false, a pattern purge is not', async () => {
        const api = apiOf(await start({ resources: [{ id: 1, can_purge_by_urls: false }] }))
        expect(await failureOf(api.send('url', 1, ['/a.iso']))).toMatchObject(
          refused('rejected', 400, 'HTTP 400: urls: Purge by URLs is not allowed. To purge by URLs, contact support.')
        )
        await expect(api.send('pattern', 1, ['/a.iso'])).resolves.toMatchObject({ status: 201 })
      })
    })

    describe('rate lanes, per resource and window', () => {
      const throttled = refused('rate-limited', 429, 'HTTP 429: Request was throttled.')

      it('one prefetch, two purges by URL, and one purge by pattern or all (they share a lane); then 429', async () => {
        const api = apiOf(await start())
        await expect(api.send('prefetch', 5, ['/a'])).resolves.toMatchObject({ status: 201 })
        expect(await failureOf(api.send('prefetch', 5, ['/a']))).toMatchObject(throttled)
        await expect(api.send('url', 5, ['/a'])).resolves.toMatchObject({ status: 201 })
        await expect(api.send('url', 5, ['/b'])).resolves.toMatchObject({ status: 201 })
        expect(await failureOf(api.send('url', 5, ['/c']))).toMatchObject(throttled)
        await expect(api.send('pattern', 5, ['/v/'])).resolves.toMatchObject({ status: 201 })
        expect(await failureOf(api.send('all', 5, []))).toMatchObject(throttled)
        expect(await failureOf(api.send('pattern', 5, ['/w/']))).toMatchObject(throttled)
        // Another resource has lanes of its own.
        await expect(api.send('all', 6, [])).resolves.toMatchObject({ status: 201 })
        await expect(api.send('prefetch', 6, ['/a'])).resolves.toMatchObject({ status: 201 })
      })

      it('a lane is free again once its window has passed', async () => {
        const gcore = await start()
        const api = apiOf(gcore)
        await expect(api.send('all', 5, [])).resolves.toMatchObject({ status: 201 })
        expect(await failureOf(api.send('pattern', 5, ['/v/']))).toMatchObject(throttled)
        await gcore.wait(windowMs + 50)
        await expect(api.send('pattern', 5, ['/v/'])).resolves.toMatchObject({ status: 201 })
      })

      it('only accepted requests take a slot: a refused body does not', async () => {
        const api = apiOf(await start())
        expect(await failureOf(api.send('prefetch', 5, ['']))).toMatchObject({ kind: 'rejected', status: 400 })
        await expect(api.send('prefetch', 5, ['/a'])).resolves.toMatchObject({ status: 201 })
      })
    })

    describe("the account's limits", () => {
      it('are those the options set, in a form the engine reads', async () => {
        const gcore = await start({
          rates: { prefetch: 2, purge_by_url: 4, purge_by_pattern: 1 },
          maxPrefetchPaths: 40,
          maxPurgeUrls: 50,
          maxPurgePatterns: 5
        })
        const read = await readAccountLimits(apiOf(gcore), { sleep: async () => undefined })
        const limits = resolveLimits({}, read.account)
        expect(
          [limits.batchSize, limits.purgeUrlBatchSize, limits.purgePatternBatchSize].map(limit => [limit.value, limit.source])
        ).toEqual([
          [40, 'account'],
          [50, 'account'],
          [5, 'account']
        ])
        expect([limits.prefetchIntervalMs.value, limits.purgeUrlIntervalMs.value, limits.purgePatternIntervalMs.value]).toEqual([
          Math.ceil(windowMs / 2),
          Math.ceil(windowMs / 4),
          windowMs
        ])
      })

      it('can be an answer the options make up, such as a 403', async () => {
        const api = apiOf(await start({ limits: { status: 403, body: { detail: 'Forbidden.' } } }))
        expect(await failureOf(api.getJson('/cdn/clients/me/limits'))).toMatchObject(
          refused('forbidden', 403, 'GET /cdn/clients/me/limits: HTTP 403: Forbidden.')
        )
      })
    })

    describe('the purge history', () => {
      /** The history as the engine asks for it (purge-status.ts): by type, since a time, 100 a page. */
      const sinceBefore = (fromCreated: string, type: string) =>
        `/cdn/purge_statuses?purge_type=${type}&from_created=${encodeURIComponent(fromCreated)}&limit=100&offset=0`
      const entries = async (api: GcoreApi, path: string) => listOf(await api.getJson(path)) as Parameters<typeof findPurge>[0]

      it('holds every accepted purge, which the engine finds by resource, kind and payload', async () => {
        const api = apiOf(await start({ resources: [{ id: 1, cname: 'cdn.example.com' }, { id: 2 }] }))
        await api.send('url', 1, ['/a.iso', '/b%20c.iso'])
        await api.send('pattern', 1, ['/v/'])
        await api.send('all', 2, [])
        const since = '2000-01-01T00:00:00.000Z'
        const byUrl = await entries(api, sinceBefore(since, 'purge_by_url'))
        expect(byUrl).toMatchObject([
          {
            purge_type: 'purge_by_url',
            resource: { id: 1, cname: 'cdn.example.com' },
            payload: { urls: ['http://cdn.example.com/a.iso', 'http://cdn.example.com/b%20c.iso'] },
            status: 'Successful'
          }
        ])
        expect(findPurge(byUrl, { resource: 1, kind: 'url', items: ['/a.iso', '/b%20c.iso'] })).toBe(byUrl[0])
        const byPattern = await entries(api, sinceBefore(since, 'purge_by_pattern'))
        expect(findPurge(byPattern, { resource: 1, kind: 'pattern', items: ['/v/'] })).toBeDefined()
        const all = await entries(api, sinceBefore(since, 'purge_all'))
        expect(findPurge(all, { resource: 2, kind: 'all', items: [] })).toMatchObject({ payload: { paths: [] } })
        expect(findPurge(all, { resource: 1, kind: 'all', items: [] })).toBeUndefined()
        // Purges created before from_created are left out.
        expect(await api.getJson(sinceBefore('2999-01-01T00:00:00.000Z', 'purge_by_url'))).toMatchObject({ count: 0, results: [] })
      })

      it('is a plain list without limit, and pages with limit and offset', async () => {
        const api = apiOf(await start())
        for (let resource = 1; resource <= 3; resource++) await api.send('url', resource, ['/a.iso'])
        expect(await api.getJson('/cdn/purge_statuses')).toHaveLength(3)
        const first = (await api.getJson('/cdn/purge_statuses?limit=2&offset=0')) as {
          count: number
          next: string | null
          results: unknown[]
        }
        expect(first).toMatchObject({ count: 3, previous: null })
        expect(first.results).toHaveLength(2)
        expect(first.next).toEqual(expect.stringContaining('offset=2'))
        expect(await api.getJson('/cdn/purge_statuses?limit=2&offset=2')).toMatchObject({
          count: 3,
          next: null,
          results: [{ resource: { id: 3 } }]
        })
      })

      it('a purge is In progress for its duration, then Successful', async () => {
        const gcore = await start({ purgeStatus: { durationMs: windowMs } })
        const api = apiOf(gcore)
        await api.send('url', 1, ['/a.iso'])
        expect(await api.getJson('/cdn/purge_statuses')).toMatchObject([{ status: 'In progress' }])
        await gcore.wait(windowMs + 50)
        expect(await api.getJson('/cdn/purge_statuses')).toMatchObject([{ status: 'Successful' }])
      })

      it.each(['Failed', 'Status report disabled'] as const)('a fixed status stays: %s', async fixed => {
        const api = apiOf(await start({ purgeStatus: { fixed } }))
        await api.send('pattern', 1, ['/v/'])
        expect(await api.getJson('/cdn/purge_statuses?purge_type=purge_by_pattern')).toMatchObject([{ status: fixed }])
      })
    })

    describe('failures, as the engine sees them', () => {
      /** One fault on the first request of an operation, and the call that meets it. */
      async function meet(operation: FaultOperation, fault: Fault, call: (api: GcoreApi) => Promise<unknown>, timeoutMs?: number) {
        const gcore = await start()
        gcore.inject({ operation, on: [1], fault })
        return { gcore, api: apiOf(gcore, { timeoutMs }), result: call(apiOf(gcore, { timeoutMs })) }
      }
      const prefetch = (api: GcoreApi) => api.send('prefetch', 1, ['/a.iso'])
      const limits = (api: GcoreApi) => api.getJson('/cdn/clients/me/limits')

      it.each([
        ['a 5xx is transient', { kind: 'status', status: 503, body: 'busy' }, refused('transient', 503, 'HTTP 503: busy')],
        [
          'a 429 carries its Retry-After',
          { kind: 'status', status: 429, headers: { 'Retry-After': '3' } },
          { ...refused('rate-limited', 429, 'HTTP 429: empty response body'), retryAfter: '3' }
        ],
        ['an empty 400 says so', { kind: 'status', status: 400, body: '' }, refused('rejected', 400, 'HTTP 400: empty response body')],
        [
          'an HTML error page is shown by its title',
          { kind: 'status', status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>' },
          refused('transient', 502, 'HTTP 502: 502 Bad Gateway')
        ],
        ['a huge page of "<" is unreadable', { kind: 'huge-body' }, refused('transient', 502, 'HTTP 502: unreadable response body')],
        [
          'truncated JSON is shown as text',
          { kind: 'status', status: 400, body: '{"errors": {"paths": {"0": ["This fie' },
          refused('rejected', 400, 'HTTP 400: {"errors": {"paths": {"0": ["This fie')
        ],
        [
          'a redirect is not followed, so the key stays with api-url',
          { kind: 'status', status: 307, headers: { Location: 'https://elsewhere.example/steal' } },
          refused('rejected', 307, 'HTTP 307: redirect to elsewhere.example not followed, so the key stays with api-url; check api-url')
        ],
        [
          'the key echoed back is redacted',
          { kind: 'status', status: 400, body: JSON.stringify({ message: `bad key APIKey ${CONTRACT_KEY}` }) },
          refused('rejected', 400, 'HTTP 400: bad key APIKey ***')
        ]
      ] as [string, Fault, object][])('%s', async (_, fault, expected) => {
        const { result } = await meet('prefetch', fault, prefetch)
        expect(await failureOf(result)).toMatchObject({ unconfirmed: false, ...expected })
      })

      it('any 2xx is an acceptance, with a body or without', async () => {
        const gcore = await start()
        gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'status', status: 201, body: '{"paths": ["/a.iso"]}' } })
        gcore.inject({ operation: 'prefetch', on: [2], fault: { kind: 'status', status: 200, body: '{}' } })
        const api = apiOf(gcore)
        await expect(prefetch(api)).resolves.toMatchObject({ status: 201 })
        await expect(prefetch(api)).resolves.toMatchObject({ status: 200 })
      })

      it('of an error body, 64 kB are read: a title just inside is shown, one past it is not', async () => {
        const gcore = await start()
        gcore.inject({
          operation: 'prefetch',
          on: [1],
          fault: { kind: 'huge-body', status: 400, body: `${'x'.repeat(65_000)}<title>inside</title>` }
        })
        gcore.inject({
          operation: 'prefetch',
          on: [2],
          fault: { kind: 'huge-body', status: 400, body: `${'x'.repeat(65_536)}<title>beyond</title>` }
        })
        const api = apiOf(gcore)
        expect((await failureOf(prefetch(api))).message).toBe('HTTP 400: inside')
        const beyond = await failureOf(prefetch(api))
        expect(beyond.message).toMatch(/^HTTP 400: x{490}/)
        expect(beyond.message).not.toContain('beyond')
      })

      it("a GET answered with something other than JSON is not Gcore's answer: transient, quoted", async () => {
        const { result } = await meet('limits', { kind: 'status', status: 200, body: 'nope' }, limits)
        expect(await failureOf(result)).toMatchObject(
          refused(
            'transient',
            200,
            "GET /cdn/clients/me/limits: HTTP 200 with a body that is not Gcore's (application/json, not JSON): " +
              'the answer came from something between you and Gcore: a proxy or filter? It said: "nope"'
          )
        )
      })

      it('a reset connection is transient, and Gcore did not take the request', async () => {
        const { api, result } = await meet('prefetch', { kind: 'reset' }, prefetch)
        expect(await failureOf(result)).toMatchObject({ ...refused('transient', null, 'connection reset'), unconfirmed: false })
        await expect(prefetch(api)).resolves.toMatchObject({ status: 201 }) // the lane's slot is still free
      })

      it('an API that never answers: the request ends at its timeout, unconfirmed, and Gcore did not take it', async () => {
        const { api, result } = await meet('prefetch', { kind: 'hang' }, prefetch, SHORT_TIMEOUT_MS)
        expect(await failureOf(result)).toMatchObject({
          ...refused('transient', null, `no complete answer within ${SHORT_TIMEOUT_MS / 1000} s (request-timeout)`),
          unconfirmed: true
        })
        await expect(prefetch(api)).resolves.toMatchObject({ status: 201 })
      })

      it('an answer cut short is unconfirmed, and Gcore did take the request: its slot is used', async () => {
        const { api, result } = await meet('prefetch', { kind: 'cut-body' }, prefetch)
        expect(await failureOf(result)).toMatchObject({
          ...refused('transient', null, 'the answer was cut off after 32 of 64 bytes (connection closed)'),
          unconfirmed: true
        })
        expect(await failureOf(prefetch(api))).toMatchObject({ kind: 'rate-limited', status: 429 })
      })

      it('a GET cut short is unconfirmed too', async () => {
        const { result } = await meet('limits', { kind: 'cut-body' }, limits)
        expect(await failureOf(result)).toMatchObject({ kind: 'transient', status: null, unconfirmed: true })
        expect((await failureOf(result)).message).toMatch(/^the answer was cut off after (\d+) of (\d+) bytes \(connection closed\)$/)
      })

      it.each([
        ['an answer that trickles', { kind: 'trickle', msPerByte: 1000 }],
        ['headers, then a body that never comes', { kind: 'hang-after-headers' }]
      ] as [string, Fault][])('%s ends at the timeout, unconfirmed; Gcore took the request', async (_, fault) => {
        const { api, result } = await meet('prefetch', fault, prefetch, SHORT_TIMEOUT_MS)
        expect(await failureOf(result)).toMatchObject({ kind: 'transient', status: null, unconfirmed: true })
        expect(await failureOf(prefetch(api))).toMatchObject({ kind: 'rate-limited', status: 429 })
      })

      it('an answer that trickles but ends in time is read', async () => {
        const { result } = await meet('prefetch', { kind: 'trickle', msPerByte: 1 }, prefetch)
        await expect(result).resolves.toMatchObject({ status: 201 })
      })

      it('a GET answer larger than 16 MiB is refused', async () => {
        const { result } = await meet('limits', { kind: 'huge-body', status: 200, bytes: 16 * MiB + 1 }, limits)
        expect(await failureOf(result)).toMatchObject(
          refused('rejected', 200, 'GET /cdn/clients/me/limits: the answer is larger than 16 MiB')
        )
      })

      it('a complete answer on a connection the server never closes is read as any answer', async () => {
        const { result } = await meet('prefetch', { kind: 'never-close' }, prefetch)
        await expect(result).resolves.toMatchObject({ status: 201 })
      })

      it('a cancel ends a request in flight at once, and one not yet sent reaches nobody', async () => {
        const gcore = await start()
        gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'hang' } })
        const api = apiOf(gcore, { timeoutMs: 60 * windowMs })
        const controller = new AbortController()
        const hanging = api.send('prefetch', 1, ['/a.iso'], controller.signal)
        await gcore.wait(Math.min(100, windowMs / 10))
        controller.abort()
        expect(await failureOf(hanging)).toMatchObject(refused('cancelled', null, 'cancelled while the request was in flight'))
        expect(await failureOf(api.send('prefetch', 2, ['/a.iso'], controller.signal))).toMatchObject(
          refused('cancelled', null, 'cancelled before it was sent')
        )
        await expect(api.send('prefetch', 2, ['/a.iso'])).resolves.toMatchObject({ status: 201 }) // resource 2's slot was never taken
      })
    })

    describe('the edge', () => {
      const ORIGIN = { '/v/app.iso': { size: 25 * MiB } }
      const at = async (gcore: GcoreSubject, resource: number, path: string) => `${await gcore.edgeBase(resource)}${path}`
      const head = async (gcore: GcoreSubject, resource: number, path: string) =>
        gcore.network.edge(5000).head(await at(gcore, resource, path))
      /** A time the edge wrote (X-Cached-Since, Date), in whole seconds. */
      const seconds = (text: string | null) => Math.floor((parseGcoreTime(text) ?? NaN) / 1000)

      it("a prefetched path's first HEAD is a HIT with the file's Content-Length, the origin's ETag and when it was cached", async () => {
        const gcore = await start({ origin: ORIGIN })
        await apiOf(gcore).send('prefetch', 1, ['/v/app.iso'])
        const answer = await head(gcore, 1, '/v/app.iso')
        expect(answer).toMatchObject({
          status: 200,
          cache: 'HIT',
          contentLength: 25 * MiB,
          etag: `"v1-${25 * MiB}"`,
          contentType: 'application/octet-stream',
          contentRange: null
        })
        expect(seconds(answer.cachedSince)).toBeLessThanOrEqual(seconds(answer.date))
      })

      it('a path never prefetched is a MISS on its first request, which caches it: the next is a HIT cached since then', async () => {
        const gcore = await start({ origin: ORIGIN })
        const first = await head(gcore, 1, '/v/app.iso')
        expect(first).toMatchObject({ status: 200, cache: 'MISS', cachedSince: null, contentLength: 25 * MiB })
        const second = await head(gcore, 1, '/v/app.iso')
        expect(second.cache).toBe('HIT')
        expect(seconds(second.cachedSince)).toBeGreaterThanOrEqual(seconds(first.date) - 1)
        expect(seconds(second.cachedSince)).toBeLessThanOrEqual(seconds(first.date))
      })

      it("a purged path's first request after the purge is no HIT", async () => {
        const gcore = await start({ origin: ORIGIN })
        const api = apiOf(gcore)
        await api.send('prefetch', 1, ['/v/app.iso'])
        await api.send('pattern', 1, ['/v/'])
        const answer = await head(gcore, 1, '/v/app.iso')
        expect(answer.status).toBe(200)
        expect(answer.cache).not.toBe('HIT')
      })

      it("a sliced file hides its ETag; its last byte comes as a 206 whose Content-Range ends in the file's size", async () => {
        const gcore = await start({ resources: RESOURCES, origin: ORIGIN })
        await apiOf(gcore).send('prefetch', 10, ['/v/app.iso'])
        expect(await head(gcore, 10, '/v/app.iso')).toMatchObject({ status: 200, cache: 'HIT', etag: null, contentLength: 25 * MiB })
        const last = await gcore.network.edge(5000).lastByte(await at(gcore, 10, '/v/app.iso'))
        expect(last).toMatchObject({
          status: 206,
          cache: 'HIT',
          contentLength: 1,
          contentRange: `bytes ${25 * MiB - 1}-${25 * MiB - 1}/${25 * MiB}`
        })
      })

      it('a resource that hides the Cache header shows none, and the Content-Length still', async () => {
        const hiding = { enabled: true, mode: 'hide' as const, excepted: [] }
        const gcore = await start({
          resources: [{ id: 1, cname: 'hidden.example.com', options: { response_headers_hiding_policy: hiding } }]
        })
        await apiOf(gcore).send('prefetch', 1, ['/a.iso'])
        expect(await head(gcore, 1, '/a.iso')).toMatchObject({ status: 200, cache: undefined, cachedSince: null, contentLength: 300 * MiB })
      })

      it('a path the origin does not have is a 404 page at the edge', async () => {
        const gcore = await start({ originGroups: [{ id: 1, sources: [{ onlyPublished: true }] }] })
        expect(await head(gcore, 1, '/nothing.iso')).toMatchObject({ status: 404, contentType: 'text/html' })
      })
    })

    describe('origin groups and their sources', () => {
      const ORIGIN = { '/v/app.iso': { size: 25 * MiB, version: 'build-7' } }
      const groupOf = async (gcore: GcoreSubject, id = 1, key?: string) =>
        parseOriginGroup(await apiOf(gcore, { key }).getJson(`/cdn/origin_groups/${id}`))

      it("a group's host sources are where the runner asks for the file: the size and ETag the CDN will cache", async () => {
        const gcore = await start({ origin: ORIGIN })
        const group = await groupOf(gcore)
        expect(group).toMatchObject({ id: 1, sources: [{ type: 'host', enabled: true, backup: false }], secrets: [] })
        const answer = await gcore.network.origin(5000).head(`http://${group!.sources[0].address}/v/app.iso`, null)
        expect(answer).toEqual({
          status: 200,
          contentLength: 25 * MiB,
          etag: `"build-7-${25 * MiB}"`,
          contentType: 'application/octet-stream',
          redirects: 0
        })
        await apiOf(gcore).send('prefetch', 1, ['/v/app.iso'])
        const edge = await gcore.network.edge(5000).head(`${await gcore.edgeBase(1)}/v/app.iso`)
        expect([edge.contentLength, edge.etag]).toEqual([answer.contentLength, answer.etag])
      })

      it('a source with an ACL refuses the runner (403); one with a virtual host answers only its Host (else 404)', async () => {
        const gcore = await start({ origin: ORIGIN, originGroups: [{ id: 1, sources: [{ acl: true }, { vhost: 'files.example.com' }] }] })
        const [acl, vhost] = (await groupOf(gcore))!.sources
        const origin = gcore.network.origin(5000)
        expect(await origin.head(`http://${acl.address}/v/app.iso`, null)).toMatchObject({ status: 403, contentType: 'text/html' })
        expect(await origin.head(`http://${vhost.address}/v/app.iso`, null)).toMatchObject({ status: 404 })
        expect(await origin.head(`http://${vhost.address}/v/app.iso`, 'Files.Example.com')).toMatchObject({ status: 200 })
      })

      it('a source behind the others serves the old version until its lag has passed', async () => {
        const gcore = await start({ origin: ORIGIN, originGroups: [{ id: 1, sources: [{}, { lagMs: 2 * windowMs }] }] })
        gcore.publish('/v/app.iso', { size: 20 * MiB, version: 'build-8' })
        const [fresh, late] = (await groupOf(gcore))!.sources
        const origin = gcore.network.origin(5000)
        expect((await origin.head(`http://${fresh.address}/v/app.iso`, null)).etag).toBe(`"build-8-${20 * MiB}"`)
        expect((await origin.head(`http://${late.address}/v/app.iso`, null)).etag).toBe(`"build-7-${25 * MiB}"`)
        await gcore.wait(2 * windowMs + 50)
        expect((await origin.head(`http://${late.address}/v/app.iso`, null)).etag).toBe(`"build-8-${20 * MiB}"`)
      })

      it('S3 keys come masked as Gcore masks them; a careless answer with the keys in clear gives them to the parser as secrets', async () => {
        const config = {
          s3_type: 'other' as const,
          s3_bucket_name: 'releases',
          s3_storage_hostname: 's3.example.com',
          s3_access_key_id: 'AKIDEXAMPLE',
          s3_secret_access_key: 'hunter2-secret'
        }
        const groups = [
          { id: 1, sources: [{}] },
          { id: 2, sources: [{ origin_type: 's3' as const, config }] }
        ]
        const masked = await start({ originGroups: groups })
        expect(JSON.stringify(await apiOf(masked).getJson('/cdn/origin_groups/2'))).not.toContain('hunter2-secret')
        expect(await groupOf(masked, 2)).toMatchObject({
          id: 2,
          sources: [{ type: 's3', address: 'S3 bucket releases (s3.example.com)' }],
          secrets: []
        })
        await masked.stop()
        const careless = await start({ originGroups: groups, unmaskedS3Secrets: true })
        expect((await groupOf(careless, 2))!.secrets.sort()).toEqual(['AKIDEXAMPLE', 'hunter2-secret'])
      })

      it('an origin answer that is not HTTP (a Content-Length that is no number) is no answer at all', async () => {
        const gcore = await start()
        gcore.inject({ operation: 'origin', on: [1], fault: { kind: 'status', status: 200, headers: { 'Content-Length': 'many' } } })
        const [source] = (await groupOf(gcore))!.sources
        await expect(gcore.network.origin(5000).head(`http://${source.address}/v/app.iso`, null)).rejects.toThrow(/Content-Length/)
      })

      it('a "Purge and Prefetch only" key gets 403; a group that does not exist is 404', async () => {
        const gcore = await start()
        expect(await failureOf(apiOf(gcore, { key: RESTRICTED_KEY }).getJson('/cdn/origin_groups/1'))).toMatchObject(
          refused('forbidden', 403, 'GET /cdn/origin_groups/1: HTTP 403: You do not have permission to perform this action.')
        )
        expect(await failureOf(apiOf(gcore).getJson('/cdn/origin_groups/9'))).toMatchObject(
          refused('not-found', 404, 'GET /cdn/origin_groups/9: HTTP 404: Not found.')
        )
      })
    })
  })
}
