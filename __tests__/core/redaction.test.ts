/** The key echoed hex-encoded, or cut into pieces by an HTML page's tags, is redacted whole. */
import { describe, expect, it } from '@jest/globals'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { GcoreClient } from '../../src/core/gcore/client.js'
import { redact } from '../../src/core/text.js'

const KEY = 'k3y<tag>s3cr3t$value'

describe('redact', () => {
  it.each([
    ['hex', Buffer.from(KEY).toString('hex')],
    ['upper-case hex', Buffer.from(KEY).toString('hex').toUpperCase()]
  ])('masks the key echoed as %s, whole and in part', (_, hex) => {
    expect(redact(`key=${hex}.`, [KEY])).toBe('key=***.')
    expect(redact(`tail ${hex.slice(10)}`, [KEY])).toBe('tail ***')
  })
})

describe('an HTML error page that echoes the key', () => {
  it('is redacted before its tags are stripped: no piece of the key survives', async () => {
    // The key holds `<tag>`: stripped first, it would leave "k3y", too short to be recognised as the key's.
    const page = `<html><head></head><body><p>Invalid key ${KEY} for this account</p></body></html>`
    const server = createServer((_, res) => res.writeHead(400, { 'Content-Type': 'text/html' }).end(page))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const client = new GcoreClient({ apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: KEY, timeoutMs: 2000 })
      const error = (await client.send('prefetch', 1, ['/a.iso']).catch(caught => caught)) as Error
      expect(error.message).toBe('HTTP 400: Invalid key *** for this account')
      for (const piece of ['k3y', 's3cr3t', 'value']) expect(error.message).not.toContain(piece)
    } finally {
      await new Promise(resolve => server.close(resolve))
    }
  })
})
