/**
 * Schedule efficiency: how far a run is from the bound Gcore's rate limits set,
 * as the emulator saw it, for the action (dist/index.js) and for the usual
 * approach of CDN actions, plus the sliced-resource row (purge by pattern).
 *
 * Every run gets its own emulator, so all of them go at once; starts are
 * staggered, longest first, so that no run is measured while a burst of
 * processes starting up competes for the CPU.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import nodePath from 'node:path'
import { GcoreEmulator, type ResourceSpec } from '../../emulator/gcore-emulator.js'
import { actionEnv, DIST, type Figure, KEY, NOISE, run } from './common.js'

interface Proportion {
  name: string
  intervalMs: number
  latencyMs: number
}
const PROPORTIONS: Proportion[] = [
  { name: 'real (1 s : 10 ms)', intervalMs: 1000, latencyMs: 10 },
  { name: 'stressed (0.2 s : 40 ms)', intervalMs: 200, latencyMs: 40 }
]

/** A resource as Gcore serves one without slicing, where purge by URL clears the whole file (today's case). */
const PLAIN: ResourceSpec = {
  id: 1,
  cname: 'cdn.example.com',
  can_purge_by_urls: true,
  options: { slice: { enabled: true, value: false } }
}
/** A resource that caches large files in 10 MB slices: purge auto purges it by pattern. */
const SLICED: ResourceSpec = {
  id: 1,
  cname: 'cdn.example.com',
  can_purge_by_urls: true,
  options: { slice: { enabled: true, value: true } }
}

/** Paths in the sliced row: 3 prefetch batches of 100, each cleared by 10 pattern requests of 10. */
const SLICED_PATHS = 300
const PATTERNS_PER_REQUEST = 10
const PATHS_PER_PREFETCH = 100

/** The README's medians before this bench, by figure key, for "no worse than today". */
const WAS: Record<string, number> = {
  'action  prefetch         10000 paths  real (1 s : 10 ms)': 1.023,
  'usual   prefetch         10000 paths  real (1 s : 10 ms)': 1.017,
  'action  purge+prefetch   10000 paths  real (1 s : 10 ms)': 1.022,
  'usual   purge+prefetch   10000 paths  real (1 s : 10 ms)': 1.541,
  'action  prefetch         10000 paths  stressed (0.2 s : 40 ms)': 1.297,
  'usual   prefetch         10000 paths  stressed (0.2 s : 40 ms)': 1.275,
  'action  purge+prefetch   10000 paths  stressed (0.2 s : 40 ms)': 1.303,
  'usual   purge+prefetch   10000 paths  stressed (0.2 s : 40 ms)': 2.019,
  'action  prefetch          1000 paths  real (1 s : 10 ms)': 1.055,
  'usual   prefetch          1000 paths  real (1 s : 10 ms)': 1.042,
  'action  purge+prefetch    1000 paths  real (1 s : 10 ms)': 1.054,
  'usual   purge+prefetch    1000 paths  real (1 s : 10 ms)': 1.613,
  'action  prefetch          1000 paths  stressed (0.2 s : 40 ms)': 1.467,
  'usual   prefetch          1000 paths  stressed (0.2 s : 40 ms)': 1.382,
  'action  purge+prefetch    1000 paths  stressed (0.2 s : 40 ms)': 1.525,
  'usual   purge+prefetch    1000 paths  stressed (0.2 s : 40 ms)': 2.149
}

/**
 * No client can do better on a plain resource: ceil(N / 100) prefetch requests
 * one interval apart, plus one round trip (and one more for the first purge).
 */
function lowerBound(paths: number, purge: boolean, p: Proportion): number {
  return (Math.ceil(paths / 100) - 1) * p.intervalMs + p.latencyMs * (purge ? 2 : 1)
}

/**
 * The bound on a sliced resource. Every path needs its own pattern (a sliced
 * file's parts are only cleared by a pattern), 10 to a request, one request per
 * pattern interval: request k is accepted at t0 + latency + (k - 1) × interval
 * at the earliest. A prefetch batch may go only once the purges of its paths
 * are done (accepted, plus the emulator's purge duration), and one prefetch
 * interval after the previous prefetch. The run ends with the last prefetch's
 * answer. Time to learn that a purge is done (a status request) is not counted.
 */
function slicedBound(paths: number, p: Proportion, purgeDurationMs = 0): number {
  const batches = Math.ceil(paths / PATHS_PER_PREFETCH)
  let patternRequests = 0
  let previousPrefetch = -Infinity
  for (let b = 0; b < batches; b++) {
    const inBatch = Math.min(PATHS_PER_PREFETCH, paths - b * PATHS_PER_PREFETCH)
    patternRequests += Math.ceil(inBatch / PATTERNS_PER_REQUEST)
    const purgesDone = p.latencyMs + (patternRequests - 1) * p.intervalMs + purgeDurationMs
    previousPrefetch = Math.max(purgesDone, previousPrefetch + p.intervalMs)
  }
  return previousPrefetch + p.latencyMs
}

