/**
 * `GET /cdn/origin_groups/{id}` against Gcore's OpenAPI (the excerpt beside
 * this file, copied from ../../../shared/): the default group and its source,
 * host, S3 and FastEdge sources, masked and unmasked S3 keys, 404, 403, 401,
 * faults; and the resource fields that point at a group.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import YAML from 'yaml'
import { GcoreEmulator, type EmulatorOptions, type OriginGroupSpec } from '../../emulator/gcore-emulator.js'
import { ROOT } from '../support/run-action.js'
import { api, KEY } from '../support/emulator-client.js'

let gcore: GcoreEmulator | undefined

async function emulator(options: Partial<EmulatorOptions> = {}): Promise<GcoreEmulator> {
  gcore = new GcoreEmulator({ apiKey: KEY, ...options })
  await gcore.start()
  return gcore
}

afterEach(async () => {
  await gcore?.stop()
  gcore = undefined
})

const openapi = YAML.parse(readFileSync(join(ROOT, '__tests__', 'emulator', 'gcore-cdn-origins-openapi.yaml'), 'utf8'))
const ajv = new Ajv2020({ strict: false, allErrors: true }).addSchema({ $id: 'https://gcore.test/origins', components: openapi.components })
const isOriginGroupsResponse = ajv.compile({ $ref: 'https://gcore.test/origins#/components/schemas/OriginGroupsResponse' })

/** The body of GET /cdn/origin_groups/{id}, checked against Gcore's schema. */
async function originGroup(id: number | string): Promise<Record<string, unknown>> {
  const reply = await api(gcore!.url, `/cdn/origin_groups/${id}`)
  expect(reply.status).toBe(200)
  expect([isOriginGroupsResponse(reply.json), isOriginGroupsResponse.errors ?? []]).toEqual([true, []])
  return reply.json as Record<string, unknown>
}

const address = (index: number) => gcore!.originUrls[index].replace('http://', '')

const MIRRORS: OriginGroupSpec[] = [
  { id: 1, sources: [{}] },
  {
    id: 7,
    name: 'Mirrors',
    sources: [
      { host_header_override: 'origin.example.com', tag: 'eu' },
      { backup: true },
      { enabled: false },
      { origin_type: 's3', config: { s3_type: 'amazon', s3_bucket_name: 'releases', s3_region: 'eu-west-1' }, backup: true },
      {
        origin_type: 's3',
        config: {
          s3_type: 'other',
          s3_bucket_name: 'dl',
          s3_storage_hostname: 's3.example.net',
          s3_access_key_id: 'AKIDREALKEY',
          s3_secret_access_key: 'very/secret+key/0123456789'
        }
      },
      { origin_type: 'fastedge', config: { app_id: '12345' } }
    ]
  }
]

