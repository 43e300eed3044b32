/** The origin check (src/core/origin/verdict.ts and check.ts): when a path is ready, and how long the check waits for it. */
import { describe, expect, it } from '@jest/globals'
import { OriginCheck } from '../../../src/core/origin/check.js'
import { originUrlRouter, type Router } from '../../../src/core/origin/route.js'
import { judgeOrigin, type SourceAnswer } from '../../../src/core/origin/verdict.js'
import type { OriginAnswer, OriginProbe } from '../../../src/core/ports.js'
import { FakeClock, recordingLogger } from '../../support/fake-clock.js'

const answer = (source: string, status: number | null, size: number | null, etag: string | null = null, backup = false): SourceAnswer => ({
  source,
  backup,
  status,
  size,
  etag,
  error: status === null ? 'connection refused' : null,
  redirects: 0,
  html: false
})

describe('judgeOrigin', () => {
  it('is ready when every primary source has the file, of the expected size, all agreeing', () => {
    const verdict = judgeOrigin([answer('a', 200, 300, '"v2"'), answer('b', 200, 300, 'W/"v2"')], 300)
    expect(verdict).toMatchObject({ state: 'ready', detail: null, size: 300, etag: '"v2"', warnings: [] })
  })

  it('names the source and what it answered when not ready', () => {
    expect(judgeOrigin([answer('a', 404, null)], 300)).toMatchObject({
      state: 'missing',
      detail: 'the file is missing at the origin (a: HTTP 404)'
    })
    expect(judgeOrigin([answer('a', 200, 280)], 300)).toMatchObject({
      state: 'size',
      detail: 'the origin has another size than the new file, 300 bytes (a: HTTP 200, 280 bytes)'
    })
    expect(judgeOrigin([answer('a', 200, 300, '"v2"'), answer('b', 200, 300, '"v1"')], null).state).toBe('disagree')
    expect(judgeOrigin([answer('a', 200, 300), answer('b', 200, 280)], null).detail).toBe(
      "the origin's sources disagree (a: HTTP 200, 300 bytes; b: HTTP 200, 280 bytes)"
    )
    expect(judgeOrigin([answer('a', null, null)], null)).toMatchObject({
      state: 'error',
      detail: 'the origin did not answer with the file (a: connection refused)'
    })
    expect(judgeOrigin([{ ...answer('a', 302, null), redirects: 3 }], null).detail).toMatch(/HTTP 302 after 3 redirects/)
    expect(judgeOrigin([{ ...answer('a', 200, 1200), html: true }], null)).toMatchObject({
      state: 'error',
      detail: 'the origin did not answer with the file (a: HTTP 200, an HTML page (a login or filter page?), 1200 bytes)'
    })
  })

  it('takes an unknown size as no evidence either way, and a differing backup as a warning', () => {
    expect(judgeOrigin([answer('a', 200, null)], 300)).toMatchObject({ state: 'ready', size: 300 })
    const verdict = judgeOrigin([answer('a', 200, 300), answer('spare', 404, null, null, true)], null)
    expect(verdict.state).toBe('ready')
    expect(verdict.warnings).toEqual(['backup source spare: HTTP 404 differs from the primary sources'])
  })
})

/** An origin on the fake clock: each path's answer can change with time. */
function origin(clock: FakeClock, files: (path: string, elapsed: number, host: string | null) => OriginAnswer | 'refuse') {
  const asked: { path: string; at: number; host: string | null }[] = []
  const probe: OriginProbe = {
    async head(url, host) {
      const path = new URL(url).pathname
      asked.push({ path, at: clock.elapsed(), host })
      const result = files(path, clock.elapsed(), host)
      if (result === 'refuse') throw new Error('connection reset')
      return result
    },
    close: () => undefined
  }
  return { probe, asked }
}

