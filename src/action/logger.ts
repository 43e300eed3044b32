/**
 * The engine's Logger on @actions/core. Lines we print with `core.info` are
 * read by the runner, so any line that would start a workflow command (`::`)
 * is broken up first: whatever text reached a message, it stays text.
 */
import * as core from '@actions/core'
import type { Logger } from '../core/ports.js'

/** Every line of `text`, none of them a workflow command. */
function inert(text: string): string {
  return text
    .split(/\r?\n|\r/)
    .map(line => line.replace(/^(\s*):(?=:)/, '$1: '))
    .join('\n')
}

export const actionLogger: Logger = {
  info: message => core.info(inert(message)),
  notice: message => core.notice(message),
  warning: message => core.warning(message),
  debug: message => core.debug(message),
  group(title, lines) {
    core.startGroup(title)
    if (lines.length) core.info(inert(lines.join('\n'))) // one write, not one per path
    core.endGroup()
  }
}
