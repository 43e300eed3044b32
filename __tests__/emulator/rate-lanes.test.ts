/** The emulator's rate lanes and limits (emulator/rate-lanes.ts, write-requests.ts), over its real HTTP. */
import { describe, expect, it } from '@jest/globals'
import { emulatorPerTest } from '../support/e2e.js'
import { apiOf, sleep } from '../support/emulator-client.js'

const emulator = emulatorPerTest({ windowMs: 200 })
const { api, prefetch, purge } = apiOf(() => emulator.gcore)

describe('rate lanes', () => {
  it('purge by pattern and purge all share one lane; purge by URL and prefetch have their own', async () => {
    await emulator.restart({ windowMs: 600 }) // room for nine requests inside one window on a busy machine
    expect((await purge(5, { paths: ['/v/'] })).status).toBe(201)
    expect((await purge(5, { paths: [] })).status).toBe(429)
    expect((await purge(5, { paths: ['/w/'] })).status).toBe(429)
    expect((await purge(5, { urls: ['/a'] })).status).toBe(201)
    expect((await purge(5, { urls: ['/b'] })).status).toBe(201)
    expect((await purge(5, { urls: ['/c'] })).status).toBe(429)
    expect((await prefetch(5, ['/a'])).status).toBe(201)
    expect((await prefetch(5, ['/a'])).status).toBe(429)
    expect((await purge(6, { paths: [] })).status).toBe(201) // per resource
    await sleep(620)
    expect((await purge(5, { paths: [] })).status).toBe(201)
  })

  it('reports the lanes in the account limits', async () => {
    await emulator.restart({ windowMs: 60_000, rates: { prefetch: 3, purge_by_url: 2, purge_by_pattern: 1 } })
    expect((await api('/cdn/clients/me/limits')).json).toMatchObject({
      prefetch_pattern_limit: 100,
      prefetch_request_limit: '3/m',
      purge_max_urls_limit: 100,
      purge_by_urls_request_limit: '2/m',
      purge_pattern_limit: 10,
      purge_request_limit: '1/m'
    })
  })

  it('rejects a * inside a purge pattern', async () => {
    await emulator.restart({ windowMs: 200 })
    expect((await purge(5, { paths: ['/v/*/a.iso'] })).status).toBe(400)
  })
})
