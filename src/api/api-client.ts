/**
 * API client: requests to the Trifacta / Designer Cloud / Dataprep v4 API over the one transport, with the
 * bearer token from a token source, JSON in and out, and errors turned into `ApiError`s that quote the server.
 * Reads and idempotent posts (cancel) go through the one retry policy; a start is one attempt, whose resending
 * is the caller's decision. Knows nothing about the action's inputs.
 */
import { ApiError } from './api-error.ts'
import type { Clock } from '../shared/clock.ts'
import { PERSISTENT_FAILURE_MS, REFUSED_MS, withRetries } from './retry-policy.ts'
import type { HttpResponse, Transport } from '../http/transport.ts'

export interface ApiResponse<T> {
  status: number
  data: T
  requestId: string
  headers: Record<string, string>
}

/** How long a call may keep retrying, and what stops it early. */
export interface Budget {
  deadline: number
  persistMs?: number
  signal?: AbortSignal
}

/**
 * Where the bearer token comes from: a static token, or OAuth tokens that are refreshed. `deadline` (epoch ms) is
 * the calling request's: getting a token must not outlast it.
 */
export interface TokenSource {
  token(signal?: AbortSignal, deadline?: number): Promise<string>
  /** After a 401 with `used`: get a new token if that can help; true when the call is worth repeating once. */
  renewAfterUnauthorized?(used: string, signal?: AbortSignal, deadline?: number): Promise<boolean>
  /** Waits up to `withinMs` for a renewal under way; false when one was still under way then. */
  settle?(withinMs: number): Promise<boolean>
}

export const staticToken = (token: string): TokenSource => ({ token: () => Promise.resolve(token) })

/** What a call is about, for the hint of its error. */
export interface Subject {
  recipeId?: number
  jobId?: number
  flowId?: number
  planId?: number
}

export interface SendOptions {
  body?: unknown
  headers?: Record<string, string>
  subject?: Subject
  signal?: AbortSignal
  /** The request is abandoned at this time (epoch ms) if its request timeout has not ended it before. */
  deadline?: number
  /** A 304 is an answer (the start was a repeat), not an error. */
  allow304?: boolean
  /** A binary answer (an archive): its bytes, at most `maxBytes` of them (`Download`). */
  binary?: { maxBytes: number }
}

/** A binary answer, cut at its bound when larger. */
export interface Download {
  bytes: Buffer
  truncated: boolean
}

/** What a binary download accepts: the archive, or an error as JSON. */
const BINARY_ACCEPT = 'application/zip, application/octet-stream, application/json;q=0.5, */*;q=0.1'

export interface ClientOptions {
  apiUrl: string
  tokens: TokenSource
  userAgent: string
  transport: Transport
  clock: Clock
  requestTimeoutMs: number
  /** Told about every retry (persistent ones deserve a warning). */
  onRetry: (message: string, persistent: boolean) => void
}

export class ApiClient {
  private readonly options: ClientOptions
  /** The API has answered at least once (any status). */
  private answered = false
  constructor(options: ClientOptions) {
    this.options = options
  }

  /** `GET path`, retried on transient failures within the budget; the answer's JSON. */
  async read<T>(path: string, budget: Budget, subject?: Subject): Promise<T> {
    return (await this.readResponse<T>(path, budget, subject)).data
  }

  /** `GET path` like `read`, with the answer's status and headers. */
  readResponse<T>(path: string, budget: Budget, subject?: Subject): Promise<ApiResponse<T>> {
    return this.retrying(`GET ${path}`, budget, () =>
      this.send<T>('GET', path, { subject, signal: budget.signal, deadline: budget.deadline })
    )
  }

  /** `GET path` of a binary answer (an archive), at most `maxBytes` of it, retried like a read. */
  download(path: string, budget: Budget, options: { maxBytes: number; subject?: Subject }): Promise<Download> {
    const { maxBytes, subject } = options
    const send = (): Promise<ApiResponse<Download>> =>
      this.send<Download>('GET', path, {
        subject,
        signal: budget.signal,
        deadline: budget.deadline,
        binary: { maxBytes }
      })
    return this.retrying(`GET ${path}`, budget, async () => (await send()).data)
  }

