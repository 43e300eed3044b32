/** Paths for tests: `count` of them under `dir`, numbered from 0 (`/v/0.iso`, `/v/1.iso`, …). */
export function paths(count: number, dir = '/v'): string[] {
  return Array.from({ length: count }, (_, i) => `${dir}/${i}.iso`)
}
