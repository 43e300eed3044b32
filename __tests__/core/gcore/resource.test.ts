/**
 * What a resource's settings mean for a path (src/core/gcore/resource.ts):
 * read defensively from Gcore's answer, rules applied in weight order, the
 * cache key's view of the query, and the purge that clears a whole file.
 */
import { describe, expect, it } from '@jest/globals'
import {
  cacheKeyPath,
  decidePurge,
  edgeBaseUrl,
  listOf,
  parseResource,
  pathOptionsOf,
  stateProblem,
  withHostname,
  type PathOptions
} from '../../../src/core/gcore/resource.js'

const on = { enabled: true, value: true }
const PLAIN_OPTIONS: PathOptions = {
  slice: false,
  ignoreQueryString: false,
  whitelist: null,
  blacklist: null,
  customCacheKey: false,
  hidesCacheHeader: false,
  originGroup: null,
  originProtocol: 'HTTP',
  hostHeader: null,
  forwardHostHeader: false,
  rewrite: null
}
const resource = (fields: Record<string, unknown> = {}, rules?: unknown) =>
  parseResource({ id: 7, cname: 'cdn.example.com', can_purge_by_urls: true, ...fields }, rules)

describe('parseResource', () => {
  it('reads the fields the engine uses, with safe defaults for what is missing', () => {
    expect(parseResource({ id: 7 })).toEqual({
      id: 7,
      hostname: null,
      secondaryHostnames: [],
      status: 'active',
      active: true,
      deleted: false,
      suspended: false,
      sslEnabled: false,
      // Undocumented absence: the safe answer, that URLs cannot be purged one by one.
      canPurgeByUrls: false,
      originGroup: null,
      // Gcore: "If protocol is not specified, HTTP is used to connect to an origin server."
      originProtocol: 'HTTP',
      options: null,
      rules: []
    })
    expect(parseResource(null)).toMatchObject({ hostname: null, rules: [] })
    expect(
      resource({ secondaryHostnames: ['a.example.com', 5, null], active: false, deleted: true, suspended: true, sslEnabled: true })
    ).toMatchObject({
      secondaryHostnames: ['a.example.com'],
      active: false,
      deleted: true,
      suspended: true,
      sslEnabled: true,
      canPurgeByUrls: true
    })
  })

  it('takes the rules from the rules endpoint when given, else those embedded; drops inactive, deleted and shapeless ones; sorts by weight', () => {
    const embedded = [{ id: 1, rule: '^/a/', weight: 1 }]
    expect(resource({ rules: embedded }).rules.map(rule => rule.id)).toEqual([1])
    const fromEndpoint = [
      { id: 2, rule: '^/b/', weight: 5 },
      { id: 3, rule: '^/c/', weight: 2 },
      { id: 4, rule: '^/d/', active: false },
      { id: 5, rule: '^/e/', deleted: true },
      { id: 6 },
      'junk',
      { id: 7, rule: '/f/' }
    ]
    expect(resource({ rules: embedded }, { count: 4, results: fromEndpoint }).rules.map(rule => [rule.id, rule.weight])).toEqual([
      [3, 2],
      [2, 5],
      [7, Number.MAX_SAFE_INTEGER]
    ])
  })

  it('reads a rule as Gcore matches it: a leading slash added, one before a legacy (type 1) expression; a bad expression kept unreadable', () => {
    const rules = resource({}, [
      { id: 1, rule: 'videos/.*', ruleType: 0 },
      { id: 2, rule: '.*\\.iso$', ruleType: 1 },
      { id: 3, rule: '^/x/' },
      { id: 4, rule: '(' }
    ]).rules
    expect(rules.map(rule => rule.regex?.source ?? null)).toEqual(['\\/videos\\/.*', '\\/.*\\.iso$', '^\\/x\\/', null])
  })
})

describe('listOf', () => {
  it('reads a plain list, or the results of a page, or nothing', () => {
    expect(listOf([1, 2])).toEqual([1, 2])
    expect(listOf({ count: 1, results: [3] })).toEqual([3])
    expect(listOf({ detail: 'x' })).toEqual([])
    expect(listOf(null)).toEqual([])
  })
})

