/**
 * Transport: the one seam through which every HTTP request goes, built on @actions/http-client (which honours
 * the runner's proxy settings). It adds what the client lacks: a per-request timeout that covers the whole
 * answer, abort on a signal, a bounded answer size, IPv6 literal hosts, redirects followed only within the
 * origin of the request (the token never goes elsewhere), and a classification of failures by whether the
 * request can have reached the server.
 */
import { HttpClient } from '@actions/http-client'
import type { IncomingMessage, OutgoingHttpHeaders, RequestOptions } from 'node:http'
import { abortReason } from '../shared/clock.ts'
import { classify, TransportError } from './transport-failures.ts'
import { speaksTls } from './tls-probe.ts'

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT'
  url: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  signal?: AbortSignal
  /** The answer as bytes, at most `maxBytes` of them: a larger one is cut there (`truncated`), not refused. */
  binary?: { maxBytes: number }
}

export interface HttpResponse {
  status: number
  /** Lower-case header names. */
  headers: Record<string, string>
  body: string
  /** With `binary`: the answer's bytes (`body` is then empty), and whether they were cut at `maxBytes`. */
  bytes?: Buffer
  truncated?: boolean
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>

/** Answers larger than this are refused: no API answer the action reads comes near it. */
export const MAX_BODY_BYTES = 8 * 1024 * 1024
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

/** The next request of a redirect: only to the same origin (scheme, host and port), else a `redirect` error. */
function redirected(request: HttpRequest, status: number, location: string): HttpRequest {
  const from = new URL(request.url)
  const to = new URL(location, from)
  if (to.origin !== from.origin) {
    throw new TransportError(
      'redirect',
      `the server redirected to ${to.origin}${to.pathname}, another origin than ${from.origin}; the token is only ` +
        `sent to api-url's origin, so the redirect was not followed. If that is the right API, set api-url to ` +
        `${to.origin}.`
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

/** http-client passes `[::1]` on as a host name to look up; Node wants the bare address. */
type RequestHandler = ConstructorParameters<typeof HttpClient>[1] extends (infer H)[] | undefined ? H : never

const ipv6Literals: RequestHandler = {
  prepareRequest(options: RequestOptions & { headers?: OutgoingHttpHeaders }) {
    if (options.host?.startsWith('[')) options.host = options.host.slice(1, -1)
  },
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('not supported'))
}

function sendOnce(userAgent: string, request: HttpRequest): Promise<HttpResponse> {
  const options = { allowRedirects: false, allowRetries: false, keepAlive: false, socketTimeout: request.timeoutMs }
  const client = new HttpClient(userAgent, [ipv6Literals], options)
  const what = `${request.method} ${new URL(request.url).pathname}`
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
    const seconds = Math.round(request.timeoutMs / 1000)
    const timer = setTimeout(
      () => finish(new TransportError('timeout', `no answer within ${seconds}s`)),
      request.timeoutMs
    )
    if (request.signal?.aborted) {
      return finish(new TransportError('withheld', `not sent: ${abortReason(request.signal).message}`))
    }
    request.signal?.addEventListener('abort', onAbort, { once: true })
    client
      .request(request.method, request.url, request.body ?? null, { ...request.headers })
      .then((res) => readBody(res.message, what, request.binary))
      .then(({ message, ...body }) =>
        finish(undefined, { status: message.statusCode ?? 0, headers: flatHeaders(message), ...body })
      )
      .catch(async (error: unknown) => finish(await unread(classify(error, new URL(request.url).host), request.url)))
  })
}

/** A plain-http request reset unanswered by a port that speaks TLS was never read: nothing reached the API. */
async function unread(error: TransportError, url: string): Promise<TransportError> {
  const target = new URL(url)
  if (error.kind !== 'reset' || error.status !== undefined || target.protocol !== 'http:') return error
  if (!(await speaksTls(target))) return error
  return new TransportError(
    'tls',
    `${target.host} speaks https, not plain http, so the request was dropped unread: ` +
      `use https://${target.host} in api-url`
  )
}

type ReadBody = { message: IncomingMessage; body: string; bytes?: Buffer; truncated?: boolean }

function readBody(message: IncomingMessage, what: string, binary?: { maxBytes: number }): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const status = message.statusCode
    let cut = false
    const done = (truncated: boolean): void => {
      cut ||= truncated
      const all = Buffer.concat(chunks)
      resolve(binary ? { message, body: '', bytes: all, truncated } : { message, body: all.toString('utf8') })
    }
    message.on('data', (chunk: Buffer) => {
      if (cut) return
      size += chunk.length
      const max = binary?.maxBytes ?? MAX_BODY_BYTES
      if (size <= max) return void chunks.push(chunk)
      if (binary) {
        // Kept up to the bound, then the rest is not read: resolved before the destroy's 'aborted'.
        chunks.push(chunk.subarray(0, chunk.length - (size - max)))
        done(true)
        return void message.destroy()
      }
      const large = `the answer to ${what} (HTTP ${status}) is larger than 8 MiB; it was not read`
      // Rejected before the destroy, whose 'aborted' would otherwise call it cut short.
      reject(new TransportError('too-large', large, status))
      message.destroy()
    })
    message.on('end', () => done(false))
    message.on('error', () => reject(cutShort(what, status)))
    message.on('aborted', () => reject(cutShort(what, status)))
  })
}

function cutShort(what: string, status: number | undefined): TransportError {
  return new TransportError('reset', `the answer to ${what} (HTTP ${status}) was cut short`, status)
}

function flatHeaders(message: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
