import { describe, expect, it } from '@jest/globals'
import { InputError, readSettings } from '../src/inputs.js'

const valid: Record<string, string> = { 'api-key': 'k', 'resource-id': '123', paths: '/a.iso' }
const settingsFrom = (inputs: Record<string, string>) => readSettings(name => inputs[name] ?? '')

describe('readSettings', () => {
  it('applies the documented defaults', () => {
    expect(settingsFrom(valid)).toEqual({
      apiKey: 'k',
      resourceIds: [123],
      paths: '/a.iso',
      pathsFile: '',
      files: [],
      baseDir: '.',
      pathPrefix: '',
      sizeCheck: 'warn',
      releaseAssets: false,
      releaseTag: '',
      githubToken: '',
      purge: false,
      apiUrl: 'https://api.gcore.com',
      batchSize: undefined,
      prefetchIntervalMs: undefined,
      purgeIntervalMs: undefined,
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
      failOnError: true,
      ifNoPaths: 'error',
      dryRun: false
    })
  })

  it.each([
    ['purge', 'True', { purge: true }],
    ['purge', 'FALSE', { purge: false }],
    ['prefetch-interval', '0.25', { prefetchIntervalMs: 250 }],
    ['purge-interval', '45', { purgeIntervalMs: 45_000 }],
    ['batch-size', '1', { batchSize: 1 }],
    ['resource-id', ' 7 , 8\n9 ', { resourceIds: [7, 8, 9] }],
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
    ['verify-required', 'please']
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
