// Starts a test server on 127.0.0.1 (or ::1) and closes it completely: every socket it accepted (also one still in
// its TLS handshake) and every socket handed to track() is destroyed, so nothing is left to keep a process alive.
import type { AddressInfo, Server, Socket } from 'node:net'

export interface Listening {
  readonly port: number
  /** Also destroys this socket on close() (e.g. a proxy's connection to its upstream). */
  track(socket: Socket): void
  /** Destroys every tracked socket and closes the server; calling it again is harmless. */
  close(): Promise<void>
}

/** A loopback address to listen on: IPv4 by default, or IPv6's `::1`. */
export type LoopbackHost = '127.0.0.1' | '::1'

/** Listens on `host`:`port` (0: a free one). */
export async function listenLocal(server: Server, port = 0, host: LoopbackHost = '127.0.0.1'): Promise<Listening> {
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }
  server.on('connection', track)
  // A TLS server's sockets wrap the accepted ones: destroy those too.
  server.on('secureConnection', track)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  return {
    port: (server.address() as AddressInfo).port,
    track,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
    }
  }
}
