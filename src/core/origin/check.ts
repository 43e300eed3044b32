/**
 * The origin check before any purge: does the origin hold the new file of
 * each path, at every source the CDN fetches from? Each path is asked (a HEAD
 * at each source, with the Host header the CDN sends), in the plan's order;
 * a path not ready is asked again every few seconds until the deadline
 * (origin-timeout, bounded by the time budget), then fails with its verdict.
 * The schedule forms its batches from the paths ready so far (Readiness), so
 * a path ready early is not held back by a slow one. A resource's paths are
 * first asked a little ahead of its schedule, not all at once: a thousand
 * HEADs in the first second would only compete with its first purges and
 * prefetches for the runner, and a path is asked closer to its purge.
 *
 * Before the rounds, each source is probed with a few paths: a source that
 * refuses the runner every time (401, 403, a reset, a timeout, an unknown
 * host: an ACL that admits only Gcore's servers) cannot be asked, and the
 * resource's check is skipped, with why and how to fix it.
 */
import { mapLimit, Slots, untilOrAborted } from '../pool.js'
import type { Clock, Logger, OriginAnswer, OriginProbe } from '../ports.js'
import { networkText } from '../text.js'
import { isNotCheckable, type NotCheckable, type OriginRoute, type OriginTarget, type Router } from './route.js'
import { judgeOrigin, originFinding, type OriginFinding, type OriginVerdict, type SourceAnswer } from './verdict.js'

/** unchecked: not asked yet; waiting: asked, not ready, to be asked again; ready; failed: not ready by the deadline. */
export type PathState = 'unchecked' | 'waiting' | 'ready' | 'failed'

/** What the schedule reads: where each path stands, and when that changes. */
export interface Readiness {
  state(resource: number, path: string): PathState
  /** Resolves at the next change of any path's state. */
  changed(): Promise<void>
  /** The schedule put these paths in a batch: the check may ask further ahead. */
  taken(resource: number, paths: readonly string[]): void
}

/** Every path ready from the start: no check, or a check skipped. */
export const ALL_READY: Readiness = {
  state: () => 'ready',
  changed: () => new Promise<void>(() => undefined),
  taken: () => undefined
}

export interface OriginCheckOptions {
  probe: OriginProbe
  clock: Clock
  logger: Logger
  signal: AbortSignal
  /** When paths still not ready fail (epoch ms). */
  deadline: number
  /** The new files' sizes by CDN path, where known. */
  sizes: ReadonlyMap<string, number>
  concurrency?: number
  pollMs?: number
  /** Secrets to keep out of every text an answer brings. */
  secrets: readonly string[]
}

export interface CheckedResource {
  id: number
  paths: string[]
  router: Router
  /**
   * How many of its paths may be ready and not yet in a batch (or being asked
   * for the first time) before its next path is first asked. Unbounded when
   * not given: a purge all or purge-patterns waits for every path it clears.
   */
  ahead?: number
}

/** Paths asked at once. */
const CONCURRENCY = 16
/** A path not ready is asked again after this long. */
const POLL_MS = 5000
/** Paths a source is probed with before it is judged unreachable. */
const PROBE_PATHS = 3

/** One path of one resource; its route is made again when it is asked (100,000 routes are not kept). */
interface Entry {
  path: string
  router: Router
  state: PathState
  /** The last verdict, as the report keeps it. */
  finding: OriginFinding | null
  dueAt: number
  /** Counted ahead of the schedule: first asked, and not yet found unready or put in a batch. */
  ahead: boolean
}

/** A resource's paths, and how far ahead of its schedule they are asked. */
interface Checked {
  entries: Map<string, Entry>
  limit: number
  /** Paths counted ahead of the schedule now. */
  ahead: number
}

export class OriginCheck implements Readiness {
  private readonly resources = new Map<number, Checked>()
  private readonly skipped = new Map<number, NotCheckable>()
  /** Paths asked and not ready, to be asked again: in the order they are due. */
  private readonly waiting = new Set<Entry>()
  private pulse = deferred()
  private running: Promise<void> | null = null
  /** Ends the check with the run, or when the schedule no longer waits for it. */
  private readonly ended = new AbortController()
  private readonly signal: AbortSignal

  constructor(
    resources: CheckedResource[],
    private readonly options: OriginCheckOptions
  ) {
    this.signal = AbortSignal.any([options.signal, this.ended.signal])
    for (const resource of resources) {
      const entries = new Map<string, Entry>()
      for (const path of resource.paths) {
        const route = resource.router(path)
        if (isNotCheckable(route)) {
          this.skipped.set(resource.id, route)
          break
        }
        entries.set(path, { path, router: resource.router, state: 'unchecked', finding: null, dueAt: 0, ahead: false })
      }
      if (!this.skipped.has(resource.id)) this.resources.set(resource.id, { entries, limit: resource.ahead ?? Infinity, ahead: 0 })
    }
  }