  /** A POST that is harmless to repeat (a cancel), retried like a read. */
  postRetrying<T>(path: string, body: unknown, budget: Budget, subject?: Subject): Promise<ApiResponse<T>> {
    return this.retrying(`POST ${path}`, budget, () =>
      this.send<T>('POST', path, { body, subject, signal: budget.signal, deadline: budget.deadline })
    )
  }

  /** One request. A 401 renews the token once, when the token source can, and repeats the call. */
  async send<T>(method: 'GET' | 'POST', path: string, options: SendOptions = {}): Promise<ApiResponse<T>> {
    const { signal, deadline } = options
    const token = await this.options.tokens.token(signal, deadline)
    try {
      return await this.sendWith<T>(token, method, path, options)
    } catch (error) {
      const renew = this.options.tokens.renewAfterUnauthorized
      if (!(error instanceof ApiError && error.status === 401 && renew)) throw error
      if (!(await renew.call(this.options.tokens, token, signal, deadline))) throw error
      return this.sendWith<T>(await this.options.tokens.token(signal, deadline), method, path, options)
    }
  }

  get clock(): Clock {
    return this.options.clock
  }

  /** `attempt` under the one retry policy, within the budget. */
  retrying<T>(what: string, budget: Budget, attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, {
      what,
      clock: this.options.clock,
      deadline: budget.deadline,
      persistMs: budget.persistMs ?? PERSISTENT_FAILURE_MS,
      // Until the API has answered once, refused connections mean a wrong address: they fail fast.
      refusedMs: this.answered ? undefined : REFUSED_MS,
      signal: budget.signal,
      onRetry: this.options.onRetry
    })
  }

  private async sendWith<T>(
    token: string,
    method: 'GET' | 'POST',
    path: string,
    options: SendOptions
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: options.binary ? BINARY_ACCEPT : 'application/json',
      'User-Agent': this.options.userAgent,
      ...options.headers
    }
    if (options.body !== undefined) headers['Content-Type'] = 'application/json'
    const response = await this.options.transport({
      method,
      url: `${this.options.apiUrl}${path}`,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      timeoutMs: requestTimeout(this.options.requestTimeoutMs, options.deadline, this.options.clock.now()),
      signal: options.signal,
      binary: options.binary
    })
    this.answered = true
    const requestId = response.headers['x-trifacta-request-id'] ?? ''
    const answer = { status: response.status, requestId, headers: response.headers }
    const fail = (): ApiError =>
      new ApiError({ method, path: path.split('?')[0]!, ...answer, body: textOf(response), subject: options.subject })
    if (response.status === 304 && options.allow304) return { ...answer, data: undefined as T }
    if (response.status < 200 || response.status >= 300) throw fail()
    if (options.binary)
      return {
        ...answer,
        data: { bytes: response.bytes ?? Buffer.from(response.body), truncated: !!response.truncated } as T
      }
    if (response.body.trim() === '') return { ...answer, data: undefined as T }
    try {
      // A leading byte-order mark is no part of the JSON (some gateways add one).
      return { ...answer, data: JSON.parse(response.body.replace(/^\uFEFF/, '')) as T }
    } catch {
      throw fail()
    }
  }
}

/** An answer's text, also of a binary one (an error answered as JSON or HTML), for its error message. */
function textOf(response: HttpResponse): string {
  return response.bytes ? response.bytes.subarray(0, 64 * 1024).toString('utf8') : response.body
}

/** The request timeout, shortened so that no request outlives its budget's deadline (at least 1 s). */
function requestTimeout(requestTimeoutMs: number, deadline: number | undefined, now: number): number {
  return deadline === undefined ? requestTimeoutMs : Math.min(requestTimeoutMs, Math.max(1000, deadline - now))
}
