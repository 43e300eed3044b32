/**
 * Answer bodies on the wire. The API answers text; the origin and the edge
 * answer files of hundreds of MiB, which are never held in memory: their
 * bytes are zeros, made as the client reads them.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http'

/** Text (JSON, an error page), or `zeros` bytes of a file. */
export type WireBody = string | { zeros: number }

export function bodyLength(body: WireBody): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.zeros
}

const ZEROS = Buffer.alloc(64 * 1024)

/**
 * Writes the first `limit` bytes of `body` (all of it by default) as fast as
 * the client reads them, then calls `then` once they are flushed. A HEAD
 * answer has no body (Node would drop it anyway), so nothing is made for it.
 */
export function writeBody(res: ServerResponse, body: WireBody, then: () => void, limit = bodyLength(body)): void {
  if (res.req?.method === 'HEAD') return then()
  let left = Math.max(0, Math.min(limit, bodyLength(body)))
  if (typeof body === 'string' || left === 0) {
    res.write(Buffer.from(typeof body === 'string' ? body : '').subarray(0, left), () => then())
    return
  }
  const pump = (): void => {
    while (left > 0) {
      const size = Math.min(left, ZEROS.length)
      left -= size
      const chunk = size === ZEROS.length ? ZEROS : ZEROS.subarray(0, size)
      if (left === 0) {
        res.write(chunk, () => then())
        return
      }
      if (!res.write(chunk)) {
        res.once('drain', pump)
        return
      }
    }
  }
  pump()
}

/** The answer as it should be: status, headers, the whole body, end. */
export function sendAnswer(res: ServerResponse, answer: { status: number; headers: Record<string, string>; body: WireBody }): void {
  res.writeHead(answer.status, answer.headers)
  if (typeof answer.body === 'string') res.end(answer.body)
  else writeBody(res, answer.body, () => res.end())
}

/** nginx's error page for a status (text/html), as an nginx origin or edge sends it. */
export function nginxErrorPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? ''}`.trim()
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}
