import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { readSettings } from '../src/inputs.js'
import { collectPaths } from '../src/sources.js'

let workspace: string
const MiB = 1024 * 1024

beforeAll(() => {
  workspace = mkdtempSync(nodePath.join(tmpdir(), 'gcore-sources-'))
  const files: [string, number][] = [['dist/big.iso', 300 * MiB], ['dist/small.iso', MiB]]
  for (const [file, size] of files) {
    mkdirSync(nodePath.dirname(nodePath.join(workspace, file)), { recursive: true })
    writeFileSync(nodePath.join(workspace, file), '')
    truncateSync(nodePath.join(workspace, file), size)
  }
  writeFileSync(nodePath.join(workspace, 'list.txt'), '/from-file/a.iso\n\n  /c.iso  \nhttps://cdn.example.com/from-file/b.iso\n')
  writeFileSync(nodePath.join(workspace, 'list.json'), JSON.stringify(['/j/1.iso', '/j/2 x.iso']))
  writeFileSync(nodePath.join(workspace, 'bad.txt'), '/ok.iso\n/wild/*.iso\n')
})
afterAll(() => rmSync(workspace, { recursive: true, force: true }))

const settings = (inputs: Record<string, string>) =>
  readSettings(name => ({ 'api-key': 'k', 'resource-id': '1', ...inputs })[name] ?? '')

describe('collectPaths', () => {
  it('combines paths, paths-file and files; first occurrence wins', async () => {
    const collected = await collectPaths(
      settings({ paths: '/c.iso\n/dl/big.iso', 'paths-file': 'list.txt', files: '*.iso', 'base-dir': 'dist', 'path-prefix': '/dl' }),
      workspace
    )
    expect(collected.paths).toEqual(['/c.iso', '/dl/big.iso', '/from-file/a.iso', '/from-file/b.iso', '/dl/small.iso'])
    expect(collected.skipped).toEqual([])
    expect(collected.warnings).toEqual([
      "1 file(s) outside Gcore's recommended 200 MB – 5 GB prefetch window: small.iso (1.0 MiB)."
    ])
  })

  it('reads a JSON paths-file and a JSON paths input', async () => {
    const collected = await collectPaths(settings({ paths: '["/p.iso", "/j/1.iso"]', 'paths-file': 'list.json' }), workspace)
    expect(collected.paths).toEqual(['/p.iso', '/j/1.iso', '/j/2%20x.iso'])
  })

  it('skips files outside the window with size-check: skip, but not paths listed explicitly', async () => {
    const collected = await collectPaths(settings({ files: '**/*.iso', 'base-dir': 'dist', 'size-check': 'skip' }), workspace)
    expect(collected.paths).toEqual(['/big.iso'])
    expect(collected.skipped).toEqual(['/small.iso'])
    expect(collected.files.map(f => [f.file, f.size, f.skipped])).toEqual([['big.iso', 300 * MiB, false], ['small.iso', MiB, true]])

    const listed = await collectPaths(settings({ paths: '/small.iso', files: '**/*.iso', 'base-dir': 'dist', 'size-check': 'skip' }), workspace)
    expect(listed.paths).toEqual(['/small.iso', '/big.iso'])
  })

  it('says nothing about sizes with size-check: off, and warns about a pattern that matches nothing', async () => {
    const collected = await collectPaths(settings({ files: '*.iso\n*.zip', 'base-dir': 'dist', 'size-check': 'off' }), workspace)
    expect(collected.warnings).toEqual(['Pattern "*.zip" in input "files" matched no file under dist.'])
  })

  it.each([
    [{ 'paths-file': 'bad.txt' }, 'Path "/wild/*.iso" from file "bad.txt", line 2 contains `*`'],
    [{ 'paths-file': 'missing.txt' }, 'Input "paths-file" names "missing.txt", which is not a readable file.'],
    [{ files: '*.iso', 'base-dir': 'nope' }, 'Input "base-dir" must be a directory, got "nope"'],
    [{ files: '../*.txt', 'base-dir': 'dist' }, 'Input "files" matched "../bad.txt", which is outside base-dir'],
    [{ paths: '/a\u0007.iso' }, 'Path "/a\\u0007.iso" from input "paths", line 1 contains a control character']
  ])('refuses %j', async (inputs, message) => {
    await expect(collectPaths(settings(inputs), workspace)).rejects.toThrow(message)
  })
})
