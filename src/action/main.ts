/**
 * The GitHub Action: @actions/core around the engine. Masks the secrets, turns
 * the runner's cancel signals into an abort, publishes the outputs, the report
 * file and the job summary, and is the only place that fails the step.
 *
 * Whatever goes wrong, the step ends with every output set and one `::error::`
 * line; a stack trace appears only in debug output.
 */
import * as core from '@actions/core'
import { systemClock } from '../core/clock.js'
import { warm, type EngineOutcome } from '../core/engine.js'
import { httpNetwork } from '../core/http-network.js'
import { nodeFileSource } from '../core/paths/node-file-source.js'
import { renderContextLine } from '../core/report/markdown.js'
import { buildReport, type RunFacts, type RunReport } from '../core/report/model.js'
import { cancelOnSignals, exitWhenIdle, type Cancellation } from '../host/signals.js'
import { githubReleases, readEvent, runContext } from './context.js'
import { actionLogger } from './logger.js'
import { publish } from './outputs.js'

/** The report of a run that ended before it knew anything: every output still has a value. */
function emptyReport(note: string): RunReport {
  const facts: RunFacts = {
    skipped: [],
    files: [],
    limits: [],
    verify: [],
    skippedChecks: [],
    resources: [],
    purge: 'off',
    dryRun: false,
    cancelled: false,
    elapsedMs: 0,
    estimateMs: 0,
    notes: [note]
  }
  return { ...buildReport({ paths: [], resources: [] }, [], facts), result: 'failure' }
}

/**
 * The passwords in the proxy variables, masked like the key: no message quotes
 * them, but a library's error could. Shorter than 4 characters, a mask would
 * blank out ordinary words all over the log.
 */
function proxyPasswords(env: NodeJS.ProcessEnv): string[] {
  const passwords: string[] = []
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) {
    const password = /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:([^@/]*)@/i.exec(env[name] ?? '')?.[1]
    if (password && password.length >= 4) passwords.push(password, decodeURIComponentSafe(password))
  }
  return passwords
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * The whole step. `cancellation`: the signal handlers, installed by the entry
 * point before this module loaded (a cancel may already have come); installed
 * here when run() is called on its own (local-action).
 */
export async function run(cancellation: Cancellation = cancelOnSignals()): Promise<void> {
  // Mask the secrets before anything else can print them.
  for (const secret of [core.getInput('api-key'), core.getInput('github-token'), ...proxyPasswords(process.env)]) {
    if (secret.trim()) core.setSecret(secret.trim())
  }

  const event = readEvent()
  const context = runContext(event)
  const contextLine = renderContextLine(context, 'text')
  if (contextLine) core.info(contextLine)
  const announce = (): void =>
    core.warning(
      `${cancellation.received()} received: sending nothing more, aborting what is in flight, reporting what is left as cancelled`
    )
  if (cancellation.signal.aborted) announce()
  else cancellation.signal.addEventListener('abort', announce, { once: true })

  // A signal that came while the action loaded is queued in the event loop: let it land before the first request.
  await new Promise(resolve => setImmediate(resolve))

  let outcome: EngineOutcome | undefined
  try {
    outcome = await warm({
      getInput: name => core.getInput(name),
      logger: actionLogger,
      clock: systemClock,
      files: nodeFileSource,
      network: httpNetwork,
      releases: githubReleases(event),
      signal: cancellation.signal,
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      environment: process.env
    })
    const problems = await publish(outcome.report, context)
    if (outcome.unexpected) core.debug((outcome.unexpected as Error)?.stack ?? String(outcome.unexpected))
    // One error line: the verdict, then what could not be written.
    const failures = [...(outcome.verdict.failed ? [outcome.verdict.message] : []), ...problems]
    if (failures.length) core.setFailed(failures.join(' '))
  } catch (error) {
    // Nothing above should throw; if something does, the step still ends cleanly.
    core.debug((error as Error)?.stack ?? String(error))
    if (!outcome) {
      try {
        await publish(emptyReport(`Unexpected error: ${(error as Error)?.message ?? String(error)}`), context)
      } catch {
        // Publishing itself failed (each sink is guarded, so a bug): the error line below is all we can give.
      }
    }
    core.setFailed(`Unexpected error: ${(error as Error)?.message ?? String(error)}`)
  } finally {
    cancellation.dispose()
    exitWhenIdle()
  }
}
