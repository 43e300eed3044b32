import { describe, expect, it } from '@jest/globals'
import { normaliseCdnPath, normalisePrefix, splitPathList, splitSeveralOnOneLine } from '../../../src/core/paths/normalise.js'
import { InputError } from '../../../src/core/input-error.js'

const LINE_1 = { input: 'paths', where: 'line 1' } as const
const normalise = (raw: string) => normaliseCdnPath(raw, LINE_1)

describe('normaliseCdnPath', () => {
  it.each([
    ['/a/b.iso', '/a/b.iso'],
    ['  a/b.iso  ', '/a/b.iso'],
    ['https://cdn.example.com/a/b.iso?v=2', '/a/b.iso?v=2'],
    ['/My App (x64).iso', '/My%20App%20(x64).iso'],
    ['/ünï/файл.iso', '/%C3%BCn%C3%AF/%D1%84%D0%B0%D0%B9%D0%BB.iso'],
    ['/already%20encoded.iso', '/already%20encoded.iso'],
    ['/100%.iso', '/100%25.iso'],
    ['/a%zz.iso', '/a%25zz.iso'],
    ['/a/./b/../c.iso', '/a/c.iso'],
    ['/q.iso?name=a b', '/q.iso?name=a%20b'],
    ['/<tag>.iso', '/%3Ctag%3E.iso']
  ])('%j → %j', (raw, expected) => {
    expect(normalise(raw)).toBe(expected)
    expect(normalise(expected)).toBe(expected)
  })

  it.each([
    ['\\releases\\v2\\a.iso', '/releases/v2/a.iso', 'backslashes read as /'],
    ['\\\\server\\share\\a.iso', '/server/share/a.iso', 'backslashes read as /, leading // read as /'],
    ['//releases/v2/a.iso', '/releases/v2/a.iso', 'leading // read as /'],
    ['/releases//v2///a.iso', '/releases/v2/a.iso', 'repeated / collapsed'],
    ['https://cdn.example.com//releases/a.iso', '/releases/a.iso', 'repeated / collapsed']
  ])('keeps every segment of %j (%j) and says what it changed', (raw, expected, why) => {
    const changes: string[] = []
    expect(normaliseCdnPath(raw, LINE_1, { onChange: (_, path, reason) => changes.push(`${path}: ${reason}`) })).toBe(expected)
    expect(changes).toEqual([`${expected}: ${why}`])
  })

  it('reports nothing for what users mean literally: a missing /, encoding, a full URL', () => {
    const changes: string[] = []
    for (const raw of ['a.iso', '/b c.iso', 'https://cdn.example.com/c.iso'])
      normaliseCdnPath(raw, LINE_1, { onChange: () => changes.push(raw) })
    expect(changes).toEqual([])
  })

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['/videos/*', /wildcards/],
    ['/a\u0007b.iso', /control character/],
    ['/a\tb.iso', /control character/],
    ['/', /names no file/],
    ['https://cdn.example.com', /names no file/],
    ['https://cdn.example.com/?x=1', /names no file/],
    ['ftp://host/a.iso', /not http/],
    ['https://', /not a valid/],
    [
      '//cdn.example.com/a.iso',
      /starts with \/\/ and "cdn.example.com" could be a host or a folder: write https:\/\/cdn.example.com\/a.iso for a URL, or \/cdn.example.com\/a.iso for a path/
    ]
  ])('rejects %j', (raw, problem) => {
    expect(() => normalise(raw)).toThrow(InputError)
    expect(() => normalise(raw)).toThrow(problem)
    expect(() => normalise(raw)).toThrow('from input "paths", line 1')
  })
})

describe('splitSeveralOnOneLine', () => {
  const entry = (raw: string) => ({ raw, origin: LINE_1 })

  it.each([
    ['/a.iso /b.iso', ['/a.iso', '/b.iso']],
    ['/a.iso, /b.iso,/c.iso', ['/a.iso', '/b.iso', '/c.iso']],
    ['https://cdn.example.com/a.iso https://cdn.example.com/b.iso', ['https://cdn.example.com/a.iso', 'https://cdn.example.com/b.iso']]
  ])('splits %j: every part is a path', (raw, parts) => {
    expect(splitSeveralOnOneLine(entry(raw)).map(part => part.raw)).toEqual(parts)
  })

  it.each(['/My App (x64).iso', '/docs/a, b.pdf', '/one.iso'])('keeps %j whole: a name may hold spaces and commas', raw => {
    expect(splitSeveralOnOneLine(entry(raw))).toEqual([entry(raw)])
  })
})

describe('splitPathList', () => {
  it('splits lines, skips blanks, and numbers them from 1', () => {
    expect(splitPathList('/a\n\n  \r\n/b\r\n', { input: 'paths' })).toEqual([
      { raw: '/a', origin: { input: 'paths', where: 'line 1' } },
      { raw: '/b', origin: { input: 'paths', where: 'line 4' } }
    ])
  })

  it('reads a JSON array, as failed-paths writes it', () => {
    expect(splitPathList(' ["/a.iso", "/b c.iso"] ', { input: 'paths' })).toEqual([
      { raw: '/a.iso', origin: { input: 'paths', where: 'item 1' } },
      { raw: '/b c.iso', origin: { input: 'paths', where: 'item 2' } }
    ])
  })

  it.each(['[not json', '[1, 2]', '["/a", null]'])('rejects the malformed JSON %j', text => {
    expect(() => splitPathList(text, { input: 'paths' })).toThrow(/input "paths"/i)
  })
})

describe('normalisePrefix', () => {
  it.each([
    ['', ''],
    ['/', ''],
    ['/downloads/v2.1.0/', '/downloads/v2.1.0'],
    ['downloads/v 2', '/downloads/v%202'],
    ['https://cdn.example.com/releases', '/releases'],
    ['//downloads', '/downloads'],
    ['\\downloads\\v2', '/downloads/v2']
  ])('%j → %j', (raw, prefix) => expect(normalisePrefix(raw)).toBe(prefix))

  it.each(['/a/*', '/a?x=1', '/a\u0001'])('refuses %j', raw => {
    expect(() => normalisePrefix(raw)).toThrow(/path-prefix/)
  })
})
