/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The job summary as a person sees it on GitHub: the markdown rendered by a GFM
 * renderer (marked, gfm on, raw HTML passed through as GitHub passes its
 * allowed tags), in a page styled by github-markdown-css, shown by a real
 * headless Chromium (Debian's, through playwright-core: no browser download).
 *
 * No sanitiser runs here, unlike on GitHub: whatever the summary's own escaping
 * lets through would show up in the DOM, so the tests check that escaping alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { marked } from 'marked'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** The page width of a GitHub job summary on a laptop, and one CSS pixel per pixel. */
export const VIEWPORT = { width: 1000, height: 800 }
/** Offline and quiet: without the background-networking flags Chromium keeps dialling out, and this network refuses it. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none'
]

const MARKDOWN_CSS = readFileSync(createRequire(import.meta.url).resolve('github-markdown-css/github-markdown-light.css'), 'utf8')

/** Why the browser tests cannot run, or null when they can. */
export function browserMissing(): string | null {
  if (existsSync(CHROMIUM)) return null
  return (
    `Chromium is not installed at ${CHROMIUM}: the summary's browser tests need it. ` +
    'Install it with `apt-get install -y --no-install-recommends chromium` (as .ci/run does), ' +
    'or set SKIP_BROWSER_TESTS=1 to skip them.'
  )
}

/** GitHub-flavoured markdown to HTML, as GitHub renders a step summary (before its sanitiser). */
function renderMarkdown(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false })
}

/** A minimal page like a job summary's card: GitHub's markdown body, its width and padding. */
function summaryPage(markdown: string, title = 'Job summary'): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title.replace(/[<&]/g, char => (char === '<' ? '&lt;' : '&amp;'))}</title>
<style>
${MARKDOWN_CSS}
html, body { margin: 0; background: #f6f8fa; }
.card { box-sizing: border-box; margin: 16px; border: 1px solid #d0d7de; border-radius: 6px; background: #fff; }
.card > .title { padding: 12px 24px; border-bottom: 1px solid #d0d7de; font: 600 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
.markdown-body { padding: 16px 24px 8px; font-size: 14px; }
</style>
</head>
<body>
<div class="card"><div class="title">Gcore CDN prefetch summary</div>
<article class="markdown-body" id="summary">
${renderMarkdown(markdown)}
</article>
</div>
</body>
</html>
`
}

export interface SummaryBrowser {
  /** Opens the summary in a fresh page; nothing it links to is fetched. */
  open(markdown: string, title?: string): Promise<Page>
  close(): Promise<void>
}

/** Launches Debian's Chromium headless with a fresh profile, offline. */
export async function launchSummaryBrowser(): Promise<SummaryBrowser> {
  const missing = browserMissing()
  if (missing) throw new Error(missing)
  const profile = mkdtempSync(nodePath.join(tmpdir(), 'gcore-chromium-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      deviceScaleFactor: 1,
      locale: 'en-US',
      timezoneId: 'UTC',
      colorScheme: 'light',
      reducedMotion: 'reduce',
      timeout: 30_000
    })
  } catch (error) {
    rmSync(profile, { recursive: true, force: true })
    throw error
  }
  // Nothing leaves the page: the summary's links (the run URL) stay links.
  await context.route('**/*', route => route.abort())
  return {
    async open(markdown, title) {
      const page = await context.newPage()
      await page.setContent(summaryPage(markdown, title), { waitUntil: 'load' })
      return page
    },
    async close() {
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

/** What the browser built, read back from the DOM. */
export interface SummaryDom {
  headings: { level: number; text: string }[]
  /** Per table: its header cells, and each body row's cells as text. */
  tables: { header: string[]; rows: string[][] }[]
  details: { summary: string; open: boolean; text: string }[]
  /** The first paragraph after the main heading: the counts. */
  countsLine: string
  /** Every paragraph's text. */
  paragraphs: string[]
  blockquotes: string[]
  /** The text a reader sees (innerText of the summary). */
  text: string
  /** Tags of every element in the summary, for "nothing was injected". */
  tags: string[]
  /** Elements with an on* attribute. */
  handlers: number
  /** Links and where they go. */
  links: { text: string; href: string }[]
  /** Rendered width of the page content, to catch tables that overflow. */
  scrollWidth: number
}

export async function readSummaryDom(page: Page): Promise<SummaryDom> {
  return page.evaluate(() => {
    const root = document.getElementById('summary')!
    const text = (element: Element): string => (element as HTMLElement).innerText.trim()
    const headings = [...root.querySelectorAll('h1, h2, h3, h4')].map(h => ({ level: Number(h.tagName.slice(1)), text: text(h) }))
    // Cells by textContent: a table folded in a closed <details> is not rendered, so it has no innerText.
    const cell = (element: Element): string => (element.textContent ?? '').trim()
    const tables = [...root.querySelectorAll('table')].map(table => {
      const rows = [...table.querySelectorAll('tr')]
      return {
        header: [...rows[0].querySelectorAll('th')].map(cell),
        rows: rows.slice(1).map(row => [...row.querySelectorAll('td')].map(cell))
      }
    })
    const details = [...root.querySelectorAll('details')].map(d => ({
      summary: text(d.querySelector('summary')!),
      open: (d as HTMLDetailsElement).open,
      text: d.textContent ?? ''
    }))
    const h2 = root.querySelector('h2')
    let next = h2?.nextElementSibling ?? null
    while (next && next.tagName !== 'P') next = next.nextElementSibling
    const all = [...root.querySelectorAll('*')]
    return {
      headings,
      tables,
      details,
      countsLine: next ? text(next) : '',
      paragraphs: [...root.querySelectorAll('p')].map(text),
      blockquotes: [...root.querySelectorAll('blockquote')].map(text),
      text: (root as HTMLElement).innerText,
      tags: [...new Set(all.map(element => element.tagName.toLowerCase()))].sort(),
      handlers: all.filter(element => [...element.attributes].some(attribute => attribute.name.startsWith('on'))).length,
      links: [...root.querySelectorAll('a')].map(a => ({ text: text(a), href: a.getAttribute('href') ?? '' })),
      scrollWidth: document.documentElement.scrollWidth
    }
  })
}

/**
 * A PNG of the summary as tall as it is (not as the window), or only its top
 * `maxHeight` pixels (one window) for a long one.
 */
export async function screenshot(page: Page, options: { maxHeight?: number; path?: string } = {}): Promise<Buffer> {
  await page.setViewportSize({ width: VIEWPORT.width, height: 100 })
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  const clip = { x: 0, y: 0, width: VIEWPORT.width, height: Math.min(height, options.maxHeight ?? height) }
  return page.screenshot({ fullPage: true, clip, path: options.path, animations: 'disabled', caret: 'hide', scale: 'css' })
}
