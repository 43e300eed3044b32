/**
 * What cannot be read under base-dir is never skipped without a word: a warning
 * naming each directory or file left out, an input error when the user named
 * it (base-dir itself, or a pattern's plain leading part).
 */
import { describe, expect, it } from '@jest/globals'
import { InputError } from '../../../src/core/input-error.js'
import { collectPaths, type PathSettings } from '../../../src/core/paths/sources.js'
import type { FileSource } from '../../../src/core/ports.js'

/** base-dir /ws/dist: a.iso, pub/b.iso; private/ cannot be listed; odd/c.iso cannot be stat-ed. */
const source: FileSource = {
  async glob(patterns, cwd, onUnreadable) {
    const pattern = patterns[0]
    if (pattern.startsWith('private') || pattern.startsWith('**')) onUnreadable?.(`${cwd}/private/`, 'EACCES')
    if (pattern.startsWith('locked')) onUnreadable?.(`${cwd}/`, 'EACCES')
    if (pattern.startsWith('**')) return ['a.iso', 'odd/c.iso', 'pub/b.iso']
    if (pattern === 'odd/c.iso') return ['odd/c.iso']
    return []
  },
  kind: async () => 'directory',
  size: async path => (path.endsWith('c.iso') ? Promise.reject(Object.assign(new Error('denied'), { code: 'EACCES' })) : 300 * 1024 * 1024),
  readBytes: async () => new Uint8Array()
}

const settings = (files: string[]): PathSettings => ({
  paths: '',
  pathsFile: '',
  files,
  baseDir: 'dist',
  pathPrefix: '',
  sizeCheck: 'warn',
  releaseAssets: false
})
const collect = (files: string[]) => collectPaths(settings(files), { files: source, workspace: '/ws' })

describe('unreadable directories and files under base-dir', () => {
  it('found while globbing: each is named in a warning, and what could be read is sent', async () => {
    const collected = await collect(['**/*.iso'])
    expect(collected.paths).toEqual(['/a.iso', '/pub/b.iso'])
    expect(collected.warnings).toEqual([
      '1 directory under dist could not be read, so the files in it are left out of input "files": private (EACCES).',
      '1 file under dist could not be read and is left out of input "files": odd/c.iso (EACCES).'
    ])
  })

  it.each([
    [
      'private/*.iso',
      'input "files" names "private" (pattern "private/*.iso"), but the directory "private" under dist cannot be read (EACCES).'
    ],
    [
      'private/app.iso',
      'input "files" names "private/app.iso" (pattern "private/app.iso"), but the directory "private" under dist cannot be read (EACCES).'
    ],
    ['odd/c.iso', 'input "files" names "odd/c.iso" (pattern "odd/c.iso"), but the file "odd/c.iso" under dist cannot be read (EACCES).']
  ])('named in %j: an input error naming it', async (pattern, message) => {
    const error = await collect([pattern]).catch(caught => caught)
    expect(error).toBeInstanceOf(InputError)
    expect((error as Error).message).toBe(message.charAt(0).toUpperCase() + message.slice(1))
  })

  it('base-dir itself: an input error naming base-dir', async () => {
    await expect(collect(['locked*.iso'])).rejects.toThrow('Input "base-dir" "dist" cannot be read (EACCES): its files cannot be listed.')
  })
})
