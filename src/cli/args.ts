/**
 * The command line, parsed by node:util's parseArgs. The flags are the action's
 * inputs (from the generated spec), except the secrets, which come from the
 * environment so they stay out of shell history. Nothing here loads the engine:
 * `--help` and `--version` start in the time of a bare `node`.
 */
import { parseArgs } from 'node:util'
import { ACTION_INPUTS, VERSION, type InputSpec } from './spec.js'

export const EXIT_CODES = {
  success: 0,
  failed: 1,
  usage: 2,
  cancelled: 130
} as const

/** Secret inputs and the environment variables they come from instead of flags. */
const SECRETS_FROM_ENV: Readonly<Record<string, string>> = { 'api-key': 'GCORE_API_KEY', 'github-token': 'GITHUB_TOKEN' }
/** Inputs that take several values: a repeated flag adds one. */
const LIST_FLAGS = ['resource-id', 'paths', 'files', 'verify-url', 'purge-patterns'] as const
/** Yes/no inputs: `--dry-run` alone means yes, `--no-wait-for-purge` no. */
export const SWITCHES = ['release-assets', 'wait-for-purge', 'verify-required', 'fail-on-error', 'dry-run'] as const

const FLAG_INPUTS = ACTION_INPUTS.filter(input => !(input.name in SECRETS_FROM_ENV))
const isSwitch = (input: InputSpec): boolean => (SWITCHES as readonly string[]).includes(input.name)
const isList = (input: InputSpec): boolean => (LIST_FLAGS as readonly string[]).includes(input.name)

export class UsageError extends Error {}

export interface ParsedArgs {
  /** Input values as the action would receive them. */
  inputs: Record<string, string>
  json: boolean
  verbose: boolean
  help: boolean
  version: boolean
}

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string }

function optionSpecs(): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
    json: { type: 'boolean' },
    verbose: { type: 'boolean' }
  }
  for (const input of FLAG_INPUTS) {
    if (isSwitch(input)) {
      options[input.name] = { type: 'boolean' }
      options[`no-${input.name}`] = { type: 'boolean' }
    } else {
      options[input.name] = { type: 'string', multiple: isList(input) }
    }
  }
  return options
}

export function parseCommandLine(argv: string[]): ParsedArgs {
  for (const arg of argv) {
    const name = /^--([a-z-]+)(=|$)/.exec(arg)?.[1]
    if (name && name in SECRETS_FROM_ENV) {
      throw new UsageError(`--${name} is not a flag, so the secret stays out of shell history: set ${SECRETS_FROM_ENV[name]} instead.`)
    }
  }
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>
  try {
    ;({ values } = parseArgs({ args: argv, options: optionSpecs(), strict: true, allowPositionals: false }))
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }))
  }
  const inputs: Record<string, string> = {}
  for (const input of FLAG_INPUTS) {
    const value = values[input.name]
    if (isSwitch(input)) {
      if (value && values[`no-${input.name}`]) throw new UsageError(`--${input.name} and --no-${input.name} contradict each other.`)
      if (value) inputs[input.name] = 'true'
      else if (values[`no-${input.name}`]) inputs[input.name] = 'false'
    } else if (Array.isArray(value)) {
      inputs[input.name] = value.join('\n')
    } else if (typeof value === 'string') {
      inputs[input.name] = value
    }
  }
  return { inputs, json: !!values.json, verbose: !!values.verbose, help: !!values.help, version: !!values.version }
}

/** parseArgs' errors, in this command's words. */
function describeParseError(error: Error & { code?: string }): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1] ?? ''
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `Unknown flag ${flag}; see --help.`
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message)
        ? `${flag} needs a value.`
        : `${flag} takes no value (it is a yes/no flag; use --no-${flag.replace(/^--/, '')} for no).`
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `Unexpected argument ${/'([^']*)'/.exec(error.message)?.[1] ?? ''}; flags look like --resource-id 123.`
    default:
      return error.message
  }
}

/** Inputs as the engine reads them: flags, else the environment's secrets, else action.yml's defaults. */
export function inputReader(flags: Record<string, string>, env: NodeJS.ProcessEnv): (name: string) => string {
  return name => {
    if (name in SECRETS_FROM_ENV) return env[SECRETS_FROM_ENV[name]] ?? ''
    if (name in flags) return flags[name]
    return ACTION_INPUTS.find(input => input.name === name)?.default ?? ''
  }
}

/** How errors name an input on the command line: its flag, or the variable of a secret. */
export function flagName(input: string): string {
  return SECRETS_FROM_ENV[input] ?? `--${input}`
}

export function helpText(): string {
  const flags = FLAG_INPUTS.map(input => {
    const usage = isSwitch(input) ? `--[no-]${input.name}` : `--${input.name} <value>${isList(input) ? ' (repeatable)' : ''}`
    const fallback = input.required ? 'required' : input.default === '' ? '' : `default: ${input.default}`
    return `  ${usage}${fallback ? `  (${fallback})` : ''}\n      ${input.description}`
  })
  return [
    `gcore-cdn-prefetch ${VERSION}: purge and prefetch files into Gcore CDN resources within Gcore's rate limits.`,
    '',
    'Usage: GCORE_API_KEY=<token> gcore-cdn-prefetch --resource-id <id> [--paths <path>]... [--paths-file <file>] [--purge auto]',
    '',
    'Environment:',
    '  GCORE_API_KEY       the Gcore API token (required; never a flag, so it stays out of shell history)',
    '  GITHUB_TOKEN        a GitHub token, for --release-assets with --release-tag',
    '  GITHUB_REPOSITORY   owner/repo of the release, for --release-tag',
    '',
    'Flags (the GitHub Action takes the same names under with:; a repeatable flag adds one line per use):',
    ...flags,
    '',
    'Output:',
    "  --json      print the action's outputs (kebab-case keys) and the full report as JSON on stdout; logs go to stderr",
    '  --verbose   log every path of every request',
    '  -h, --help  this text',
    '  --version   the version',
    '',
    'Exit codes:',
    '  0    every path prefetched (or a dry run, or nothing to do)',
    '  1    some paths were not prefetched, or --verify-required found a path not HIT',
    '  2    invalid flags or values: nothing was sent',
    '  130  cancelled (Ctrl-C): nothing more was sent, the report says what is left'
  ].join('\n')
}
