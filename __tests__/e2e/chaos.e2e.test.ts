/**
 * Chaos: every fault kind of the emulator against every operation of a run
 * (prefetch, purge by URL, the limits GET, the purge-status GET, the resource
 * GET and its rules, the origin group GET, the origin's HEADs and the edge's
 * checks), through the committed dist/index.js as the runner runs it.
 *
 * The key holds `$`, quotes and spaces; error bodies echo it raw, URL-encoded,
 * base64 and JSON-escaped, and carry `\n::warning::` / `::stop-commands::`
 * text. Whatever the fault, every run must:
 *
 * 1. exit (0 or 1, never killed) within its deadline, and at once after its last output;
 * 2. set every output action.yml declares;
 * 3. put every path in exactly one of prefetched, failed and skipped;
 * 4. leave no run of 8 or more characters of the key, in any form, nor of the
 *    S3 secret the origin group answers unmasked, in stdout (but their
 *    `::add-mask::` lines), stderr, the outputs, the summary or the report file;
 * 5. write no stdout line that the runner would read as a workflow command
 *    the action did not write itself;
 *
 * and never print a stack trace. The same holds behind a proxy that answers
 * CONNECT with a 502, closes the connection, or refuses every one. Cases run
 * ten at a time (it.concurrent, maxConcurrency in jest.config.js), each with
 * its own emulator: the runs mostly wait on timers.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import nodePath from 'node:path'
import { GcoreEmulator, type Fault, type FaultOperation } from '../../emulator/gcore-emulator.js'
import { expectOutputsPresent, expectPathsPartitioned, foreignCommands, keyForms, keyLeaks, stackTraces } from '../support/checks.js'
import { closedPort } from '../support/connections.js'
import { ROOT, runAction, type ActionRun } from '../support/run-action.js'

const KEY = `Ch4$-'s3cr3t' "qu0te" w1th sp4ce$`
/** An origin group's S3 key that Gcore did not mask: as secret as the API key. */
const S3_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
const INJECTED = ['::warning::INJECTED', '::stop-commands::INJECTED', '::error::INJECTED']
const forms = keyForms(KEY)

/** An error body that echoes the key in four forms and tries to start workflow commands. */
const ECHO = JSON.stringify({
  message:
    `refused key ${KEY} / ${forms['url-encoded']} / ${Buffer.from(KEY).toString('base64')} / ${forms['json-escaped']} / ${forms.hex}` +
    `\n::warning::INJECTED w\r\n::stop-commands::INJECTED s\r::error::INJECTED e`
})

type Kind =
  | 'status 429'
  | 'status 400'
  | 'reset'
  | 'hang'
  | 'cut-body'
  | 'trickle'
  | 'hang-after-headers'
  | 'never-close'
  | 'huge-body'
  | 'filter-page'

/**
 * The fault of each kind. Transport faults that deliver the real answer (cut
 * body, trickle, headers then nothing) leave it real: Gcore accepted the request
 * and the client cannot know. never-close delivers a made-up error that echoes
 * the key, complete, on a connection that then stays open.
 */
const FAULTS: Record<Kind, Fault> = {
  'status 429': { kind: 'status', status: 429, headers: { 'Retry-After': '0' }, body: ECHO },
  'status 400': { kind: 'status', status: 400, body: ECHO },
  reset: { kind: 'reset' },
  hang: { kind: 'hang' },
  'cut-body': { kind: 'cut-body' },
  trickle: { kind: 'trickle', msPerByte: 1000 },
  'hang-after-headers': { kind: 'hang-after-headers' },
  'never-close': { kind: 'never-close', status: 400, body: ECHO },
  'huge-body': { kind: 'huge-body', bytes: 200_000 },
  // A web filter's page, 200 text/html, echoing the key and trying workflow commands.
  'filter-page': { kind: 'filter-page', body: `<html><body><h1>Blocked by corporate web filter</h1><p>${ECHO}</p></body></html>` }
}

/** Kinds that end only at request-timeout: their runs may take a few timeouts longer. */
const SLOW: Kind[] = ['hang', 'trickle', 'hang-after-headers']
const OPERATIONS: FaultOperation[] = ['prefetch', 'purge', 'limits', 'purge-status', 'resource', 'rules', 'origin-group', 'origin', 'edge']
const CASES = OPERATIONS.flatMap(operation => (Object.keys(FAULTS) as Kind[]).map(kind => [kind, operation] as const))

/** Three prefetch and purge batches of 10. */
const PATHS = Array.from({ length: 25 }, (_, i) => `/chaos/${i}.iso`)

