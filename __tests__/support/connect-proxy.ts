/** An HTTP CONNECT proxy on 127.0.0.1 that records each tunnel and forwards it to `target`. */
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export class ConnectProxy {
  readonly tunnels: string[] = []
  private readonly server: Server
  private readonly sockets = new Set<Socket>()
  url = ''

  constructor(target: { host: string; port: number }) {
    this.server = createServer((_, res) => res.writeHead(405).end())
    this.server.on('connect', (req, client: Socket, head: Buffer) => {
      this.tunnels.push(req.url ?? '')
      const upstream = connect(target.port, target.host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      for (const socket of [client, upstream]) {
        this.sockets.add(socket)
        socket.on('error', () => socket.destroy())
        socket.on('close', () => this.sockets.delete(socket))
      }
    })
  }

  async start(): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>(resolve => this.server.close(() => resolve()))
  }
}
