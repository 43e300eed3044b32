/**
 * Knowing the resource before anything is sent: a hostname becomes its ID
 * (main hostname first, then the secondary ones), and each resource is read
 * with its rules; `resource-check` says whether that reading is optional
 * (`auto`), required, or skipped (`off`).
 */
import { describe, expect, it } from '@jest/globals'
import { fakeGcore, linesAt, warmUp } from '../support/engine.js'
import { operations, writes } from '../support/requests.js'
import { PLAIN, SLICED } from '../support/resources.js'

describe('a resource named by its hostname', () => {
  it('is looked up by its main hostname, in any case, then by its secondary hostnames', async () => {
    const gcore = fakeGcore({ resources: [SLICED, PLAIN] })
    await warmUp({ 'resource-id': 'CDN.example.com', paths: '/a.iso' }, { gcore })
    expect(gcore.acceptedRequests('prefetch').map(entry => entry.resource)).toEqual([7])
    expect(gcore.log.find(entry => entry.operation === 'resources')?.url).toBe('/cdn/resources?cname=cdn.example.com&limit=1000')

    const run = await warmUp({ 'resource-id': 'dl.example.com', paths: '/b.iso' }, { gcore })
    expect(
      gcore.log
        .filter(entry => entry.operation === 'resources')
        .map(entry => entry.url)
        .slice(1)
    ).toEqual(['/cdn/resources?cname=dl.example.com&limit=1000', '/cdn/resources?secondaryHostnames=dl.example.com&limit=1000'])
    expect(gcore.acceptedRequests('prefetch').map(entry => entry.resource)).toEqual([7, 8])
    expect(run.report.resources[0]).toMatchObject({ id: 8, hostname: 'plain.example.com' })
  })

  it('no resource with that hostname: fails before anything is sent, naming it', async () => {
    const gcore = fakeGcore({ resources: [SLICED, PLAIN] })
    const run = await warmUp({ 'resource-id': 'nope.example.com', paths: '/a.iso' }, { gcore })

    expect(writes(gcore)).toEqual([])
    expect(run.inputError?.input).toBe('resource-id')
    expect(run.verdict.message).toContain('"nope.example.com"')
  })

  it('several resources with that hostname: fails before anything is sent, listing them', async () => {
    const gcore = fakeGcore({
      resources: [
        { id: 11, cname: 'twin.example.com' },
        { id: 12, cname: 'twin.example.com' }
      ]
    })
    const run = await warmUp({ 'resource-id': 'twin.example.com', paths: '/a.iso' }, { gcore })

    expect(writes(gcore)).toEqual([])
    expect(run.verdict.message).toBe(
      'Input "resource-id": the hostname "twin.example.com" belongs to several resources (11, 12); give one ID.'
    )
  })

  it('a key that may not list resources: a hostname cannot be looked up, and the error says to give the ID', async () => {
    const gcore = fakeGcore({ restrictedKeys: ['restricted'] })
    const run = await warmUp({ 'api-key': 'restricted', 'resource-id': 'cdn7.example.com', paths: '/a.iso' }, { gcore })

    expect(gcore.log.map(entry => [entry.operation, entry.answer])).toEqual([
      ['limits', 200],
      ['resources', 403]
    ])
    expect(run.inputError?.input).toBe('resource-id')
  })
})

describe('resource-check', () => {
  it('auto: a key that may purge and prefetch but not read settings gets a notice, one for the origin check, and purges by URL as before', async () => {
    const gcore = fakeGcore({ resources: [SLICED, PLAIN], restrictedKeys: ['restricted'] })
    const run = await warmUp({ 'api-key': 'restricted', 'resource-id': '7,8', paths: '/a.iso', purge: 'true' }, { gcore })

    expect(linesAt('notice', run.lines)).toEqual([
      expect.stringMatching(/^Resource settings not read: the key has no permission to view CDN resources/),
      'Origin check skipped for each of resources 7, 8: its settings were not read (see resource-check). ' +
        'Its paths are purged and prefetched without it; to check it, give origin-url (a base URL where the runner can read the files).'
    ])
    expect(run.report.skippedChecks.map(skip => skip.resource)).toEqual([7, 8])
    expect(gcore.acceptedRequests('purge').map(entry => entry.kind)).toEqual(['purge_by_url', 'purge_by_url'])
    expect(run.report.resources.map(resource => [resource.id, resource.state, resource.slice])).toEqual([
      [7, 'unknown', null],
      [8, 'unknown', null]
    ])
    expect(run.report.result).toBe('success')
  })

  it('auto: settings that cannot be read for another reason are a warning per resource, and purge by URL', async () => {
    const gcore = fakeGcore().inject({ operation: 'resource', on: 'every', fault: { kind: 'status', status: 500 } })
    const run = await warmUp({ paths: '/a.iso', purge: 'true' }, { gcore })

    expect(operations(gcore).filter(operation => operation === 'resource')).toHaveLength(2) // asked once more after a second
    expect(linesAt('warning', run.lines)).toHaveLength(1)
    expect(gcore.acceptedRequests('purge').map(entry => entry.kind)).toEqual(['purge_by_url'])
  })

  it('required: the same key fails before anything is sent', async () => {
    const gcore = fakeGcore({ resources: [SLICED], restrictedKeys: ['restricted'] })
    const run = await warmUp(
      { 'api-key': 'restricted', 'resource-id': '7', paths: '/a.iso', purge: 'true', 'resource-check': 'required' },
      { gcore }
    )

    expect(writes(gcore)).toEqual([])
    expect(run.verdict.failed).toBe(true)
    expect(run.verdict.message).toMatch(/^resource-check is required, but resource 7: /)
    expect(run.report).toMatchObject({ result: 'failure', failedPaths: ['/a.iso'] })
  })

  it('off: reads nothing; a dry run with the documented limits then asks nothing at all', async () => {
    const gcore = fakeGcore()
    const run = await warmUp(
      { paths: '/a.iso', purge: 'true', 'resource-check': 'off', limits: 'documented', 'dry-run': 'true' },
      { gcore }
    )

    expect(gcore.log).toEqual([])
    expect(run.report.result).toBe('dry-run')
  })

  it('the rules cannot be read: the rules embedded in the resource apply', async () => {
    const rules = [{ id: 1, rule: '^/big/.*', options: { slice: { enabled: true, value: true } } }]
    const gcore = fakeGcore({ resources: [{ id: 10, rules, embedRules: true }] }).inject({
      operation: 'rules',
      on: 'every',
      fault: { kind: 'status', status: 404 }
    })
    const run = await warmUp({ 'resource-id': '10', paths: '/big/a.iso', purge: 'auto' }, { gcore })

    expect(gcore.acceptedRequests('purge').map(entry => entry.kind)).toEqual(['purge_by_pattern'])
    expect(run.report.resources[0].slice).toBe(true)
  })

  it('a 401 on the resource stops the run before anything is sent, like any refused key', async () => {
    const gcore = fakeGcore().inject({
      operation: 'resource',
      on: [1],
      fault: { kind: 'status', status: 401, body: '{"detail": "Invalid authentication credentials."}' }
    })
    const run = await warmUp({ paths: '/a.iso', limits: 'documented' }, { gcore })

    expect(writes(gcore)).toEqual([])
    expect(run.verdict.message).toBe(
      'The API refused the key (GET /cdn/resources/101: HTTP 401: Invalid authentication credentials.); nothing was sent. Check input "api-key".'
    )
  })
})
