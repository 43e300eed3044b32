/** The emulator's resources, rules and roles (emulator/resources.ts, resource-endpoints.ts), over its real HTTP. */
import { describe, expect, it } from '@jest/globals'
import { emulatorPerTest } from '../support/e2e.js'
import { apiOf } from '../support/emulator-client.js'
import { RESOURCES } from '../support/resources.js'

const emulator = emulatorPerTest({ windowMs: 200 })
const { api, prefetch, purge } = apiOf(() => emulator.gcore)

describe('resources and rules', () => {
  it('serves a resource in Gcore shape, rules embedded only when asked', async () => {
    await emulator.restart({ windowMs: 200, resources: RESOURCES })
    const plain = await api('/cdn/resources/10')
    expect(plain.status).toBe(200)
    expect(plain.json).toMatchObject({
      id: 10,
      cname: 'cdn.example.com',
      secondaryHostnames: ['Files.Example.com'],
      status: 'active',
      active: true,
      deleted: false,
      suspended: false,
      sslEnabled: false,
      can_purge_by_urls: true,
      rules: [],
      options: { slice: { enabled: true, value: true } }
    })
    expect((await api('/cdn/resources/11')).json).toMatchObject({
      sslEnabled: true,
      rules: [{ id: 7, rule: '^/videos/', ruleType: 0, weight: 1, active: true }]
    })
    expect((await api('/cdn/resources/12')).json).toMatchObject({ status: 'suspended', suspended: true, active: false })
  })

  it('answers 404 for IDs it was not given, on every endpoint', async () => {
    await emulator.restart({ windowMs: 200, resources: RESOURCES })
    for (const reply of [
      await api('/cdn/resources/99'),
      await api('/cdn/resources/99/rules'),
      await prefetch(99, ['/a.iso']),
      await purge(99, { urls: ['/a.iso'] })
    ]) {
      expect([reply.status, reply.json]).toEqual([404, { detail: 'Not found.' }])
    }
  })

  it('knows every numeric ID with defaults when given no resources', async () => {
    await emulator.restart({ windowMs: 200 })
    expect((await api('/cdn/resources/123456')).json).toMatchObject({
      id: 123456,
      cname: 'cdn123456.example.com',
      status: 'active',
      can_purge_by_urls: true,
      sslEnabled: false,
      rules: []
    })
    expect((await api('/cdn/resources?cname=CDN202.example.com')).json).toMatchObject([{ id: 202 }])
  })

  it('lists rules as a plain array, or a page with limit', async () => {
    await emulator.restart({ windowMs: 200, resources: RESOURCES })
    expect((await api('/cdn/resources/10/rules')).json).toMatchObject([
      { id: 7, name: 'Videos', options: { ignoreQueryString: { enabled: true } } }
    ])
    expect((await api('/cdn/resources/10/rules?limit=1')).json).toMatchObject({
      count: 1,
      next: null,
      previous: null,
      results: [{ id: 7 }]
    })
    expect((await api('/cdn/resources/10/rules/7')).json).toMatchObject({ id: 7 })
    expect((await api('/cdn/resources/10/rules/8')).status).toBe(404)
    expect((await api('/cdn/resources/10/rules?limit=0')).status).toBe(400)
  })

  it('filters the list by cname and secondary hostname (exact, any case), status and deleted, and pages it', async () => {
    await emulator.restart({ windowMs: 200, resources: RESOURCES })
    const ids = async (query: string) => ((await api(`/cdn/resources${query}`)).json as { id: number }[]).map(resource => resource.id)
    expect(await ids('')).toEqual([10, 11, 12, 13])
    expect(await ids('?cname=CDN.EXAMPLE.COM')).toEqual([10])
    expect(await ids('?cname=example.com')).toEqual([])
    expect(await ids('?secondaryHostnames=files.example.com')).toEqual([10])
    expect(await ids('?status=suspended')).toEqual([12])
    expect(await ids('?deleted=true')).toEqual([13])
    const page = (await api('/cdn/resources?limit=2&offset=1')).json as { count: number; next: string; results: { id: number }[] }
    expect(page).toMatchObject({ count: 4, results: [{ id: 11 }, { id: 12 }] })
    expect(new URL(page.next).searchParams.get('offset')).toBe('3')
    for (const bad of ['?limit=0', '?limit=1001', '?limit=x', '?status=gone']) expect((await api(`/cdn/resources${bad}`)).status).toBe(400)
  })

  it('a restricted key may purge, prefetch and read limits and purge statuses, but gets 403 on resources', async () => {
    await emulator.restart({ windowMs: 200, restrictedKeys: ['purge-only'] })
    const forbidden = { detail: 'You do not have permission to perform this action.' }
    for (const path of ['/cdn/resources/1', '/cdn/resources/1/rules', '/cdn/resources']) {
      const reply = await api(path, { key: 'purge-only' })
      expect([reply.status, reply.json]).toEqual([403, forbidden])
    }
    expect((await prefetch(1, ['/a.iso'], 'purge-only')).status).toBe(201)
    expect((await purge(1, { urls: ['/a.iso'] }, 'purge-only')).status).toBe(201)
    expect((await api('/cdn/clients/me/limits', { key: 'purge-only' })).status).toBe(200)
    expect((await api('/cdn/purge_statuses', { key: 'purge-only' })).status).toBe(200)
    const refused = await api('/cdn/resources/1', { key: 'other' })
    expect([refused.status, refused.json]).toEqual([401, { detail: 'Invalid authentication credentials.' }])
  })

  it('refuses purge by URL where can_purge_by_urls is false, but not a pattern purge', async () => {
    await emulator.restart({ windowMs: 200, resources: [{ id: 1, can_purge_by_urls: false }] })
    const reply = await purge(1, { urls: ['/a.iso'] })
    expect([reply.status, reply.json]).toEqual([
      400,
      { errors: { urls: ['Purge by URLs is not allowed. To purge by URLs, contact support.'] } }
    ])
    expect((await purge(1, { paths: ['/a.iso'] })).status).toBe(201)
  })

  it('refuses purge and prefetch on suspended (400) and deleted (404) resources', async () => {
    await emulator.restart({ windowMs: 200, resources: RESOURCES })
    const suspended = await prefetch(12, ['/a.iso'])
    expect(suspended.status).toBe(400)
    expect(suspended.json).toEqual({ detail: expect.stringContaining('suspended') })
    expect((await purge(13, { paths: [] })).status).toBe(404)
  })
})
