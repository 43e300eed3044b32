/**
 * The runner cancels a step with SIGINT, then SIGTERM about 7.5 s later, then
 * kills it; a terminal sends SIGINT on Ctrl-C. Either aborts the run's signal
 * once, so the engine stops sending, aborts what is in flight and reports.
 */
export interface Cancellation {
  signal: AbortSignal
  /** Which signal arrived first, if any. */
  received(): NodeJS.Signals | null
  dispose(): void
}

/**
 * Handles SIGINT and SIGTERM from now on. `onCancel` is told of the first;
 * without it, read `received()` and the signal's `abort` event (the action
 * installs the handlers before its bundle loads, and says so once it has).
 */
export function cancelOnSignals(onCancel?: (signal: NodeJS.Signals) => void): Cancellation {
  const controller = new AbortController()
  let first: NodeJS.Signals | null = null
  const handle = (signal: NodeJS.Signals): void => {
    if (first) return
    first = signal
    onCancel?.(signal)
    controller.abort()
  }
  const onInt = (): void => handle('SIGINT')
  const onTerm = (): void => handle('SIGTERM')
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  return {
    signal: controller.signal,
    received: () => first,
    dispose() {
      process.off('SIGINT', onInt)
      process.off('SIGTERM', onTerm)
    }
  }
}

/**
 * Once the report is out, nothing may keep the process alive: a socket the
 * server never closes, a timer of a library. This exits after `graceMs` only
 * if something still holds the event loop; otherwise the process ends at once.
 */
export function exitWhenIdle(graceMs = 1000): void {
  setTimeout(() => process.exit(), graceMs).unref()
}
