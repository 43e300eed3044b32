/**
 * The job summary, read at a glance: the six states of the "summary" issue
 * (success, partial, all failed, cancelled, dry run, 10,000 paths), each
 * produced for real by the committed dist/index.js against the emulator
 * (support/summary-states.ts), then checked twice: as the markdown written to
 * GITHUB_STEP_SUMMARY, and as the page a real headless Chromium builds from it
 * after a GFM renderer (support/summary-browser.ts). The browser comes with
 * `npm ci` (@sparticuz/chromium), so both halves always run.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { middleEllipsis } from '../../src/core/format.js'
import { OPEN_FAILED_PATHS, PATH_CELL_CHARS } from '../../src/core/report/markdown.js'
import {
  launchSummaryBrowser,
  readSummaryDom,
  screenshot,
  VIEWPORT,
  type SummaryBrowser,
  type SummaryDom
} from '../support/summary-browser.js'
import {
  HOSTILE_MESSAGE,
  HOSTILE_PATH,
  LONG_PATH,
  runSummaryState,
  runSummaryStates,
  SUMMARY_STATES,
  summaryState,
  type SummaryRun,
  type SummaryState,
  type SummaryStateName
} from '../support/summary-states.js'

/** `under a second`, `42 s`, `3 min 5 s`, `1 h 2 min`: formatDuration's forms, and nothing else. */
const DURATION = /^(under a second|\d{1,2} s|\d{1,2} min( \d{1,2} s)?|\d+ h( \d{1,2} min)?)$/
/** A request's own time: `120 ms`, `1.25 s`. */
const REQUEST_TIME = /^(\d+ ms|\d+(\.\d+)? s)$/
const OUTCOME_ICONS: Record<string, string> = { succeeded: '✅', failed: '❌', cancelled: '⏹️', 'not-attempted': '⏭️', planned: '📝' }
const BATCH_HEADER = ['Outcome', 'Request', 'Batch', 'Paths', 'HTTP', 'Attempts', 'Took', 'Purge done after', 'Error']

/** A single-path run, for the singular forms: not one of the six pictures. */
const ONE_PATH: SummaryState = {
  name: 'success',
  title: 'One path',
  paths: ['/releases/v2.1.0/acme-2.1.0-linux-x64.tar.gz'],
  emulator: { windowMs: 1000 },
  inputs: {}
}

let runs: Map<SummaryStateName, SummaryRun>
let onePath: SummaryRun

beforeAll(async () => {
  ;[runs, onePath] = await Promise.all([runSummaryStates(), runSummaryState(ONE_PATH)])
}, 30_000)

const runOf = (name: SummaryStateName): SummaryRun => runs.get(name)!
const summaryOf = (name: SummaryStateName): string => runOf(name).run.summary

interface MarkdownTable {
  header: string[]
  rows: string[][]
  /** Inside a `<details>`, and whether it is open. */
  folded: 'open' | 'closed' | null
}

