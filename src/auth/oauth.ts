/**
 * OAuth 2.0 access tokens for the API client (its `TokenSource`): the current token while it has time left, a
 * new one when less than 60 s or 20% of its lifetime remains, and one renewal after a 401. Renewals are
 * single-flight: calls that need a token while one is being obtained wait for that one, so one rotation serves
 * them all. Each new token goes to `onAccessToken` (state for the post step) and each rotated refresh token to
 * `onRotated` (output, write-back) before any request uses it.
 */
import type { TokenSource } from '../api/api-client.ts'
import { explainTokenFailure } from './explain.ts'
import {
  isTransientTokenFailure,
  requestTokens,
  type EndpointOptions,
  type Grant,
  type TokenAnswer
} from './token-endpoint.ts'
import { hasExpired, lifeOf, needsRefresh, type TokenLife } from './token-life.ts'

/** Retries of the first sign-in stop after this long (a wrong endpoint fails soon)… */
const FIRST_SIGN_IN_MS = 30_000
/** …while a refresh mid-run without a token that still serves may wait out a longer outage. */
const REFRESH_MS = 120_000

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
  private last?: TokenAnswer

  constructor(options: OAuthOptions) {
    this.options = options
    this.grant = options.grant
    const initial = options.initialToken
    if (initial) this.current = { token: initial, life: lifeOf(initial, options.endpoint.clock.now()) }
  }

  async token(_signal?: AbortSignal, deadline?: number): Promise<string> {
    await (this.prepared ??= this.prepare())
    const current = this.current
    if (current && !needsRefresh(current.life, this.options.endpoint.clock.now())) return current.token
    return this.renew(deadline)
  }

  /** A 401 with the current token: renew it once (or join the renewal under way); the call is worth repeating. */
  async renewAfterUnauthorized(used: string, _signal?: AbortSignal, deadline?: number): Promise<boolean> {
    if (this.current !== undefined && this.current.token !== used) return true
    this.current = undefined
    await this.renew(deadline)
    return true
  }

  /**
   * A new access token now, whatever the current one's time left (the keep-alive of a refresh token): the answer,
   * and whether the refresh token rotated (its write-back has then been done or has failed).
   */
  async refresh(deadline?: number): Promise<{ answer: TokenAnswer; rotated: boolean }> {
    await (this.prepared ??= this.prepare())
    const before = this.grant.kind === 'refresh_token' ? this.grant.refreshToken : undefined
    this.current = undefined
    await this.renew(deadline)
    const after = this.grant.kind === 'refresh_token' ? this.grant.refreshToken : undefined
    return { answer: this.last!, rotated: before !== after }
  }

  private async prepare(): Promise<void> {
    await this.options.prepare?.()
    if (this.current) this.options.onAccessToken(this.current.token)
  }

  private renew(deadline: number | undefined): Promise<string> {
    this.inflight ??= this.obtain(deadline).finally(() => (this.inflight = undefined))
    return this.inflight
  }

  private async obtain(deadline: number | undefined): Promise<string> {
    if (this.refused) throw this.refused
    const { clock } = this.options.endpoint
    // With a token that still serves, one attempt per call: the calls themselves retry, and none waits long.
    const serving = this.current !== undefined && !hasExpired(this.current.life, clock.now())
    const persistMs = serving ? 0 : this.obtained === 0 ? FIRST_SIGN_IN_MS : REFRESH_MS
    const budget = { deadline: Math.min(deadline ?? Infinity, clock.now() + persistMs), persistMs }
    const earlier: Error[] = []
    let answer: TokenAnswer
    try {
      answer = await requestTokens(this.grant, this.options.endpoint, budget, earlier)
    } catch (failure) {
      const error = explainTokenFailure(failure, {
        grant: this.grant.kind,
        endpoint: this.options.endpoint.url,
        clientId: this.grant.clientId,
        secret: this.options.secretLabel,
        earlier
      })
      if (!isTransientTokenFailure(failure)) this.refused = error
      // A token with time left still serves, until it expires or the API refuses it.
      if (this.current && !hasExpired(this.current.life, clock.now()) && !this.refused) return this.current.token
      throw error
    }
    return this.use(answer)
  }

  private async use(answer: TokenAnswer): Promise<string> {
    this.obtained += 1
    this.last = answer
    this.current = { token: answer.accessToken, life: lifeOf(answer.accessToken, answer.sentAt, answer.expiresIn) }
    this.options.onObtained(answer, this.obtained)
    this.options.onAccessToken(answer.accessToken)
    if (this.grant.kind === 'refresh_token' && answer.refreshToken && answer.refreshToken !== this.grant.refreshToken) {
      this.grant = { ...this.grant, refreshToken: answer.refreshToken }
      await this.options.onRotated(answer.refreshToken)
    }
    return answer.accessToken
  }
}
