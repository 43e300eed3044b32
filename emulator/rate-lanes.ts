/**
 * Gcore's per-resource request rates. Gcore documents three lanes, not four:
 * prefetch, purge by URL, and one `purge_request_limit` that purge by pattern
 * and purge all share (so a purge all right after a pattern purge is a 429).
 */

/** What a write request is, as Gcore tells them apart. */
export type RateKind = 'prefetch' | 'purge_by_url' | 'purge_by_pattern' | 'purge_all'

/** A rate window that some kinds share. */
export type RateLane = 'prefetch' | 'purge_by_url' | 'purge_request'

export const DEFAULT_RATES: Record<RateKind, number> = { prefetch: 1, purge_by_url: 2, purge_by_pattern: 1, purge_all: 1 }

function laneOf(kind: RateKind): RateLane {
  return kind === 'purge_by_pattern' || kind === 'purge_all' ? 'purge_request' : kind
}

/** Accepted requests per window, per lane. The shared purge lane takes the stricter of the two rates given for it. */
export function laneRates(rates: Record<RateKind, number>): Record<RateLane, number> {
  return { prefetch: rates.prefetch, purge_by_url: rates.purge_by_url, purge_request: Math.min(rates.purge_by_pattern, rates.purge_all) }
}

/** Gcore's notation for a rate, as `GET /cdn/clients/me/limits` shows it: `2/m`. */
export function rateNotation(perWindow: number, windowMs: number): string {
  const unit = ({ 1000: 's', 60_000: 'm', 3_600_000: 'h' } as Record<number, string>)[windowMs] ?? 'm'
  return `${perWindow}/${unit}`
}

/** A sliding window per resource and lane; only accepted requests take a slot. */
export class RateLanes {
  private readonly accepted = new Map<string, number[]>()

  constructor(
    private readonly windowMs: number,
    readonly rates: Record<RateLane, number>
  ) {}

  tryTake(resource: number, kind: RateKind, now = Date.now()): boolean {
    const lane = laneOf(kind)
    const key = `${resource}:${lane}`
    const recent = (this.accepted.get(key) ?? []).filter(at => now - at < this.windowMs)
    const free = recent.length < this.rates[lane]
    if (free) recent.push(now)
    this.accepted.set(key, recent)
    return free
  }
}