/** From the client's first request (of any kind) to the last prefetch answer, as the emulator saw it. */
function scheduleWall(gcore: GcoreEmulator, p: Proportion): number {
  const last = gcore.log.filter(entry => entry.operation === 'prefetch').at(-1)!
  return last.at + p.latencyMs - gcore.log[0].at
}

/** Throws unless every write was accepted (no 429 of the client's own making) and purges were of the expected kind. */
function checkLog(gcore: GcoreEmulator, what: string, purgeKind: 'purge_by_url' | 'purge_by_pattern' | null, prefetches: number): void {
  const writes = gcore.log.filter(entry => entry.operation === 'prefetch' || entry.operation === 'purge')
  const refused = writes.filter(entry => entry.answer !== 201)
  if (refused.length)
    throw new Error(`${what}: ${refused.length} writes were not accepted (first: HTTP ${refused[0].answer} for ${refused[0].url})`)
  const purges = writes.filter(entry => entry.operation === 'purge')
  if (purgeKind === null ? purges.length : purges.some(entry => entry.kind !== purgeKind) || purges.length === 0) {
    throw new Error(
      `${what}: expected ${purgeKind ?? 'no purge'}, got ${[...new Set(purges.map(entry => entry.kind))].join(', ') || 'no purge'}`
    )
  }
  const sent = writes.filter(entry => entry.operation === 'prefetch').length
  if (sent !== prefetches) throw new Error(`${what}: ${sent} prefetch requests, expected ${prefetches}`)
}

