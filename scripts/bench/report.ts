/**
 * The bench's table: printed, written to bench/results.json and, as the README's
 * markdown between its bench markers, to bench/results.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import nodePath from 'node:path'
import { type Figure, median, ROOT } from './common.js'

export interface Verdict {
  text: string
  failed: boolean
}

/** Met, within the figure's noise margin, or missed; and for our own figures, not worse than the README's median before. */
export function verdict(figure: Figure): Verdict {
  const value = median(figure.samples)
  const margin = 1 + (figure.noise ?? 0)
  const parts: string[] = []
  let failed = false
  if (figure.target) {
    if (value <= figure.target.max) parts.push('met')
    else if (value <= figure.target.max * margin) parts.push('within noise')
    else {
      parts.push('MISSED')
      failed = true
    }
  }
  if (figure.was !== undefined && figure.judgeWas) {
    if (value > figure.was * margin) {
      parts.push('WORSE than before')
      failed = true
    } else if (!figure.target) parts.push('no worse')
  }
  return { text: parts.join(', '), failed }
}

const digits = (value: number, unit: string): string => value.toFixed(unit === '×' ? 3 : unit === 'kB' ? 0 : 1)

export interface Row {
  figure: string
  median: string
  spread: string
  runs: number
  target: string
  before: string
  margin: string
  verdict: string
}

export function rows(figures: Figure[]): Row[] {
  return figures.map(figure => {
    const value = median(figure.samples)
    return {
      figure: figure.name,
      median: `${digits(value, figure.unit)} ${figure.unit}`,
      spread: `${digits(Math.min(...figure.samples), figure.unit)}–${digits(Math.max(...figure.samples), figure.unit)}`,
      runs: figure.samples.length,
      target: figure.target?.text ?? '',
      before: figure.was === undefined ? '' : `${digits(figure.was, figure.unit)} ${figure.unit}`,
      margin: figure.noise && (figure.target || figure.judgeWas) ? `${Math.round(figure.noise * 100)} %` : '',
      verdict: verdict(figure).text
    }
  })
}

const KEYS = ['figure', 'median', 'spread', 'runs', 'target', 'before', 'margin', 'verdict'] as const

export function printTable(table: Row[]): void {
  const width = (key: keyof Row): number => Math.max(String(key).length, ...table.map(row => String(row[key]).length))
  console.log(KEYS.map(key => key.padEnd(width(key))).join('  '))
  for (const row of table) console.log(KEYS.map(key => String(row[key]).padEnd(width(key))).join('  '))
}

export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  node: string
  node24: string | null
  platform: string
  loadAverageAtStart: number
  phases: { phase: string; seconds: number; loadAverage: number }[]
}

const loads = (machine: Machine): string => {
  const values = machine.phases.map(p => p.loadAverage)
  return `${Math.min(...values)}–${Math.max(...values)}`
}

export function markdown(table: Row[], machine: Machine, totalSeconds: number, date: Date): string {
  const line = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`
  const nodes = `Node ${machine.node}${machine.node24 ? ` (and ${machine.node24} where the figure says Node 24)` : ''}`
  return [
    '<!-- bench:start -->',
    line([...KEYS]),
    line(KEYS.map(() => '---')),
    ...table.map(row => line(KEYS.map(key => (key === 'figure' ? row.figure.replace(/ {2,}/g, ' ') : row[key])))),
    '',
    `Measured on ${date.toISOString().slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${nodes} on ${machine.platform}; the whole bench took ${totalSeconds} s; 1-minute load average ${machine.loadAverageAtStart} at the start, ${loads(machine)} after each phase.`,
    '<!-- bench:end -->',
    ''
  ].join('\n')
}

export function writeResults(figures: Figure[], table: Row[], machine: Machine, totalSeconds: number, date: Date): void {
  const dir = nodePath.join(ROOT, 'bench')
  mkdirSync(dir, { recursive: true })
  const results = {
    date: date.toISOString(),
    machine,
    totalSeconds,
    figures: table.map((row, i) => ({ ...row, samples: figures[i].samples, ...(figures[i].note ? { note: figures[i].note } : {}) }))
  }
  writeFileSync(nodePath.join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(nodePath.join(dir, 'results.md'), markdown(table, machine, totalSeconds, date))
}
