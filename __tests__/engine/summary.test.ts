/**
 * The job summary of real runs: each run's report, as the action renders it
 * for GITHUB_STEP_SUMMARY. Text from users and from the API stays text.
 */
import { describe, expect, it } from '@jest/globals'
import { renderSummary } from '../../src/core/report/markdown.js'
import { cancelAfter, fakeGcore, KEY, MINUTE, warmUp } from '../support/engine.js'
import { paths } from '../support/paths.js'
import { workspaceWith } from '../support/workspace.js'

const MiB = 1024 * 1024
const summaryOf = async (...args: Parameters<typeof warmUp>) => renderSummary((await warmUp(...args)).report)

describe('the job summary of a run', () => {
  it('success: the verdict and counts first, a row per batch, the limits with their source', async () => {
    const summary = await summaryOf({ paths: paths(250).join('\n') })

    expect(summary).toContain('## ✅ Gcore CDN prefetch: success')
    expect(summary).toContain('**250 of 250 paths prefetched.**')
    expect(summary).toMatch(
      /<tr><td>✅&nbsp;succeeded<\/td><td>prefetch<\/td><td>3<\/td><td>50<\/td><td>201<\/td><td>1<\/td><td>\d+&nbsp;ms<\/td><td><\/td><td><\/td><\/tr>/
    )
    expect(summary).toContain('Limits: prefetch batch size 100 (account: 100) · prefetch interval 60 s (account: 1/m).')
  })

  it('a batch refused: its error as Gcore words it', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [2],
      fault: { kind: 'status', status: 400, body: '{"errors": {"paths": {"7": ["This field may not be blank."]}}}' }
    })
    expect(await summaryOf({ paths: paths(250).join('\n') }, { gcore })).toContain('This field may not be blank.')
  })

  it('several resources: a row and a section each', async () => {
    const summary = await summaryOf({ 'resource-id': '101,202', paths: paths(250).join('\n') })

    expect(summary).toContain('<tr><td>✅ 101</td><td>cdn101.example.com</td><td>active</td>')
    expect(summary).toContain('<tr><td>✅ 202</td><td>cdn202.example.com</td><td>active</td>')
    expect(summary).toContain('### Resource 101 (cdn101.example.com)')
    expect(summary).toContain('### Resource 202 (cdn202.example.com)')
  })

  it('a dry run: the estimate and what was read', async () => {
    const summary = await summaryOf(
      { 'resource-id': '101,202', paths: paths(100).join('\n'), purge: 'true', 'dry-run': 'true' },
      { gcore: fakeGcore({ maxPrefetchPaths: 40 }) }
    )

    expect(summary).toContain('Estimated time 2 min.')
    expect(summary).toContain('Dry run: resources and limits were read (GET only); no purge or prefetch was sent.')
    expect(summary).toContain('### Resource 202')
  })

  it('edge verification: its section and the verified paths in the counts', async () => {
    const summary = await summaryOf({ paths: paths(100).join('\n'), 'verify-url': 'auto' })

    expect(summary).toContain('### The edge')
    expect(summary).toContain("**The edge serves the origin's file: 100 of 100.**")
    expect(summary).toContain('100 of 100 verified at the edge')
    expect(summary).not.toContain('Not verified')
  })

  it('why each resource is purged as it is, with its options escaped', async () => {
    const gcore = fakeGcore({
      resources: [
        { id: 7, options: { slice: { enabled: true, value: true } } },
        { id: 9, can_purge_by_urls: false }
      ]
    })
    const summary = await summaryOf({ 'resource-id': '7,9', paths: '/app.iso\n/app.iso.sig', purge: 'true' }, { gcore })

    expect(summary).toContain('slice on: purge by URL clears only the first 10 MB part')
    expect(summary).toContain('can&#95;purge&#95;by&#95;urls is false')
    expect(summary).toContain('/app.iso also clears /app.iso.sig')
  })

  it('the paths rewritten as the cache key sees them', async () => {
    const gcore = fakeGcore({ resources: [{ id: 20, options: { ignoreQueryString: { enabled: true, value: true } } }] })
    const summary = await summaryOf({ 'resource-id': '20', paths: '/a.iso?v=1\n/a.iso?v=2\n/b.iso' }, { gcore })

    expect(summary).toContain('2 paths rewritten as its cache key sees the query string (/a.iso?v=1 → /a.iso, /a.iso?v=2 → /a.iso)')
  })

  it('paths normalised or split, with the paths as sent', async () => {
    const summary = await summaryOf({ paths: '\\releases\\v2\\app.iso\n\\\\server\\share\\b.iso\n//mirror//v2///c.iso\n/d.iso /e.iso' })

    expect(summary).toContain('3 paths normalised')
    expect(summary).toContain('/mirror/v2/c.iso')
    expect(summary).toContain('1 line held several paths separated by spaces or commas')
  })

  it('the files matched, with those outside the size window marked', async () => {
    const workspace = workspaceWith({ 'dist/linux/app.iso': 300 * MiB, 'dist/tiny.iso': MiB })
    const summary = await summaryOf({ files: '**/*.iso', 'base-dir': 'dist', 'path-prefix': '/downloads/v2' }, { workspace })

    expect(summary).toContain('<details><summary>Matched files (2)</summary>')
    expect(summary).toContain('<tr><td>linux/app.iso</td><td>300 MiB</td><td>/downloads/v2/linux/app.iso</td><td></td></tr>')
    expect(summary).toContain('<tr><td>tiny.iso</td><td>1.0 MiB</td><td>/downloads/v2/tiny.iso</td><td>⚠️ outside 200 MB – 5 GB</td></tr>')
  })

  it('a prefetch not attempted because its purge failed keeps its paths', async () => {
    const given = ['/p/a.iso', '/p/b.iso']
    const gcore = fakeGcore().inject({ operation: 'purge', on: 'every', fault: { kind: 'status', status: 400, body: '{"message": "no"}' } })
    const summary = await summaryOf({ paths: given.join('\n'), purge: 'url' }, { gcore })

    expect(summary).toContain('<tr><td>⏭️&nbsp;not-attempted</td><td>prefetch</td><td>1</td><td>2</td>')
    for (const path of given) expect(summary).toContain(path)
  })

  it('a file stale at the edge, and why', async () => {
    const gcore = fakeGcore({
      resources: [{ id: 7, options: { slice: { enabled: true, value: true } } }],
      origin: { '/app.iso': { size: 300 * MiB, version: 'v1' } }
    })
    // The new file reaches the origin late, and this run does not wait for it: the edge gets the old one again.
    gcore.publish('/app.iso', { size: 280 * MiB, version: 'v2' }, { delayMs: 30 * MINUTE })
    const summary = await summaryOf(
      { 'resource-id': '7', files: '*.iso', purge: 'url', 'origin-check': 'off', 'verify-url': 'auto', 'verify-timeout': '0' },
      { gcore, workspace: workspaceWith({ 'app.iso': 280 * MiB }) }
    )

    expect(summary).toContain('<details open><summary>Not verified (1)</summary>')
    expect(summary).toContain('<td>❌&nbsp;stale</td><td>7</td><td>/app.iso</td><td>HIT</td><td>300 MiB</td><td>280 MiB</td>')
  })

  it('a cancelled run says so in its heading', async () => {
    const gcore = fakeGcore()
    const summary = await summaryOf({ paths: paths(300).join('\n') }, { gcore, signal: cancelAfter(gcore.clock, 1000) })

    expect(summary).toContain('## ⏹️ Gcore CDN prefetch: partial (cancelled)')
  })

  it('the key Gcore echoed back is shown masked, its *** escaped', async () => {
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: JSON.stringify({ message: `bad key ${KEY}` }) }
    })
    const summary = await summaryOf({ paths: '/a.iso' }, { gcore })

    expect(summary).toContain('HTTP 400: bad key &#42;&#42;&#42;')
    expect(summary).not.toContain(KEY)
  })

  it('paths with HTML, markdown, |, backticks or newlines, and such an API message, render harmlessly', async () => {
    const names = ['<img src=x onerror=alert(1)>.iso', 'a|b`c`[l](https:x).iso', 'line\nbreak <b>.iso']
    const workspace = workspaceWith(Object.fromEntries(names.map(name => [`dist/${name}`, 'x'])))
    const gcore = fakeGcore().inject({
      operation: 'prefetch',
      on: [1],
      fault: { kind: 'status', status: 400, body: '{"message": "<script>alert(1)</script> | `boom` [x](y)"}' }
    })
    const run = await warmUp(
      { files: '*.iso', 'base-dir': 'dist', paths: '/<b>bold</b>.iso\n/pipe|and`tick`.iso', 'size-check': 'off' },
      { gcore, workspace }
    )
    const summary = renderSummary(run.report)

    expect(summary).not.toMatch(/<(img|script|b)[\s>]/)
    expect(summary).not.toContain('[l](')
    expect(summary).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#124; &#96;boom&#96;')
    expect(summary).toContain('line break &lt;b&gt;.iso')
    // No raw line break inside a table cell can end the HTML block and start markdown.
    for (const line of summary.split('\n')) if (line.startsWith('<tr>')) expect(line.endsWith('</tr>')).toBe(true)
    expect(run.report.failedPaths).toContain('/line%0Abreak%20%3Cb%3E.iso')
  })
})