describe('pathOptionsOf', () => {
  it('applies the resource’s options, and a matching rule’s over them, the first match by weight', () => {
    const sliced = resource({ options: { slice: on, ignoreQueryString: on } }, [
      { id: 1, rule: '^/small/', weight: 1, options: { slice: { enabled: true, value: false } } },
      { id: 2, rule: '^/small/keep/', weight: 2, options: { ignoreQueryString: { enabled: true, value: false } } }
    ])
    const optionsOf = pathOptionsOf(sliced)
    expect(optionsOf('/big/a.iso')).toMatchObject({ slice: true, ignoreQueryString: true })
    // Both rules match; the lighter one sets slice, the other ignoreQueryString.
    expect(optionsOf('/small/keep/a.iso?v=1')).toMatchObject({ slice: false, ignoreQueryString: false })
    expect(optionsOf('/small/b.iso')).toMatchObject({ slice: false, ignoreQueryString: true })
  })

  it('counts slice as on where any matching rule turns it on: a pattern purge is right either way', () => {
    const optionsOf = pathOptionsOf(
      resource({}, [
        { id: 1, rule: '^/v/', weight: 1, options: { slice: { enabled: true, value: false } } },
        { id: 2, rule: '.*\\.iso$', weight: 2, options: { slice: on } }
      ])
    )
    expect(optionsOf('/v/a.iso').slice).toBe(true)
    expect(optionsOf('/v/a.txt').slice).toBe(false)
  })

  it('matches rules on the decoded path without its query; a rule it cannot read counts as matching', () => {
    const optionsOf = pathOptionsOf(resource({}, [{ id: 1, rule: '^/my app/', options: { slice: on } }]))
    expect(optionsOf('/my%20app/a.iso?x=/other/').slice).toBe(true)
    expect(pathOptionsOf(resource({}, [{ id: 1, rule: '(', options: { slice: on } }]))('/anything').slice).toBe(true)
  })

  it('knows a custom cache key ($request_uri is Gcore’s default, not custom) and the Cache header hidden or shown', () => {
    const key = (value: unknown, enabled = true) =>
      pathOptionsOf(resource({ options: { proxy_cache_key: { enabled, value } } }))('/a').customCacheKey
    expect([key('$scheme$uri'), key('$request_uri'), key(''), key('$scheme$uri', false)]).toEqual([true, false, false, false])
    const hides = (policy: unknown) =>
      pathOptionsOf(resource({ options: { response_headers_hiding_policy: policy } }))('/a').hidesCacheHeader
    expect([
      hides({ enabled: true, mode: 'hide', excepted: [] }),
      hides({ enabled: true, mode: 'hide', excepted: ['Cache'] }),
      hides({ enabled: true, mode: 'show', excepted: ['cache'] }),
      hides({ enabled: true, mode: 'show', excepted: [] }),
      hides({ enabled: false, mode: 'hide', excepted: [] }),
      hides(null)
    ]).toEqual([true, false, true, false, false, false])
  })

  it('computes once per combination of matching rules', () => {
    const optionsOf = pathOptionsOf(resource({}, [{ id: 1, rule: '^/v/', options: { slice: on } }]))
    expect(optionsOf('/v/a.iso')).toBe(optionsOf('/v/b.iso'))
    expect(optionsOf('/v/a.iso')).not.toBe(optionsOf('/w/a.iso'))
  })
})

describe('cacheKeyPath', () => {
  it.each([
    ['/a.iso', PLAIN_OPTIONS, '/a.iso'],
    ['/a.iso?v=1&utm=x', PLAIN_OPTIONS, '/a.iso?v=1&utm=x'],
    ['/a.iso?v=1', { ...PLAIN_OPTIONS, ignoreQueryString: true }, '/a.iso'],
    ['/a.iso?v=1&utm=x&v2=3', { ...PLAIN_OPTIONS, whitelist: ['v'] }, '/a.iso?v=1'],
    ['/a.iso?utm=x', { ...PLAIN_OPTIONS, whitelist: ['v'] }, '/a.iso'],
    ['/a.iso?v=1&utm=x', { ...PLAIN_OPTIONS, blacklist: ['utm'] }, '/a.iso?v=1'],
    ['/a.iso?my+key=1&my%20key=2&other=3', { ...PLAIN_OPTIONS, whitelist: ['my key'] }, '/a.iso?my+key=1&my%20key=2'],
    ['/a.iso?v=1&&', { ...PLAIN_OPTIONS, blacklist: ['x'] }, '/a.iso?v=1']
  ] as [string, PathOptions, string][])('%s → %s', (path, options, key) => {
    expect(cacheKeyPath(path, options)).toBe(key)
  })
})