const file = (size: number, etag = '"v2"'): OriginAnswer => ({
  status: 200,
  contentLength: size,
  etag,
  contentType: 'application/octet-stream',
  redirects: 0
})
const missing: OriginAnswer = { status: 404, contentLength: null, etag: null, contentType: 'text/html', redirects: 0 }

function check(
  clock: FakeClock,
  probe: OriginProbe,
  paths: string[],
  options: { router?: Router; timeoutMs?: number; sizes?: Map<string, number>; ahead?: number } = {}
) {
  const controller = new AbortController()
  const router = options.router ?? originUrlRouter('http://origin.example.com')
  const running = new OriginCheck([{ id: 1, paths, router, ...(options.ahead === undefined ? {} : { ahead: options.ahead }) }], {
    probe,
    clock,
    logger: recordingLogger(),
    signal: controller.signal,
    deadline: clock.now() + (options.timeoutMs ?? 60_000),
    sizes: options.sizes ?? new Map(),
    secrets: []
  })
  return { running, controller }
}

describe('OriginCheck', () => {
  it('waits for a late upload, asking again every 5 s, while the ready paths are ready at once', async () => {
    const clock = new FakeClock()
    const { probe, asked } = origin(clock, (path, elapsed) => (path === '/late.iso' && elapsed < 20_000 ? missing : file(300)))
    const { running } = check(clock, probe, ['/a.iso', '/late.iso', '/b.iso'])
    expect(await running.probe()).toEqual(new Map())
    const readyAt = new Map<string, number>()
    const watch = (async () => {
      while (readyAt.size < 3) {
        for (const path of ['/a.iso', '/late.iso', '/b.iso'])
          if (running.state(1, path) === 'ready' && !readyAt.has(path)) readyAt.set(path, clock.elapsed())
        if (readyAt.size < 3) await running.changed()
      }
    })()
    await running.run()
    await watch
    expect(readyAt.get('/a.iso')).toBe(0)
    expect(readyAt.get('/b.iso')).toBe(0)
    expect(readyAt.get('/late.iso')).toBe(20_000)
    expect(asked.filter(entry => entry.path === '/late.iso').map(entry => entry.at)).toEqual([0, 5000, 10_000, 15_000, 20_000])
    expect(running.verdicts(1).get('/late.iso')?.state).toBe('ready')
  })

  it('fails what is not ready by the deadline, with its verdict', async () => {
    const clock = new FakeClock()
    const { probe } = origin(clock, path => (path === '/gone.iso' ? missing : path === '/old.iso' ? file(280) : file(300)))
    const { running } = check(clock, probe, ['/gone.iso', '/old.iso', '/ok.iso'], {
      timeoutMs: 12_000,
      sizes: new Map([['/old.iso', 300]])
    })
    await running.probe()
    await running.run()
    expect(clock.elapsed()).toBeLessThanOrEqual(12_000)
    expect(['/gone.iso', '/old.iso', '/ok.iso'].map(path => running.state(1, path))).toEqual(['failed', 'failed', 'ready'])
    expect(running.verdicts(1).get('/gone.iso')?.state).toBe('missing')
    expect(running.verdicts(1).get('/old.iso')?.state).toBe('size')
  })

  it('looks once with origin-timeout 0', async () => {
    const clock = new FakeClock()
    const { probe, asked } = origin(clock, () => missing)
    const { running } = check(clock, probe, ['/a.iso'], { timeoutMs: 0 })
    await running.probe()
    await running.run()
    expect(running.state(1, '/a.iso')).toBe('failed')
    expect(asked.filter(entry => entry.path === '/a.iso')).toHaveLength(2) // the probe, then one look
    expect(clock.elapsed()).toBe(0)
  })

  it('skips a resource whose origin refuses the runner, after a few paths, and says why', async () => {
    const clock = new FakeClock()
    const forbidden: OriginAnswer = { status: 403, contentLength: null, etag: null, contentType: 'text/html', redirects: 0 }
    for (const refusal of ['refuse' as const, forbidden]) {
      const { probe, asked } = origin(clock, () => refusal)
      const { running } = check(clock, probe, ['/a', '/b', '/c', '/d', '/e'])
      const skipped = await running.probe()
      expect(skipped.get(1)?.why).toMatch(/^the origin refuses the runner \(source origin\.example\.com: /)
      expect(skipped.get(1)?.fix).toMatch(/origin-url.*ACL/)
      expect(asked).toHaveLength(3)
      expect(running.state(1, '/e')).toBe('ready') // not checked: as today
    }
  })

  it('stops asking when told, leaving what is not ready as it is', async () => {
    const clock = new FakeClock()
    const { probe, asked } = origin(clock, () => missing)
    const { running } = check(clock, probe, ['/a.iso'], { timeoutMs: 300_000 })
    await running.probe()
    const done = running.run()
    await clock.sleep(6000)
    await running.stop()
    await done
    expect(running.state(1, '/a.iso')).toBe('waiting')
    expect(asked.length).toBeLessThan(5)
  })

  it('sends the Host header the route says', async () => {
    const clock = new FakeClock()
    const { probe, asked } = origin(clock, () => file(300))
    const router: Router = path => ({
      targets: [{ source: 'o', url: `http://10.0.0.5${path}`, host: 'cdn.example.com', backup: false }],
      unaskedBackups: []
    })
    const { running } = check(clock, probe, ['/a.iso'], { router })
    await running.probe()
    await running.run()
    expect(new Set(asked.map(entry => entry.host))).toEqual(new Set(['cdn.example.com']))
  })

  it('asks a resource’s paths only as far ahead of its schedule as it may, and the rest as the schedule takes them', async () => {
    const clock = new FakeClock()
    const { probe, asked } = origin(clock, () => file(300))
    const paths = ['/1', '/2', '/3', '/4', '/5', '/6', '/7']
    const { running } = check(clock, probe, paths, { ahead: 3 })
    await running.probe()
    asked.length = 0
    const done = running.run()
    const settle = () => new Promise(resolve => setImmediate(resolve))
    await settle()
    expect(asked.map(entry => entry.path)).toEqual(['/1', '/2', '/3'])
    expect(paths.map(path => running.state(1, path))).toEqual([
      'ready',
      'ready',
      'ready',
      'unchecked',
      'unchecked',
      'unchecked',
      'unchecked'
    ])

    running.taken(1, ['/1', '/2'])
    await settle()
    expect(asked.map(entry => entry.path)).toEqual(['/1', '/2', '/3', '/4', '/5'])
    running.taken(1, ['/3', '/4', '/5'])
    await done
    expect(asked.map(entry => entry.path)).toEqual(paths)
    expect(paths.every(path => running.state(1, path) === 'ready')).toBe(true)
  })

  it('keeps asking further while the paths ahead are not ready, and asks those again meanwhile', async () => {
    const clock = new FakeClock()
    const { probe, asked } = origin(clock, (path, elapsed) => (['/1', '/2'].includes(path) && elapsed < 5000 ? missing : file(300)))
    const paths = ['/1', '/2', '/3', '/4']
    const { running } = check(clock, probe, paths, { ahead: 2 })
    await running.probe()
    asked.length = 0
    const done = running.run()
    await new Promise(resolve => setImmediate(resolve))
    // /1 and /2 are not ready: they do not count ahead, so /3 and /4 are asked at once.
    expect(asked.map(entry => [entry.path, entry.at])).toEqual([
      ['/1', 0],
      ['/2', 0],
      ['/3', 0],
      ['/4', 0]
    ])
    running.taken(1, ['/3', '/4'])
    await done
    expect(asked.filter(entry => entry.at === 5000).map(entry => entry.path)).toEqual(['/1', '/2'])
    expect(paths.every(path => running.state(1, path) === 'ready')).toBe(true)
  })
})
