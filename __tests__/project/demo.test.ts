/** npm run demo, as a newcomer runs it: purge and prefetch batches, a retry, the rendered summary, the purge kinds compared. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { ROOT } from '../support/run-action.js'

describe('npm run demo', () => {
  it('shows the batches, a retry, the rendered summary, where the files are, why the purge kind matters, and a late upload', () => {
    // The late upload shortened from the newcomer's 20 s to 4: e2e/origin-check.e2e waits the whole 20 s.
    const run = spawnSync('npm', ['run', '-s', 'demo', '--', '--late-upload', '4'], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 })

    expect(run.status).toBe(0)
    expect(run.stdout).toContain('▸ purge by pattern 1/3 (resource 123456)')
    expect(run.stdout).toContain('▸ prefetch 3/3 (resource 123456)')
    expect(run.stdout).toMatch(/prefetch 2\/3 \(resource 123456\): retrying in [\d.]+ m?s \(HTTP 503/)
    expect(run.stdout).toContain('attempt 2/5 · HTTP 201')
    expect(run.stdout).toContain('Job summary')
    expect(run.stdout).toMatch(/✅ succeeded +prefetch +2 +2 +201 +2 /)
    expect(run.stdout).toContain('/downloads/v2.1.0/window…App%20Setup%20(x64).iso')
    expect(run.stdout).toContain("The edge serves the origin's file: 5 of 5.")
    expect(run.stdout).toMatch(/Summary file \/.*step-summary\.md/)
    expect(run.stdout).toMatch(/Outputs file \/.*github-output\.txt/)
    expect(run.stdout).toContain('purge: url  → 30 parts cached: 1 from v2, 29 from v1: a download made of two releases')
    expect(run.stdout).toContain('purge: auto → 28 parts cached: 28 from v2: the new release only')
    expect(run.stdout).toContain('3. An upload that reaches the origin 4 s late')
    expect(run.stdout).toMatch(/origin-check: off {2}→ exit 0 after \d+ s; 30 parts cached: 30 from v1; verification: stale/)
    expect(run.stdout).toMatch(/origin-check: auto → exit 0 after [4-9] s; 28 parts cached: 28 from v2; verification: verified/)
    expect(run.stdout).not.toContain('demo-key')
  }, 90_000)
})
