/**
 * The OAuth 2.0 token endpoint (RFC 6749): one grant, a refresh token or client credentials, sent form-encoded
 * through the transport (so it honours the proxy settings and the per-request timeout) and retried by the one
 * retry loop on failures that may go away. Every token in an answer is masked before anything else is done with
 * it. A request is never aborted by the workflow-cancel signal, nor cut short by a caller's deadline: it waits its
 * full request timeout, since a refresh cut off after the server rotated the refresh token would lose the only one
 * that still works. A grant repeated after one that may have been carried out says so.
 */
import type { Clock } from '../shared/clock.ts'
import { formatMs, oneLine } from '../shared/format.ts'
import { REFUSED_MS, withRetries } from '../api/retry-policy.ts'
import { registerSecret } from '../shared/secrets.ts'
import { TransportError } from '../http/transport-failures.ts'
import { refreshTokenExpiresAt } from './token-life.ts'
import type { Transport } from '../http/transport.ts'

export type Grant =
  | { kind: 'refresh_token'; refreshToken: string; clientId: string }
  | { kind: 'client_credentials'; clientId: string; clientSecret: string }

export interface TokenAnswer {
  accessToken: string
  /** A new refresh token (the old one no longer works), when the server sent one. */
  refreshToken?: string
  /** Seconds. */
  expiresIn?: number
  /** When the refresh token expires (epoch ms), where the answer or the token says so. */
  refreshExpiresAt?: number
  /** When the request was sent (epoch ms): the lifetime counts from here. */
  sentAt: number
  /** The token server's clock minus the runner's (ms), from the answer's `Date` header, when more than 5 s off. */
  serverSkewMs?: number
}

export interface EndpointOptions {
  url: string
  transport: Transport
  clock: Clock
  userAgent: string
  requestTimeoutMs: number
  onRetry: (message: string, persistent: boolean) => void
}

/** The token endpoint's answer to a failed grant (RFC 6749 §5.2), or an answer without an access token. */
export class TokenEndpointError extends Error {
  readonly status: number
  /** The OAuth error code (`invalid_grant`, `invalid_client`, …), when the body gave one. */
  readonly code?: string
  readonly description?: string
  constructor(status: number, code: string | undefined, description: string | undefined) {
    const said = [code, description === undefined ? undefined : `"${description}"`].filter(Boolean).join(': ')
    super(`answered HTTP ${status}${said ? ` ${said}` : ''}`)
    this.name = 'TokenEndpointError'
    this.status = status
    this.code = code
    this.description = description
  }
}

const TRANSIENT_STATUSES = [429, 500, 502, 503, 504]

/**
 * Worth sending the grant again: the failure may go away, and a resent refresh token cannot do harm (if the first
 * was carried out, the old token is refused either way). A 2xx answer without usable tokens (a gateway's HTML page)
 * is one of these.
 */
export function isTransientTokenFailure(error: unknown): boolean {
  if (error instanceof TokenEndpointError) return TRANSIENT_STATUSES.includes(error.status) || isSuccess(error.status)
  return error instanceof TransportError && ['refused', 'dns', 'reset', 'timeout', 'other'].includes(error.kind)
}

/**
 * The grant may have been carried out without its answer arriving (so a refresh token may have rotated): no answer
 * in time, a connection cut, a 2xx answer that cannot be read, a gateway's 502 or 504.
 */
export function mayHaveRotated(error: unknown): boolean {
  if (error instanceof TokenEndpointError) return isSuccess(error.status) || [502, 504].includes(error.status)
  return error instanceof TransportError && ['reset', 'timeout', 'other', 'aborted'].includes(error.kind)
}

const isSuccess = (status: number): boolean => status >= 200 && status < 300

/**
 * Sends the grant until an answer comes, a failure is definite, or the budget is spent; the last failure is
 * thrown as is (`TokenEndpointError` or `TransportError`). `failures` collects the transient ones seen on the way.
 */
export function requestTokens(
  grant: Grant,
  options: EndpointOptions,
  budget: { deadline: number; persistMs: number },
  failures: Error[] = []
): Promise<TokenAnswer> {
  return withRetries(() => sendGrant(grant, options), {
    what: `POST ${options.url}`,
    clock: options.clock,
    deadline: budget.deadline,
    persistMs: budget.persistMs,
    refusedMs: REFUSED_MS,
    retryable: (error) => {
      const transient = isTransientTokenFailure(error)
      if (transient) failures.push(error as Error)
      return transient
    },
    describe: (failure, delay) =>
      `POST ${options.url} failed (${failure.message}); sending the grant again in ${formatMs(delay)}` +
      (grant.kind === 'refresh_token' && mayHaveRotated(failure) ? ROTATED_WARNING : ''),
    onRetry: (message, persistent) => options.onRetry(message, persistent || message.endsWith(ROTATED_WARNING))
  })
}

const ROTATED_WARNING =
  ', with the same refresh token: the token endpoint may have rotated the refresh token without its answer ' +
  'arriving. If the grant is refused (invalid_grant), create a new token pair.'

async function sendGrant(grant: Grant, options: EndpointOptions): Promise<TokenAnswer> {
  const form: Record<string, string> =
    grant.kind === 'refresh_token'
      ? { grant_type: 'refresh_token', refresh_token: grant.refreshToken, client_id: grant.clientId }
      : { grant_type: 'client_credentials', client_id: grant.clientId, client_secret: grant.clientSecret }
  const sentAt = options.clock.now()
  const response = await options.transport({
    method: 'POST',
    url: options.url,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Accept: 'application/json',
      'User-Agent': options.userAgent
    },
    body: new URLSearchParams(form).toString(),
    timeoutMs: options.requestTimeoutMs
  })
  const answer = readAnswer(response.status, response.body, sentAt)
  const skew = Date.parse(response.headers.date ?? '') - options.clock.now()
  return Number.isFinite(skew) && Math.abs(skew) > 5000 ? { ...answer, serverSkewMs: skew } : answer
}

/** The answer's tokens, masked first of all; a failure as a `TokenEndpointError`. */
export function readAnswer(status: number, body: string, sentAt: number): TokenAnswer {
  let json: Record<string, unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(body.replace(/^\uFEFF/, ''))
    if (typeof parsed === 'object' && parsed !== null) json = parsed as Record<string, unknown>
  } catch {
    json = undefined
  }
  const text = (key: string): string | undefined => {
    const value = json?.[key]
    return typeof value === 'string' && value.trim() ? value.trim() : undefined
  }
  for (const key of ['access_token', 'refresh_token', 'id_token']) registerSecret(text(key) ?? '')
  if (status < 200 || status >= 300) {
    const description = text('error_description') ?? (json ? undefined : oneLine(body.replace(/<[^>]*>/g, ' '), 200))
    throw new TokenEndpointError(status, text('error'), description || undefined)
  }
  const accessToken = text('access_token')
  if (accessToken === undefined) throw new TokenEndpointError(status, undefined, 'the answer has no access_token')
  const expiresIn = Number(json?.expires_in)
  return {
    accessToken,
    refreshToken: text('refresh_token'),
    expiresIn: json?.expires_in !== undefined && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
    refreshExpiresAt: refreshTokenExpiresAt(json?.refresh_token_expires_in, text('refresh_token'), sentAt),
    sentAt
  }
}
