/**
 * The Gcore emulator as a standalone server, for the CI job that runs the action
 * with `uses: ./` and for trying the action by hand:
 *
 *   npm run emulator -- --port 8787 --key test-key [--window 1]
 *
 * Prints its URL, an edge URL for verify-url, and each request as it arrives.
 */
import { parseArgs } from 'node:util'
import { GcoreEmulator } from './gcore-emulator.js'

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    key: { type: 'string', default: 'test-key' },
    window: { type: 'string', default: '1' }
  }
})

const gcore = new GcoreEmulator({ apiKey: values.key!, windowMs: Number(values.window) * 1000 })
const url = await gcore.start(Number(values.port))
const edge = await gcore.startEdge()
console.log(`Gcore emulator on ${url} (API key "${values.key}", rate window ${values.window} s); edge for verify-url on ${edge}`)
setInterval(() => {
  for (const entry of gcore.log.splice(0)) console.log(`${entry.method} ${entry.url} → ${entry.answer}`)
}, 200)
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void gcore.stop().then(() => process.exit(0)))
