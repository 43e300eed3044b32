/**
 * npm run screenshots: the job summary of each of the six states, produced for
 * real (dist/index.js against the emulator, __tests__/support/summary-states.ts),
 * rendered as GitHub renders markdown and photographed by headless Chromium
 * (__tests__/support/summary-browser.ts), into docs/summary-<state>.png.
 *
 * 1000 px wide at one pixel per CSS pixel; the whole page for the small states,
 * the top of the page for 10,000 paths. The browser and the fonts come with
 * `npm ci` (@sparticuz/chromium, @fontsource): nothing to install.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import nodePath from 'node:path'
import { launchSummaryBrowser, screenshot, VIEWPORT } from '../__tests__/support/summary-browser.js'
import { runSummaryStates, type SummaryStateName } from '../__tests__/support/summary-states.js'
import { ROOT } from '../__tests__/support/run-action.js'

/** The states too long for one picture: only the top viewport. */
const TOP_ONLY: ReadonlySet<SummaryStateName> = new Set(['10000-paths'])

/** The report file's name is random; a fixed one keeps the pictures the same from run to run. */
const steady = (summary: string): string =>
  summary.replace(/\/tmp\/gcore-action-[^<]+\.json/g, '/home/runner/work/_temp/gcore-cdn-prefetch-report.json')

async function main(): Promise<void> {
  const docs = nodePath.join(ROOT, 'docs')
  mkdirSync(docs, { recursive: true })
  const runs = await runSummaryStates()
  const browser = await launchSummaryBrowser()
  try {
    for (const [name, { state, run }] of runs) {
      const page = await browser.open(steady(run.summary), state.title)
      const file = nodePath.join(docs, `summary-${name}.png`)
      const png = await screenshot(page, { maxHeight: TOP_ONLY.has(name) ? VIEWPORT.height : undefined })
      writeFileSync(file, png)
      await page.close()
      console.log(
        `${nodePath.relative(ROOT, file)}: ${state.title} (${run.outputs.result}, summary ${Buffer.byteLength(run.summary)} bytes, png ${png.length} bytes)`
      )
    }
  } finally {
    await browser.close()
  }
}

main().catch(error => {
  console.error(error)
  process.exitCode = 1
})
