/**
 * Property-based tests of input and path parsing (fast-check): whatever a user
 * types, parsing either succeeds or throws an InputError, and what it emits is
 * always a clean, domain-free, stable CDN path. Every property counts how many
 * of its cases reached the assertions, and fails when too few did: a property
 * whose cases are all refused early proves nothing.
 */
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { encodeFileSegment } from '../../src/core/paths/files.js'
import { normaliseCdnPath, normalisePrefix, splitPathList } from '../../src/core/paths/normalise.js'
import { InputError } from '../../src/core/input-error.js'
import { parseGcoreTime } from '../../src/core/gcore/time.js'
import { isNotCheckable, rewritten } from '../../src/core/origin/route.js'
import { judgeOrigin, type SourceAnswer } from '../../src/core/origin/verdict.js'
import { readSettings } from '../../src/core/settings.js'
import { redact, SECRET_RUN } from '../../src/core/text.js'

// Strings biased toward what breaks URL handling.
const nasty = fc.oneof(
  fc.string({ unit: 'grapheme-composite', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'/\\?#%*. :@[]<>`|"\'\t\n\r\u0000\u007f\u0085 aZ9ü😀'.split('')), maxLength: 30 }),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.webPath()
)

/** Counts the cases that got past parsing, to assert that enough of them did. */
function tally() {
  const counts = { reached: 0, refused: 0 }
  return {
    counts,
    parse<T>(parse: () => T): T | undefined {
      try {
        const value = parse()
        counts.reached++
        return value
      } catch (error) {
        expect(error).toBeInstanceOf(InputError)
        counts.refused++
        return undefined
      }
    },
    /** At least `share` of the cases reached the assertions. */
    expectReached(share: number) {
      expect(counts.reached / (counts.reached + counts.refused)).toBeGreaterThanOrEqual(share)
    }
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
  expect(path).not.toContain('\\')
  expect(path.split('?')[0]).not.toContain('//')
  expect(path.trim()).not.toBe('/')
}

const LINE = { input: 'paths', where: 'line 1' } as const

describe('path parsing properties', () => {
  it('normalises to a clean path or refuses with an InputError, and is idempotent', () => {
    const { parse, expectReached } = tally()
    fc.assert(
      fc.property(nasty, raw => {
        const path = parse(() => normaliseCdnPath(raw, LINE))
        if (path === undefined) return
        expectCleanPath(path)
        expect(normaliseCdnPath(path, LINE)).toBe(path)
      }),
      { numRuns: 3000 }
    )
    expectReached(0.4) // a full URL with a fragment is refused: about a quarter of the cases
  })

  it('never drops a segment of a path written with backslashes or doubled slashes', () => {
    const { parse, expectReached } = tally()
    const segment = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,11}$/)
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('/', '\\', '//', '\\\\'),
        fc.constantFrom('', '/', '\\', '//', '\\\\'),
        (segments, separator, lead) => {
          const path = parse(() => normaliseCdnPath(lead + segments.join(separator), LINE))
          if (path === undefined) return
          expect(path).toBe(`/${segments.join('/')}`)
        }
      ),
      { numRuns: 2000 }
    )
    expectReached(0.6)
  })

  it('never keeps the host of a full URL', () => {
    const { parse, expectReached } = tally()
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true }), url => {
        const path = parse(() => normaliseCdnPath(url, LINE))
        if (path === undefined) return
        const host = new URL(url).host
        expect(path.startsWith(`/${host}`)).toBe(false)
      }),
      { numRuns: 1000 }
    )
    expectReached(0.5)
  })

  it('splits any text into entries or refuses it with an InputError', () => {
    const { parse, expectReached } = tally()
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json()), text => {
        const entries = parse(() => splitPathList(text, { input: 'paths' }))
        for (const entry of entries ?? []) expect(entry.raw.trim()).not.toBe('')
      }),
      { numRuns: 2000 }
    )
    expectReached(0.5)
  })

  it('encodes any file name into one clean, reversible segment', () => {
    let checked = 0
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 40 }), name => {
        const segment = encodeFileSegment(name)
        expect(segment).not.toMatch(/[/?#*\s]/)
        expect(segment).not.toMatch(/[^\u0021-\u007e]/)
        expect(decodeURIComponent(segment)).toBe(name)
        checked++
      }),
      { numRuns: 2000 }
    )
    expect(checked).toBe(2000)
  })

  it('normalises any prefix or refuses it', () => {
    const { parse, expectReached } = tally()
    fc.assert(
      fc.property(nasty, raw => {
        const prefix = parse(() => normalisePrefix(raw))
        if (prefix === undefined || prefix === '') return
        expectCleanPath(`${prefix}/x`)
        expect(prefix.endsWith('/')).toBe(false)
      }),
      { numRuns: 2000 }
    )
    expectReached(0.5)
  })
})

