/**
 * Gcore's list convention: a plain array without `limit`, and
 * `{count, next, previous, results}` with it.
 */

export type Answer = [status: number, body: unknown]

/** `limit` and `offset` from a query, or the 400 Gcore answers for bad ones. */
export function pageRequest(query: URLSearchParams, maxLimit: number): { limit: number | null; offset: number } | { error: Answer } {
  const limit = query.get('limit')
  const offset = query.get('offset') ?? '0'
  if (limit !== null && (!/^\d+$/.test(limit) || Number(limit) > maxLimit || Number(limit) < 1)) {
    const message =
      /^\d+$/.test(limit) && Number(limit) < 1
        ? 'Ensure this value is greater than or equal to 1.'
        : `Ensure this value is less than or equal to ${maxLimit}.`
    return { error: [400, { errors: { limit: [message] } }] }
  }
  if (!/^\d+$/.test(offset)) return { error: [400, { errors: { offset: ['A valid integer is required.'] } }] }
  return { limit: limit === null ? null : Number(limit), offset: Number(offset) }
}

/** The answer body for a list: the items, or one page of them with links built from `listUrl`. */
export function pageOf<T>(items: T[], request: { limit: number | null; offset: number }, listUrl: URL): unknown {
  const { limit, offset } = request
  if (limit === null) return items
  const link = (at: number): string => {
    const url = new URL(listUrl)
    url.searchParams.set('limit', String(limit))
    url.searchParams.set('offset', String(at))
    return url.toString()
  }
  return {
    count: items.length,
    next: offset + limit < items.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
    results: items.slice(offset, offset + limit)
  }
}
