/** The README must not drift from the code: its reliability table names the fault tests one to one. */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import nodePath from 'node:path'
import { ROOT } from './support/run-action.js'

const read = (file: string) => readFileSync(nodePath.join(ROOT, file), 'utf8')

/** A README section's table: rows as arrays of cells (pipes escaped as \| stay in the cell). */
export function tableRows(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find(part => part.startsWith(`${heading}\n`)) ?? ''
  return section
    .split('\n')
    .filter(line => line.startsWith('|') && !/^\|\s*-/.test(line))
    .slice(1)
    .map(line => line.slice(1, -1).split(/(?<!\\)\|/).map(cell => cell.trim().replace(/\\\|/g, '|')))
}

/** Test titles of a test file: plain `it('…')` and `it.each([a, b])('… %d …')`. */
function testTitles(source: string): string[] {
  const titles = [...source.matchAll(/\bit\(\s*'((?:[^'\\]|\\.)*)'/g)].map(match => match[1])
  for (const [, values, title] of source.matchAll(/\bit\.each\(\[([^\]]*)\]\)\(\s*'((?:[^'\\]|\\.)*)'/g)) {
    for (const value of values.split(',')) titles.push(title.replace(/%[dsj]/, value.trim()))
  }
  return titles.map(title => title.replace(/\\'/g, "'"))
}

describe('README', () => {
  it('lists every fault test in the Reliability table, and nothing else', () => {
    const documented = tableRows(read('README.md'), 'Reliability').map(row => row[2].replace(/^`|`$/g, ''))
    expect(documented.sort()).toEqual(testTitles(read('__tests__/faults.e2e.test.ts')).sort())
  })
})
