/**
 * OAuth 2.0 access tokens for the API client (its `TokenSource`): the current token while it has time left, a new
 * one when less than 60 s or 20% of its lifetime remains, and one renewal after a 401. While the current token still
 * works, its refresh runs beside the calls, which go on with it: a slow, failed or unusable refresh never holds up
 * a read or a cancel, and a failed one is tried again later within the token's life. Renewals are single-flight,
 * so one rotation serves every call. Each rotated refresh token goes to `onRotated` (the secret first, then the
 * output), then its access token to `onAccessToken` (state for the post step), before any request uses it.
 */
import type { TokenSource } from '../api/api-client.ts'
import { formatMs } from '../shared/format.ts'
import { explainTokenFailure } from './explain.ts'
import {
  isTransientTokenFailure,
  mayHaveRotated,
  requestTokens,
  type EndpointOptions,
  type Grant,
  type TokenAnswer
} from './token-endpoint.ts'
import { freshLife, hasExpired, lifeOf, needsRefresh, type TokenLife } from './token-life.ts'

/** Retries of the first sign-in stop after this long (a wrong endpoint fails soon)… */
const FIRST_SIGN_IN_MS = 30_000
/** …while a refresh mid-run without a token that still serves may wait out a longer outage. */
const REFRESH_MS = 120_000
/** A refresh that failed while the token still serves is tried again after a third of the time left, within these. */
const RETRY_MIN_MS = 250
const RETRY_MAX_MS = 30_000
const MAY_HAVE_ROTATED =
  'The token endpoint may have rotated the refresh token without its answer arriving: the next grant sends the same ' +
  'refresh token, and if it is refused (invalid_grant), create a new token pair.'

export interface OAuthOptions {
  grant: Grant
  endpoint: EndpointOptions
  /** An access token to use while it has time left (the `api-token` given with `refresh-token`). */
  initialToken?: string
  /** Run once, before the first token is handed out; its failure is every call's failure (no grant is sent). */
  prepare?: () => Promise<void>
  /** Every access token before its first use: the initial one too. */
  onAccessToken: (token: string) => void
  /** Every new refresh token, before the access token that came with it is used. */
  onRotated: (refreshToken: string) => Promise<void>
  /** When a token was obtained (for the log). */
  onObtained: (answer: TokenAnswer, count: number) => void
  /** The secret written back to, for the explanation of `invalid_grant`. */
  secretLabel?: string
}

interface Current {
  token: string
  life?: TokenLife
}

export class OAuthTokens implements TokenSource {
  private readonly options: OAuthOptions
  private grant: Grant
  private current?: Current
  private prepared?: Promise<void>
  private inflight?: Promise<string>
  /** A definite refusal by the token endpoint: every later call fails with it, without asking again. */
  private refused?: Error
  private obtained = 0
  /** No refresh beside the calls before this time (epoch ms): the last one failed while the token served. */
  private retryAt = 0
  /** Grants that may have been carried out (the refresh token rotated) without their answer arriving. */
  private readonly unsure: Error[] = []
  private last?: TokenAnswer

  constructor(options: OAuthOptions) {
    this.options = options
    this.grant = options.grant
    const initial = options.initialToken
    if (initial) this.current = { token: initial, life: lifeOf(initial, options.endpoint.clock.now()) }
  }

  async token(): Promise<string> {
    await (this.prepared ??= this.prepare())
    const current = this.current
    const now = this.options.endpoint.clock.now()
    if (current && !needsRefresh(current.life, now)) return current.token
    if (current && !hasExpired(current.life, now)) {
      // It still serves: the call goes on with it while the refresh runs beside it (its failure is handled there).
      if (!this.refused && now >= this.retryAt) this.renew().catch((error: Error) => this.unheard(error))
      return current.token
    }
    return this.renew()
  }

  /** A 401 with the current token: renew it once (or join the renewal under way); the call is worth repeating. */
  async renewAfterUnauthorized(used: string): Promise<boolean> {
    if (this.current !== undefined && this.current.token !== used) return true
    this.current = undefined
    await this.renew()
    return true
  }

