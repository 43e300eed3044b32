/**
 * The engine as a command, for other CI systems and laptops:
 *
 *   GCORE_API_KEY=… npx gcore-cdn-prefetch --resource-id 123 --paths-file list.txt --purge
 *
 * Flags mirror the action's inputs one to one (the generated ACTION_INPUTS), except
 * the secrets, which come from the environment so they stay out of shell history.
 */
import { ACTION_INPUTS, type InputSpec } from './action-spec.js'
import { warm } from './engine.js'
import { formatDuration } from './plan.js'
import type { RunReport } from './report.js'
import type { Logger } from './scheduler.js'

export const EXIT_CODES = {
  success: 0,
  failed: 1,
  usage: 2,
  cancelled: 130
} as const

/** Secret inputs and the environment variables they come from instead of flags. */
export const SECRETS_FROM_ENV: Record<string, string> = { 'api-key': 'GCORE_API_KEY', 'github-token': 'GITHUB_TOKEN' }
const FLAG_INPUTS = ACTION_INPUTS.filter(input => !(input.name in SECRETS_FROM_ENV))
const isBoolean = (input: InputSpec): boolean => input.default === 'true' || input.default === 'false'

export class UsageError extends Error {}

export interface ParsedArgs {
  inputs: Record<string, string>
  json: boolean
  verbose: boolean
  help: boolean
  version: boolean
}

/**
 * `--name value`, `--name=value`; a boolean input alone (`--purge`) means true and
 * `--no-purge` false; a repeated flag adds a line (`--paths /a --paths /b`).
 */
export function parseArgs(argv: string[]): ParsedArgs {
  const parsed: ParsedArgs = { inputs: {}, json: false, verbose: false, help: false, version: false }
  const own: Record<string, keyof Omit<ParsedArgs, 'inputs'>> = { '--json': 'json', '--verbose': 'verbose', '--help': 'help', '-h': 'help', '--version': 'version' }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg in own) {
      parsed[own[arg]] = true
      continue
    }
    const match = /^--(no-)?([a-z][a-z-]*)(?:=(.*))?$/s.exec(arg)
    if (!match) throw new UsageError(`Unexpected argument ${JSON.stringify(arg)}; flags look like --resource-id 123.`)
    const [, negated, name, inline] = match
    if (name in SECRETS_FROM_ENV) {
      throw new UsageError(`--${name} is not a flag, so it stays out of shell history: set ${SECRETS_FROM_ENV[name]} instead.`)
    }
    const input = FLAG_INPUTS.find(candidate => candidate.name === name)
    if (!input) throw new UsageError(`Unknown flag --${name}; see --help.`)
    let value: string
    if (negated) {
      if (!isBoolean(input) || inline !== undefined) throw new UsageError(`--no-${name} is only for true/false flags.`)
      value = 'false'
    } else if (inline !== undefined) {
      value = inline
    } else if (isBoolean(input) && (i + 1 >= argv.length || argv[i + 1].startsWith('--'))) {
      value = 'true'
    } else if (i + 1 < argv.length) {
      value = argv[++i]
    } else {
      throw new UsageError(`--${name} needs a value.`)
    }
    parsed.inputs[name] = name in parsed.inputs ? `${parsed.inputs[name]}\n${value}` : value
  }
  return parsed
}

/** Inputs as the engine reads them: flags, else the environment's secrets, else action.yml's defaults. */
export function inputReader(flags: Record<string, string>, env: NodeJS.ProcessEnv): (name: string) => string {
  return name => {
    if (name in SECRETS_FROM_ENV) return env[SECRETS_FROM_ENV[name]] ?? ''
    if (name in flags) return flags[name]
    const spec = ACTION_INPUTS.find(input => input.name === name)
    return spec?.default ?? ''
  }
}

