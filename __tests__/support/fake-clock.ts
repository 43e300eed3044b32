/**
 * Virtual time for scheduler tests. Whenever everything is waiting (no promise
 * callbacks left to run), time jumps to the earliest sleeper and wakes it, so an
 * hour-long schedule runs in milliseconds and its timings are exact.
 */
import type { Clock, Logger } from '../../src/core/ports.js'

interface Sleeper {
  at: number
  wake: () => void
}

export class FakeClock implements Clock {
  private time: number
  private sleepers: Sleeper[] = []
  private advancing = false

  constructor(readonly start = Date.UTC(2026, 10, 24, 12, 0, 0)) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  /** Milliseconds since the clock started. */
  elapsed(): number {
    return this.time - this.start
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise(resolve => {
      if (signal?.aborted) return resolve()
      const sleeper: Sleeper = {
        at: this.time + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener('abort', sleeper.wake)
          this.sleepers = this.sleepers.filter(other => other !== sleeper)
          resolve()
        }
      }
      signal?.addEventListener('abort', sleeper.wake, { once: true })
      this.sleepers.push(sleeper)
      this.scheduleAdvance()
    })
  }

  private scheduleAdvance(): void {
    if (this.advancing) return
    this.advancing = true
    // setImmediate runs only after every pending promise callback has run.
    setImmediate(() => {
      this.advancing = false
      const next = [...this.sleepers].sort((a, b) => a.at - b.at)[0]
      if (!next) return
      this.time = Math.max(this.time, next.at)
      next.wake()
      if (this.sleepers.length) this.scheduleAdvance()
    })
  }
}

/** A Logger that records lines, for assertions on what an operator would read. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: message => lines.push(message),
    notice: message => lines.push(`notice: ${message}`),
    warning: message => lines.push(`warning: ${message}`),
    debug: message => lines.push(`debug: ${message}`),
    group: (title, body) => lines.push(title, ...body.map(line => `  ${line}`)),
    secret: value => lines.push(`secret: ${value.length} characters`)
  }
}
