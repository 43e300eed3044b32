#!/usr/bin/env node
// The CLI's entry point (dist/cli/index.js). Flags are parsed here; the engine is
// loaded only when there is work to do, so `--help` starts as fast as bare node.
import { EXIT_CODES, helpText, parseCommandLine, UsageError } from './args.js'
import { VERSION } from './spec.js'

async function main(argv: string[]): Promise<number> {
  let args
  try {
    args = parseCommandLine(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`error: ${error.message}\n`)
    return EXIT_CODES.usage
  }
  if (args.help) return (process.stdout.write(`${helpText()}\n`), EXIT_CODES.success)
  if (args.version) return (process.stdout.write(`${VERSION}\n`), EXIT_CODES.success)
  const { runCommand } = await import('./run.js')
  return runCommand(args, process.env)
}

// Not a top-level await: with one, ncc wraps the entry in an async module, which costs start-up time.
void main(process.argv.slice(2)).then(code => {
  process.exitCode = code
})
