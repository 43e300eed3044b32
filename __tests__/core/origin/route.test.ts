/** Where the CDN fetches a path (src/core/origin/route.ts): the URL and Host header of each source, or why that is not certain. */
import { describe, expect, it } from '@jest/globals'
import type { OriginGroup } from '../../../src/core/gcore/origin-group.js'
import { parseResource, pathOptionsOf } from '../../../src/core/gcore/resource.js'
import { isNotCheckable, originUrlRouter, resourceRouter, rewritten, type OriginRoute } from '../../../src/core/origin/route.js'

const host = (address: string, extra: Partial<OriginGroup['sources'][number]> = {}): OriginGroup['sources'][number] => ({
  type: 'host',
  address,
  enabled: true,
  backup: false,
  hostHeaderOverride: null,
  ...extra
})
const group = (id: number, sources: OriginGroup['sources']): OriginGroup => ({ id, sources, secrets: [] })

function routerOf(resource: Record<string, unknown>, groups: Record<number, OriginGroup | string>, rules?: unknown[]) {
  const parsed = parseResource({ id: 1, cname: 'cdn.example.com', originGroup: 7, ...resource }, rules)
  return resourceRouter(parsed, pathOptionsOf(parsed), new Map(Object.entries(groups).map(([id, value]) => [Number(id), value])))
}

const route = (value: ReturnType<ReturnType<typeof routerOf>>): OriginRoute => {
  if (isNotCheckable(value)) throw new Error(`not checkable: ${value.why}`)
  return value
}

