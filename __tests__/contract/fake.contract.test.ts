/** The Gcore contract against the in-process fake, on a fake clock with Gcore's one-minute window. */
import { FakeGcore } from '../support/fake-gcore.js'
import { FakeClock } from '../support/fake-clock.js'
import { gcoreContract } from './gcore-contract.js'

const WINDOW_MS = 60_000

gcoreContract({
  name: 'the fake Gcore',
  windowMs: WINDOW_MS,
  async start(options) {
    const clock = new FakeClock()
    const fake = new FakeGcore({ ...options, windowMs: WINDOW_MS, clock })
    const hostname = (id: number) => options.resources?.find(resource => resource.id === id)?.cname ?? `cdn${id}.example.com`
    return {
      network: fake,
      apiUrl: 'https://api.gcore.com',
      edgeBase: async id => `http://${hostname(id)}`,
      publish: (path, file) => void fake.publish(path, file),
      inject: rule => void fake.inject(rule),
      wait: ms => clock.sleep(ms),
      stop: async () => undefined
    }
  }
})
