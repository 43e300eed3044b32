import { describe, expect, it } from '@jest/globals'
import { InputError } from '../src/inputs.js'
import { normaliseCdnPath, splitPathList } from '../src/paths.js'

const normalise = (raw: string) => normaliseCdnPath(raw, 'input "paths", line 1')

describe('normaliseCdnPath', () => {
  it.each([
    ['/a/b.iso', '/a/b.iso'],
    ['  a/b.iso  ', '/a/b.iso'],
    ['https://cdn.example.com/a/b.iso?v=2', '/a/b.iso?v=2'],
    ['http://cdn.example.com:8080/a.iso#frag', '/a.iso'],
    ['//cdn.example.com/a.iso', '/a.iso'],
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
    ['', /is empty/],
    ['   ', /is empty/],
    ['/videos/*', /wildcards/],
    ['/a\u0007b.iso', /control character/],
    ['/a\tb.iso', /control character/],
    ['/', /names no file/],
    ['https://cdn.example.com', /names no file/],
    ['https://cdn.example.com/?x=1', /names no file/],
    ['ftp://host/a.iso', /not http/],
    ['https://', /not a valid/]
  ])('rejects %j', (raw, problem) => {
    expect(() => normalise(raw)).toThrow(InputError)
    expect(() => normalise(raw)).toThrow(problem)
    expect(() => normalise(raw)).toThrow('from input "paths", line 1')
  })
})

describe('splitPathList', () => {
  it('splits lines, skips blanks, and numbers them from 1', () => {
    expect(splitPathList('/a\n\n  \r\n/b\r\n', 'input "paths"')).toEqual([
      { raw: '/a', origin: 'input "paths", line 1' },
      { raw: '/b', origin: 'input "paths", line 4' }
    ])
  })

  it('reads a JSON array, as failed-paths writes it', () => {
    expect(splitPathList(' ["/a.iso", "/b c.iso"] ', 'input "paths"')).toEqual([
      { raw: '/a.iso', origin: 'input "paths", item 1' },
      { raw: '/b c.iso', origin: 'input "paths", item 2' }
    ])
  })

  it.each(['[not json', '[1, 2]', '["/a", null]'])('rejects the malformed JSON %j', text => {
    expect(() => splitPathList(text, 'input "paths"')).toThrow(/input "paths"/)
  })
})
