import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { nodeFileSource } from '../../../src/core/paths/node-file-source.js'
import { collectPaths as collect } from '../../../src/core/paths/sources.js'
import type { Settings } from '../../../src/core/settings.js'
import { settingsWith } from '../../support/settings.js'

const collectPaths = (settings: Settings, workspace: string) => collect(settings, { files: nodeFileSource, workspace })

let workspace: string
const MiB = 1024 * 1024

beforeAll(() => {
  workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-sources-'))
  const files: [string, number][] = [
    ['dist/big.iso', 300 * MiB],
    ['dist/small.iso', MiB]
  ]
  for (const [file, size] of files) {
    mkdirSync(nodePath.dirname(nodePath.join(workspace, file)), { recursive: true })
    writeFileSync(nodePath.join(workspace, file), '')
    truncateSync(nodePath.join(workspace, file), size)
  }
  writeFileSync(nodePath.join(workspace, 'list.txt'), '/from-file/a.iso\n\n  /c.iso  \nhttps://cdn.example.com/from-file/b.iso\n')
  writeFileSync(nodePath.join(workspace, 'list.json'), JSON.stringify(['/j/1.iso', '/j/2 x.iso']))
  writeFileSync(nodePath.join(workspace, 'bad.txt'), '/ok.iso\n/wild/*.iso\n')
  writeFileSync(
    nodePath.join(workspace, 'latin1.txt'),
    Buffer.concat([Buffer.from('/ok.iso\n/caf'), Buffer.from([0xe9]), Buffer.from('.iso\n')])
  )
  writeFileSync(nodePath.join(workspace, 'bom.txt'), '\ufeff/with-bom.iso\n')
})
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

describe('collectPaths', () => {
  it('combines paths, paths-file and files; first occurrence wins', async () => {
    const collected = await collectPaths(
      settingsWith({ paths: '/c.iso\n/dl/big.iso', 'paths-file': 'list.txt', files: '*.iso', 'base-dir': 'dist', 'path-prefix': '/dl' }),
      workspace
    )
    expect(collected.paths).toEqual(['/c.iso', '/dl/big.iso', '/from-file/a.iso', '/from-file/b.iso', '/dl/small.iso'])
    expect(collected.skipped).toEqual([])
    expect(collected.warnings).toEqual(["1 file outside Gcore's recommended 200 MB – 5 GB prefetch window: small.iso (1.0 MiB)."])
  })

  it('reads a JSON paths-file and a JSON paths input', async () => {
    const collected = await collectPaths(settingsWith({ paths: '["/p.iso", "/j/1.iso"]', 'paths-file': 'list.json' }), workspace)
    expect(collected.paths).toEqual(['/p.iso', '/j/1.iso', '/j/2%20x.iso'])
  })

  it('skips files outside the window with size-check: skip, but not paths listed explicitly', async () => {
    const collected = await collectPaths(settingsWith({ files: '**/*.iso', 'base-dir': 'dist', 'size-check': 'skip' }), workspace)
    expect(collected.paths).toEqual(['/big.iso'])
    expect(collected.skipped).toEqual(['/small.iso'])
    expect(collected.files.map(f => [f.file, f.size, f.skipped])).toEqual([
      ['big.iso', 300 * MiB, false],
      ['small.iso', MiB, true]
    ])

    const listed = await collectPaths(
      settingsWith({ paths: '/small.iso', files: '**/*.iso', 'base-dir': 'dist', 'size-check': 'skip' }),
      workspace
    )
    expect(listed.paths).toEqual(['/small.iso', '/big.iso'])
  })

  it('says nothing about sizes with size-check: off, and warns about a pattern that matches nothing', async () => {
    const collected = await collectPaths(settingsWith({ files: '*.iso\n*.zip', 'base-dir': 'dist', 'size-check': 'off' }), workspace)
    expect(collected.warnings).toEqual(['Pattern "*.zip" in input "files" matched no file under dist.'])
  })

  it('splits a line of several paths, normalises backslashes, and says so', async () => {
    const collected = await collectPaths(settingsWith({ paths: '/a.iso /b.iso\n\\win\\c.iso\n/My App.iso' }), workspace)
    expect(collected.paths).toEqual(['/a.iso', '/b.iso', '/win/c.iso', '/My%20App.iso'])
    expect(collected.warnings).toEqual([
      '1 path normalised: "\\\\win\\\\c.iso" → "/win/c.iso" (backslashes read as /).',
      '1 line held several paths separated by spaces or commas, sent as separate paths: input "paths", line 1 (2 paths).'
    ])
  })

  it('reads a UTF-8 paths-file with a byte-order mark', async () => {
    expect((await collectPaths(settingsWith({ 'paths-file': 'bom.txt' }), workspace)).paths).toEqual(['/with-bom.iso'])
  })

  it.each([
    [{ 'paths-file': 'latin1.txt' }, 'Input "paths-file" names "latin1.txt", which is not valid UTF-8 at line 2'],
    [{ 'paths-file': 'bad.txt' }, 'Path "/wild/*.iso" from file "bad.txt", line 2 contains `*`'],
    [{ 'paths-file': 'missing.txt' }, 'Input "paths-file" names "missing.txt", which is not a readable file.'],
    [{ files: '*.iso', 'base-dir': 'nope' }, 'Input "base-dir" must be a directory, got "nope"'],
    [{ files: '../*.txt', 'base-dir': 'dist' }, 'Input "files" matched "../bad.txt", which is outside base-dir'],
    [{ paths: '/a\u0007.iso' }, 'Path "/a\\u0007.iso" from input "paths", line 1 contains a control character']
  ])('refuses %j', async (inputs, message) => {
    await expect(collectPaths(settingsWith(inputs), workspace)).rejects.toThrow(message)
  })
})
