import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../src/core/input-error.js'
import { settingsFrom as typedSettingsFrom } from '../support/settings.js'

const valid: Record<string, string> = { 'api-key': 'k', 'resource-id': '123', paths: '/a.iso' }
const settingsFrom = (inputs: Record<string, string>) => typedSettingsFrom(inputs)

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    expect(settingsFrom(valid)).toEqual({
      apiKey: 'k',
      resources: [{ id: 123 }],
      paths: '/a.iso',
      pathsFile: '',
      files: [],
      baseDir: '.',
      pathPrefix: '',
      sizeCheck: 'warn',
      releaseAssets: false,
      releaseTag: '',
      githubToken: '',
      purge: 'off',
      purgePatterns: [],
      resourceCheck: 'auto',
      originCheck: 'auto',
      originUrls: [],
      originTimeoutMs: 300_000,
      apiUrl: 'https://api.gcore.com',
      batchSize: undefined,
      prefetchIntervalMs: undefined,
      purgeIntervalMs: undefined,
      purgePatternIntervalMs: undefined,
      limits: 'auto',
      waitForPurge: true,
      purgeTimeoutMs: 300_000,
      purgeSettleMs: 10_000,
      verifyUrls: [],
      verifyTimeoutMs: 0,
      verifyConcurrency: 8,
      verifyRequired: false,
      maxAttempts: 5,
      requestTimeoutMs: 30_000,
      timeBudgetMs: undefined,
      failOnError: true,
      ifNoPaths: 'error',
      dryRun: false,
      notices: []
    })
  })

  it.each([
    ['purge', 'True', { purge: 'auto' }],
    ['purge', 'FALSE', { purge: 'off' }],
    ['purge', 'pattern', { purge: 'pattern' }],
    ['purge', 'all', { purge: 'all' }],
    ['purge-patterns', '/releases/v2/\n/docs/*\n/docs/*', { purgePatterns: ['/releases/v2/', '/docs/*'] }],
    ['purge-pattern-interval', '90', { purgePatternIntervalMs: 90_000 }],
    ['resource-check', 'required', { resourceCheck: 'required' }],
    ['time-budget', '300', { timeBudgetMs: 300_000 }],
    ['resource-id', 'CDN.Example.com, 42', { resources: [{ hostname: 'cdn.example.com' }, { id: 42 }] }],
    ['api-url', 'https://api.gcore.com/cdn/', { apiUrl: 'https://api.gcore.com', notices: [expect.stringContaining('ends in /cdn')] }],
    ['verify-url', 'auto', { verifyUrls: 'auto' }],
    ['origin-check', 'required', { originCheck: 'required' }],
    ['origin-check', 'off', { originCheck: 'off' }],
    ['origin-url', 'https://bucket.example.net/releases/', { originUrls: ['https://bucket.example.net/releases'] }],
    ['origin-timeout', '0', { originTimeoutMs: 0 }],
    ['origin-timeout', '20.5', { originTimeoutMs: 20_500 }],
    ['path-prefix', '//downloads', { pathPrefix: '/downloads', notices: [expect.stringContaining('leading // read as /')] }],
    ['prefetch-interval', '0.25', { prefetchIntervalMs: 250 }],
    ['purge-interval', '45', { purgeIntervalMs: 45_000 }],
    ['batch-size', '1', { batchSize: 1 }],
    ['resource-id', ' 7 , 8\n9 ', { resources: [{ id: 7 }, { id: 8 }, { id: 9 }] }],
    ['api-url', 'http://127.0.0.1:8080/', { apiUrl: 'http://127.0.0.1:8080' }],
    ['api-url', 'http://[::1]:9000', { apiUrl: 'http://[::1]:9000' }],
    ['api-url', 'http://localhost:1', { apiUrl: 'http://localhost:1' }],
    ['if-no-paths', 'warn', { ifNoPaths: 'warn' }],
    ['limits', 'documented', { limits: 'documented' }],
    ['purge-settle', '0', { purgeSettleMs: 0 }],
    ['verify-timeout', '0', { verifyTimeoutMs: 0 }],
    ['verify-url', 'https://cdn.example.com/', { verifyUrls: ['https://cdn.example.com'] }]
  ])('accepts %s = %j', (name, value, expected) => {
    expect(settingsFrom({ ...valid, [name]: value })).toMatchObject(expected)
  })

  it.each([
    ['resource-id', 'abc'],
    ['resource-id', '0'],
    ['resource-id', '-5'],
    ['resource-id', '1.5'],
    ['resource-id', '12/../34'],
    ['resource-id', '99999999999999999999'],
    ['batch-size', '0'],
    ['batch-size', '101'],
    ['batch-size', 'ten'],
    ['batch-size', '1e2'],
    ['prefetch-interval', '-1'],
    ['prefetch-interval', '0'],
    ['prefetch-interval', 'soon'],
    ['purge-interval', 'Infinity'],
    ['request-timeout', '1,5'],
    ['max-attempts', '0'],
    ['max-attempts', '2.5'],
    ['api-url', 'ftp://api.gcore.com'],
    ['api-url', 'http://api.gcore.com'],
    ['api-url', 'http://10.0.0.1'],
    ['api-url', 'not a url'],
    ['api-url', 'https://user:pw@api.gcore.com'],
    ['api-url', 'https://api.gcore.com/?x=1'],
    ['api-url', 'https://api.gcore.com/#top'],
    ['purge-patterns', 'releases/'],
    ['purge-patterns', '/a/*/b'],
    ['purge-patterns', '/a b/'],
    ['purge-patterns', '/*'],
    ['resource-check', 'maybe'],
    ['time-budget', '0'],
    ['resource-id', 'cdn_example'],
    ['purge', 'maybe'],
    ['purge', 'yes'],
    ['fail-on-error', '1'],
    ['dry-run', 'on'],
    ['if-no-paths', 'fail'],
    ['size-check', 'strict'],
    ['release-assets', 'sure'],
    ['limits', 'account'],
    ['wait-for-purge', 'always'],
    ['purge-timeout', '0'],
    ['purge-settle', '-1'],
    ['verify-url', 'ftp://cdn.example.com'],
    ['verify-url', 'cdn.example.com'],
    ['verify-timeout', 'later'],
    ['verify-concurrency', '0'],
    ['verify-required', 'please'],
    ['origin-check', 'maybe'],
    ['origin-check', 'true'],
    ['origin-timeout', '-5'],
    ['origin-timeout', 'soon'],
    ['origin-url', 'ftp://origin.example.com'],
    ['origin-url', 'origin.example.com'],
    ['origin-url', 'https://origin.example.com/?sig=1']
  ])('rejects %s = %j, naming the input and the value', (name, value) => {
    const read = () => settingsFrom({ ...valid, [name]: value })
    expect(read).toThrow(InputError)
    expect(read).toThrow(`"${name}"`)
    expect(read).toThrow(JSON.stringify(value))
  })

  it.each([
    ['api-key', ''],
    ['resource-id', ''],
    ['resource-id', ' , ']
  ])('requires %s (%j)', (name, value) => {
    expect(() => settingsFrom({ ...valid, [name]: value })).toThrow(`"${name}"`)
  })

  it.each([
    ['APIKey 1234$abcdef', /starts with "APIKey ": give the token alone/],
    ['Bearer 1234$abcdef', /starts with "Bearer "/],
    ['tøken-€uro', /outside Latin-1/]
  ])('refuses the key %j before any request, with a hint', (key, hint) => {
    const read = () => settingsFrom({ ...valid, 'api-key': key })
    expect(read).toThrow(InputError)
    expect(read).toThrow(/^Input "api-key"/)
    expect(read).toThrow(hint)
  })

  it('refuses origin-url with credentials without ever showing them, and a count that does not match the resources', () => {
    for (const value of [
      'https://user:pa55word@origin.example.com',
      'https://pa55word@origin.example.com',
      'http://us er:pa55word@origin'
    ]) {
      const read = () => settingsFrom({ ...valid, 'origin-url': value })
      expect(read).toThrow(/^Input "origin-url"/)
      try {
        read()
      } catch (error) {
        expect((error as Error).message).not.toMatch(/pa55word|user:|us er/)
      }
    }
    expect(() =>
      settingsFrom({ ...valid, 'resource-id': '1, 2, 3', 'origin-url': 'https://a.example.com\nhttps://b.example.com' })
    ).toThrow('Input "origin-url" needs one URL, or one per resource (3), got 2.')
    expect(
      settingsFrom({ ...valid, 'resource-id': '1, 2', 'origin-url': 'https://a.example.com, https://b.example.com' }).originUrls
    ).toHaveLength(2)
  })

  it('refuses verify-required without verify-url: nothing would be checked', () => {
    expect(() => settingsFrom({ ...valid, 'verify-required': 'true' })).toThrow(
      /^Input "verify-required" is true, but input "verify-url" is empty/
    )
    expect(settingsFrom({ ...valid, 'verify-required': 'true', 'verify-url': 'auto' }).verifyRequired).toBe(true)
  })

  it('words an error for the CLI with its flag', () => {
    try {
      settingsFrom({ ...valid, 'batch-size': '0' })
      throw new Error('no error')
    } catch (error) {
      expect((error as InputError).describe(name => `--${name}`)).toBe('--batch-size must be a whole number from 1 to 100, got "0".')
    }
  })

  it('never quotes the key, even when it is malformed', () => {
    const key = 'tok3n-value\nkey'
    expect(() => settingsFrom({ ...valid, 'api-key': key })).toThrow(/api-key/)
    try {
      settingsFrom({ ...valid, 'api-key': key })
    } catch (error) {
      expect((error as Error).message).not.toContain('tok3n')
    }
  })
})
