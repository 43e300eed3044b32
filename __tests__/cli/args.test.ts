/** The CLI's flags and help (src/cli/args.ts, spec.ts): parsed and generated in process. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import nodePath from 'node:path'
import { helpText, inputReader, parseCommandLine as parseArgs, SWITCHES, UsageError } from '../../src/cli/args.js'
import { ACTION_INPUTS, VERSION } from '../../src/cli/spec.js'
import { ROOT } from '../support/run-action.js'

describe('parseArgs', () => {
  it('reads values, switches, negations and repeated flags', () => {
    expect(
      parseArgs(['--resource-id', '7', '--paths=/a', '--paths', '/b', '--purge', 'auto', '--no-wait-for-purge', '--dry-run', '--json'])
    ).toEqual({
      inputs: { 'resource-id': '7', paths: '/a\n/b', purge: 'auto', 'wait-for-purge': 'false', 'dry-run': 'true' },
      json: true,
      verbose: false,
      help: false,
      version: false
    })
  })

  it.each([
    [['--api-key', 'x'], /set GCORE_API_KEY instead/],
    [['--github-token=x'], /set GITHUB_TOKEN instead/],
    [['--colour', 'red'], /Unknown flag --colour/],
    [['--resource-id'], /--resource-id needs a value/],
    [['--no-paths'], /Unknown flag --no-paths/],
    [['--dry-run=false'], /--dry-run takes no value .*--no-dry-run/],
    [['--dry-run', '--no-dry-run'], /contradict/],
    [['stray'], /Unexpected argument stray/]
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError)
    expect(() => parseArgs(argv)).toThrow(message)
  })

  it('takes secrets from the environment and defaults from action.yml', () => {
    const read = inputReader({ paths: '/a' }, { GCORE_API_KEY: 'k', GITHUB_TOKEN: 'g' })
    expect([read('api-key'), read('github-token'), read('paths'), read('size-check'), read('batch-size')]).toEqual([
      'k',
      'g',
      '/a',
      'warn',
      ''
    ])
  })
})

describe('helpText', () => {
  it('is generated from the action inputs: every one but the secrets, with its default', () => {
    const help = helpText()
    for (const input of ACTION_INPUTS) {
      if (input.name === 'api-key' || input.name === 'github-token') expect(help).not.toContain(`--${input.name}`)
      else expect(help).toContain((SWITCHES as readonly string[]).includes(input.name) ? `--[no-]${input.name}` : `--${input.name}`)
    }
    // Every yes/no input is a switch on the command line, except purge, which also takes a kind.
    const yesNo = ACTION_INPUTS.filter(input => input.default === 'true' || input.default === 'false').map(input => input.name)
    expect(yesNo.filter(name => name !== 'purge').sort()).toEqual([...SWITCHES].sort())
    expect(help).toContain('--size-check <value>  (default: warn)')
    expect(help).toContain('--paths <value> (repeatable)')
    expect(help).toContain('130  cancelled')
    expect(help).not.toMatch(/\binputs?\b|\bthe step\b|`(paths|purge|files)`/i)
  })

  it('reports the package version, and installs as the gcore-cdn-prefetch command', () => {
    const pkg = JSON.parse(readFileSync(nodePath.join(ROOT, 'package.json'), 'utf8'))
    expect(VERSION).toBe(pkg.version)
    expect(pkg.bin).toEqual({ 'gcore-cdn-prefetch': 'dist/cli/gcore-cdn-prefetch.cjs' })
  })
})
