/**
 * Docs and metadata that cannot drift: action.yml against GitHub's schema, the
 * README tables and the CLI spec generated from it, every workflow and example
 * using only real inputs, and the Reliability table naming the fault tests.
 */
import { describe, expect, it } from '@jest/globals'
import { Ajv } from 'ajv'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import nodePath from 'node:path'
import { parse } from 'yaml'
import { readRepoFile, ROOT } from '../support/run-action.js'

const read = readRepoFile
const action = parse(read('action.yml')) as { inputs: Record<string, { required?: boolean }>; outputs: Record<string, unknown> }

/** A README section's table: rows as arrays of cells (pipes escaped as \| stay in the cell). */
function tableRows(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find(part => part.startsWith(`${heading}\n`)) ?? ''
  return section
    .split('\n')
    .filter(line => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map(line =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map(cell => cell.trim().replace(/\\\|/g, '|'))
    )
}

/**
 * Test titles of a test file: plain `it('…')`; `it.each([a, b])('… %d …')` once per value; and
 * the title of any `it.each` as it is written (`'%s: …'`), which names all its cases (with `templates`).
 */
function testTitles(source: string, templates = true): string[] {
  const titles = [...source.matchAll(/\bit(?:\.concurrent)?\(\s*'((?:[^'\\]|\\.)*)'/g)].map(match => match[1])
  for (const [, values, title] of source.matchAll(/\bit(?:\.concurrent)?\.each\(\[([^\]]*)\]\)\(\s*'((?:[^'\\]|\\.)*)'/g)) {
    for (const value of values.split(',')) titles.push(title.replace(/%[dsj]/, value.trim().replace(/^'|'$/g, '')))
  }
  if (templates)
    for (const [, title] of source.matchAll(/\bit(?:\.concurrent)?\.each\([\s\S]*?\]\)\(\s*'((?:[^'\\]|\\.)*)'/g)) titles.push(title)
  return titles.map(title => title.replace(/\\'/g, "'"))
}

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

/** Every step of a workflow that uses this action (`./` or `…/gcore-cdn-prefetch@…`). */
function ourSteps(workflow: { jobs?: Record<string, { steps?: Step[] }> }): Step[] {
  return Object.values(workflow.jobs ?? {})
    .flatMap(job => job.steps ?? [])
    .filter(step => step.uses === './' || /\/gcore-cdn-prefetch@/.test(step.uses ?? ''))
}

/** What is wrong with how these steps call the action: inputs action.yml does not declare, required ones left out. */
function inputProblems(steps: Step[]): { unknown: string[]; missing: string[] }[] {
  const required = Object.entries(action.inputs)
    .filter(([, input]) => input.required)
    .map(([name]) => name)
  return steps.map(step => {
    const used = Object.keys(step.with ?? {})
    return { unknown: used.filter(name => !(name in action.inputs)), missing: required.filter(name => !used.includes(name)) }
  })
}

function expectRealInputs(steps: Step[], where: string): void {
  expect(steps.length).toBeGreaterThan(0)
  expect({ where, problems: inputProblems(steps) }).toEqual({ where, problems: steps.map(() => ({ unknown: [], missing: [] })) })
}

describe('action.yml', () => {
  const schemas = ['__tests__/fixtures/github-action.schema.json', '../shared/github-action.schema.json'].filter(file =>
    existsSync(nodePath.join(ROOT, file))
  )

  it.each(schemas)('is valid against %s', file => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(read(file)))
    expect(validate(action) ? [] : validate.errors).toEqual([])
  })

  it('declares node24, dist/index.js, branding, and a description for every input and output', () => {
    expect(action).toMatchObject({
      runs: { using: 'node24', main: 'dist/index.js' },
      branding: { icon: expect.any(String), color: expect.any(String) }
    })
    for (const spec of [...Object.values(action.inputs), ...Object.values(action.outputs)]) {
      expect((spec as { description?: string }).description).toEqual(expect.any(String))
    }
  })
})

