import { describe, expect, it } from '@jest/globals'
import { escapeHtml, renderSummary } from '../../../src/core/report/markdown.js'
import { buildReport } from '../../../src/core/report/model.js'
import { finished, RUN } from '../../support/report.js'

describe('escapeHtml', () => {
  it('neutralises HTML and markdown', () => {
    const hostile = '<img src=x onerror=alert(1)> | `code` *b* _i_ [l](http://x) ![i](y) ~s~ # h \\ & "q" \'s\'\nnext'
    const escaped = escapeHtml(hostile)
    expect(escaped.replace(/&(#\d+|[a-z]+);/g, '')).not.toMatch(/[<>`|*_[\]\\~#!"'&\n]/)
    expect(escaped).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })
})

describe('renderSummary', () => {
  it('shows the verdict and counts first, a row per batch with an icon, failed paths open, the time against the estimate', () => {
    const { plan, results } = finished(['/a', '/b<script>', '/c|d'], ['succeeded', 'failed'], 'HTTP 400: <b>bad</b> `x`')
    const summary = renderSummary(buildReport(plan, results, RUN))
    expect(summary).toContain('## ⚠️ Gcore CDN prefetch: partial')
    expect(summary).toContain('**2 of 3 paths prefetched, 1 failed.** Took 1 min 1 s (estimate 1 min).')
    expect(summary).toContain(
      '<td>❌&nbsp;failed</td><td>prefetch</td><td>2</td><td>1</td><td>400</td><td>1</td><td>2&nbsp;s</td><td></td><td>HTTP 400: &lt;b&gt;bad&lt;/b&gt; &#96;x&#96;</td>'
    )
    expect(summary).toContain('<details open><summary>Failed paths (1)</summary>')
    expect(summary).toContain('/c&#124;d')
    expect(summary).not.toContain('<script>')
    expect(summary).not.toMatch(/\n\n[^\n]*<\/td>/)
  })

  it('folds failed paths when there are more than 20, and shortens long paths in the middle', () => {
    const long = Array.from({ length: 21 }, (_, i) => `/releases/v2.1.0/${'very-long-directory-name/'.repeat(4)}file-${i}.iso`)
    const { plan, results } = finished(long, ['failed'], 'HTTP 400: nope')
    const summary = renderSummary(buildReport(plan, results, RUN))
    expect(summary).toContain('<details><summary>Failed paths (21)</summary>')
    expect(summary).toContain('/releases/v2.1.0/very-long-directory-nam…ame/very-long-directory-name/file-0.iso')
  })

  it('stays under its byte budget and says what was cut', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `/a/very/long/path/to/a/release/file-${i}.iso`)
    const { plan, results } = finished(paths, ['failed'], 'HTTP 400: nope')
    const summary = renderSummary(buildReport(plan, results, RUN), { budgetBytes: 100_000, reportFile: '/tmp/r.json' })
    expect(Buffer.byteLength(summary)).toBeLessThan(100_000)
    expect(summary).toMatch(/\d+ of 10000 batch rows were cut/)
    expect(summary).toMatch(/\d+ of 20000 failed paths were cut/)
    expect(summary).toContain('/tmp/r.json')
  })
})
