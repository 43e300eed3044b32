/**
 * The GitHub Action: @actions/core around the engine. Masks the secrets, turns
 * the runner's cancel signals into an abort, publishes outputs and the job
 * summary, and is the only place that fails the step.
 */
import * as core from '@actions/core'
import { warm } from './engine.js'
import { runContext } from './release.js'
import { publish, renderContextLine } from './report.js'
import type { Logger } from './scheduler.js'

const coreLogger: Logger = {
  info: message => core.info(message),
  notice: message => core.notice(message),
  warning: message => core.warning(message),
  debug: message => core.debug(message),
  group(title, lines) {
    core.startGroup(title)
    if (lines.length) core.info(lines.join('\n')) // one write, not one per path
    core.endGroup()
  }
}

export async function run(): Promise<void> {
  // Mask the secrets before anything else can print them.
  for (const secret of [core.getInput('api-key'), core.getInput('github-token')]) if (secret) core.setSecret(secret)

  const context = runContext()
  const contextLine = renderContextLine(context, 'text')
  if (contextLine) core.info(contextLine)

  const controller = new AbortController()
  const cancel = (signal: string): void => {
    if (controller.signal.aborted) return
    core.warning(`${signal} received: sending nothing more, reporting what is left as cancelled`)
    controller.abort()
  }
  process.on('SIGINT', () => cancel('SIGINT'))
  process.on('SIGTERM', () => cancel('SIGTERM'))

  const outcome = await warm({
    getInput: name => core.getInput(name),
    logger: coreLogger,
    signal: controller.signal,
    workspace: process.env.GITHUB_WORKSPACE || process.cwd()
  })
  if (outcome.kind !== 'done') {
    if (outcome.kind === 'invalid-input' || outcome.fail) core.setFailed(outcome.message)
    return
  }
  await publish(outcome.report, context)
  if (outcome.verdict.failed) core.setFailed(outcome.verdict.message)
  // A request may still be in flight after a cancel; do not let its socket hold the runner.
  if (outcome.report.cancelled) process.exit(1)
}
