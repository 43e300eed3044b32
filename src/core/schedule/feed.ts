/**
 * One resource's batches, formed as its paths become ready at the origin.
 *
 * When a lane needs work, the next group of up to `batch-size` paths is formed
 * from the paths ready so far, in the plan's order, with its purges and its
 * prefetch (plan/batches.ts). A path still waiting for the origin does not
 * hold the others back; a group is only held while paths ahead of it are
 * being asked for the first time, so a run whose origin is ready forms
 * exactly the plan's batches. A path that failed at the origin is in no batch.
 * Once the resource stops (a cancel, the time budget, a refused key), what is
 * left is formed at once, so every path ends in a batch with an outcome.
 */
import type { Readiness } from '../origin/check.js'
import { untilOrAborted } from '../pool.js'
import { BatchMaker, type Batch, type BatchInput, type BatchSizes, type LaneName } from '../plan/batches.js'

export class BatchFeed {
  private readonly maker: BatchMaker
  private readonly queues: Record<LaneName, Batch[]> = { 'purge-url': [], 'purge-pattern': [], prefetch: [] }
  /** Paths in a batch, or failed at the origin: never looked at again. */
  private readonly gone = new Set<string>()
  /** Every path before this index is gone. */
  private start = 0
  private forming: Promise<void> | null = null
  private exhausted = false
  /** Paths not yet in a batch (nor failed at the origin) that would give each lane work. */
  private readonly left: Record<LaneName, number> = { 'purge-url': 0, 'purge-pattern': 0, prefetch: 0 }

  constructor(
    private readonly input: BatchInput,
    private readonly sizes: BatchSizes,
    private readonly readiness: Readiness,
    /** Aborts when the resource sends nothing more (a cancel, the time budget, a refused key). */
    private readonly stopped: AbortSignal,
    expected: Partial<Record<LaneName, number>> = {}
  ) {
    this.maker = new BatchMaker(input, sizes, expected)
    for (const batch of this.maker.upfront) this.queues[batch.lane].push(batch)
    for (const path of input.paths) this.count(path, 1)
  }

  /** Whether the lane may get another batch: one is waiting for it, or paths are left that would make one. */
  hasMore(lane: LaneName): boolean {
    return this.queues[lane].length > 0 || this.left[lane] > 0
  }

  /** The purge all and the purge-patterns: they clear paths of many groups. */
  get upfront(): readonly Batch[] {
    return this.maker.upfront
  }

  /** The lane's next batch; null when the resource has no more for it. */
  async next(lane: LaneName): Promise<Batch | null> {
    for (;;) {
      const queued = this.queues[lane].shift()
      if (queued) return queued
      if (this.exhausted) return null
      this.forming ??= this.form().finally(() => (this.forming = null))
      await this.forming
    }
  }

  /** Resolves when none of `paths` is still being asked at the origin; with those that are ready. */
  async settled(paths: readonly string[]): Promise<string[]> {
    for (;;) {
      const states = paths.map(path => this.readiness.state(this.input.resource, path))
      if (this.stopped.aborted || !states.some(state => state === 'unchecked' || state === 'waiting')) {
        return paths.filter((_, i) => states[i] === 'ready')
      }
      await this.change()
    }
  }

  /** Every batch formed, in the report's order, each knowing how many its lane has. */
  batches(): Batch[] {
    const all = this.maker.all()
    for (const batch of all) batch.of = this.maker.count(batch.lane)
    return all
  }

  private async form(): Promise<void> {
    const group = await this.nextGroup()
    if (group === null) {
      this.exhausted = true
      return
    }
    for (const batch of this.maker.group(group)) this.queues[batch.lane].push(batch)
  }

  /** The next group of ready paths, waiting as the rule above says; null when no path is left. */
  private async nextGroup(): Promise<string[] | null> {
    const { paths, resource } = this.input
    const size = this.sizes.prefetch
    for (;;) {
      const stopped = this.stopped.aborted
      const picked: string[] = []
      let firstAskPending = false
      let waiting = false
      for (let i = this.start; i < paths.length && picked.length < size; i++) {
        const path = paths[i]
        if (this.gone.has(path)) continue
        const state = this.readiness.state(resource, path)
        // Once stopped, every path left goes into a batch that says so; only those failed at the origin stay out.
        if (state === 'ready' || (stopped && state !== 'failed')) picked.push(path)
        else if (state === 'failed') this.drop(path)
        else if (state === 'waiting') waiting = true
        else {
          firstAskPending = true
          break
        }
      }
      if (picked.length === size || (picked.length > 0 && !firstAskPending)) return this.take(picked)
      if (picked.length === 0 && !firstAskPending && !waiting) return null
      await this.change()
    }
  }

  /** The next change at the origin, or the stop. */
  private change(): Promise<void> {
    return untilOrAborted(this.readiness.changed(), this.stopped)
  }

  private take(picked: string[]): string[] {
    for (const path of picked) this.drop(path)
    while (this.start < this.input.paths.length && this.gone.has(this.input.paths[this.start])) this.start++
    this.readiness.taken(this.input.resource, picked)
    return picked
  }

  private drop(path: string): void {
    this.gone.add(path)
    this.count(path, -1)
  }

  private count(path: string, by: 1 | -1): void {
    this.left.prefetch += by
    const kind = this.input.purge.get(path)
    if (kind === 'url') this.left['purge-url'] += by
    else if (kind === 'pattern') this.left['purge-pattern'] += by
  }
}
