// An HTTP proxy on 127.0.0.1 for tests of a client behind a proxy: CONNECT tunnels and plain-HTTP forwarding, in
// three modes: 'forward' (works), 'refuse' (403) and 'auth' (407 with Proxy-Authenticate unless the configured
// Basic credentials come). It records what it was asked. It reaches every target at 127.0.0.1 (the port kept),
// whatever host name was asked for, so it never goes off the machine.
//
// @actions/http-client 4 never uses a proxy for a loopback target: localhost, every 127.x.x.x and [::1] bypass
// http(s)_proxy whatever no_proxy says (checkBypass in lib/proxy.js), so 127.0.0.2 or localhost do not help.
// To go through this proxy, name the target PROXIED_HOST (proxiedUrl(emulator.url)): it resolves nowhere, so
// only the proxy can reach it, and the test CA's server leaf covers it for https. http-client tunnels plain http
// as well as https through CONNECT (the `tunnel` package); a CONNECT answered other than 200 reaches the caller as
// an error with code ECONNRESET, "tunneling socket could not be established, statusCode=407".
import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect, type Socket } from 'node:net'
import { listenLocal, type Listening } from './listen.ts'
import { flatHeaders } from './recorded-request.ts'

/** A made-up host (.test never resolves) that the proxy reaches at 127.0.0.1. */
export const PROXIED_HOST = 'api.emulator.test'

export type ProxyMode = 'forward' | 'refuse' | 'auth'

export interface ProxyOptions {
  /** Default 'forward'. */
  mode?: ProxyMode
  /** 'user:password' accepted in 'auth' mode (Proxy-Authorization: Basic); without it every request gets 407. */
  credentials?: string
}

/** What the proxy was asked. */
export interface ProxiedRequest {
  /** CONNECT for a tunnel, else the method of a plain-HTTP request. */
  method: string
  /** host:port of a CONNECT, the absolute URL of a plain-HTTP request. */
  target: string
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>
  /** Date.now() when it arrived. */
  at: number
  /** 200 for a tunnel opened, the upstream status when forwarded, 403, 407, 400, or 502 when unreachable. */
  status?: number
}

interface Refusal {
  status: number
  reason: string
  headers: Record<string, string>
}

const REALM = 'Basic realm="test proxy"'
// Hop-by-hop headers meant for the proxy itself, not forwarded.
const PROXY_HEADERS = ['proxy-authorization', 'proxy-connection', 'connection', 'keep-alive']

export class TestProxy {
  /** http://127.0.0.1:port, without credentials. */
  readonly url: string
  readonly requests: ProxiedRequest[] = []
  /** May be changed while running. */
  mode: ProxyMode
  private readonly credentials: string | undefined
  private readonly listening: Listening

  static async start(options: ProxyOptions = {}): Promise<TestProxy> {
    const server = createServer()
    const proxy = new TestProxy(await listenLocal(server), options)
    server.on('request', (req, res) => proxy.forward(req, res))
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => proxy.tunnel(req, client, head))
    return proxy
  }

  private constructor(listening: Listening, options: ProxyOptions) {
    this.listening = listening
    this.url = `http://127.0.0.1:${listening.port}`
    this.mode = options.mode ?? 'forward'
    this.credentials = options.credentials
  }

  /**
   * Environment variables that send @actions/http-client through this proxy (upper and lower case, no_proxy
   * emptied), with `credentials` ('user:password') in the proxy URL when given.
   */
  env(credentials?: string): Record<string, string> {
    let url = this.url
    if (credentials !== undefined) {
      const [user = '', ...password] = credentials.split(':')
      const userInfo = `${encodeURIComponent(user)}:${encodeURIComponent(password.join(':'))}`
      url = `http://${userInfo}@127.0.0.1:${this.listening.port}`
    }
    return { http_proxy: url, https_proxy: url, HTTP_PROXY: url, HTTPS_PROXY: url, no_proxy: '', NO_PROXY: '' }
  }

  /** Closes the proxy and every connection through it. */
  close(): Promise<void> {
    return this.listening.close()
  }

  private record(req: IncomingMessage): ProxiedRequest {
    const record: ProxiedRequest = {
      method: req.method ?? 'GET',
      target: req.url ?? '',
      headers: flatHeaders(req),
      at: Date.now()
    }
    this.requests.push(record)
    return record
  }

  private refusal(req: IncomingMessage): Refusal | undefined {
    if (this.mode === 'refuse') return { status: 403, reason: 'Forbidden', headers: {} }
    const expected = this.credentials && `Basic ${Buffer.from(this.credentials).toString('base64')}`
    if (this.mode === 'auth' && (!expected || req.headers['proxy-authorization'] !== expected)) {
      return { status: 407, reason: 'Proxy Authentication Required', headers: { 'proxy-authenticate': REALM } }
    }
    return undefined
  }

  private tunnel(req: IncomingMessage, client: Socket, head: Buffer): void {
    const record = this.record(req)
    client.on('error', () => client.destroy())
    const port = /^(?:\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '')?.[1]
    const refusal = this.refusal(req) ?? (port ? undefined : { status: 400, reason: 'Bad Request', headers: {} })
    if (refusal) {
      record.status = refusal.status
      const lines = Object.entries(refusal.headers).map(([name, value]) => `${name}: ${value}\r\n`)
      client.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\n${lines.join('')}content-length: 0\r\n\r\n`)
      return
    }
    const upstream = connect(Number(port), '127.0.0.1')
    this.listening.track(upstream)
    upstream.once('connect', () => {
      record.status = 200
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => {
      if (record.status === undefined) {
        record.status = 502
        client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n')
      } else client.destroy()
    })
    upstream.once('close', () => client.destroy())
    client.once('close', () => upstream.destroy())
  }

  /** A plain-HTTP request in absolute form (GET http://host:port/path). */
  private forward(req: IncomingMessage, res: ServerResponse): void {
    const record = this.record(req)
    const target = /^http:\/\//i.test(req.url ?? '') ? new URL(req.url!) : undefined
    const refusal = this.refusal(req) ?? (target ? undefined : { status: 400, reason: 'Bad Request', headers: {} })
    if (refusal) {
      record.status = refusal.status
      req.resume()
      res.writeHead(refusal.status, refusal.headers).end()
      return
    }
    const headers = { ...req.headers }
    for (const name of PROXY_HEADERS) delete headers[name]
    const upstream = httpRequest(
      {
        host: '127.0.0.1',
        port: target!.port || 80,
        method: req.method,
        path: target!.pathname + target!.search,
        headers,
        agent: false
      },
      (answer) => {
        record.status = answer.statusCode
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
        answer.on('error', () => res.destroy())
      }
    )
    upstream.on('socket', (socket) => this.listening.track(socket))
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy()
      record.status = 502
      res.writeHead(502).end()
    })
    req.pipe(upstream)
  }
}

/** `url` with its host replaced by PROXIED_HOST (port, path and query kept): reachable only through the proxy. */
export function proxiedUrl(url: string): string {
  const parsed = new URL(url)
  return `${parsed.protocol}//${PROXIED_HOST}${parsed.port ? `:${parsed.port}` : ''}${url.slice(parsed.origin.length)}`
}
