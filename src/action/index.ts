// The action's entry point (dist/index.js): run() is in main.ts, so tests import it without side effects.
import { run } from './main.js'

await run()