  /**
   * Probes each source of each resource; resolves with the resources that
   * cannot be checked, and why. Their paths count as ready.
   */
  async probe(): Promise<Map<number, NotCheckable>> {
    for (const [resource, { entries }] of this.resources) {
      const refused = await this.refusingSource([...entries.values()].slice(0, PROBE_PATHS))
      if (refused) {
        this.skipped.set(resource, refused)
        this.resources.delete(resource)
      }
    }
    return this.skipped
  }

  /** Starts asking every path; resolves when each is ready or failed (or the run is cancelled). */
  run(): Promise<void> {
    this.running ??= this.loop()
    return this.running
  }

  state(resource: number, path: string): PathState {
    return this.resources.get(resource)?.entries.get(path)?.state ?? 'ready'
  }

  changed(): Promise<void> {
    return this.pulse.promise
  }

  taken(resource: number, paths: readonly string[]): void {
    const checked = this.resources.get(resource)
    if (!checked) return
    for (const path of paths) this.unlead(checked, checked.entries.get(path))
    this.wake()
  }

  /** Stops asking; paths not ready stay as they are. */
  async stop(): Promise<void> {
    this.ended.abort()
    await this.running
  }

  /** The last verdict of every path asked, by resource. */
  verdicts(resource: number): Map<string, OriginFinding> {
    const verdicts = new Map<string, OriginFinding>()
    for (const entry of this.resources.get(resource)?.entries.values() ?? []) if (entry.finding) verdicts.set(entry.path, entry.finding)
    return verdicts
  }

  /** Every path asked once, each resource a little ahead of its schedule; meanwhile, the paths not ready asked again. */
  private async loop(): Promise<void> {
    const slots = new Slots(this.options.concurrency ?? CONCURRENCY)
    const total = [...this.resources.values()].reduce((sum, { entries }) => sum + entries.size, 0)
    let everyPathAsked = false
    const firstAsks = async (): Promise<void> => {
      await Promise.all([...this.resources.values()].map(checked => this.askInTurn(checked, slots)))
      everyPathAsked = true
      this.say(total, 'every path asked')
      this.wake()
    }
    await Promise.all([firstAsks(), this.askAgain(slots, total, () => everyPathAsked)])
    if (this.signal.aborted) return
    // What is still not ready now stays so: it is neither purged nor prefetched.
    for (const { entries } of this.resources.values()) {
      for (const entry of entries.values()) if (entry.state === 'waiting' || entry.state === 'unchecked') this.settle(entry, 'failed')
    }
  }

  /** A resource's paths, each asked once in the plan's order, while fewer than its limit are ahead of its schedule. */
  private async askInTurn(checked: Checked, slots: Slots): Promise<void> {
    await mapLimit([...checked.entries.values()], this.options.concurrency ?? CONCURRENCY, async entry => {
      while (checked.ahead >= checked.limit && !this.signal.aborted) await this.change()
      if (this.signal.aborted) return
      entry.ahead = true
      checked.ahead++
      await slots.use(() => this.ask(entry))
      if (entry.state === 'ready') return
      // Not ready: it no longer stands for a batch's worth ahead, so the next path may be asked.
      this.unlead(checked, entry)
      this.wake()
    })
  }

  /** The paths not ready, asked again as each falls due, until none is left and every path has been asked once. */
  private async askAgain(slots: Slots, total: number, everyPathAsked: () => boolean): Promise<void> {
    const { clock } = this.options
    while (!this.signal.aborted) {
      const next = this.waiting.values().next().value
      if (!next) {
        if (everyPathAsked()) return
        await this.change()
        continue
      }
      await clock.sleep(Math.max(0, next.dueAt - clock.now()), this.signal)
      const due = [...this.waiting].filter(entry => entry.dueAt <= clock.now())
      await Promise.all(due.map(entry => slots.use(() => this.ask(entry))))
      if (due.length) this.say(total, `${due.length} asked again`)
    }
  }

  /** The next change of a path's state, or the end of the check. */
  private change(): Promise<void> {
    return untilOrAborted(this.pulse.promise, this.signal)
  }

  private say(total: number, what: string): void {
    let ready = 0
    for (const { entries } of this.resources.values()) for (const entry of entries.values()) if (entry.state === 'ready') ready++
    const waiting = this.waiting.size
    this.options.logger.info(
      `Origin check (${what}): ${ready} of ${total} paths ready at the origin${waiting ? `, ${waiting} not yet` : ''}`
    )
  }

