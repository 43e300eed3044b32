/**
 * The order test files start in, on a worker per core. Jest's own order (the
 * slowest first, by the last run's times) would start the two heaviest
 * end-to-end files at once: the chaos suite (93 runs of dist/index.js, ten at
 * a time, each held to its deadlines) and the load tests (100,000 paths,
 * held to a memory budget). Both are heavy on the cores, so they must not
 * share the two. Here chaos starts first, beside the origin check's cases
 * (mostly waiting: one waits out a 20 s late upload); the other process tests
 * follow, then the load tests, and the in-process tests last: they fill the
 * other core while the load tests run, instead of leaving it idle.
 */
import Sequencer from '@jest/test-sequencer'

const FIRST = /\/__tests__\/e2e\/chaos\.e2e\.test\.ts$/
const BESIDE_FIRST = /\/__tests__\/e2e\/origin-check\.e2e\.test\.ts$/
const LOAD = /\/__tests__\/e2e\/load\.e2e\.test\.ts$/
/** Tests that spawn processes or real servers' clients at length: end-to-end and the project's own commands. */
const PROCESSES = /\/__tests__\/(e2e|project)\//

export default class HeavyApart extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests)
    const rank = test =>
      FIRST.test(test.path) ? 0 : BESIDE_FIRST.test(test.path) ? 0.5 : LOAD.test(test.path) ? 2 : PROCESSES.test(test.path) ? 1 : 3
    return [...sorted].sort((a, b) => rank(a) - rank(b))
  }
}
