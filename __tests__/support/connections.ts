/** The TCP connections an emulator's API server accepts, to see who closes them, and when. */
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
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
