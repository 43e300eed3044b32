/**
 * npm run build:scripts: the demo, the bench and the emulator's command line,
 * compiled to build/ (one .js per .ts, the same layout) for node to run. Only
 * transpiled, in well under a second: `npm run typecheck` checks their types,
 * and tsc took 6 s of every `npm run demo` to do both.
 */
import { build } from 'esbuild'
import { glob } from 'tinyglobby'

await build({
  entryPoints: await glob(['scripts/**/*.ts', 'emulator/*.ts', 'src/core/**/*.ts']),
  outdir: 'build',
  outbase: '.',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning'
})
