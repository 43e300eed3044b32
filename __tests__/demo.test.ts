/** npm run demo, as a newcomer runs it: purge and prefetch batches, a retry, the rendered summary. */
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { ROOT } from './support/run-action.js'

describe('npm run demo', () => {
  it('shows purge and prefetch batches, a retry and the rendered summary, and says where the files are', () => {
    const run = spawnSync('npm', ['run', '-s', 'demo'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 })

    expect(run.status).toBe(0)
    expect(run.stdout).toContain('▸ purge by URL 1/3 (resource 123456)')
    expect(run.stdout).toContain('▸ prefetch 3/3 (resource 123456)')
    expect(run.stdout).toMatch(/prefetch 2\/3 \(resource 123456\): retrying in [\d.]+ m?s \(HTTP 503/)
    expect(run.stdout).toContain('attempt 2/5 · HTTP 201')
    expect(run.stdout).toContain('Job summary')
    expect(run.stdout).toMatch(/succeeded {2}prefetch {6}2 {6}2 {6}201 {3}2/)
    expect(run.stdout).toMatch(/Summary file \/.*step-summary\.md/)
    expect(run.stdout).toMatch(/Outputs file \/.*github-output\.txt/)
    expect(run.stdout).not.toContain('demo-key')
  })
})