  /**
   * A new access token now, whatever the current one's time left (the keep-alive of a refresh token): the answer,
   * and whether the refresh token rotated (its write-back has then been done or has failed).
   */
  async refresh(): Promise<{ answer: TokenAnswer; rotated: boolean }> {
    await (this.prepared ??= this.prepare())
    const before = this.grant.kind === 'refresh_token' ? this.grant.refreshToken : undefined
    this.current = undefined
    await this.renew()
    const after = this.grant.kind === 'refresh_token' ? this.grant.refreshToken : undefined
    return { answer: this.last!, rotated: before !== after }
  }

  /**
   * Waits up to `withinMs` for a refresh under way, so that its rotated refresh token reaches the secret before the
   * step ends; false when it did not end in time (its new refresh token may then be lost).
   */
  async settle(withinMs: number): Promise<boolean> {
    const inflight = this.inflight
    if (!inflight) return true
    const stop = new AbortController()
    const timeUp = this.options.endpoint.clock.sleep(withinMs, stop.signal).then(
      () => false,
      () => true
    )
    const ended = await Promise.race([
      inflight.then(
        () => true,
        () => true
      ),
      timeUp
    ])
    stop.abort()
    return ended
  }

  /** A refresh beside the calls failed after the token expired: no call waited for it, so it is said here. */
  private unheard(error: Error): void {
    this.options.endpoint.onRetry(`Refreshing the access token failed: ${error.message}`, true)
  }

  private async prepare(): Promise<void> {
    await this.options.prepare?.()
    if (this.current) this.options.onAccessToken(this.current.token)
  }

  private renew(): Promise<string> {
    this.inflight ??= this.obtain().finally(() => (this.inflight = undefined))
    return this.inflight
  }

  private async obtain(): Promise<string> {
    if (this.refused) throw this.refused
    const { clock } = this.options.endpoint
    // With a token that still serves: one attempt, with its full request timeout; a failure is tried again later.
    const serving = this.current !== undefined && !hasExpired(this.current.life, clock.now())
    const persistMs = serving ? 0 : this.obtained === 0 ? FIRST_SIGN_IN_MS : REFRESH_MS
    const budget = { deadline: clock.now() + persistMs, persistMs }
    const earlier: Error[] = []
    let answer: TokenAnswer
    try {
      answer = await requestTokens(this.grant, this.options.endpoint, budget, earlier)
    } catch (failure) {
      return this.failed(failure, earlier)
    }
    return this.use(answer)
  }

  /** A grant failed: explained; the current token goes on serving while it has time left, else the call fails. */
  private failed(failure: unknown, earlier: Error[]): string {
    const error = explainTokenFailure(failure, {
      grant: this.grant.kind,
      endpoint: this.options.endpoint.url,
      clientId: this.grant.clientId,
      secret: this.options.secretLabel,
      earlier: [...this.unsure, ...earlier]
    })
    if (mayHaveRotated(failure) && this.grant.kind === 'refresh_token') {
      this.unsure.push(failure as Error)
      error.message += ` ${MAY_HAVE_ROTATED}`
    }
    if (!isTransientTokenFailure(failure)) this.refused = error
    const { clock, onRetry } = this.options.endpoint
    const current = this.current
    const now = clock.now()
    if (!current || hasExpired(current.life, now)) throw error
    const left = current.life ? current.life.expiresAt - now : RETRY_MAX_MS
    const delay = Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, left / 3))
    this.retryAt = now + delay
    const then = this.refused
      ? `it is used until it expires; signing in fails then`
      : `the refresh is tried again in ${formatMs(delay)}`
    const valid = current.life ? `valid for another ${formatMs(left)}` : 'still accepted'
    onRetry(
      `Refreshing the access token failed (${error.message}); the current one is ${valid} and serves: ${then}.`,
      true
    )
    return current.token
  }

  private async use(answer: TokenAnswer): Promise<string> {
    this.obtained += 1
    this.unsure.length = 0
    this.last = answer
    const life = freshLife(answer.accessToken, answer.sentAt, answer.expiresIn, answer.serverSkewMs)
    this.options.onObtained(answer, this.obtained)
    if (this.grant.kind === 'refresh_token' && answer.refreshToken && answer.refreshToken !== this.grant.refreshToken) {
      this.grant = { ...this.grant, refreshToken: answer.refreshToken }
      await this.options.onRotated(answer.refreshToken)
    }
    this.options.onAccessToken(answer.accessToken)
    this.current = { token: answer.accessToken, life }
    this.retryAt = 0
    return answer.accessToken
  }
}
