// The action's entry point (dist/index.js): run() is in main.ts, so tests import it without side effects.
import { run } from './main.js'

// Not a top-level await: with one, ncc wraps the whole bundle in an async module (4 ms more at start).
void run()