/** An emulator whose origin group also lists an S3 bucket with its key unmasked, and an edge for resource 321. */
async function chaosEmulator(tls?: { key: string; cert: string }): Promise<{ gcore: GcoreEmulator; edge: string }> {
  const s3 = { s3_type: 'amazon' as const, s3_bucket_name: 'chaos', s3_region: 'eu-west-1', s3_secret_access_key: S3_SECRET }
  const gcore = new GcoreEmulator({
    apiKey: KEY,
    windowMs: 250,
    tls,
    unmaskedS3Secrets: true,
    originGroups: [{ id: 1, sources: [{}, { origin_type: 's3', backup: true, config: s3 }] }]
  })
  await gcore.start()
  return { gcore, edge: await gcore.startEdge(321) }
}

function chaosRun(apiUrl: string, edge: string, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(
    {
      'api-key': KEY,
      'resource-id': '321',
      'api-url': apiUrl,
      paths: PATHS.join('\n'),
      'batch-size': '10',
      purge: 'url',
      'origin-timeout': '2',
      'verify-url': edge,
      'prefetch-interval': '0.25',
      'purge-interval': '0.15',
      'purge-settle': '0.15',
      'purge-timeout': '3',
      'request-timeout': '1',
      'max-attempts': '2'
    },
    { env: { RUNNER_DEBUG: '1', ...env }, timeoutMs: 30_000 }
  )
}

function expectFiveProperties(run: ActionRun, deadlineMs: number): void {
  // 1. exit within the deadline, at once after the last output, with a verdict (not killed)
  expect([0, 1]).toContain(run.code)
  expect(run.durationMs).toBeLessThan(deadlineMs)
  expect(run.exitedAt - run.lastOutputAt).toBeLessThan(900)
  // 2. every output
  expectOutputsPresent(run)
  // 3. every path in exactly one of prefetched, failed, skipped
  expectPathsPartitioned(run, PATHS)
  // 4. the key and the S3 secret nowhere
  expect(keyLeaks(run, KEY)).toEqual([])
  expect(keyLeaks(run, S3_SECRET)).toEqual([])
  // 5. no workflow command the action did not write
  expect(foreignCommands(run.stdout, INJECTED)).toEqual([])
  expect(stackTraces(run)).toEqual([])
}

describe('chaos: every fault kind against every operation', () => {
  it.concurrent.each(CASES)('%s on %s', async (kind, operation) => {
    const { gcore, edge } = await chaosEmulator()
    try {
      // The first two requests of the operation and the fourth: a batch fails for good, a later one recovers.
      gcore.inject({ operation, on: [1, 2, 4], fault: FAULTS[kind] })
      const run = await chaosRun(gcore.url, edge)
      expectFiveProperties(run, SLOW.includes(kind) ? 14_000 : 8_000)
      // The fault did hit the run.
      expect([...gcore.log, ...gcore.originLog, ...gcore.edgeLog].some(entry => entry.fault === FAULTS[kind].kind)).toBe(true)
    } finally {
      await gcore.stop()
    }
  })
})

/**
 * The proxy between the runner and Gcore (HTTPS_PROXY, the emulator's proxy in
 * front of its TLS API): answering CONNECT with a 502, or closing the
 * connection, on the first two CONNECTs and the fourth; or refusing every one.
 */
const PROXY_FAULTS: Record<string, Fault | 'refuses'> = {
  'proxy-status 502': { kind: 'proxy-status', status: 502 },
  'proxy-reset': { kind: 'proxy-reset' },
  'a proxy that refuses every connection': 'refuses'
}

describe('chaos: the proxy faults', () => {
  const tls = (name: string) => readFileSync(nodePath.join(ROOT, '__tests__/fixtures/tls', name), 'utf8')

  it.concurrent.each(Object.keys(PROXY_FAULTS))('%s', async name => {
    const fault = PROXY_FAULTS[name]
    const { gcore, edge } = await chaosEmulator({ key: tls('server.key'), cert: tls('server.pem') })
    try {
      let proxy = await gcore.startProxy()
      if (fault === 'refuses') proxy = `http://127.0.0.1:${await closedPort()}`
      else gcore.inject({ operation: 'connect', on: [1, 2, 4], fault })
      const run = await chaosRun('https://api.gcore.test', edge, {
        HTTPS_PROXY: proxy,
        NODE_EXTRA_CA_CERTS: nodePath.join(ROOT, '__tests__/fixtures/tls/ca.pem')
      })
      expectFiveProperties(run, 10_000)
      // The fault did hit the run, and was named as the proxy's.
      if (fault === 'refuses') expect(gcore.log).toEqual([])
      else expect(gcore.connects.some(entry => entry.fault === fault.kind)).toBe(true)
      expect(run.stdout).toContain(`the proxy ${proxy} (HTTPS_PROXY)`)
    } finally {
      await gcore.stop()
    }
  })
})