describe('decidePurge', () => {
  const plain = resource()
  const noUrls = resource({ can_purge_by_urls: false })
  it.each([
    ['url', plain, PLAIN_OPTIONS, 'url', 'chosen by the purge input'],
    ['pattern', plain, PLAIN_OPTIONS, 'pattern', 'chosen by the purge input'],
    ['all', plain, PLAIN_OPTIONS, 'all', 'purge all: one request clears the whole resource'],
    ['auto', null, null, 'url', 'resource settings not read: purge by URL, as the action always did'],
    ['auto', plain, PLAIN_OPTIONS, 'url', 'purge by URL clears the whole file'],
    ['auto', plain, { ...PLAIN_OPTIONS, slice: true }, 'pattern', 'slice on: purge by URL clears only the first 10 MB part'],
    [
      'auto',
      noUrls,
      PLAIN_OPTIONS,
      'pattern',
      'can_purge_by_urls is false (the resource keeps Vary variants): purge by URL is refused or clears one variant'
    ],
    [
      'auto',
      plain,
      { ...PLAIN_OPTIONS, slice: true, customCacheKey: true },
      'all',
      'custom cache key: purge by pattern does not work, and purge by URL would leave parts or variants'
    ],
    ['auto', plain, { ...PLAIN_OPTIONS, customCacheKey: true }, 'url', 'purge by URL clears the whole file']
  ] as const)('%s on %#: %s', (mode, on, options, kind, why) => {
    expect(decidePurge(mode, on, options)).toEqual({ kind, why })
  })
})

describe('stateProblem', () => {
  it.each([
    [{ status: 'active' }, null],
    [{ status: 'deleted' }, { fail: 'resource 7 is deleted' }],
    [{ deleted: true }, { fail: 'resource 7 is deleted' }],
    [{ status: 'suspended' }, { fail: 'resource 7 is suspended: it serves no content' }],
    [{ suspended: true }, { fail: 'resource 7 is suspended: it serves no content' }],
    [{ active: false }, { fail: 'resource 7 is not active (active: false): it serves no content' }],
    [
      { status: 'processed' },
      { warn: 'resource 7 is being changed (status processed): a new setting can take about 15 minutes to reach every location' }
    ],
    [{ status: 'paused' }, { warn: 'resource 7 has status "paused"' }]
  ])('%j → %j', (fields, problem) => {
    expect(stateProblem(resource(fields))).toEqual(problem)
  })
})

describe('edgeBaseUrl', () => {
  it('is the hostname, on https where the resource serves SSL; none without a hostname', () => {
    expect(edgeBaseUrl(resource())).toBe('http://cdn.example.com')
    expect(edgeBaseUrl(resource({ sslEnabled: true }))).toBe('https://cdn.example.com')
    expect(edgeBaseUrl(resource({ cname: null }))).toBeNull()
  })
})

describe('withHostname', () => {
  const items = [
    { id: 1, cname: 'CDN.example.com', secondaryHostnames: ['dl.example.com'] },
    { id: 2, cname: 'other.example.com', secondaryHostnames: ['DL.example.com'] },
    { id: 3, cname: 'cdn.example.com', deleted: true },
    { id: 4, cname: 'cdn.example.com', status: 'deleted' },
    { id: '5', cname: 'cdn.example.com' },
    { id: 1, cname: 'cdn.example.com' },
    null
  ]
  it('finds by main or secondary hostname in any case, each ID once, deleted resources left out', () => {
    expect(withHostname(items, 'cdn.example.com', 'cname')).toEqual([1])
    expect(withHostname(items, 'dl.example.com', 'secondaryHostnames')).toEqual([1, 2])
    expect(withHostname(items, 'dl.example.com', 'cname')).toEqual([])
  })
})
