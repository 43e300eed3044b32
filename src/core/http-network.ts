/**
 * The Network the front ends pass to the engine: Gcore's API through its HTTP
 * client, and HEAD requests at the edge, both through the one HTTP layer
 * (http.ts). Tests pass a fake Gcore instead (__tests__/support/fake-gcore.ts).
 */
import { GcoreClient } from './gcore/client.js'
import { exchange } from './http.js'
import type { EdgeProbe, Network } from './ports.js'

function httpEdgeProbe(timeoutMs: number): EdgeProbe {
  return {
    async head(url, signal) {
      const answer = await exchange({ method: 'HEAD', url, headers: {} }, { timeoutMs, signal, maxBodyBytes: 0 })
      const cache = answer.headers['cache'] ?? answer.headers['x-cache']
      const length = Number(answer.headers['content-length'])
      return {
        status: answer.status,
        cache: Array.isArray(cache) ? cache[0] : cache,
        contentLength: answer.headers['content-length'] !== undefined && Number.isSafeInteger(length) ? length : null
      }
    }
  }
}

export const httpNetwork: Network = {
  api: options => new GcoreClient(options),
  edge: httpEdgeProbe
}