export function helpText(version: string): string {
  const flags = FLAG_INPUTS.map(input => {
    const value = isBoolean(input) ? '' : ' <value>'
    const fallback = input.required ? 'required' : input.default === '' ? '' : `default: ${input.default}`
    return `  --${input.name}${value}${fallback ? `  (${fallback})` : ''}\n      ${input.description}`
  })
  return [
    `gcore-cdn-prefetch ${version}: purge and prefetch files into a Gcore CDN resource within Gcore's rate limits.`,
    '',
    'Usage: GCORE_API_KEY=<token> gcore-cdn-prefetch --resource-id <id> [--paths <path>]... [--paths-file <file>] [--purge]',
    '',
    'Environment:',
    '  GCORE_API_KEY   the Gcore API token (required; never a flag, so it stays out of shell history)',
    '  GITHUB_TOKEN    a GitHub token, for --release-tag',
    '',
    'Flags (the GitHub Action\'s inputs; true/false flags also take --no-<name>; repeat a flag for several lines):',
    ...flags,
    '',
    'Output:',
    '  --json      print the full report as JSON on stdout (logs go to stderr)',
    '  --verbose   log every path of every request',
    '  --help, --version',
    '',
    'Exit codes:',
    '  0    every path prefetched (or a dry run)',
    '  1    some paths were not prefetched, or verify-required found a non-HIT',
    '  2    invalid flags or inputs: nothing was sent',
    '  130  cancelled (Ctrl-C): nothing more was sent, the report says what is left'
  ].join('\n')
}

export function textReport(report: RunReport): string {
  const lines = [
    `Result: ${report.result}${report.cancelled ? ' (cancelled)' : ''}: ${report.totalCount} paths, ${report.prefetchedCount} prefetched, ` +
      `${report.failedCount} failed, ${report.skippedCount} skipped${report.purge ? `, ${report.purgedCount} purged` : ''}` +
      `${report.verify.length ? `, ${report.verifiedCount} of ${report.verify.length} HIT at the edge` : ''}`,
    `Time: ${formatDuration(report.elapsedMs)} (estimate ${formatDuration(report.estimateMs)})`
  ]
  if (report.limits.length) lines.push(`Limits: ${report.limits.join(', ')}`)
  lines.push('Batches:')
  for (const batch of report.batches) {
    lines.push(
      `  ${batch.operation.padEnd(8)} resource ${batch.resource}  #${String(batch.index).padEnd(4)} ${String(batch.paths.length).padStart(3)} paths  ` +
        `${batch.outcome.padEnd(13)} ${batch.status ?? '-'}  ${batch.attempts} attempt(s)${batch.error ? `  ${batch.error}` : ''}`
    )
  }
  if (report.failedPaths.length) lines.push('Failed paths:', ...report.failedPaths.map(path => `  ${path}`))
  return lines.join('\n')
}

function stderrLogger(verbose: boolean): Logger {
  const write = (line: string): boolean => process.stderr.write(`${line}\n`)
  return {
    info: message => write(message),
    notice: message => write(`notice: ${message}`),
    warning: message => write(`warning: ${message}`),
    debug: message => (verbose ? write(`debug: ${message}`) : true),
    group(title, lines) {
      write(title)
      if (verbose) for (const line of lines) write(`    ${line}`)
    }
  }
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, version: string): Promise<number> {
  let args: ParsedArgs
  try {
    args = parseArgs(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`error: ${error.message}\n`)
    return EXIT_CODES.usage
  }
  if (args.help) return process.stdout.write(`${helpText(version)}\n`), EXIT_CODES.success
  if (args.version) return process.stdout.write(`${version}\n`), EXIT_CODES.success

  const controller = new AbortController()
  const cancel = (): void => {
    if (controller.signal.aborted) return
    process.stderr.write('Cancelling: sending nothing more, reporting what is left\n')
    controller.abort()
  }
  process.on('SIGINT', cancel)
  process.on('SIGTERM', cancel)

  const outcome = await warm({
    getInput: inputReader(args.inputs, env),
    logger: stderrLogger(args.verbose),
    signal: controller.signal,
    workspace: process.cwd()
  })
  if (outcome.kind === 'invalid-input') {
    process.stderr.write(`error: ${outcome.message.replace(/Input "([a-z-]+)"/g, (_, name: string) => (name in SECRETS_FROM_ENV ? SECRETS_FROM_ENV[name] : `--${name}`))}\n`)
    return EXIT_CODES.usage
  }
  if (outcome.kind === 'no-paths') {
    process.stderr.write(`${outcome.fail ? 'error' : 'warning'}: ${outcome.message}\n`)
    return outcome.fail ? EXIT_CODES.usage : EXIT_CODES.success
  }
  process.stdout.write(`${args.json ? JSON.stringify(outcome.report, null, 2) : textReport(outcome.report)}\n`)
  if (outcome.report.cancelled) return EXIT_CODES.cancelled
  if (outcome.verdict.failed) process.stderr.write(`error: ${outcome.verdict.message}\n`)
  return outcome.verdict.failed ? EXIT_CODES.failed : EXIT_CODES.success
}
