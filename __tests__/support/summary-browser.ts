/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The job summary as a person sees it on GitHub: the markdown rendered by a GFM
 * renderer (marked, gfm on, raw HTML passed through as GitHub passes its
 * allowed tags), in a page styled by github-markdown-css, shown by a real
 * headless Chromium driven by playwright-core. The Chromium is the one
 * @sparticuz/chromium ships inside its npm package, so `npm ci` is all the
 * tests need: nothing to install on the machine, nothing downloaded.
 *
 * No sanitiser runs here, unlike on GitHub: whatever the summary's own escaping
 * lets through would show up in the DOM, so the tests check that escaping alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import npmChromium from '@sparticuz/chromium'
import { marked } from 'marked'
import { chromium, type BrowserContext, type Page } from 'playwright-core'

const require = createRequire(import.meta.url)

const SYSTEM_CHROMIUM = '/usr/bin/chromium'
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

const MARKDOWN_CSS = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')

/**
 * Fonts from the registry, so that the page looks the same on every machine:
 * Noto Sans, which GitHub's font stack names, for the text, and Noto Color
 * Emoji for the summary's icons (the npm Chromium finds no emoji font on the
 * system). Without a text font of its own the page would have none in its
 * stack (this Chromium resolves `sans-serif` to no font), and the emoji font,
 * which has digits for keycaps, would draw every number.
 */
const FONT_CSS_FILES = [
  require.resolve('@fontsource/noto-sans/400.css'),
  require.resolve('@fontsource/noto-sans/600.css'),
  require.resolve('@fontsource/noto-color-emoji/400.css')
]
/** Where the page asks for them: an origin of our own, answered from node_modules (see `route` below). */
const FONT_ORIGIN = 'https://fonts.invalid'
/** Font URL to the file that answers it. */
const FONT_FILES = new Map<string, string>()
/**
 * Fontsource's @font-face rules, pointed at FONT_ORIGIN and at each subset's
 * woff file: this Chromium draws nothing from Noto Color Emoji's woff2 files.
 * U+FE0F (the emoji variation selector after ⚠ ⏹ ⏭) leaves the subsets'
 * ranges: no subset has a glyph for it, and Chromium would load all eight that
 * name it looking for it, 4 MB and half a second a page.
 */
const FONT_CSS = FONT_CSS_FILES.map(css =>
  readFileSync(css, 'utf8')
    .replace(/,U\+fe0f\b/g, '')
    .replace(/url\(\.\/files\/([\w-]+)\.woff2\) format\('woff2'\), url\(\.\/files\/\1\.woff\) format\('woff'\)/g, (_, subset: string) => {
      const url = `${FONT_ORIGIN}/${subset}.woff`
      FONT_FILES.set(url, nodePath.join(nodePath.dirname(css), 'files', `${subset}.woff`))
      return `url(${url}) format('woff')`
    })
).join('\n')

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
${FONT_CSS}
${MARKDOWN_CSS}
html, body { margin: 0; background: #f6f8fa; }
.card { box-sizing: border-box; margin: 16px; border: 1px solid #d0d7de; border-radius: 6px; background: #fff; }
.card > .title { padding: 12px 24px; border-bottom: 1px solid #d0d7de; font: 600 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
.markdown-body { padding: 16px 24px 8px; font-size: 14px; font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji"; }
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

/**
 * The Chromium to drive: the one CHROMIUM_PATH names, else the system's when
 * it has one, else the npm package's (decompressed into the temp directory on
 * first use, a few seconds, then reused).
 */
async function chromiumPath(): Promise<string> {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  if (existsSync(SYSTEM_CHROMIUM)) return SYSTEM_CHROMIUM
  // Its WebGL libraries are a separate archive, of no use with --disable-gpu: left packed.
  npmChromium.setGraphicsMode = false
  return npmChromium.executablePath()
}

/** Launches Chromium headless with a fresh profile, offline. */
export async function launchSummaryBrowser(): Promise<SummaryBrowser> {
  const executablePath = await chromiumPath()
  const profile = mkdtempSync(nodePath.join(tmpdir(), 'gcore-chromium-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
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
  // Nothing leaves the page: the summary's links (the run URL) stay links, and
  // the fonts come from node_modules (cross-origin to the page, hence the header).
  await context.route('**/*', route => {
    const font = FONT_FILES.get(route.request().url())
    if (!font) return route.abort()
    return route.fulfill({ path: font, headers: { 'access-control-allow-origin': '*' } })
  })
  return {
    async open(markdown, title) {
      const page = await context.newPage()
      await page.setContent(summaryPage(markdown, title), { waitUntil: 'load' })
      // The fonts load as the text needs them, and may finish after the load event.
      // An icon drawn as an empty box would pass every DOM check: a font that did not load fails here.
      const failed = await page.evaluate(async () => {
        await document.fonts.ready
        return [...document.fonts].filter(font => font.status === 'error').map(font => font.family)
      })
      if (failed.length > 0) throw new Error(`fonts did not load: ${[...new Set(failed)].join(', ')}`)
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