/** Cell text as a reader sees it: tags dropped, the few entities the renderer writes decoded. */
const cellText = (html: string): string =>
  html
    .replace(/<wbr>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')

/** The HTML tables of a summary, in order, with the `<details>` each sits in. */
function tablesOf(summary: string): MarkdownTable[] {
  const tables: MarkdownTable[] = []
  let folded: MarkdownTable['folded'] = null
  let current: MarkdownTable | null = null
  for (const line of summary.split('\n')) {
    if (line.startsWith('<details')) folded = line.startsWith('<details open>') ? 'open' : 'closed'
    else if (line === '</details>') folded = null
    else if (line === '<table>') current = { header: [], rows: [], folded }
    else if (line === '</table>' && current) {
      tables.push(current)
      current = null
    } else if (current && line.startsWith('<tr><th>'))
      current.header = [...line.matchAll(/<th>(.*?)<\/th>/g)].map(match => cellText(match[1]))
    else if (current && line.startsWith('<tr><td>'))
      current.rows.push([...line.matchAll(/<td>(.*?)<\/td>/g)].map(match => cellText(match[1])))
  }
  return tables
}

const batchTables = (summary: string): MarkdownTable[] => tablesOf(summary).filter(table => table.header.join() === BATCH_HEADER.join())

/** The `<details>` blocks: their summary line and whether they start open. */
function detailsOf(summary: string): { title: string; open: boolean }[] {
  return [...summary.matchAll(/^<details( open)?><summary>(.*?)<\/summary>$/gm)].map(match => ({
    title: match[2],
    open: match[1] !== undefined
  }))
}

/** The heading, and the line right after it: the counts, before anything else. */
function headline(summary: string): { heading: string; counts: string; time: string } {
  const lines = summary.split('\n')
  const at = lines.findIndex(line => line.startsWith('## '))
  const first = lines.slice(at + 1).find(line => line !== '') ?? ''
  const match = /^\*\*(.*)\.\*\* (.*)$/.exec(first)
  return { heading: lines[at], counts: match?.[1] ?? '', time: match?.[2] ?? '' }
}

const limitsLine = (summary: string): string => summary.split('\n').find(line => line.startsWith('Limits: ')) ?? ''

const outputBatches = (name: SummaryStateName): { outcome: string; operation: string }[] => JSON.parse(runOf(name).run.outputs.batches)

/** Every batch row has its outcome's icon, and the rows are the run's batches in order. */
function expectEveryBatchRow(name: SummaryStateName, table: MarkdownTable): void {
  const batches = outputBatches(name)
  expect(table.rows).toHaveLength(batches.length)
  table.rows.forEach((row, i) => {
    expect(row[0]).toBe(`${OUTCOME_ICONS[batches[i].outcome]} ${batches[i].outcome}`)
    expect(row[1]).toBe(batches[i].operation === 'purge' ? 'purge by URL' : 'prefetch')
    if (row[6] !== '') expect(row[6]).toMatch(REQUEST_TIME)
    if (row[7] !== '') expect(row[7]).toMatch(DURATION)
  })
}

function expectTimeLine(name: SummaryStateName): void {
  const { time } = headline(summaryOf(name))
  const took = /^Took (.+) \(estimate (.+)\)\.$/.exec(time)
  const estimated = /^Estimated time (.+)\.$/.exec(time)
  const durations = took ? [took[1], took[2]] : estimated ? [estimated[1]] : []
  expect(durations.length).toBeGreaterThan(0)
  for (const duration of durations) expect(duration).toMatch(DURATION)
}

describe('the job summary of each state, as written', () => {
  it('success: ✅ heading, the counts first, every batch ✅, "Purge done after" filled for each purge, purge limits with their source', () => {
    const summary = summaryOf('success')
    expect(runOf('success').run.code).toBe(0)
    expect(headline(summary)).toMatchObject({ heading: '## ✅ Gcore CDN prefetch: success', counts: '5 of 5 paths prefetched, 5 purged' })
    expectTimeLine('success')
    const [table] = batchTables(summary)
    expectEveryBatchRow('success', table)
    const purges = table.rows.filter(row => row[1] === 'purge by URL')
    expect(purges).toHaveLength(3)
    for (const row of purges) expect(row[7]).toMatch(DURATION)
    for (const row of table.rows.filter(row => row[1] === 'prefetch')) expect(row[7]).toBe('')
    // The account's limits (2 prefetches, 4 purges a second), the batch size from the input: each with its source.
    expect(limitsLine(summary)).toBe(
      'Limits: prefetch batch size 2 (input) · prefetch interval 0.5 s (account: 2/s) · purge batch size 100 (account: 100) · purge interval 0.25 s (account: 4/s).'
    )
    expect(tablesOf(summary)[0].rows[0].slice(0, 5)).toEqual(['✅ 123456', 'cdn123456.example.com', 'active', 'off', 'url: 5 paths'])
    expect(detailsOf(summary)).toEqual([])
  })

  it('partial: ⚠️ heading, the rejected batch ❌ with its error escaped, few failed paths open, the long path shortened in the middle', () => {
    const { run } = runOf('partial')
    const summary = run.summary
    expect(run.code).toBe(1)
    expect(headline(summary)).toMatchObject({ heading: '## ⚠️ Gcore CDN prefetch: partial', counts: '4 of 6 paths prefetched, 2 failed' })
    expectTimeLine('partial')
    const [table] = batchTables(summary)
    expectEveryBatchRow('partial', table)
    expect(table.rows[1].slice(0, 6)).toEqual(['❌ failed', 'prefetch', '2', '2', '400', '1'])
    // Gcore quotes the long path in its error: shortened there too, the hostile text kept as text.
    expect(table.rows[1][8]).toBe(`HTTP 400: paths[0] "${middleEllipsis(LONG_PATH, PATH_CELL_CHARS)}": ${HOSTILE_MESSAGE}`)
    expect(summary).not.toMatch(/<(script|img|b|strong|em|code)>[^\n]*<\/td>/)
    expect(summary).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#124; &#96;rm&#96; &#42;&#42;now&#42;&#42;')

    expect(detailsOf(summary)).toEqual([{ title: 'Failed paths (2)', open: true }])
    const shortened = middleEllipsis(LONG_PATH, PATH_CELL_CHARS)
    expect(shortened).toHaveLength(PATH_CELL_CHARS)
    expect(shortened).toMatch(/^\/releases\/v2\.1\.0\/.+….+-x64\.msi$/)
    expect(summary).toContain(`<pre>\n${shortened}\n/releases/v2.1.0/notes&#124;draft&#91;1&#93;(x).txt\n</pre>`)
    expect(summary).not.toContain(LONG_PATH)
    // Whole in the outputs and in the report file.
    expect(JSON.parse(run.outputs['failed-paths'])).toEqual([LONG_PATH, HOSTILE_PATH])
    expect(JSON.parse(readFileSync(run.outputs['report-file'], 'utf8')).failedPaths).toEqual([LONG_PATH, HOSTILE_PATH])
    // Only the prefetch lane was used: no purge limits.
    expect(limitsLine(summary)).toBe('Limits: prefetch batch size 2 (input) · prefetch interval 0.5 s (account: 2/s).')
  })

  it('all failed: ❌ heading and resource, every batch ❌, more than 20 failed paths folded', () => {
    const { run } = runOf('failure')
    const summary = run.summary
    expect(run.code).toBe(1)
    expect(headline(summary)).toMatchObject({ heading: '## ❌ Gcore CDN prefetch: failure', counts: '0 of 30 paths prefetched, 30 failed' })
    expectTimeLine('failure')
    const [resources, table] = tablesOf(summary)
    expect(resources.rows[0][0]).toBe('❌ 123456')
    expectEveryBatchRow('failure', table)
    expect(table.rows.every(row => row[0] === '❌ failed' && row[8] === 'HTTP 400: Prefetch is not available for this resource.')).toBe(
      true
    )
    expect(30).toBeGreaterThan(OPEN_FAILED_PATHS)
    expect(detailsOf(summary)).toEqual([{ title: 'Failed paths (30)', open: false }])
    expect(summary).toContain('<details><summary>Failed paths (30)</summary>')
    expect(limitsLine(summary)).not.toContain('purge')
  })

  it('cancelled: ⏹️ heading and resource, the batches not sent ⏹️ cancelled, 200 failed paths folded', () => {
    const { run } = runOf('cancelled')
    const summary = run.summary
    expect(run.code).not.toBe(0)
    expect(run.durationMs).toBeLessThan(5000)
    expect(headline(summary)).toMatchObject({
      heading: '## ⏹️ Gcore CDN prefetch: partial (cancelled)',
      counts: '100 of 300 paths prefetched, 200 not prefetched'
    })
    expectTimeLine('cancelled')
    const [resources, table] = tablesOf(summary)
    expect(resources.rows[0][0]).toBe('⏹️ 123456')
    expectEveryBatchRow('cancelled', table)
    expect(table.rows.map(row => row[0])).toEqual(['✅ succeeded', '⏹️ cancelled', '⏹️ cancelled'])
    expect(detailsOf(summary)).toEqual([{ title: 'Failed paths (200)', open: false }])
    expect(limitsLine(summary)).toBe('Limits: prefetch batch size 100 (account: 100) · prefetch interval 30 s (input).')
  })

  it('dry run: 📝 heading, the plan counted first, every batch 📝 planned, Gcore’s documented limits for both lanes', () => {
    const { run, log } = runOf('dry-run')
    const summary = run.summary
    expect(run.code).toBe(0)
    expect(log.filter(entry => entry.operation === 'prefetch' || entry.operation === 'purge')).toEqual([])
    expect(headline(summary)).toMatchObject({
      heading: '## 📝 Gcore CDN prefetch: dry-run',
      counts: '250 paths planned, nothing sent',
      time: 'Estimated time 2 min.'
    })
    expectTimeLine('dry-run')
    const [table] = batchTables(summary)
    expectEveryBatchRow('dry-run', table)
    expect(table.rows.map(row => `${row[1]} ${row[3]}`)).toEqual([
      'purge by URL 100',
      'purge by URL 100',
      'purge by URL 50',
      'prefetch 100',
      'prefetch 100',
      'prefetch 50'
    ])
    expect(limitsLine(summary)).toBe(
      'Limits: prefetch batch size 100 (Gcore documented) · prefetch interval 60 s (Gcore documented) · purge batch size 100 (Gcore documented) · purge interval 30 s (Gcore documented).'
    )
    expect(detailsOf(summary)).toEqual([])
  })

  it('10,000 paths: under 1 MiB, a tally of the 100 batches, the failed one open, all 100 folded with their icons', () => {
    const { run } = runOf('10000-paths')
    const summary = run.summary
    expect(run.code).toBe(1)
    expect(Buffer.byteLength(summary)).toBeLessThan(1024 * 1024)
    expect(headline(summary)).toMatchObject({
      heading: '## ⚠️ Gcore CDN prefetch: partial',
      counts: '9,900 of 10,000 paths prefetched, 100 failed'
    })
    expectTimeLine('10000-paths')
    expect(summary).toContain('\n100 batches: 1 ❌ failed, 99 ✅ succeeded.\n')
    const [problems, all] = batchTables(summary)
    expect(problems.folded).toBeNull()
    expect(problems.rows).toHaveLength(1)
    expect(problems.rows[0].slice(0, 5)).toEqual(['❌ failed', 'prefetch', '37', '100', '400'])
    expect(all.folded).toBe('closed')
    expectEveryBatchRow('10000-paths', all)
    expect(tablesOf(summary)[0].rows[0][5]).toBe('10,000')
    expect(detailsOf(summary)).toEqual([
      { title: 'All 100 batches', open: false },
      { title: 'Failed paths (100)', open: false }
    ])
    expect(limitsLine(summary)).toBe('Limits: prefetch batch size 100 (account: 100) · prefetch interval 0.01 s (input).')
  })

  it('plural forms: "1 path" alone, "N paths" from 2 on, in the counts and the resource table', () => {
    expect(headline(onePath.run.summary).counts).toBe('1 of 1 path prefetched')
    expect(onePath.run.summary).not.toMatch(/\b1 paths\b/)
    for (const name of SUMMARY_STATES.map(state => state.name)) {
      const summary = summaryOf(name)
      expect(summary).not.toMatch(/\b1 paths\b|\b(?!1\b)[\d,]+ path\b|\b1 batches\b|\b(?!1\b)[\d,]+ batch\b/)
    }
    expect(summaryOf('success')).toContain('url: 5 paths')
  })
})

describe('the job summary of each state, in a real browser (GFM → headless Chromium)', () => {
  let browser: SummaryBrowser | undefined
  const doms = new Map<SummaryStateName, SummaryDom>()
  const pngs = new Map<SummaryStateName, Buffer>()

  beforeAll(async () => {
    browser = await launchSummaryBrowser()
    for (const state of SUMMARY_STATES) {
      const page = await browser.open(summaryOf(state.name), state.title)
      doms.set(state.name, await readSummaryDom(page))
      pngs.set(state.name, await screenshot(page, { maxHeight: state.name === '10000-paths' ? VIEWPORT.height : undefined }))
      await page.close()
    }
  }, 30_000)
  afterAll(async () => browser?.close())

  const HEADINGS: Record<SummaryStateName, string> = {
    success: '✅ Gcore CDN prefetch: success',
    partial: '⚠️ Gcore CDN prefetch: partial',
    failure: '❌ Gcore CDN prefetch: failure',
    cancelled: '⏹️ Gcore CDN prefetch: partial (cancelled)',
    'dry-run': '📝 Gcore CDN prefetch: dry-run',
    '10000-paths': '⚠️ Gcore CDN prefetch: partial'
  }
  /** Rows per table as the browser built them: the resource table, then the batch tables. */
  const TABLE_ROWS: Record<SummaryStateName, number[]> = {
    success: [1, 6],
    partial: [1, 3],
    failure: [1, 3],
    cancelled: [1, 3],
    'dry-run': [1, 6],
    '10000-paths': [1, 1, 100]
  }
  const DETAILS: Record<SummaryStateName, { summary: string; open: boolean }[]> = {
    success: [],
    partial: [{ summary: 'Failed paths (2)', open: true }],
    failure: [{ summary: 'Failed paths (30)', open: false }],
    cancelled: [{ summary: 'Failed paths (200)', open: false }],
    'dry-run': [],
    '10000-paths': [
      { summary: 'All 100 batches', open: false },
      { summary: 'Failed paths (100)', open: false }
    ]
  }
  /** Everything a summary may contain once rendered; anything else was injected. */
  const ALLOWED_TAGS = new Set([
    'a',
    'blockquote',
    'code',
    'details',
    'h2',
    'h3',
    'p',
    'pre',
    'strong',
    'summary',
    'table',
    'tbody',
    'td',
    'th',
    'thead',
    'tr',
    'wbr'
  ])

  const stateNames = SUMMARY_STATES.map(state => [state.name] as const)

  it.each(stateNames)(
    '%s: the heading, the counts first, every table rendered with its rows, <details> open or folded as the rule says',
    name => {
      const dom = doms.get(name)!
      expect(dom.headings[0]).toEqual({ level: 2, text: HEADINGS[name] })
      expect(dom.countsLine.startsWith(headline(summaryOf(name)).counts)).toBe(true)
      expect(dom.tables.map(table => table.rows.length)).toEqual(TABLE_ROWS[name])
      for (const table of dom.tables.slice(1)) {
        expect(table.header).toEqual(BATCH_HEADER)
        for (const row of table.rows) expect(row[0]).toMatch(/^(✅|❌|⏹️|⏭️|📝)\s\S/)
      }
      expect(dom.details.map(({ summary, open }) => ({ summary, open }))).toEqual(DETAILS[name])
      // The run link is the only link, and it goes where the context says.
      expect(dom.links).toEqual([{ text: 'run', href: 'https://github.com/acme/downloads/actions/runs/1234567890' }])
    }
  )

  it.each(stateNames)('%s: no markdown or HTML syntax left visible as text, nothing injected, nothing wider than the page', name => {
    const dom = doms.get(name)!
    // The hostile message is shown as what it is: text, with its own ** and backticks.
    const visible = dom.text.split(HOSTILE_MESSAGE).join('')
    expect(visible).not.toMatch(/\*\*|\|\s*-{3}|`|<\/?(table|tr|td|th|details|summary|pre|code|strong|br|wbr)\b|&[a-z]+;|&#\d+;/i)
    expect(dom.tags.filter(tag => !ALLOWED_TAGS.has(tag))).toEqual([])
    expect(dom.handlers).toBe(0)
    expect(dom.scrollWidth).toBeLessThanOrEqual(VIEWPORT.width)
  })

  it('partial: the hostile path and the API’s <script> message show as text, and no element came of them', () => {
    const dom = doms.get('partial')!
    expect(dom.text).toContain(HOSTILE_MESSAGE)
    expect(dom.text).toContain(HOSTILE_PATH)
    expect(dom.tables[1].rows[1][8]).toBe(`HTTP 400: paths[0] "${middleEllipsis(LONG_PATH, PATH_CELL_CHARS)}": ${HOSTILE_MESSAGE}`)
    expect(dom.tags).not.toContain('script')
    expect(dom.tags).not.toContain('em')
    // One <strong>: the counts; `**now**` in the message stayed text.
    expect(dom.paragraphs.filter(paragraph => paragraph.includes('prefetched'))).toHaveLength(1)
    const failed = dom.details[0].text
    expect(failed).toContain(`${middleEllipsis(LONG_PATH, PATH_CELL_CHARS)}\n${HOSTILE_PATH}`)
  })

  it.each(stateNames)('%s: the screenshot is a PNG, 1000 px wide, not empty', name => {
    const png = pngs.get(name)!
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.readUInt32BE(16)).toBe(VIEWPORT.width)
    const height = png.readUInt32BE(20)
    expect(height).toBeGreaterThan(300)
    expect(height).toBeLessThanOrEqual(name === '10000-paths' ? VIEWPORT.height : 4000)
    expect(png.length).toBeGreaterThan(10_000)
  })
})

// The states are one list, shared with the screenshots: a renamed state must be renamed there too.
it('covers the six states of the issue, each with a screenshot under docs/', () => {
  expect(SUMMARY_STATES.map(state => state.name)).toEqual(['success', 'partial', 'failure', 'cancelled', 'dry-run', '10000-paths'])
  expect(summaryState('partial').paths).toContain(LONG_PATH)
  for (const state of SUMMARY_STATES)
    expect(
      readFileSync(new URL(`../../docs/summary-${state.name}.png`, import.meta.url))
        .subarray(1, 4)
        .toString()
    ).toBe('PNG')
})
