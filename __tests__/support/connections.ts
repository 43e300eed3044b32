/** TCP for the tests: the connections an emulator's API server accepts (who closes them, and when), and a port nothing listens on. */
import type { Server } from 'node:http'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import type { GcoreEmulator } from '../../emulator/gcore-emulator.js'

export interface Connection {
  openedAt: number
  /** When the client closed its side (its FIN arrived). */
  endedAt: number | null
  /** When the connection was gone on both sides. */
  closedAt: number | null
}

/** Every connection the API server accepts from now on. */
export function watchConnections(emulator: GcoreEmulator): Connection[] {
  const list: Connection[] = []
  const server = (emulator as unknown as { server: Server }).server
  server.on('connection', (socket: Socket) => {
    const entry: Connection = { openedAt: Date.now(), endedAt: null, closedAt: null }
    list.push(entry)
    socket.on('end', () => (entry.endedAt ??= Date.now()))
    socket.on('close', () => {
      entry.endedAt ??= Date.now()
      entry.closedAt = Date.now()
    })
  })
  return list
}

/** A port nothing listens on: a server (or a proxy) that refuses every connection. */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}