  private async ask(entry: Entry): Promise<void> {
    const { probe, sizes, secrets } = this.options
    const signal = this.signal
    if (signal.aborted) return
    const verdict = await askOrigin(routeOf(entry), sizes.get(entry.path) ?? null, { probe, signal, secrets })
    if (signal.aborted) return
    entry.finding = originFinding(verdict)
    for (const warning of verdict.warnings) this.options.logger.warning(`${entry.path}: ${warning}`)
    if (verdict.state === 'ready') return this.settle(entry, 'ready')
    // Asked again a few seconds later, and a last time at the deadline itself.
    const now = this.options.clock.now()
    if (now >= this.options.deadline) return this.settle(entry, 'failed')
    entry.dueAt = Math.min(now + (this.options.pollMs ?? POLL_MS), this.options.deadline)
    this.settle(entry, 'waiting')
  }

  /** The first primary source that refused every probe, as a reason the check cannot run. */
  private async refusingSource(probes: Entry[]): Promise<NotCheckable | null> {
    const targets = probes[0] ? routeOf(probes[0]).targets : []
    for (const target of targets.filter(candidate => !candidate.backup)) {
      const answers: SourceAnswer[] = []
      for (const entry of probes) {
        const same = routeOf(entry).targets.find(candidate => candidate.source === target.source)
        if (!same) continue
        const answer = await askSource(same, { ...this.options, signal: this.signal })
        answers.push(answer)
        if (!refuses(answer)) break
      }
      if (answers.length && answers.every(refuses)) {
        const last = answers[answers.length - 1]
        const said = last.status === null ? last.error : `HTTP ${last.status}`
        return {
          why: `the origin refuses the runner (source ${target.source}: ${said})`,
          fix: "give origin-url (a URL where the runner can read the files), or let the runner through the origin's ACL"
        }
      }
    }
    return null
  }

  private settle(entry: Entry, state: PathState): void {
    entry.state = state
    // Re-added when still waiting: the set stays in the order the paths fall due.
    this.waiting.delete(entry)
    if (state === 'waiting') this.waiting.add(entry)
    this.wake()
  }

  /** The entry no longer counts ahead of its resource's schedule. */
  private unlead(checked: Checked, entry: Entry | undefined): void {
    if (!entry?.ahead) return
    entry.ahead = false
    checked.ahead--
  }

  private wake(): void {
    const pulse = this.pulse
    this.pulse = deferred()
    pulse.resolve()
  }
}

/** An entry's route: the constructor kept only paths its router can route. */
function routeOf(entry: Entry): OriginRoute {
  const route = entry.router(entry.path)
  if (isNotCheckable(route)) throw new Error(`${entry.path} was routable when the check began: ${route.why}`)
  return route
}

interface Asking {
  probe: OriginProbe
  signal?: AbortSignal
  secrets: readonly string[]
}

/** An HTML page where no HTML file was asked for is no file: the path's last segment says which. */
export function htmlIsAFile(url: string): boolean {
  return /\.x?html?$/i.test(new URL(url).pathname)
}

/** One HEAD at one source, as a SourceAnswer whatever happens. */
async function askSource(target: OriginTarget, { probe, signal, secrets }: Asking): Promise<SourceAnswer> {
  const { source, backup } = target
  try {
    const answer: OriginAnswer = await probe.head(target.url, target.host, signal)
    const html = answer.status >= 200 && answer.status < 300 && answer.contentType === 'text/html' && !htmlIsAFile(target.url)
    return {
      source,
      backup,
      status: answer.status,
      size: answer.contentLength,
      etag: answer.etag,
      error: null,
      redirects: answer.redirects,
      html
    }
  } catch (error) {
    const why = networkText(error instanceof Error ? error.message : String(error), secrets, 200)
    return { source, backup, status: null, size: null, etag: null, error: why, redirects: 0, html: false }
  }
}

/** Every source of a path asked at once, and the verdict on what they answered. */
export async function askOrigin(route: OriginRoute, expectedSize: number | null, asking: Asking): Promise<OriginVerdict> {
  return judgeOrigin(await Promise.all(route.targets.map(target => askSource(target, asking))), expectedSize)
}

/** A source that will not talk to the runner: it says nothing about the file. */
function refuses(answer: SourceAnswer): boolean {
  return answer.status === null || answer.status === 401 || answer.status === 403
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>(r => (resolve = r))
  return { promise, resolve }
}
