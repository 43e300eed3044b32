// action.yml is the one source of truth for inputs and outputs. This writes what
// is derived from it: the README's input and output tables, src/core/input-names.ts
// (the input names as a type, so a mistyped name fails the type check) and
// src/cli/spec.ts (the CLI's flags, --help and --version, with the version from
// package.json).
// `npm run docs` rewrites both; `--check` only reports whether they are current
// (the docs test checks the same).
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

const root = new URL('../', import.meta.url)
const action = parse(readFileSync(new URL('action.yml', root), 'utf8'))
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'))
const cell = text => String(text).replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|')

export function inputsTable() {
  const rows = Object.entries(action.inputs).map(([name, input]) => {
    const value = input.required ? 'required' : `\`${input.default === '' ? "''" : input.default}\``
    return `| \`${name}\` | ${value} | ${cell(input.description)} |`
  })
  return ['| input | default | description |', '| --- | --- | --- |', ...rows].join('\n')
}

export function outputsTable() {
  const rows = Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`)
  return ['| output | description |', '| --- | --- |', ...rows].join('\n')
}

export function renderReadme(readme) {
  const replace = (text, name, table) => {
    const start = `<!-- ${name}:start -->`
    const end = `<!-- ${name}:end -->`
    const pattern = new RegExp(`${start}[\\s\\S]*?${end}`)
    if (!pattern.test(text)) throw new Error(`README.md has no ${start} … ${end} markers`)
    return text.replace(pattern, () => `${start}\n${table}\n${end}`)
  }
  return replace(replace(readme, 'inputs', inputsTable()), 'outputs', outputsTable())
}

/**
 * An input's description in a terminal's words: inputs named in backticks
 * become flags, "the step" the run, and failing it an exit code.
 */
export function cliWords(text) {
  const names = new Set(Object.keys(action.inputs))
  return text
    .replace(/`([a-z-]+)`/g, (match, name) => (names.has(name) ? `\`--${name}\`` : match))
    .replace(/Fail the step/g, 'Exit 1')
    .replace(/Inputs set explicitly always win/g, 'Flags set explicitly always win')
    .replace(/this step may take/g, 'the run may take')
    .replace(/the workspace/g, 'the current directory')
}

export function renderInputNames() {
  return [
    '// Generated from action.yml by scripts/sync-action-spec.mjs (npm run docs). Do not edit.',
    '',
    '/** An input of the action (and the name of a CLI flag): a mistyped name does not compile. */',
    'export type InputName =',
    ...Object.keys(action.inputs).map(name => `  | ${JSON.stringify(name)}`),
    ''
  ].join('\n')
}

export function renderSpec() {
  const plain = text => String(text).replace(/\s+/g, ' ').trim()
  const inputs = Object.entries(action.inputs).map(([name, input]) => ({
    name,
    description: cliWords(plain(input.description)),
    default: input.required ? null : String(input.default ?? ''),
    required: Boolean(input.required)
  }))
  return [
    '// Generated from action.yml and package.json by scripts/sync-action-spec.mjs (npm run docs). Do not edit.',
    '',
    "import type { InputName } from '../core/input-names.js'",
    '',
    'export interface InputSpec {',
    '  name: InputName',
    '  description: string',
    '  /** null for a required input. */',
    '  default: string | null',
    '  required: boolean',
    '}',
    '',
    `export const VERSION = ${JSON.stringify(version)}`,
    '',
    `export const ACTION_INPUTS: InputSpec[] = ${JSON.stringify(inputs, null, 2)}`,
    ''
  ].join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const targets = [
    [new URL('README.md', root), text => renderReadme(text)],
    [new URL('src/core/input-names.ts', root), () => renderInputNames()],
    [new URL('src/cli/spec.ts', root), () => renderSpec()]
  ]
  let stale = false
  for (const [file, render] of targets) {
    let current = ''
    try {
      current = readFileSync(file, 'utf8')
    } catch {
      // written below
    }
    const rendered = render(current)
    if (rendered === current) continue
    stale = true
    if (!process.argv.includes('--check')) writeFileSync(file, rendered)
  }
  if (stale && process.argv.includes('--check')) {
    console.error('README.md, src/core/input-names.ts or src/cli/spec.ts is stale: run npm run docs')
    process.exit(1)
  }
}
