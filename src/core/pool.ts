/** `Promise.all(items.map(fn))` with at most `limit` calls in flight, results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await fn(items[index])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** At most `limit` calls of `use` in flight at once; the others wait their turn, in the order they came. */
export class Slots {
  private free: number
  private readonly queue: (() => void)[] = []

  constructor(limit: number) {
    this.free = limit
  }

  async use<R>(fn: () => Promise<R>): Promise<R> {
    if (this.free > 0) this.free--
    else await new Promise<void>(resolve => this.queue.push(resolve))
    try {
      return await fn()
    } finally {
      const next = this.queue.shift()
      if (next) next()
      else this.free++
    }
  }
}

/**
 * Resolves when `event` does or `signal` aborts, whichever is first. Nothing is
 * left attached to the signal, which lives long: a wait per path over 100,000
 * paths must not add up.
 */
export function untilOrAborted(event: Promise<void>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise(resolve => {
    const done = (): void => {
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
    void event.then(done)
  })
}
