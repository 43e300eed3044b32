/**
 * A problem with what the user gave ends the run before any request, with a
 * message that names the input and quotes the value (never the key's); every
 * path the run knew of is reported failed.
 */
import { describe, expect, it } from '@jest/globals'
import { ReleaseReadError } from '../../src/core/paths/release.js'
import { fakeGcore, KEY, warmUp } from '../support/engine.js'
import { malformedKeys } from '../support/keys.js'
import { stubReleases } from '../support/releases.js'
import type { Inputs } from '../support/settings.js'
import { workspaceWith } from '../support/workspace.js'

describe('inputs refused before any request', () => {
  it.each([
    ['resource-id', { 'resource-id': 'abc' }],
    ['resource-id', { 'resource-id': '0' }],
    ['resource-id', { 'resource-id': '12/../34' }],
    ['resource-id', { 'resource-id': '' }],
    ['api-key', { 'api-key': '' }],
    ['paths', { paths: '' }],
    ['batch-size', { 'batch-size': '0' }],
    ['batch-size', { 'batch-size': '101' }],
    ['batch-size', { 'batch-size': 'ten' }],
    ['prefetch-interval', { 'prefetch-interval': '-1' }],
    ['purge-interval', { 'purge-interval': 'soon' }],
    ['api-url', { 'api-url': 'ftp://api.gcore.com' }],
    ['api-url', { 'api-url': 'http://api.gcore.com' }],
    ['api-url', { 'api-url': 'not a url' }],
    ['purge', { purge: 'maybe' }],
    ['dry-run', { 'dry-run': 'yes' }],
    ['max-attempts', { 'max-attempts': '0' }],
    ['if-no-paths', { 'if-no-paths': 'shrug' }]
  ] as [string, Inputs][])('%s = %j names the input and its value', async (name, bad) => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso', ...bad }, { gcore })

    expect(gcore.log).toEqual([])
    expect(run.verdict.failed).toBe(true)
    expect(run.verdict.message).toContain(`"${name}"`)
    const value = Object.values(bad)[0]!
    if (value && name !== 'api-key') expect(run.verdict.message).toContain(JSON.stringify(value))
  })

  it.each(malformedKeys(KEY))('a key %s is refused, with a hint, and never quoted', async (_, key, hint) => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso', 'api-key': key }, { gcore })

    expect(gcore.log).toEqual([])
    expect(run.inputError?.input).toBe('api-key')
    expect(run.verdict).toEqual({ failed: true, message: `Input "api-key" ${hint}` })
    expect(run.verdict.message).not.toContain(KEY)
  })

  it('api-url with a query is refused', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso', 'api-url': 'http://127.0.0.1:8787/?region=eu' }, { gcore })

    expect(gcore.log).toEqual([])
    expect(run.verdict.message).toBe(
      'Input "api-url" must be a plain base URL without credentials, query or fragment, got "http://127.0.0.1:8787/?region=eu".'
    )
  })

  it('api-url ending in /cdn is used without it, with a notice', async () => {
    const gcore = fakeGcore()
    const run = await warmUp({ paths: '/a.iso', 'api-url': 'http://127.0.0.1:8787/cdn/' }, { gcore })

    expect(gcore.clients.map(client => client.apiUrl)).toEqual(['http://127.0.0.1:8787', 'http://127.0.0.1:8787'])
    expect(run.lines).toContain(
      'notice: api-url "http://127.0.0.1:8787/cdn/" ends in /cdn, which every API path already starts with: using http://127.0.0.1:8787.'
    )
    expect(run.report.prefetchedCount).toBe(1)
  })

  it('a paths-file that is not UTF-8 is refused with its line number', async () => {
    const workspace = workspaceWith({
      'list.txt': Buffer.concat([Buffer.from('/ok.iso\n/also-ok.iso\n/caf'), Buffer.from([0xe9]), Buffer.from('.iso\n')])
    })
    const gcore = fakeGcore()
    const run = await warmUp({ 'paths-file': 'list.txt' }, { gcore, workspace })

    expect(gcore.log).toEqual([])
    expect(run.inputError?.input).toBe('paths-file')
    expect(run.verdict.message).toBe(
      'Input "paths-file" names "list.txt", which is not valid UTF-8 at line 3 (saved as Latin-1 or another encoding?): save the list as UTF-8.'
    )
  })

  it.each([
    [{ paths: '/videos/*.iso' }, 'Path "/videos/*.iso" from input "paths", line 1 contains `*`'],
    [{ paths: '/ok.iso\n/a\u0001b.iso' }, 'from input "paths", line 2 contains a control character'],
    [{ files: '../*.txt', 'base-dir': 'dist' }, 'Input "files" matched "../uploaded.txt", which is outside base-dir']
  ] as [Inputs, string][])('refuses %j', async (inputs, message) => {
    const workspace = workspaceWith({ 'dist/app.iso': 10, 'uploaded.txt': '/up/one.iso\n' })
    const gcore = fakeGcore()
    const run = await warmUp(inputs, { gcore, workspace })

    expect(gcore.log).toEqual([])
    expect(run.verdict.failed).toBe(true)
    expect(run.verdict.message).toContain(message)
  })

  it('a release tag GitHub does not know is refused, and Gcore is not asked', async () => {
    const { api } = stubReleases({ byTag: () => Promise.reject(new ReleaseReadError('Not Found', 404)) })
    const gcore = fakeGcore()
    const run = await warmUp({ 'release-assets': 'true', 'release-tag': 'v9.9.9', 'github-token': 'ghs_t' }, { gcore, releases: api })

    expect(gcore.log).toEqual([])
    expect(run.inputError?.input).toBe('release-tag')
  })

  it('messages name the inputs the CLI’s way when it runs the engine', async () => {
    const run = await warmUp({ paths: '/a.iso', 'batch-size': '0' }, { name: input => `--${input}` })

    expect(run.verdict.message).toBe('--batch-size must be a whole number from 1 to 100, got "0".')
  })
})
