/**
 * The key echoed back hex-encoded, or inside an HTML page that cuts it with its
 * own tags, is never shown: through dist/index.js against the emulator, every
 * sink checked (stdout but the mask line, stderr, outputs, summary, report file).
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { batchesOf, keyLeaks } from '../support/checks.js'
import { runAction } from '../support/run-action.js'

const KEY = 'hex-$ecret<b>t0ken</b>"quoted"'
let gcore: GcoreEmulator

beforeEach(async () => {
  gcore = new GcoreEmulator({ apiKey: KEY, windowMs: 200 })
  await gcore.start()
})
afterEach(() => gcore.stop())

const run = () =>
  runAction(
    { 'api-key': KEY, 'resource-id': '9', 'api-url': gcore.url, 'prefetch-interval': '0.2', paths: '/a.iso' },
    { env: { RUNNER_DEBUG: '1' } }
  )

describe('a key echoed back', () => {
  it.each([
    ['hex', Buffer.from(KEY).toString('hex')],
    ['upper-case hex', Buffer.from(KEY).toString('hex').toUpperCase()]
  ])('%s, in a JSON error: masked in every sink', async (_, echoed) => {
    gcore.inject({
      operation: 'prefetch',
      on: 'every',
      fault: { kind: 'status', status: 400, body: JSON.stringify({ message: `bad key ${echoed}` }) }
    })
    const result = await run()

    expect(result.code).toBe(1)
    expect(batchesOf(result)[0].error).toBe('HTTP 400: bad key ***')
    expect(keyLeaks(result, KEY)).toEqual([])
  })

  it('raw, in an HTML page whose tags would cut it apart: masked whole, no piece left', async () => {
    const page = `<html><body><h1>Forbidden</h1><p>token ${KEY} is not valid</p></body></html>`
    gcore.inject({
      operation: 'prefetch',
      on: 'every',
      fault: { kind: 'status', status: 400, body: page, headers: { 'Content-Type': 'text/html' } }
    })
    const result = await run()

    expect(result.code).toBe(1)
    expect(batchesOf(result)[0].error).toBe('HTTP 400: Forbidden token *** is not valid')
    expect(keyLeaks(result, KEY)).toEqual([])
    for (const piece of ['hex-$', 't0ken', 'quoted']) expect(result.outputs.batches).not.toContain(piece)
  })
})
