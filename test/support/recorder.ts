// A catch-all server on 127.0.0.1 that records every request and answers them all alike: where a test points a
// redirect, to check what a client sent there (e.g. that no Authorization header reached another port).
import { createServer } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listenLocal, type Listening } from './listen.ts'
import { receiveRecorded, type RecordedRequest } from './recorded-request.ts'
import type { TlsKeyPair } from './tls.ts'

export interface RecorderOptions {
  /** Serve https: true with the test CA's server leaf (testCertificates().server), or a key pair of your own. */
  tls?: boolean | TlsKeyPair
  /** Every answer's status; default 200. */
  status?: number
  /** Every answer's body; default '{}'. */
  body?: string
  /** Every answer's headers; default content-type: application/json. */
  headers?: Record<string, string>
}

export class Recorder {
  /** http(s)://127.0.0.1:port */
  readonly url: string
  readonly requests: RecordedRequest[] = []
  private readonly listening: Listening
  private readonly options: RecorderOptions

  static async start(options: RecorderOptions = {}): Promise<Recorder> {
    // Loaded only when asked for: node-forge costs start-up time.
    const keyPair =
      options.tls === true ? (await import('./tls.ts')).testCertificates().server : options.tls || undefined
    const server = keyPair ? createHttpsServer(keyPair) : createServer()
    const recorder = new Recorder(await listenLocal(server), keyPair !== undefined, options)
    server.on('request', (req: IncomingMessage, res: ServerResponse) => recorder.receive(req, res))
    return recorder
  }

  private constructor(listening: Listening, tls: boolean, options: RecorderOptions) {
    this.listening = listening
    this.url = `${tls ? 'https' : 'http'}://127.0.0.1:${listening.port}`
    this.options = options
  }

  close(): Promise<void> {
    return this.listening.close()
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    receiveRecorded(req, res, (request) => {
      request.status = this.options.status ?? 200
      this.requests.push(request)
      res.writeHead(request.status, this.options.headers ?? { 'content-type': 'application/json' })
      res.end(this.options.body ?? '{}')
    })
  }
}