describe('README and CLI spec', () => {
  it('are current with action.yml (npm run docs)', () => {
    expect(() => execFileSync(process.execPath, ['scripts/sync-action-spec.mjs', '--check'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow()
  })

  it('list every input and output with its default and description', () => {
    const readme = read('README.md')
    const inputs = tableRows(readme, 'Inputs')
    expect(inputs.map(row => row[0].replace(/`/g, ''))).toEqual(Object.keys(action.inputs))
    const outputs = tableRows(readme, 'Outputs')
    expect(outputs.map(row => row[0].replace(/`/g, ''))).toEqual(Object.keys(action.outputs))
  })

  it('opens with the two commands a newcomer runs', () => {
    const start = read('README.md').split('\n## ')[0]
    expect(start).toContain('npm ci && npm run demo')
    expect(start).toContain('npm ci && npm test')
  })

  it('names in the Reliability table only tests that exist, and every test of engine/faults.test.ts', () => {
    // A cell names one test or more, `<file under __tests__> › <title>`, separated by <br>.
    const documented = tableRows(read('README.md'), 'Reliability').flatMap(row =>
      row[2].split('<br>').map(test => /^`(.+?) › (.+)`$/.exec(test.trim())!.slice(1, 3) as [string, string])
    )
    expect(documented.length).toBeGreaterThan(0)
    const missing = documented.filter(([file, title]) => !testTitles(read(`__tests__/${file}.test.ts`)).includes(title))
    expect(missing).toEqual([])
    const faults = testTitles(read('__tests__/engine/faults.test.ts'), false)
    expect(faults.filter(title => !documented.some(([file, listed]) => file === 'engine/faults' && listed === title))).toEqual([])
  })
})

describe('workflows and examples', () => {
  const workflows = readdirSync(nodePath.join(ROOT, '.github/workflows')).map(file => `.github/workflows/${file}`)
  const examples = readdirSync(nodePath.join(ROOT, 'examples')).map(file => `examples/${file}`)
  const files = [...workflows, ...examples]

  it.each(files)('%s parses as a workflow', file => {
    const workflow = parse(read(file))
    expect(workflow).toMatchObject({ on: expect.anything(), jobs: expect.any(Object) })
  })

  it.each(examples)('%s uses the action, with only real inputs', file => {
    expectRealInputs(ourSteps(parse(read(file))), file)
  })

  it.each(examples)('%s names the action as <owner>/gcore-cdn-prefetch@v1', file => {
    expect(new Set(ourSteps(parse(read(file))).map(step => step.uses))).toEqual(new Set(['<owner>/gcore-cdn-prefetch@v1']))
  })

  const workflowsUsingIt = workflows.filter(file => ourSteps(parse(read(file))).length > 0)
  it('.github/workflows/ci.yml runs the action itself (uses: ./)', () => {
    expect(workflowsUsingIt).toContain('.github/workflows/ci.yml')
  })

  it.each(workflowsUsingIt)('%s uses only real inputs', file => {
    expectRealInputs(ourSteps(parse(read(file))), file)
  })

  it('the input check finds an input action.yml lacks, and a missing required one', () => {
    const broken = parse(`
on: push
jobs:
  warm:
    runs-on: ubuntu-latest
    steps:
      - uses: <owner>/gcore-cdn-prefetch@v1
        with:
          api-key: key
          purge-all: true
`)
    expect(inputProblems(ourSteps(broken))).toEqual([{ unknown: ['purge-all'], missing: ['resource-id'] }])
  })

  it('the examples cover release: published, an upload that writes a paths-file, workflow_dispatch, a matrix and a nightly retry', () => {
    const stepsOf = (file: string) => ourSteps(parse(read(file)))
    const release = parse(read('examples/release.yml'))
    expect(release.on).toEqual({ release: { types: ['published'] } })
    expect(stepsOf('examples/release.yml')[0].with).toMatchObject({
      'release-assets': true,
      'path-prefix': expect.stringContaining('github.event.release.tag_name')
    })

    const upload = parse(read('examples/after-upload.yml'))
    const uploadSteps = Object.values(upload.jobs as Record<string, { steps: { run?: string }[] }>).flatMap(job => job.steps)
    expect(uploadSteps.some(step => step.run?.includes('>> uploaded.txt'))).toBe(true)
    expect(stepsOf('examples/after-upload.yml')[0].with).toMatchObject({ 'paths-file': 'uploaded.txt' })

    const manual = parse(read('examples/manual.yml'))
    expect(Object.keys(manual.on.workflow_dispatch.inputs)).toEqual(expect.arrayContaining(['paths', 'purge']))
    expect(stepsOf('examples/manual.yml')[0].with).toMatchObject({ paths: '${{ inputs.paths }}', purge: '${{ inputs.purge }}' })

    const matrix = parse(read('examples/matrix.yml'))
    const matrixJob = Object.values(
      matrix.jobs as Record<string, { strategy: { matrix: { include: unknown[] } }; concurrency: { group: string } }>
    )[0]
    expect(matrixJob.strategy.matrix.include.length).toBeGreaterThan(1)
    expect(matrixJob.concurrency.group).toContain('matrix.resource-id')
    expect(stepsOf('examples/matrix.yml')[0].with?.['resource-id']).toBe('${{ matrix.resource-id }}')

    const nightly = parse(read('examples/nightly.yml'))
    expect(nightly.on).toHaveProperty('schedule')
    const [first, retry] = stepsOf('examples/nightly.yml') as (Step & { id?: string; if?: string })[]
    expect(retry.with?.['paths-file']).toBe(`\${{ steps.${first.id}.outputs.failed-paths-file }}`)
    expect(retry.if).toContain(`steps.${first.id}.outputs.failed-count`)
  })

  it('every workflow snippet in the README uses only real inputs', () => {
    const blocks = [...read('README.md').matchAll(/```yaml\n([\s\S]*?)```/g)].map(match => match[1])
    const steps: Step[] = []
    for (const block of blocks) {
      let doc: unknown
      try {
        doc = parse(block)
      } catch {
        continue // a fragment of `with:` lines, not a document
      }
      if (Array.isArray(doc)) steps.push(...(doc as Step[]).filter(step => /\/gcore-cdn-prefetch@/.test(step?.uses ?? '')))
      else if (doc && typeof doc === 'object' && 'jobs' in doc) steps.push(...ourSteps(doc as { jobs: Record<string, { steps?: Step[] }> }))
    }
    expect(steps.length).toBeGreaterThanOrEqual(3)
    expectRealInputs(steps, 'README.md')
  })
})
