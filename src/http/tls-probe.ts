/**
 * TLS probe: whether a port speaks TLS. Asked only after a plain-http request was reset without an answer: a TLS
 * server drops such a request unread, so when the port speaks TLS, the request certainly did not reach the API.
 */
import { isIP } from 'node:net'
import { connect } from 'node:tls'

const PROBE_MS = 2_000

/** True when a TLS handshake with the URL's host and port succeeds (certificate unchecked: nothing is sent). */
export function speaksTls(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const port = Number(url.port || 80)
    const socket = connect({ host, port, rejectUnauthorized: false, servername: isIP(host) ? undefined : host })
    const done = (result: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => done(false), PROBE_MS)
    socket.once('secureConnect', () => done(true))
    socket.once('error', () => done(false))
  })
}