describe('input parsing properties', () => {
  // Each input is either a value a user would plausibly type, or something nasty.
  const plausible: Record<string, fc.Arbitrary<string>> = {
    'api-key': fc.stringMatching(/^[A-Za-z0-9$]{8,40}$/),
    'resource-id': fc.oneof(
      fc.integer({ min: 1, max: 999_999_999 }).map(String),
      fc.constantFrom('cdn.example.com', '1, 2', '7\ncdn.example.org')
    ),
    paths: fc.webPath(),
    purge: fc.constantFrom('', 'true', 'false', 'auto', 'url', 'pattern', 'all'),
    'api-url': fc.constantFrom('', 'https://api.gcore.com', 'http://127.0.0.1:8787', 'http://[::1]:9000', 'https://api.gcore.com/cdn'),
    'batch-size': fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 100 }).map(String)),
    'prefetch-interval': fc.oneof(
      fc.constant(''),
      fc.float({ min: Math.fround(0.01), max: 600, noNaN: true }).map(n => n.toFixed(2))
    ),
    'purge-interval': fc.constantFrom('', '30', '0.5'),
    'max-attempts': fc.oneof(fc.constant(''), fc.integer({ min: 1, max: 100 }).map(String)),
    'request-timeout': fc.constantFrom('', '30', '1.5'),
    'fail-on-error': fc.constantFrom('', 'true', 'false'),
    'if-no-paths': fc.constantFrom('', 'error', 'warn', 'ignore'),
    'dry-run': fc.constantFrom('', 'true', 'false'),
    'size-check': fc.constantFrom('', 'warn', 'skip', 'off'),
    'path-prefix': fc.oneof(fc.constant(''), fc.webPath()),
    'release-assets': fc.constantFrom('', 'false'),
    'time-budget': fc.constantFrom('', '60', '3600'),
    'origin-check': fc.constantFrom('', 'auto', 'required', 'off'),
    'origin-url': fc.oneof(fc.constant(''), fc.webUrl({ validSchemes: ['http', 'https'] })),
    'origin-timeout': fc.oneof(fc.constant(''), fc.integer({ min: 0, max: 3600 }).map(String))
  }
  const names = Object.keys(plausible)
  const inputs = fc.record(
    Object.fromEntries(names.map(name => [name, fc.oneof({ weight: 12, arbitrary: plausible[name] }, { weight: 1, arbitrary: nasty })]))
  )

  it('reads any inputs into valid settings or throws an InputError', () => {
    const { parse, expectReached, counts } = tally()
    fc.assert(
      fc.property(inputs, values => {
        const settings = parse(() => readSettings(name => (values as Record<string, string>)[name] ?? ''))
        if (!settings) return
        expect(settings.resources.length).toBeGreaterThan(0)
        for (const resource of settings.resources) {
          if (resource.id !== undefined) expect(Number.isSafeInteger(resource.id) && resource.id > 0).toBe(true)
          else expect(resource.hostname).toMatch(/^[a-z0-9.-]+$/)
        }
        if (settings.batchSize !== undefined) expect(settings.batchSize).toBeGreaterThanOrEqual(1)
        if (settings.batchSize !== undefined) expect(settings.batchSize).toBeLessThanOrEqual(100)
        if (settings.prefetchIntervalMs !== undefined) expect(settings.prefetchIntervalMs).toBeGreaterThan(0)
        expect(settings.maxAttempts).toBeGreaterThanOrEqual(1)
        expect(['https:', 'http:']).toContain(new URL(settings.apiUrl).protocol)
        expect(settings.apiUrl).not.toMatch(/\/cdn$/)
        expect(['off', 'url', 'pattern', 'all', 'auto']).toContain(settings.purge)
        expect(['auto', 'required', 'off']).toContain(settings.originCheck)
        expect(settings.originTimeoutMs).toBeGreaterThanOrEqual(0)
        for (const url of settings.originUrls) {
          const parsed = new URL(url)
          expect(['https:', 'http:']).toContain(parsed.protocol)
          expect(parsed.username + parsed.password).toBe('')
        }
      }),
      { numRuns: 3000 }
    )
    expectReached(0.2)
    expect(counts.refused).toBeGreaterThan(0)
  })
})

describe('redaction properties', () => {
  it('leaves no run of 8 characters of the key, however the text cuts or encodes it', () => {
    let checked = 0
    const key = fc.string({ unit: fc.constantFrom(...'abcXYZ019$"\\/+= -_'.split('')), minLength: 12, maxLength: 48 })
    const form = fc.constantFrom<(k: string) => string>(
      k => k,
      k => encodeURIComponent(k),
      k => JSON.stringify(k),
      k => Buffer.from(k, 'latin1').toString('base64'),
      k => Buffer.from(`x${k}`, 'latin1').toString('base64'),
      k => Buffer.from(`xy${k}`, 'latin1').toString('base64')
    )
    fc.assert(
      fc.property(key, form, fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 }), fc.nat(), (secret, encode, before, after, cut) => {
        const text = `${before}${encode(secret)}${after}`
        const shown = redact(text.slice(0, cut % (text.length + 1)), [secret])
        for (let i = 0; i + SECRET_RUN <= secret.length; i++) expect(shown).not.toContain(secret.slice(i, i + SECRET_RUN))
        checked++
      }),
      { numRuns: 2000 }
    )
    expect(checked).toBe(2000)
  })
})

