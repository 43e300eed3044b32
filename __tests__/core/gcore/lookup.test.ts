/**
 * Finding the run's resources before anything is sent (src/core/gcore/lookup.ts):
 * a hostname becomes its ID, each resource is read once with its rules, and
 * resource-check says what a read that fails means. Gcore is a stub here that
 * answers each GET path as the test says.
 */
import { describe, expect, it } from '@jest/globals'
import { GcoreError } from '../../../src/core/gcore/errors.js'
import { lookUpResources, ResourceCheckFailed } from '../../../src/core/gcore/lookup.js'
import { InputError } from '../../../src/core/input-error.js'
import type { ResourceRef, ResourceCheck } from '../../../src/core/settings.js'
import { FakeClock } from '../../support/fake-clock.js'

type Answer = unknown | GcoreError

/** A GET per path: the answer given (a GcoreError is thrown), or a 404 for a path not given. */
function gcoreAnswering(answers: Record<string, Answer | Answer[]>) {
  const asked: string[] = []
  const api = {
    async getJson(path: string): Promise<unknown> {
      const times = asked.filter(seen => seen === path).length
      asked.push(path)
      const given = answers[path]
      const answer =
        Array.isArray(given) && given.some(item => item instanceof GcoreError) ? given[Math.min(times, given.length - 1)] : given
      if (answer === undefined) throw new GcoreError(`GET ${path}: HTTP 404: Not found.`, 'not-found', 404)
      if (answer instanceof GcoreError) throw answer
      return answer
    },
    send: async () => ({ status: 201, date: null })
  }
  const clock = new FakeClock()
  return { asked, clock, look: (refs: ResourceRef[], check: ResourceCheck = 'auto') => lookUpResources({ api, clock }, refs, check) }
}

const resource = (id: number, fields: Record<string, unknown> = {}) => ({
  id,
  cname: `cdn${id}.example.com`,
  can_purge_by_urls: true,
  ...fields
})
const forbidden = (path: string) =>
  new GcoreError(`GET ${path}: HTTP 403: You do not have permission to perform this action.`, 'forbidden', 403)
const message = (error: unknown) => (error instanceof InputError ? error.describe(input => `input "${input}"`) : (error as Error).message)

