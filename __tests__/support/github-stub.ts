/**
 * A GitHub REST API stub on 127.0.0.1 for release lookups: release by tag, and its
 * assets served a few per page with `Link: rel="next"` so pagination is exercised.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StubRelease {
  id: number
  tag: string
  assets: { name: string; size: number }[]
}

export class GitHubStub {
  readonly requests: { url: string; authorization?: string }[] = []
  private readonly server: Server
  url = ''

  constructor(
    private readonly releases: StubRelease[],
    private readonly pageSize = 2
  ) {
    this.server = createServer((req, res) => {
      this.requests.push({ url: req.url ?? '', authorization: req.headers.authorization })
      const url = new URL(req.url ?? '/', this.url)
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
        res.end(JSON.stringify(body))
      }
      const byTag = /^\/repos\/[^/]+\/[^/]+\/releases\/tags\/(.+)$/.exec(url.pathname)
      if (byTag) {
        const release = this.releases.find(r => r.tag === decodeURIComponent(byTag[1]))
        return release ? send(200, { id: release.id, tag_name: release.tag }) : send(404, { message: 'Not Found' })
      }
      const assets = /^\/repos\/[^/]+\/[^/]+\/releases\/(\d+)\/assets$/.exec(url.pathname)
      const release = assets && this.releases.find(r => r.id === Number(assets[1]))
      if (release) {
        const page = Number(url.searchParams.get('page') ?? '1')
        const items = release.assets.slice((page - 1) * this.pageSize, page * this.pageSize)
        const next = new URL(url)
        next.searchParams.set('page', String(page + 1))
        const more = page * this.pageSize < release.assets.length
        return send(
          200,
          items.map((asset, i) => ({ id: page * 100 + i, ...asset })),
          more ? { Link: `<${next.href}>; rel="next"` } : {}
        )
      }
      send(404, { message: 'Not Found' })
    })
  }

  async start(): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }
}
