/**
 * The engine's Logger on @actions/core. Lines we print with `core.info` are
 * read by the runner, so any line that would start a workflow command (`::`)
 * is broken up first: whatever text reached a message, it stays text.
 */
import * as core from '@actions/core'
import type { Logger } from '../core/ports.js'

/** A line the runner would read as a workflow command (it ignores leading blanks). */
const COMMAND_LINE = /(^|[\r\n])([^\S\r\n]*):(?=:)/
const COMMAND_LINES = new RegExp(COMMAND_LINE.source, 'g')

/** Every line of `text`, none of them a workflow command. One scan; a copy only when a line needs breaking up. */
function inert(text: string): string {
  return COMMAND_LINE.test(text) ? text.replace(COMMAND_LINES, '$1$2: ') : text
}

export const actionLogger: Logger = {
  info: message => core.info(inert(message)),
  notice: message => core.notice(message),
  warning: message => core.warning(message),
  debug: message => core.debug(message),
  secret: value => core.setSecret(value),
  group(title, lines) {
    core.startGroup(title)
    if (lines.length) core.info(inert(lines.join('\n'))) // one write, not one per path
    core.endGroup()
  }
}
