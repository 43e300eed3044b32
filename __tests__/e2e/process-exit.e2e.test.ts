/**
 * Nothing keeps the process alive once its report is out: a connection the
 * server never closes, a request abandoned at its deadline. The process exits
 * at once, well before the 1 s exit-when-idle fallback.
 */
import { beforeEach, describe, expect, it } from '@jest/globals'
import { batchesOf } from '../support/checks.js'
import { watchConnections, type Connection } from '../support/connections.js'
import { emulatorPerTest, runChecked } from '../support/e2e.js'

const emulator = emulatorPerTest()
let connections: Connection[]
beforeEach(() => {
  connections = watchConnections(emulator.gcore)
})

describe('the process exits at once after its report', () => {
  it('after an answer on a connection the server never closes: the client closed it before the report was out', async () => {
    emulator.gcore.inject({ operation: 'prefetch', on: [1], fault: { kind: 'never-close' } })
    const run = await runChecked(emulator.gcore, { paths: '/a.iso' })

    expect(run.code).toBe(0)
    expect(run.outputs['prefetched-count']).toBe('1')
    const prefetch = connections[connections.length - 1]
    expect(prefetch.closedAt).toBeNull() // the server never closes its side
    expect(prefetch.endedAt).not.toBeNull()
    expect(prefetch.endedAt!).toBeLessThanOrEqual(run.lastOutputAt)
    expect(run.exitedAt - run.lastOutputAt).toBeLessThan(900)
  })

  it('after a request that hung until request-timeout: its socket was destroyed at the deadline', async () => {
    emulator.gcore.inject({ operation: 'prefetch', on: 'every', fault: { kind: 'hang' } })
    const run = await runChecked(emulator.gcore, { paths: '/a.iso', 'request-timeout': '0.5', 'max-attempts': '1' })

    expect(run.code).toBe(1)
    expect(batchesOf(run)[0]).toMatchObject({ outcome: 'failed', attempts: 1 })
    const prefetch = connections[connections.length - 1]
    expect(prefetch.endedAt! - prefetch.openedAt).toBeLessThan(1000)
    expect(run.exitedAt - run.lastOutputAt).toBeLessThan(900)
  })
})
