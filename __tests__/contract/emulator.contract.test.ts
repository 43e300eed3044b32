/**
 * The Gcore contract against the emulator over real HTTP, through the Network
 * the action uses (httpNetwork), with a one-second window.
 */
import { httpNetwork } from '../../src/core/http-network.js'
import { GcoreEmulator } from '../../emulator/gcore-emulator.js'
import { gcoreContract } from './gcore-contract.js'

const WINDOW_MS = 1000

gcoreContract({
  name: 'the emulator',
  windowMs: WINDOW_MS,
  async start(options) {
    const gcore = new GcoreEmulator({ ...options, windowMs: WINDOW_MS })
    await gcore.start()
    return {
      network: httpNetwork,
      apiUrl: gcore.url,
      // An edge server started for the resource answers for it, whatever the Host.
      edgeBase: id => gcore.startEdge(id),
      publish: (path, file) => void gcore.publish(path, file),
      inject: rule => void gcore.inject(rule),
      wait: ms => new Promise(resolve => setTimeout(resolve, ms)),
      stop: () => gcore.stop()
    }
  }
})
