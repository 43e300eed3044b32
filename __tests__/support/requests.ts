/**
 * What a Gcore was sent, read the same way off the emulator's log (end-to-end
 * tests) and the fake's (engine tests): both log requests in one shape.
 */
import type { LoggedRequest } from '../../emulator/gcore-emulator.js'

/** The emulator or the fake: each keeps a log of the requests it answered. */
interface RequestLog {
  log: LoggedRequest[]
  acceptedRequests(operation: 'prefetch' | 'purge'): LoggedRequest[]
}

/** The paths, URLs or patterns one request carried. */
export function itemsOf(entry: LoggedRequest): string[] {
  const body = entry.body as { paths?: string[]; urls?: string[] }
  return body.urls ?? body.paths ?? []
}

/** What the accepted requests of an operation carried, request by request (of one resource, if given). */
export function sentBatches(gcore: RequestLog, operation: 'prefetch' | 'purge', resource?: number): string[][] {
  return gcore
    .acceptedRequests(operation)
    .filter(entry => resource === undefined || entry.resource === resource)
    .map(itemsOf)
}

/** Everything the accepted requests of an operation carried, in order. */
export function sent(gcore: RequestLog, operation: 'prefetch' | 'purge', resource?: number): string[] {
  return sentBatches(gcore, operation, resource).flat()
}

/** Every purge and prefetch sent, accepted or not. */
export function writes(gcore: RequestLog): LoggedRequest[] {
  return gcore.log.filter(entry => entry.method === 'POST')
}

/** The operations asked, in order: `limits`, `resource`, `rules`, `prefetch`, … */
export function operations(gcore: RequestLog): string[] {
  return gcore.log.map(entry => entry.operation)
}

/** When each request of an operation arrived, answered or not. */
export function timesOf(gcore: RequestLog, operation: LoggedRequest['operation']): number[] {
  return gcore.log.filter(entry => entry.operation === operation).map(entry => entry.at)
}

/** The time between each request and the next. */
export function gaps(times: number[]): number[] {
  return times.slice(1).map((time, i) => time - times[i])
}
