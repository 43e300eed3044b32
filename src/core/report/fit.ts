/** GitHub caps what a step may write (1 MiB of summary, 1 MB an output): lists are cut to a byte budget. */

/**
 * Renders items into lines until the byte budget is spent; reports how many
 * did not fit. Rows are rendered only as they are kept.
 */
export function fitLines<T>(
  items: readonly T[],
  render: (item: T) => string,
  budget: number
): { kept: string[]; cut: number; bytes: number } {
  const kept: string[] = []
  let bytes = 0
  for (const item of items) {
    const line = render(item)
    const size = Buffer.byteLength(line) + 1
    if (bytes + size > budget) break
    kept.push(line)
    bytes += size
  }
  return { kept, cut: items.length - kept.length, bytes }
}
