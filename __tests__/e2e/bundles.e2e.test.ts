/**
 * What each bundle carries. The CLI's holds nothing of @actions/core or Octokit
 * (it reads a release through core/paths/github-rest.ts); the action's loads
 * Octokit only to look a release up by tag: its code is in a chunk of its own,
 * which a run without release assets never opens.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import type { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { actionInputs, startEmulator } from '../support/e2e.js'
import { readRepoFile, ROOT, runAction } from '../support/run-action.js'

const read = readRepoFile
const scripts = (dir: string) => readdirSync(nodePath.join(ROOT, dir)).filter(file => /\.c?js$/.test(file))

// Strings only the libraries' own code holds.
const ACTIONS_CORE = /ACTIONS_STEP_DEBUG|GITHUB_OUTPUT|::add-mask::/
const OCTOKIT = /octokit-request\.js|function getOctokit|@octokit\/plugin-paginate-rest/

describe('dist/cli', () => {
  it.each(scripts('dist/cli'))('%s holds no @actions/core and no Octokit', file => {
    const code = read(`dist/cli/${file}`)
    expect(code).not.toMatch(ACTIONS_CORE)
    expect(code).not.toMatch(OCTOKIT)
  })
})

describe('dist/index.js', () => {
  const octokitChunks = scripts('dist').filter(file => OCTOKIT.test(read(`dist/${file}`)))
  let copy: string
  let gcore: GcoreEmulator

  beforeAll(async () => {
    copy = mkdtempSync(nodePath.join(tmpdir(), 'gcore-dist-'))
    cpSync(nodePath.join(ROOT, 'dist'), copy, { recursive: true })
    for (const chunk of octokitChunks) rmSync(nodePath.join(copy, chunk))
    gcore = await startEmulator()
  })
  afterAll(() => gcore.stop())

  it('keeps Octokit in a chunk of its own', () => {
    expect(octokitChunks).toHaveLength(1)
    expect(octokitChunks[0]).not.toBe('index.js')
  })

  it('runs without that chunk when no release is looked up', async () => {
    const run = await runAction(actionInputs(gcore, { paths: '/a.iso' }), { entry: nodePath.join(copy, 'index.js') })

    expect(run.code).toBe(0)
    expect(run.outputs.result).toBe('success')
  })
})
