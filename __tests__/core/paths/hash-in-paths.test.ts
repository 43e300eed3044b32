/**
 * `#` is where a URL ends. In a path it is part of a name, sent as %23, so
 * distinct files stay distinct; in a full URL it starts a fragment, so the URL
 * is refused with the fix. Nothing is merged or cut at a `#`.
 */
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/core/input-error.js'
import { assetFiles, fileCdnPath } from '../../../src/core/paths/files.js'
import { normaliseCdnPath, normalisePrefix } from '../../../src/core/paths/normalise.js'
import { collectPaths } from '../../../src/core/paths/sources.js'
import type { FileSource } from '../../../src/core/ports.js'

const LINE_1 = { input: 'paths', where: 'line 1' } as const

describe('a # in a path', () => {
  it.each([
    ['/rel/v#1.iso', '/rel/v%231.iso'],
    ['rel/v#2.iso', '/rel/v%232.iso'],
    ['/a/#', '/a/%23'],
    ['/q.iso?v=1#2', '/q.iso?v=1%232'],
    ['\\rel\\v#3.iso', '/rel/v%233.iso']
  ])('%j is sent as %j, and says so', (raw, sent) => {
    const changes: string[] = []
    expect(normaliseCdnPath(raw, LINE_1, { onChange: (_, path, why) => changes.push(`${path}: ${why}`) })).toBe(sent)
    expect(changes).toHaveLength(1)
    expect(changes[0]).toContain('# sent as %23')
    // Normalising what is sent changes nothing.
    expect(normaliseCdnPath(sent, LINE_1)).toBe(sent)
  })

  it('keeps three files that differ after the # apart', async () => {
    const files: FileSource = {
      glob: async () => [],
      kind: async () => 'missing',
      size: async () => 0,
      readBytes: async () => new Uint8Array()
    }
    const collected = await collectPaths(
      {
        paths: '/rel/v#1.iso\n/rel/v#2.iso\n/rel/v#3.iso',
        pathsFile: '',
        files: [],
        baseDir: '.',
        pathPrefix: '',
        sizeCheck: 'warn',
        releaseAssets: false
      },
      { files, workspace: '/w' }
    )
    expect(collected.paths).toEqual(['/rel/v%231.iso', '/rel/v%232.iso', '/rel/v%233.iso'])
    expect(collected.warnings.join('\n')).toContain('3 paths normalised')
  })

  it('in path-prefix is part of the prefix', () => {
    expect(normalisePrefix('/builds/#7')).toBe('/builds/%237')
  })
})

describe('a # in a full URL', () => {
  it.each(['https://cdn.example.com/rel/v#1.iso', 'http://cdn.example.com:8080/a.iso#frag'])(
    '%j is refused by name, with both spellings to choose from',
    raw => {
      expect(() => normaliseCdnPath(raw, LINE_1)).toThrow(InputError)
      expect(() => normaliseCdnPath(raw, LINE_1)).toThrow(/from input "paths", line 1 has a "#", where a URL ends/)
      expect(() => normaliseCdnPath(raw, LINE_1)).toThrow(
        `write %23 for a "#" that is part of the name (${JSON.stringify(raw.replace('#', '%23'))})`
      )
    }
  )
})

describe('a # in a file or asset name', () => {
  it('is encoded as %23 in files matches and release assets', () => {
    expect(fileCdnPath('v#1.iso', '/b', '/rel')).toBe('/rel/v%231.iso')
    expect(fileCdnPath('v#2.iso', '/b', '/rel')).toBe('/rel/v%232.iso')
    expect(assetFiles([{ name: 'v#1.iso', size: 1 }], '/rel', false)[0].cdnPath).toBe('/rel/v%231.iso')
  })
})
