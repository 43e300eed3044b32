import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { assetFiles, encodeFileSegment, fileCdnPath, isOutsideWindow, matchFiles as match } from '../../../src/core/paths/files.js'
import { nodeFileSource } from '../../../src/core/paths/node-file-source.js'

const MB = 1024 * 1024
const matchFiles = (patterns: string[], base: string) => match(nodeFileSource, patterns, base)

describe('encodeFileSegment', () => {
  it.each([
    ['app.iso', 'app.iso'],
    ['My App (x64).iso', 'My%20App%20(x64).iso'],
    ['100%.iso', '100%25.iso'],
    ['%20.iso', '%2520.iso'],
    ['a#b?c.iso', 'a%23b%3Fc.iso'],
    ['star*.iso', 'star%2A.iso'],
    ['ümlaut.iso', '%C3%BCmlaut.iso'],
    ["a+b,c;d=e:f@g$h&i'j!k~l.iso", "a+b,c;d=e:f@g$h&i'j!k~l.iso"]
  ])('%j → %j', (name, encoded) => {
    expect(encodeFileSegment(name)).toBe(encoded)
    expect(decodeURIComponent(encoded)).toBe(name)
  })
})

describe('fileCdnPath', () => {
  it('maps a POSIX path under base-dir to prefix + relative path', () => {
    expect(fileCdnPath('win/My App (x64).iso', '/ws/dist', '/downloads/v2', nodePath.posix)).toBe('/downloads/v2/win/My%20App%20(x64).iso')
    expect(fileCdnPath('a.iso', '/ws/dist', '', nodePath.posix)).toBe('/a.iso')
  })

  it('maps a Windows path with / separators', () => {
    expect(fileCdnPath('win\\sub\\My App.iso', 'C:\\ws\\dist', '/d', nodePath.win32)).toBe('/d/win/sub/My%20App.iso')
    expect(fileCdnPath('C:\\ws\\dist\\linux\\app.iso', 'C:\\ws\\dist', '/d', nodePath.win32)).toBe('/d/linux/app.iso')
  })

  it.each([
    ['../other/a.iso', '/ws/dist', nodePath.posix],
    ['/elsewhere/a.iso', '/ws/dist', nodePath.posix],
    ['..\\other\\a.iso', 'C:\\ws\\dist', nodePath.win32],
    ['D:\\a.iso', 'C:\\ws\\dist', nodePath.win32]
  ])('refuses %j outside base-dir %j', (file, base, pathModule) => {
    expect(() => fileCdnPath(file, base, '', pathModule)).toThrow(/outside base-dir/)
  })
})

describe('size window', () => {
  it('is 200 MiB to 5 GiB', () => {
    expect([1, 200 * 1024 ** 2 - 1, 200 * 1024 ** 2, 5 * 1024 ** 3, 5 * 1024 ** 3 + 1].map(isOutsideWindow)).toEqual([
      true,
      true,
      false,
      false,
      true
    ])
  })
})

describe('matchFiles', () => {
  let base: string
  beforeAll(() => {
    base = mkdtempSync(nodePath.join(tmpdir(), 'gcore-files-'))
    for (const file of ['linux/app.iso', 'win/My App (x64).iso', 'notes.txt', 'tiny.iso', '.hidden/h.iso', '.dot.iso', 'deep/a/b/c.iso']) {
      mkdirSync(nodePath.dirname(nodePath.join(base, file)), { recursive: true })
      writeFileSync(nodePath.join(base, file), 'x')
    }
    mkdirSync(nodePath.join(base, 'folder.iso'))
  })
  afterAll(() => rmSync(base, { recursive: true, force: true }))

  it('matches files recursively, never directories or unnamed dot-files, in a stable order', async () => {
    expect(await matchFiles(['**/*.iso'], base)).toEqual({
      files: ['deep/a/b/c.iso', 'linux/app.iso', 'tiny.iso', 'win/My App (x64).iso'],
      unmatched: [],
      unreadable: []
    })
  })

  it('excludes with !, and names patterns that match nothing', async () => {
    expect(await matchFiles(['**/*.iso', '!win/**', '!deep/**', '*.zip'], base)).toEqual({
      files: ['linux/app.iso', 'tiny.iso'],
      unmatched: ['*.zip'],
      unreadable: []
    })
  })

  it('includes dot-files when a pattern names them', async () => {
    expect((await matchFiles(['.hidden/*.iso', '.*.iso'], base)).files).toEqual(['.hidden/h.iso', '.dot.iso'])
  })
})

describe('assetFiles', () => {
  it('maps names with the file-name encoding and applies the size window', () => {
    const files = assetFiles(
      [
        { name: 'App Setup 2.1.0.exe', size: 250 * MB },
        { name: 'sums#1.txt', size: 10 }
      ],
      '/releases/v2',
      true
    )
    expect(files).toEqual([
      {
        file: 'App Setup 2.1.0.exe',
        size: 250 * MB,
        cdnPath: '/releases/v2/App%20Setup%202.1.0.exe',
        outsideWindow: false,
        skipped: false
      },
      { file: 'sums#1.txt', size: 10, cdnPath: '/releases/v2/sums%231.txt', outsideWindow: true, skipped: true }
    ])
  })
})
