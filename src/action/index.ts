// The action's entry point (dist/index.js). The runner cancels with SIGINT, and
// without a handler that ends the process at once, with no outputs: the handlers
// go in first, and the action itself (main.js: @actions/core, the HTTP client,
// the engine) loads after, as a chunk of its own. A cancel while it loads is
// then a run cancelled before anything was sent, with every output written.
// run() is in main.ts, so tests import it without side effects.
import { cancelOnSignals } from '../host/signals.js'

const cancellation = cancelOnSignals()

// Not a top-level await: with one, ncc wraps the whole bundle in an async module (4 ms more at start).
void import('./main.js').then(({ run }) => run(cancellation))
