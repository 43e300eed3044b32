/**
 * The order test files start in. Jest's own order (the slowest first, by the
 * last run's times) would start the two heaviest end-to-end files at once:
 * the chaos suite (54 runs of dist/index.js) and the load tests (100,000
 * paths, held to a memory budget and to planning in under a second). Both
 * measure a process's real time, so they must not share the two cores. Here
 * chaos starts first, the load tests last, and everything else between them
 * in Jest's order.
 */
import Sequencer from '@jest/test-sequencer'

const FIRST = /\/__tests__\/e2e\/chaos\.e2e\.test\.ts$/
const LAST = /\/__tests__\/e2e\/load\.e2e\.test\.ts$/

export default class HeavyApart extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests)
    const rank = test => (FIRST.test(test.path) ? 0 : LAST.test(test.path) ? 2 : 1)
    return [...sorted].sort((a, b) => rank(a) - rank(b))
  }
}
