/**
 * Checks every end-to-end run makes (support/e2e.ts, runChecked; the chaos suite), written
 * independently of src/ so they are an oracle, not a copy:
 *
 * - the key in any form (raw, URL-encoded, JSON-escaped, hex, base64) leaves no run
 *   of 8 or more characters in any sink the runner keeps;
 * - no line of stdout is a workflow command the action did not write itself;
 * - every output action.yml declares is set;
 * - every path is in exactly one of prefetched, failed and skipped.
 */
import { expect } from '@jest/globals'
import { declaredOutputs, type ActionRun } from './run-action.js'

/** Shorter runs of a key are too common to mean anything. */
const KEY_RUN = 8

/** The forms an API may echo a key in. Base64 is given for the key at each byte offset mod 3. */
export function keyForms(key: string): Record<string, string> {
  const bytes = Buffer.from(key, 'utf8')
  const forms: Record<string, string> = {
    raw: key,
    'url-encoded': encodeURIComponent(key),
    'url-encoded (lower-case hex)': encodeURIComponent(key).replace(/%[0-9A-F]{2}/g, hex => hex.toLowerCase()),
    'form-encoded': encodeURIComponent(key).replace(/%20/g, '+'),
    'json-escaped': JSON.stringify(key).slice(1, -1),
    hex: bytes.toString('hex'),
    'hex (upper-case)': bytes.toString('hex').toUpperCase()
  }
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x41), bytes]).toString('base64')
    // The characters that depend on the key's bytes alone.
    forms[`base64 at offset ${shift}`] = encoded.slice(Math.ceil((shift * 4) / 3), Math.floor(((shift + bytes.length) * 4) / 3))
  }
  return forms
}

/** The line @actions/core writes to mask a secret (its escaping of %, CR and LF). */
function maskLine(secret: string): string {
  return `::add-mask::${secret.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}`
}

/**
 * Where a run leaves text: everything but the `::add-mask::` lines of the
 * secrets given as inputs (by default the key itself), which must carry them.
 */
function sinks(run: ActionRun, masked: readonly string[]): Record<string, string> {
  const maskLines = new Set(masked.map(maskLine))
  const stdout = run.stdout
    .split('\n')
    .filter(line => !maskLines.has(line))
    .join('\n')
  return { stdout, stderr: run.stderr, ...run.files }
}

/**
 * Every run of KEY_RUN characters of any form of the key found in any sink, as
 * `sink: run`. `masked`: the secrets as given to the action, whose mask lines
 * are expected (the key itself unless it was given with a prefix or suffix).
 */
export function keyLeaks(run: ActionRun, key: string, masked: readonly string[] = [key]): string[] {
  const windows = new Set<string>()
  for (const form of Object.values(keyForms(key))) {
    for (let i = 0; i + KEY_RUN <= form.length; i++) windows.add(form.slice(i, i + KEY_RUN))
  }
  const found: string[] = []
  for (const [sink, text] of Object.entries(sinks(run, masked))) {
    for (const window of windows) if (text.includes(window)) found.push(`${sink}: ${JSON.stringify(window)}`)
  }
  return found
}

/** The commands @actions/core writes for this action. */
const OWN_COMMANDS = ['add-mask', 'group', 'endgroup', 'notice', 'warning', 'error', 'debug']

/**
 * Lines the runner would read as workflow commands. The runner ends a line at
 * \n, \r or \r\n, and trims leading white space before it looks for `::`.
 */
export function commandLines(stdout: string): string[] {
  return stdout
    .split(/\r\n|\r|\n/)
    .map(line => line.trimStart())
    .filter(line => line.startsWith('::'))
}

/**
 * Command lines the action did not write itself: an unknown command, or a line
 * that starts with one of the texts the test injected through the API.
 */
export function foreignCommands(stdout: string, injected: readonly string[]): string[] {
  return commandLines(stdout).filter(line => {
    const name = /^::([A-Za-z-]+)[ :]/.exec(line)?.[1]
    return !name || !OWN_COMMANDS.includes(name) || injected.some(text => line.startsWith(text))
  })
}

/** A stack trace outside `::debug::` lines (where the runner shows it only with step debug on). */
export function stackTraces(run: ActionRun): string[] {
  const visible = [...run.stdout.split('\n').filter(line => !line.startsWith('::debug::')), ...run.stderr.split('\n')]
  return visible.filter(line => /^\s+at .+(\(|:\d+)/.test(line) || /%0A\s+at /.test(line))
}

export function expectOutputsPresent(run: ActionRun): void {
  expect(declaredOutputs().filter(name => !(name in run.outputs))).toEqual([])
}

interface BatchOutput {
  operation: 'purge' | 'prefetch'
  /** A purge's kind: url, pattern or all. */
  kind?: string
  purge_id?: number | null
  resource: number
  paths: string[]
  outcome: string
  status: number | null
  attempts: number
  error: string | null
}

export function batchesOf(run: ActionRun): BatchOutput[] {
  return JSON.parse(run.outputs.batches) as BatchOutput[]
}

/** One path's entry in the `verify` output: the origin's verdict and the edge's. */
export interface VerifyOutput {
  path: string
  url: string
  verified: boolean
  result: string
  status: number | null
  error: string | null
  origin: { state: string; source: string | null; status: number | null; size: number | null; detail: string | null } | null
}

export function verifyOf(run: ActionRun): VerifyOutput[] {
  return JSON.parse(run.outputs.verify) as VerifyOutput[]
}

/**
 * prefetched (the paths of accepted prefetch batches, one resource) + failed +
 * skipped = every path given, with no overlap, and the counts agree.
 */
export function expectPathsPartitioned(run: ActionRun, given: readonly string[]): void {
  const failed = JSON.parse(run.outputs['failed-paths']) as string[]
  const skipped = JSON.parse(run.outputs['skipped-paths']) as string[]
  const prefetched = batchesOf(run)
    .filter(batch => batch.operation === 'prefetch' && batch.outcome === 'succeeded')
    .flatMap(batch => batch.paths)
  const all = [...prefetched, ...failed, ...skipped]
  expect(new Set(all).size).toBe(all.length) // no path in two of them, none twice
  expect([...all].sort()).toEqual([...given].sort())
  expect(Number(run.outputs['total-count'])).toBe(given.length)
  expect(Number(run.outputs['prefetched-count'])).toBe(prefetched.length)
  expect(Number(run.outputs['failed-count'])).toBe(failed.length)
  expect(Number(run.outputs['skipped-count'])).toBe(skipped.length)
}