describe('lookUpResources', () => {
  it('reads each resource by ID, with its rules', async () => {
    const { asked, look } = gcoreAnswering({
      '/cdn/resources/7': resource(7),
      '/cdn/resources/7/rules': [{ id: 1, rule: '^/v/', options: { slice: { enabled: true, value: true } } }]
    })
    const result = await look([{ id: 7 }])

    expect(asked).toEqual(['/cdn/resources/7', '/cdn/resources/7/rules'])
    expect(result).toMatchObject({
      notices: [],
      warnings: [],
      resources: [{ id: 7, givenHostname: null, resource: { hostname: 'cdn7.example.com' } }]
    })
    expect(result.resources[0].resource!.rules.map(rule => rule.id)).toEqual([1])
  })

  it('finds a hostname by the main hostname first, then the secondary ones, and reads that resource once', async () => {
    const { asked, look } = gcoreAnswering({
      '/cdn/resources?cname=dl.example.com&limit=1000': { count: 0, results: [] },
      '/cdn/resources?secondaryHostnames=dl.example.com&limit=1000': {
        count: 1,
        results: [resource(8, { secondaryHostnames: ['dl.example.com'] })]
      },
      '/cdn/resources/8': resource(8),
      '/cdn/resources/8/rules': []
    })
    const result = await look([{ hostname: 'dl.example.com' }, { id: 8 }])

    expect(asked).toEqual([
      '/cdn/resources?cname=dl.example.com&limit=1000',
      '/cdn/resources?secondaryHostnames=dl.example.com&limit=1000',
      '/cdn/resources/8',
      '/cdn/resources/8/rules'
    ])
    expect(result.resources.map(entry => [entry.id, entry.givenHostname])).toEqual([[8, 'dl.example.com']])
  })

  it.each([
    ['no resource has it', {}, `Input "resource-id": no CDN resource of this key's account has the hostname "x.example.com".`],
    [
      'several resources have it',
      {
        '/cdn/resources?cname=x.example.com&limit=1000': [
          resource(11, { cname: 'x.example.com' }),
          resource(12, { cname: 'X.example.com' })
        ]
      },
      'Input "resource-id": the hostname "x.example.com" belongs to several resources (11, 12); give one ID.'
    ],
    [
      'the key may not list resources',
      { '/cdn/resources?cname=x.example.com&limit=1000': forbidden('/cdn/resources') },
      `Input "resource-id" "x.example.com" cannot be looked up: the key has no permission to view CDN resources (HTTP 403); give the resource's numeric ID instead.`
    ]
  ])('a hostname that cannot be resolved is an input error: %s', async (_, answers, expected) => {
    const empty = { count: 0, results: [] }
    const { look } = gcoreAnswering({
      '/cdn/resources?cname=x.example.com&limit=1000': empty,
      '/cdn/resources?secondaryHostnames=x.example.com&limit=1000': empty,
      ...answers
    })
    const error = await look([{ hostname: 'x.example.com' }]).catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(InputError)
    expect(message(error)).toBe(expected)
  })

  it('an ID the account does not have is an input error, naming the hostname too when one was given', async () => {
    const { look } = gcoreAnswering({ '/cdn/resources?cname=cdn9.example.com&limit=1000': [resource(9)] })
    expect(message(await look([{ id: 99 }]).catch((error: unknown) => error))).toBe(
      `Input "resource-id" 99: the key's account has no CDN resource with that ID (HTTP 404).`
    )
    expect(message(await look([{ hostname: 'cdn9.example.com' }]).catch((error: unknown) => error))).toBe(
      `Input "resource-id" "cdn9.example.com" (ID 9): the key's account has no CDN resource with that ID (HTTP 404).`
    )
  })

  it('resource-check off: reads nothing, and knows nothing of the resource', async () => {
    const { asked, look } = gcoreAnswering({})
    expect(await look([{ id: 7 }], 'off')).toEqual({
      resources: [{ id: 7, givenHostname: null, resource: null }],
      notices: [],
      warnings: []
    })
    expect(asked).toEqual([])
  })

  it('auto: a key that may not read settings (403) is one notice for every resource, and the resources go on unread', async () => {
    const { look } = gcoreAnswering({
      '/cdn/resources/1': forbidden('/cdn/resources/1'),
      '/cdn/resources/2': forbidden('/cdn/resources/2')
    })
    const result = await look([{ id: 1 }, { id: 2 }])

    expect(result.resources.map(entry => entry.resource)).toEqual([null, null])
    expect(result.notices).toEqual([
      'Resource settings not read: the key has no permission to view CDN resources (HTTP 403; a "Purge and Prefetch only" token may not read settings). Purging by URL as before; slice and cache-key settings are not checked.'
    ])
    expect(result.warnings).toEqual([])
  })

  it('auto: any other failure to read is a warning per resource; a transient one is asked once more a second later', async () => {
    const busy = new GcoreError('GET /cdn/resources/1: HTTP 503: busy', 'transient', 503)
    const { asked, clock, look } = gcoreAnswering({ '/cdn/resources/1': [busy, busy] })
    const result = await look([{ id: 1 }])

    expect(asked).toEqual(['/cdn/resources/1', '/cdn/resources/1'])
    expect(clock.elapsed()).toBe(1000)
    expect(result.warnings).toEqual([
      'Resource 1: its settings could not be read (GET /cdn/resources/1: HTTP 503: busy); purging by URL as before, slice and cache-key settings not checked.'
    ])
  })

  it('required: a resource that cannot be read fails the lookup', async () => {
    const { look } = gcoreAnswering({ '/cdn/resources/1': forbidden('/cdn/resources/1') })
    const error = await look([{ id: 1 }], 'required').catch((caught: unknown) => caught)

    expect(error).toBeInstanceOf(ResourceCheckFailed)
    expect(message(error)).toBe(
      'resource-check is required, but resource 1: the key has no permission to view CDN resources (HTTP 403; a "Purge and Prefetch only" token may not read settings).'
    )
  })

  it.each([
    ['a refused key', new GcoreError('HTTP 401', 'auth', 401)],
    ['a cancel', new GcoreError('cancelled', 'cancelled', null)]
  ])('%s on the resource or its rules ends the lookup', async (_, error) => {
    for (const answers of [{ '/cdn/resources/1': error }, { '/cdn/resources/1': resource(1), '/cdn/resources/1/rules': error }]) {
      await expect(gcoreAnswering(answers).look([{ id: 1 }])).rejects.toBe(error)
    }
  })

  it('rules that cannot be read otherwise: the rules embedded in the resource apply', async () => {
    const embedded = [{ id: 3, rule: '^/e/' }]
    const { look } = gcoreAnswering({
      '/cdn/resources/1': resource(1, { rules: embedded }),
      '/cdn/resources/1/rules': forbidden('/cdn/resources/1/rules')
    })
    const [entry] = (await look([{ id: 1 }])).resources

    expect(entry.resource!.rules.map(rule => rule.id)).toEqual([3])
  })
})