describe('resourceRouter', () => {
  it('asks every enabled source over the resource’s protocol, with the Host header the CDN sends', () => {
    const router = routerOf(
      { originProtocol: 'HTTPS' },
      { 7: group(7, [host('origin.example.com'), host('10.0.0.5:8080', { backup: true }), host('off.example.com', { enabled: false })]) }
    )
    expect(route(router('/v/app.iso'))).toEqual({
      targets: [
        { source: 'origin.example.com', url: 'https://origin.example.com/v/app.iso', host: 'cdn.example.com', backup: false },
        { source: '10.0.0.5:8080', url: 'https://10.0.0.5:8080/v/app.iso', host: 'cdn.example.com', backup: true }
      ],
      unaskedBackups: []
    })
  })

  it('takes HTTP when Gcore says nothing, and MATCH as the edge’s own scheme', () => {
    const sources = { 7: group(7, [host('o.example.com')]) }
    expect(route(routerOf({}, sources)('/a')).targets[0].url).toBe('http://o.example.com/a')
    expect(route(routerOf({ originProtocol: 'MATCH', sslEnabled: true }, sources)('/a')).targets[0].url).toBe('https://o.example.com/a')
    expect(route(routerOf({ originProtocol: 'MATCH', sslEnabled: false }, sources)('/a')).targets[0].url).toBe('http://o.example.com/a')
  })

  it('sends hostHeader, or a source’s host_header_override, instead of the hostname', () => {
    const router = routerOf(
      { options: { hostHeader: { enabled: true, value: 'files.example.com' } } },
      { 7: group(7, [host('a.example.com'), host('b.example.com', { hostHeaderOverride: 'bucket.example.net' })]) }
    )
    expect(route(router('/x')).targets.map(target => target.host)).toEqual(['files.example.com', 'bucket.example.net'])
    const forwarded = routerOf(
      { options: { forward_host_header: { enabled: true, value: true } } },
      { 7: group(7, [host('a.example.com')]) }
    )
    expect(route(forwarded('/x')).targets[0].host).toBe('cdn.example.com')
  })

  it('follows a rule that sends its paths to another group, over another protocol', () => {
    const router = routerOf({}, { 7: group(7, [host('a.example.com')]), 9: group(9, [host('video.example.com')]) }, [
      { id: 1, rule: '^/video/', ruleType: 0, weight: 1, originGroup: 9, overrideOriginProtocol: 'HTTPS', options: {} }
    ])
    expect(route(router('/video/a.mp4')).targets[0].url).toBe('https://video.example.com/video/a.mp4')
    expect(route(router('/iso/a.iso')).targets[0].url).toBe('http://a.example.com/iso/a.iso')
  })

  it('checks nothing where the URL the CDN uses is not certain, and says why and what to do', () => {
    const s3 = group(7, [{ type: 's3', address: 'S3 bucket media (eu-west-1)', enabled: true, backup: false, hostHeaderOverride: null }])
    const cases: [Record<string, unknown>, Record<number, OriginGroup | string>, RegExp][] = [
      [{}, { 7: s3 }, /S3 bucket media \(eu-west-1\) is an S3 bucket, which needs signed requests/],
      [{}, { 7: group(7, [{ ...host('x'), type: 'fastedge', address: 'FastEdge app 1' }]) }, /FastEdge/],
      [{}, { 7: group(7, [{ ...host('x'), type: 'unknown', address: 'teleport source' }]) }, /a type this action does not know/],
      [{}, { 7: 'the key may not read origin groups (HTTP 403)' }, /origin group 7 could not be read \(the key may not read origin groups/],
      [{}, { 7: group(7, [host('a', { backup: true })]) }, /no enabled primary source/],
      [{ originGroup: null }, {}, /names no origin group/],
      [
        { options: { rewrite: { enabled: true, body: '/(.*) /media/$1', flag: 'redirect' } } },
        { 7: group(7, [host('a.example.com')]) },
        /redirects/
      ],
      [{ cname: null }, { 7: group(7, [host('a.example.com')]) }, /Host header the CDN sends is unknown/]
    ]
    for (const [resource, groups, why] of cases) {
      const answer = routerOf(resource, groups)('/a.iso')
      expect(isNotCheckable(answer) && answer.why).toMatch(why)
      expect(isNotCheckable(answer) && answer.fix).toMatch(/origin-url/)
    }
  })

  it('asks the primary sources when only a backup cannot be asked, and names it', () => {
    const s3 = { type: 's3' as const, address: 'S3 bucket spare', enabled: true, backup: true, hostHeaderOverride: null }
    expect(route(routerOf({}, { 7: group(7, [host('a.example.com'), s3]) })('/a')).unaskedBackups).toEqual(['S3 bucket spare'])
  })
})

describe('rewritten: nginx rewrite, where it can be evaluated exactly', () => {
  const rewrite = (body: string, flag = 'break') => ({ body, flag })
  it.each([
    ['/v/app.iso', '/(.*) /media/$1', '/media/v/app.iso'],
    ['/v/app.iso?x=1', '^/v/(.*)$ /files/$1', '/files/app.iso?x=1'],
    ['/other/app.iso', '^/v/(.*)$ /files/$1', '/other/app.iso'],
    ['/a/b.iso', '^/(a)/(b)\\.iso$ /$2/$1.bin', '/b/a.bin']
  ])('%s with %s → %s', (path, body, expected) => expect(rewritten(path, rewrite(body))).toBe(expected))

  it.each([
    ['/(?<name>.*) /media/$name', 'regex syntax'],
    ['/(.*) /media/$1 last extra', 'is not "regex replacement"'],
    ['/(.*) $scheme://other/$1', 'nginx variables'],
    ['/(.*) /media/$1?v=2', 'a query'],
    ['/(.*+) /media/$1', 'regex syntax'],
    ['/(\\h+) /media/$1', 'regex syntax']
  ])('%s cannot be evaluated exactly (%s)', (body, why) => {
    const answer = rewritten('/a.iso', rewrite(body))
    expect(typeof answer === 'object' && answer.why).toContain(why)
  })

  it('does not guess for a percent-encoded path or a redirecting flag', () => {
    expect(rewritten('/a%20b.iso', rewrite('/(.*) /media/$1'))).toMatchObject({ why: expect.stringContaining('percent-encoded') })
    expect(rewritten('/a.iso', rewrite('/(.*) /media/$1', 'permanent'))).toMatchObject({ why: expect.stringContaining('redirects') })
    expect(rewritten('/a%20b.iso', null)).toBe('/a%20b.iso')
  })
})

describe('originUrlRouter', () => {
  it('asks the given base URL plus the CDN path, with its own Host', () => {
    expect(originUrlRouter('https://bucket.example.net/releases')('/v2/a.iso')).toEqual({
      targets: [{ source: 'bucket.example.net', url: 'https://bucket.example.net/releases/v2/a.iso', host: null, backup: false }],
      unaskedBackups: []
    })
  })
})
