/**
 * Proxies, as the runner's environment sets them: the API through
 * `https_proxy` (CONNECT), bypassed for the hosts in `no_proxy`; the edge
 * checks of `verify-url: auto` through `http_proxy`, to each resource's own
 * hostname.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import nodePath from 'node:path'
import { ConnectProxy } from '../support/connect-proxy.js'
import { emulatorPerTest, runChecked } from '../support/e2e.js'
import { ROOT } from '../support/run-action.js'

const emulator = emulatorPerTest()
const tls = (name: string) => readFileSync(nodePath.join(ROOT, '__tests__/fixtures/tls', name), 'utf8')

describe('proxies', () => {
  it('https_proxy is honoured, and no_proxy bypasses it', async () => {
    const gcore = await emulator.restart({ tls: { key: tls('server.key'), cert: tls('server.pem') } })
    const proxy = new ConnectProxy({ host: '127.0.0.1', port: gcore.port })
    await proxy.start()
    const env = { https_proxy: proxy.url, NODE_EXTRA_CA_CERTS: nodePath.join(ROOT, '__tests__/fixtures/tls/ca.pem') }
    try {
      const proxied = await runChecked(gcore, { paths: '/a.iso', 'api-url': 'https://api.gcore.test' }, { env })
      expect(proxied.code).toBe(0)
      // One tunnel per request: the account's limits, the resource and its rules, then the prefetch.
      expect(proxy.tunnels).toEqual(Array(4).fill('api.gcore.test:443'))
      expect(gcore.log.map(entry => entry.operation)).toEqual(['limits', 'resource', 'rules', 'prefetch'])

      const bypassed = await runChecked(
        gcore,
        { paths: '/a.iso', 'api-url': 'https://api.gcore.test', 'max-attempts': '1' },
        { env: { ...env, no_proxy: 'api.gcore.test' } }
      )
      expect(bypassed.code).toBe(1)
      expect(proxy.tunnels).toHaveLength(4)
      expect(bypassed.stdout).toContain('host not found (api.gcore.test)')
    } finally {
      await proxy.stop()
    }
  })

  it('verify-url auto asks the resource’s hostname, through http_proxy', async () => {
    const gcore = await emulator.restart({ resources: [{ id: 7, cname: 'cdn.example.com' }] })
    const edge = new URL(await gcore.startEdge())
    const proxy = new ConnectProxy({ host: '127.0.0.1', port: Number(edge.port) })
    await proxy.start()
    try {
      const run = await runChecked(
        gcore,
        { 'resource-id': '7', paths: '/dl/app.iso', 'verify-url': 'auto' },
        { env: { http_proxy: proxy.url } }
      )

      expect(run.code).toBe(0)
      expect(proxy.tunnels).toEqual(['cdn.example.com:80'])
      expect(JSON.parse(run.outputs.verify)).toMatchObject([{ url: 'http://cdn.example.com/dl/app.iso', result: 'HIT' }])
      expect(run.outputs['verified-count']).toBe('1')
    } finally {
      await proxy.stop()
    }
  })
})
