/**
 * Property-based tests of input and path parsing (fast-check): whatever a user
 * types, parsing either succeeds or throws an InputError, and what it emits is
 * always a clean, domain-free, stable CDN path.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { encodeFileSegment } from '../src/files.js'
import { InputError, readSettings } from '../src/inputs.js'
import { normaliseCdnPath, normalisePrefix, splitPathList } from '../src/paths.js'

// Strings biased toward what breaks URL handling.
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'/\\?#%*. :@[]<>`|"\'\t\n\r\u0000\u007f\u0085 aZ9ü😀'.split('')), maxLength: 30 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webPath()
)

function parsesOrRefuses<T>(parse: () => T): T | undefined {
  try {
    return parse()
  } catch (error) {
    expect(error).toBeInstanceOf(InputError)
    return undefined
  }
}

function expectCleanPath(path: string): void {
  expect(path.startsWith('/')).toBe(true)
  expect(path.startsWith('//')).toBe(false) // would read as a domain
  // eslint-disable-next-line no-control-regex
  expect(path).not.toMatch(/[\u0000-\u0020\u007f-\u009f]/) // no control characters or raw spaces
  expect(path).not.toMatch(/[^\u0021-\u007e]/) // ASCII only: everything else is percent-encoded
  expect(path).not.toContain('*')
  expect(path).not.toContain('#')
  expect(path.trim()).not.toBe('/')
}

describe('path parsing properties', () => {
  it('normalises to a clean path or refuses with an InputError, and is idempotent', () => {
    fc.assert(
      fc.property(nasty, raw => {
        const path = parsesOrRefuses(() => normaliseCdnPath(raw, 'input "paths", line 1'))
        if (path === undefined) return
        expectCleanPath(path)
        expect(normaliseCdnPath(path, 'again')).toBe(path)
      }),
      { numRuns: 3000 }
    )
  })

  it('never keeps the host of a full URL', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), url => {
        const path = parsesOrRefuses(() => normaliseCdnPath(url, 'p'))
        if (path === undefined) return
        const host = new URL(url).host
        expect(path.startsWith(`/${host}`)).toBe(false)
      }),
      { numRuns: 1000 }
    )
  })

  it('splits any text into entries or refuses it with an InputError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json()), text => {
        const entries = parsesOrRefuses(() => splitPathList(text, 'input "paths"'))
        for (const entry of entries ?? []) expect(entry.raw.trim()).not.toBe('')
      }),
      { numRuns: 2000 }
    )
  })

  it('encodes any file name into one clean, reversible segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 40 }), name => {
        const segment = encodeFileSegment(name)
        expect(segment).not.toMatch(/[/?#*\s]/)
        expect(segment).not.toMatch(/[^\u0021-\u007e]/)
        expect(decodeURIComponent(segment)).toBe(name)
      }),
      { numRuns: 2000 }
    )
  })

  it('normalises any prefix or refuses it', () => {
    fc.assert(
      fc.property(nasty, raw => {
        const prefix = parsesOrRefuses(() => normalisePrefix(raw))
        if (prefix === undefined || prefix === '') return
        expectCleanPath(`${prefix}/x`)
        expect(prefix.endsWith('/')).toBe(false)
      }),
      { numRuns: 2000 }
    )
  })
})

describe('input parsing properties', () => {
  const names = ['api-key', 'resource-id', 'paths', 'purge', 'api-url', 'batch-size', 'prefetch-interval', 'purge-interval', 'max-attempts', 'request-timeout', 'fail-on-error', 'if-no-paths', 'dry-run', 'size-check', 'path-prefix', 'release-assets']

  it('reads any inputs into valid settings or throws an InputError', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...names), nasty), inputs => {
        const settings = parsesOrRefuses(() => readSettings(name => inputs[name] ?? ''))
        if (!settings) return
        expect(settings.resourceIds.every(id => Number.isSafeInteger(id) && id > 0)).toBe(true)
        expect(settings.batchSize).toBeGreaterThanOrEqual(1)
        expect(settings.batchSize).toBeLessThanOrEqual(100)
        expect(settings.prefetchIntervalMs).toBeGreaterThan(0)
        expect(settings.maxAttempts).toBeGreaterThanOrEqual(1)
        expect(['https:', 'http:']).toContain(new URL(settings.apiUrl).protocol)
      }),
      { numRuns: 3000 }
    )
  })
})