async function actionSchedule(
  paths: string[],
  purge: 'false' | 'auto',
  resource: ResourceSpec,
  p: Proportion,
  originCheck: 'off' | 'auto' = 'off'
): Promise<number> {
  const gcore = new GcoreEmulator({ apiKey: KEY, windowMs: p.intervalMs, latencyMs: p.latencyMs, resources: [resource] })
  await gcore.start()
  const dir = mkdtempSync(nodePath.join(tmpdir(), 'gcore-bench-'))
  writeFileSync(nodePath.join(dir, 'paths.txt'), paths.join('\n'))
  try {
    const result = await run(
      process.execPath,
      [DIST],
      actionEnv(
        {
          'api-url': gcore.url,
          'paths-file': 'paths.txt',
          purge,
          // Gcore's proportion of the lanes: prefetch and pattern purges one per interval, purge by URL two.
          'prefetch-interval': String(p.intervalMs / 1000),
          'purge-interval': String(p.intervalMs / 2000),
          'purge-pattern-interval': String(p.intervalMs / 1000),
          'origin-check': originCheck
        },
        dir
      ),
      dir
    )
    if (result.code !== 0) throw new Error(`the action failed in the schedule bench:\n${result.stdout.slice(-2000)}`)
  } finally {
    await gcore.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  const sliced = resource.options?.slice?.value === true
  checkLog(
    gcore,
    `action, ${paths.length} paths, purge ${purge}`,
    purge === 'false' ? null : sliced ? 'purge_by_pattern' : 'purge_by_url',
    Math.ceil(paths.length / 100)
  )
  return scheduleWall(gcore, p)
}

/** The usual approach: purge everything, then prefetch, sleeping the interval after each answer. */
async function usualSchedule(paths: string[], purge: boolean, p: Proportion): Promise<number> {
  const gcore = new GcoreEmulator({ apiKey: KEY, windowMs: p.intervalMs, latencyMs: p.latencyMs, resources: [PLAIN] })
  const url = await gcore.start()
  const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))
  const post = async (operation: string, body: unknown): Promise<void> => {
    const response = await fetch(`${url}/cdn/resources/1/${operation}`, {
      method: 'POST',
      headers: { Authorization: `APIKey ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    })
    if (response.status !== 201) throw new Error(`usual client got HTTP ${response.status}`)
  }
  const batches = Array.from({ length: Math.ceil(paths.length / 100) }, (_, i) => paths.slice(i * 100, i * 100 + 100))
  try {
    if (purge) {
      for (const batch of batches) {
        await post('purge', { urls: batch })
        await sleep(p.intervalMs / 2)
      }
    }
    for (const [i, batch] of batches.entries()) {
      await post('prefetch', { paths: batch })
      if (i < batches.length - 1) await sleep(p.intervalMs)
    }
  } finally {
    await gcore.stop()
  }
  return scheduleWall(gcore, p)
}

interface Job {
  key: string
  promise: Promise<number>
  bound: number
  ours: boolean
  target?: Figure['target']
  note?: string
}

export async function scheduleFigures(runs: number): Promise<Figure[]> {
  const jobs: Job[] = []
  let stagger = 0
  const later = <T>(start: () => Promise<T>): Promise<T> => {
    const delay = stagger++ * 400
    return new Promise(resolve => setTimeout(resolve, delay)).then(start)
  }
  const plainJobs = (size: number): void => {
    const paths = Array.from({ length: size }, (_, i) => `/bench/file-${i}.iso`)
    for (const p of PROPORTIONS) {
      for (const purge of [false, true]) {
        for (const action of [true, false]) {
          for (let r = 0; r < runs; r++) {
            const key = `${action ? 'action' : 'usual '}  ${purge ? 'purge+prefetch' : 'prefetch      '}  ${String(size).padStart(6)} paths  ${p.name}`
            const promise = later(() =>
              action ? actionSchedule(paths, purge ? 'auto' : 'false', PLAIN, p) : usualSchedule(paths, purge, p)
            )
            const real = p === PROPORTIONS[0]
            jobs.push({
              key,
              promise,
              bound: lowerBound(size, purge, p),
              ours: action,
              ...(action && real ? { target: { max: 1.02, text: '≤ 1.02' } } : {})
            })
          }
        }
      }
    }
  }
  // Longest first: 10,000 paths (about 100 s at the real proportion), then the sliced rows (about 30 s), then 1,000 paths.
  plainJobs(10_000)
  const sliced = Array.from({ length: SLICED_PATHS }, (_, i) => `/bench/sliced/file-${i}.iso`)
  for (const p of PROPORTIONS) {
    for (let r = 0; r < runs; r++) {
      const key = `action  sliced purge+prefetch  ${String(SLICED_PATHS).padStart(4)} paths  ${p.name}`
      const real = p === PROPORTIONS[0]
      jobs.push({
        key,
        promise: later(() => actionSchedule(sliced, 'auto', SLICED, p)),
        bound: slicedBound(SLICED_PATHS, p),
        ours: true,
        ...(real ? { target: { max: 1.05, text: '≤ 1.05' } } : {}),
        note: `sliced: ${SLICED_PATHS} paths on a resource with slice on, purge auto: ${SLICED_PATHS / PATTERNS_PER_REQUEST} pattern requests of ${PATTERNS_PER_REQUEST} at the pattern rate, ${Math.ceil(SLICED_PATHS / PATHS_PER_PREFETCH)} prefetches of ${PATHS_PER_PREFETCH}, each after its 10 pattern purges; bound ${slicedBound(SLICED_PATHS, PROPORTIONS[0])} ms real, ${slicedBound(SLICED_PATHS, PROPORTIONS[1])} ms stressed`
      })
    }
  }
  plainJobs(1000)
  const walls = await Promise.all(jobs.map(job => job.promise))

  // The origin check on, beside its twin without it, a pair at a time once the rows above are done. Asking the
  // origin adds round trips before the first purge (the origin group, then the first batch's HEADs), all answered by
  // this process; under the load above, each would take the wait of a busy loopback server, not the action's time.
  const checked = Array.from({ length: 1000 }, (_, i) => `/bench/file-${i}.iso`)
  const p = PROPORTIONS[0]
  const bound = lowerBound(1000, true, p)
  for (let r = 0; r < runs; r++) {
    const pair: Job[] = [
      {
        key: `action  purge+prefetch+origin-check  1000 paths  ${p.name}`,
        promise: actionSchedule(checked, 'auto', PLAIN, p, 'auto'),
        bound,
        ours: true,
        target: { max: 1.02, text: '≤ 1.02' },
        note: 'origin-check: 1,000 paths, each asked at the origin (a HEAD) before its purge, beside its twin without the check, a pair at a time after the other rows (which run with origin-check: off)'
      },
      {
        key: `action  purge+prefetch, its twin  1000 paths  ${p.name}`,
        promise: actionSchedule(checked, 'auto', PLAIN, p, 'off'),
        bound,
        ours: true
      }
    ]
    jobs.push(...pair)
    walls.push(...(await Promise.all(pair.map(job => job.promise))))
  }

  const figures = new Map<string, Figure>()
  jobs.forEach((job, i) => {
    const was = WAS[job.key]
    const figure = figures.get(job.key) ?? {
      name: `schedule: ${job.key} (× lower bound)`,
      unit: '×',
      samples: [],
      noise: NOISE.ratio,
      ...(job.target ? { target: job.target } : {}),
      ...(was !== undefined ? { was, judgeWas: job.ours } : {}),
      ...(job.note ? { note: job.note } : {})
    }
    figure.samples.push(walls[i] / job.bound)
    figures.set(job.key, figure)
  })
  // The table keeps the README's order: 10,000 paths, 1,000 paths, then the sliced rows.
  const all = [...figures.values()]
  return [...all.filter(f => !f.name.includes('sliced')), ...all.filter(f => f.name.includes('sliced'))]
}
