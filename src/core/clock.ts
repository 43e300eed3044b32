import type { Clock } from './ports.js'

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise(resolve => {
      if (signal?.aborted) return resolve()
      const until = Date.now() + ms
      let timer: ReturnType<typeof setTimeout> | undefined
      // Timers may fire a millisecond early by Date.now(); never wake before `until`,
      // or a request could reach Gcore just inside the previous one's interval.
      const arm = (): void => {
        const left = until - Date.now()
        if (left <= 0) return done()
        timer = setTimeout(arm, left)
      }
      function done(): void {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        resolve()
      }
      signal?.addEventListener('abort', done, { once: true })
      arm()
    })
}
