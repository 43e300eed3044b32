/**
 * What each bundle carries. Neither holds Octokit: the release lookup goes
 * through the one HTTP layer like every request (core/paths/github-rest.ts), so
 * the proxy settings and the deadlines are the same for all of them. The CLI's
 * holds nothing of @actions/core either.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import nodePath from 'node:path'
import { ROOT } from './support/run-action.js'

const read = (file: string) => readFileSync(nodePath.join(ROOT, file), 'utf8')
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

describe('dist (the action)', () => {
  it.each(scripts('dist'))('%s holds no Octokit', file => {
    expect(read(`dist/${file}`)).not.toMatch(OCTOKIT)
  })
})
