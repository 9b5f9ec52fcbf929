/**
 * Transport: the one seam through which every HTTP request goes, built on @actions/http-client (which honours
 * the runner's proxy settings). It adds what the client lacks: a per-request timeout that covers the whole
 * answer, abort on a signal, redirects followed only within the same host (the token never goes elsewhere), and
 * a classification of connection failures by whether the request may have reached the server.
 */
import { HttpClient } from '@actions/http-client'
import type { IncomingMessage } from 'node:http'
import { abortReason } from './clock.ts'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT'
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  signal?: AbortSignal
}

export interface HttpResponse {
  status: number
  /** Lower-case header names. */
  headers: Record<string, string>
  body: string
  /** The URL that answered (after same-host redirects). */
  url: string
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>

/**
 * - `refused`, `dns`: the request never reached a server (safe to send again).
 * - `reset`, `timeout`, `other`: it may have been received and acted on.
 * - `aborted`: given up on purpose.
 * - `redirect`: the server redirected to another host; nothing was sent there.
 */
export type FailureKind = 'refused' | 'dns' | 'reset' | 'timeout' | 'aborted' | 'redirect' | 'other'

export class TransportError extends Error {
  readonly kind: FailureKind
  constructor(kind: FailureKind, message: string) {
    super(message)
    this.name = 'TransportError'
    this.kind = kind
  }
}

const REDIRECTS = [301, 302, 303, 307, 308]
const MAX_REDIRECTS = 5

/** The production transport. */
export function createHttpTransport(userAgent: string): Transport {
  return async (request) => {
    let current = request
    for (let hop = 0; ; hop++) {
      const response = await sendOnce(userAgent, current)
      const location = response.headers.location
      if (!REDIRECTS.includes(response.status) || !location) return response
      if (hop >= MAX_REDIRECTS) throw new TransportError('redirect', `too many redirects (last to ${location})`)
      current = redirected(current, response.status, location)
    }
  }
}

/** The next request of a redirect, only to the same host (http may become https), else a `redirect` error. */
function redirected(request: HttpRequest, status: number, location: string): HttpRequest {
  const from = new URL(request.url)
  const to = new URL(location, from)
  if (to.hostname !== from.hostname || (from.protocol === 'https:' && to.protocol !== 'https:')) {
    throw new TransportError(
      'redirect',
      `the server redirected to ${to.origin}${to.pathname}, another host or a downgrade to http; the token is not sent there. ` +
        `If that host is the right API, set api-url to ${to.origin}.`
    )
  }
  if (request.method !== 'GET' && status !== 307 && status !== 308) {
    throw new TransportError(
      'redirect',
      `the server answered ${status} with a redirect to ${to.pathname} for a ${request.method}; ` +
        'set api-url to the final address.'
    )
  }
  return { ...request, url: to.href }
}

function sendOnce(userAgent: string, request: HttpRequest): Promise<HttpResponse> {
  const client = new HttpClient(userAgent, [], {
    allowRedirects: false,
    allowRetries: false,
    keepAlive: false,
    socketTimeout: request.timeoutMs
  })
  return new Promise<HttpResponse>((resolve, reject) => {
    let settled = false
    const finish = (error: Error | undefined, response?: HttpResponse): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
      client.dispose()
      if (error) reject(error)
      else resolve(response!)
    }
    const onAbort = (): void => finish(new TransportError('aborted', abortReason(request.signal!).message))
    const timer = setTimeout(
      () => finish(new TransportError('timeout', `no answer within ${Math.round(request.timeoutMs / 1000)}s`)),
      request.timeoutMs
    )
    if (request.signal?.aborted) return onAbort()
    request.signal?.addEventListener('abort', onAbort, { once: true })
    client
      .request(request.method, request.url, request.body ?? null, { ...request.headers })
      .then((res) => readBody(res.message))
      .then(({ message, body }) =>
        finish(undefined, { status: message.statusCode ?? 0, headers: flatHeaders(message), body, url: request.url })
      )
      .catch((error: unknown) => finish(classify(error)))
  })
}

function readBody(message: IncomingMessage): Promise<{ message: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    message.on('data', (chunk: Buffer) => chunks.push(chunk))
    message.on('end', () => resolve({ message, body: Buffer.concat(chunks).toString('utf8') }))
    message.on('error', reject)
    message.on('aborted', () =>
      reject(Object.assign(new Error('the connection was closed mid-answer'), { code: 'ECONNRESET' }))
    )
  })
}

function flatHeaders(message: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}

export function classify(error: unknown): TransportError {
  if (error instanceof TransportError) return error
  const code = (error as { code?: string }).code ?? ''
  const message = (error as Error).message ?? String(error)
  if (code === 'ECONNREFUSED') return new TransportError('refused', `connection refused (${message})`)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new TransportError('dns', `host not found (${message})`)
  if (/^Request timeout/.test(message) || code === 'ETIMEDOUT') return new TransportError('timeout', message)
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message))
    return new TransportError('reset', `connection reset (${message})`)
  return new TransportError('other', message)
}