describe('the fast path of normaliseCdnPath', () => {
  it('takes as it is only what the URL parser would leave as it is', () => {
    let fast = 0
    const safe = fc.string({ unit: fc.constantFrom(..."/aZ9-._~!$&'()+,;=:@%2F".split('')), minLength: 1, maxLength: 40 })
    fc.assert(
      fc.property(
        fc.oneof(
          safe.map(text => `/${text}`),
          nasty
        ),
        raw => {
          let viaUrl: string | undefined
          try {
            // What the slow path makes of it: with a trailing space, the fast path is skipped.
            viaUrl = normaliseCdnPath(`${raw} `, LINE)
          } catch {
            viaUrl = undefined
          }
          let direct: string | undefined
          try {
            direct = normaliseCdnPath(raw, LINE)
          } catch {
            direct = undefined
          }
          if (direct === raw) fast++
          expect(direct).toBe(viaUrl)
        }
      ),
      { numRuns: 3000 }
    )
    expect(fast).toBeGreaterThan(300)
  })
})

describe('origin properties', () => {
  // Mostly sources that serve the same file, sometimes one that does not: so that both verdicts are reached often.
  const answer: fc.Arbitrary<SourceAnswer> = fc.record({
    source: fc.constantFrom('a.example.com', 'b.example.com', '10.0.0.5:8080'),
    backup: fc.boolean(),
    status: fc.oneof(
      { weight: 8, arbitrary: fc.constant(200) },
      { weight: 1, arbitrary: fc.option(fc.constantFrom(206, 301, 302, 304, 403, 404, 410, 500, 503), { nil: null }) }
    ),
    size: fc.oneof({ weight: 8, arbitrary: fc.constant(300) }, { weight: 1, arbitrary: fc.option(fc.constantFrom(0, 280), { nil: null }) }),
    etag: fc.oneof(
      { weight: 8, arbitrary: fc.constant('"v2"') },
      { weight: 1, arbitrary: fc.option(fc.constantFrom('"v1"', 'W/"v2"'), { nil: null }) }
    ),
    error: fc.option(fc.constantFrom('connection reset', 'no complete answer within 30 s (request-timeout)'), { nil: null }),
    redirects: fc.nat({ max: 3 }),
    html: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) })
  })

  it('calls a path ready only when every primary source has the same file, of the expected size', () => {
    let ready = 0
    fc.assert(
      fc.property(
        fc.array(answer, { minLength: 1, maxLength: 4 }),
        fc.option(fc.constantFrom(300, 280), { nil: null }),
        (answers, expected) => {
          const verdict = judgeOrigin(answers, expected)
          const primaries = answers.filter(candidate => !candidate.backup)
          if (verdict.state !== 'ready') {
            expect(verdict.detail).toEqual(expect.any(String))
            return
          }
          ready++
          expect(primaries.length).toBeGreaterThan(0)
          for (const primary of primaries) {
            expect(primary.status! >= 200 && primary.status! < 300 && !primary.html).toBe(true)
            if (expected !== null && primary.size !== null) expect(primary.size).toBe(expected)
          }
          expect(new Set(primaries.map(primary => primary.size).filter(size => size !== null)).size).toBeLessThanOrEqual(1)
        }
      ),
      { numRuns: 3000 }
    )
    expect(ready).toBeGreaterThan(100)
  })

  it('rewrites any path to a path, or says it cannot be sure, and never throws', () => {
    let rewrote = 0
    const body = fc.constantFrom(
      '/(.*) /media/$1',
      '^/v/(.*)$ /files/$1',
      '^/(a)/(.*) /$2/$1',
      '/(?<x>.*) /m/$x',
      '/(.*) $scheme://x/$1',
      '[ /x'
    )
    fc.assert(
      fc.property(fc.oneof(fc.webPath(), fc.string()), body, fc.constantFrom('break', 'last', 'redirect'), (path, rule, flag) => {
        const result = rewritten(path.startsWith('/') ? path : `/${path}`, { body: rule, flag })
        if (typeof result !== 'string') {
          expect(isNotCheckable(result)).toBe(true)
          return
        }
        rewrote++
        expect(result.startsWith('/')).toBe(true)
      }),
      { numRuns: 2000 }
    )
    expect(rewrote).toBeGreaterThan(200)
  })

  it('reads a time Gcore writes, or nothing: never an invalid date', () => {
    let read = 0
    fc.assert(
      fc.property(
        fc.oneof(
          fc.date({ min: new Date(2000, 0, 1), max: new Date(2100, 0, 1), noInvalidDate: true }).map(date => date.toISOString()),
          fc.string()
        ),
        text => {
          const ms = parseGcoreTime(text)
          if (ms === null) return
          read++
          expect(Number.isFinite(ms)).toBe(true)
          expect(parseGcoreTime(new Date(ms).toISOString())).toBe(ms)
        }
      ),
      { numRuns: 2000 }
    )
    expect(read).toBeGreaterThan(200)
  })
})
