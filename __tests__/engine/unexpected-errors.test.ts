/**
 * Whatever happens once the settings are read, warm() returns a report that
 * accounts for every path: a bug or a fault nothing else caught (here, a port
 * that throws) fails the run with its message, and sends nothing more.
 */
import { describe, expect, it } from '@jest/globals'
import { warm } from '../../src/core/engine.js'
import type { Network } from '../../src/core/ports.js'
import { engineOptions, fakeGcore } from '../support/engine.js'

describe('an unexpected error', () => {
  it('ends the run with a report of every path failed, the error in the verdict, its stack in debug only', async () => {
    const gcore = fakeGcore()
    const broken: Network = {
      api: options => gcore.api(options),
      origin: timeoutMs => gcore.origin(timeoutMs),
      edge: () => {
        throw new Error('the edge probe broke')
      }
    }
    const options = engineOptions({ paths: '/a.iso\n/b.iso', 'verify-url': 'auto' }, { gcore })
    const outcome = await warm({ ...options, network: broken })

    expect(gcore.acceptedRequests('prefetch')).toHaveLength(1)
    expect(outcome.verdict).toEqual({ failed: true, message: 'Unexpected error: the edge probe broke' })
    expect(outcome.report).toMatchObject({ result: 'failure', failedPaths: ['/a.iso', '/b.iso'], totalCount: 2 })
    expect(outcome.report.notes).toContain('Unexpected error: the edge probe broke')
    expect((outcome.unexpected as Error).message).toBe('the edge probe broke')
    expect(options.logger.lines.filter(line => line.startsWith('debug: Error: the edge probe broke'))).toHaveLength(1)
  })
})