describe('GET /cdn/origin_groups/{id}', () => {
  it('by default: group 1, whose one source is the emulator origin server, and every resource uses it over HTTP', async () => {
    await emulator()
    expect(await originGroup(1)).toEqual({
      id: 1,
      name: 'Emulated origin',
      use_next: false,
      proxy_next_upstream: ['error', 'timeout'],
      auth_type: 'none',
      sources: [{ source: address(0), backup: false, enabled: true, tag: 'default', host_header_override: null }],
      path: '',
      has_related_resources: true
    })
    expect(address(0)).toMatch(/^127\.0\.0\.1:\d+$/)
    expect((await api(gcore!.url, '/cdn/resources/42')).json).toMatchObject({
      originGroup: 1,
      originGroup_name: 'Emulated origin',
      originProtocol: 'HTTP'
    })
  })

  it('lists host sources (backup, disabled, host_header_override), S3 sources with masked keys, FastEdge sources', async () => {
    await emulator({ originGroups: MIRRORS, resources: [{ id: 3, originGroup: 7, originProtocol: 'MATCH' }] })
    expect(gcore!.originUrls).toHaveLength(4) // group 1's source, then group 7's three host sources
    const group = await originGroup(7)
    expect(group).toMatchObject({ id: 7, name: 'Mirrors', auth_type: 'none', has_related_resources: true })
    expect(group.sources).toEqual([
      { source: address(1), backup: false, enabled: true, tag: 'eu', host_header_override: 'origin.example.com' },
      { source: address(2), backup: true, enabled: true, tag: 'default', host_header_override: null },
      { source: address(3), backup: false, enabled: false, tag: 'default', host_header_override: null },
      {
        origin_type: 's3',
        config: {
          s3_type: 'amazon',
          s3_bucket_name: 'releases',
          s3_region: 'eu-west-1',
          s3_access_key_id: 'SECRET_VALUE',
          s3_secret_access_key: 'SECRET_VALUE',
          s3_auth_type: 'awsSignatureV4'
        },
        backup: true,
        enabled: true,
        tag: 'default',
        host_header_override: null
      },
      {
        origin_type: 's3',
        config: {
          s3_type: 'other',
          s3_bucket_name: 'dl',
          s3_storage_hostname: 's3.example.net',
          s3_access_key_id: 'SECRET_VALUE',
          s3_secret_access_key: 'SECRET_VALUE',
          s3_auth_type: 'awsSignatureV4'
        },
        backup: false,
        enabled: true,
        tag: 'default',
        host_header_override: null
      },
      { origin_type: 'fastedge', config: { app_id: '12345' }, backup: false, enabled: true, tag: 'default', host_header_override: null }
    ])
    expect((await originGroup(1)).has_related_resources).toBe(false) // the resources are given, and none uses group 1
    expect((await api(gcore!.url, '/cdn/resources/3')).json).toMatchObject({
      originGroup: 7,
      originGroup_name: 'Mirrors',
      originProtocol: 'MATCH'
    })
  })

  it('answers the S3 keys unmasked when asked to, as a careless API would', async () => {
    await emulator({ originGroups: MIRRORS, unmaskedS3Secrets: true })
    const text = JSON.stringify((await originGroup(7)).sources)
    expect(text).toContain('"s3_secret_access_key":"very/secret+key/0123456789"')
    expect(text).toContain('"s3_access_key_id":"AKIDREALKEY"')
    expect(text).toContain('"s3_secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"') // the default: the OpenAPI's example
    expect(text).not.toContain('SECRET_VALUE')
  })

  it('404 for an unknown group, 403 for a restricted key, 401 without a valid key, 405 for other methods', async () => {
    await emulator({ restrictedKeys: ['purge-only'] })
    for (const id of ['2', 'abc']) {
      const missing = await api(gcore!.url, `/cdn/origin_groups/${id}`)
      expect([missing.status, missing.json]).toEqual([404, { detail: 'Not found.' }])
    }
    const restricted = await api(gcore!.url, '/cdn/origin_groups/1', { key: 'purge-only' })
    expect([restricted.status, restricted.json]).toEqual([403, { detail: 'You do not have permission to perform this action.' }])
    for (const key of [null, 'wrong']) {
      const refused = await api(gcore!.url, '/cdn/origin_groups/1', { key })
      expect([refused.status, refused.json]).toEqual([401, { detail: 'Invalid authentication credentials.' }])
    }
    expect((await api(gcore!.url, '/cdn/origin_groups/1', { method: 'DELETE' })).status).toBe(405)
    expect(gcore!.log.map(entry => entry.operation)).toEqual(Array(6).fill('origin-group'))
  })

  it('takes faults as the origin-group operation', async () => {
    await emulator()
    gcore!.inject({ operation: 'origin-group', on: [1], fault: { kind: 'status', status: 500, body: '<html>oops</html>' } })
    gcore!.inject({ operation: 'origin-group', on: [2], fault: { kind: 'huge-body', bytes: 1000 } })
    const broken = await api(gcore!.url, '/cdn/origin_groups/1')
    expect([broken.status, broken.text]).toEqual([500, '<html>oops</html>'])
    const huge = await api(gcore!.url, '/cdn/origin_groups/1')
    expect([huge.status, huge.headers['content-type'], huge.text.length]).toEqual([502, 'text/html', 1000])
    expect((await api(gcore!.url, '/cdn/origin_groups/1')).status).toBe(200)
  })
})

describe('origin group configuration', () => {
  it.each([
    [{ originGroups: [] }, /non-empty array/],
    [{ originGroups: [{ id: 1, sources: [{ enabled: false }] }] }, /at least one enabled source/],
    [{ originGroups: [{ id: 2, sources: [{}] }] }, /every resource uses origin group 1/],
    [{ originGroups: [{ id: 1, sources: [{}] }], resources: [{ id: 1, originGroup: 9 }] }, /origin group 9 does not exist/],
    [{ resources: [{ id: 1, originProtocol: 'FTP' as 'HTTP' }] }, /originProtocol: expected one of HTTP, HTTPS, MATCH/],
    [
      { originGroups: [{ id: 1, sources: [{ origin_type: 's3' as const, config: { s3_type: 'amazon' as const, s3_bucket_name: 'b' } }] }] },
      /s3_region: required for s3_type amazon/
    ],
    [{ originGroups: [{ id: 1, sources: [{ lagMs: -1 }] }] }, /lagMs: expected 0 or more/],
    [
      {
        resources: [{ id: 1, options: { hostHeader: { enabled: true, value: 'a' }, forward_host_header: { enabled: true, value: true } } }]
      },
      /cannot be enabled simultaneously/
    ],
    [
      { resources: [{ id: 1, options: { rewrite: { enabled: true, body: '/(.*' } } }] },
      /rewrite\.body: .* is not "<regular expression> <replacement>"/
    ],
    [{ resources: [{ id: 1, options: { rewrite: { enabled: true, body: '/(.* /x' } } }] }, /is not a regular expression/]
  ])('refuses %j at start-up, naming the place', (options, message) => {
    expect(() => new GcoreEmulator({ apiKey: KEY, ...(options as Partial<EmulatorOptions>) })).toThrow(message)
  })
})
