/**
 * Write-back of a rotated refresh token to a GitHub Actions secret (repository or environment), with plain REST
 * calls through the transport (Octokit stays out of the main bundle): read the secret's public key once, before the
 * first refresh, so that a token without the permission fails while the stored refresh token still works; then
 * seal each new refresh token with that key (a libsodium sealed box, as GitHub's docs show) and PUT it. What GitHub
 * says is temporary is retried, as long as it asks (retry-after, x-ratelimit-reset) and the step's time allows: 429,
 * a 403 rate limit, 5xx. A 422 about the key (it changed since it was read) reads the key again, once, and re-seals.
 * libsodium (about 430 kB) is loaded by a dynamic import, only when write-back is configured.
 */
import type { Clock } from '../shared/clock.ts'
import { formatMs, oneLine } from '../shared/format.ts'
import { withRetries } from '../api/retry-policy.ts'
import { registerSecret } from '../shared/secrets.ts'
import type { WriteBack } from '../inputs/sign-in-inputs.ts'
import { TransportError } from '../http/transport-failures.ts'
import type { Transport } from '../http/transport.ts'
import { explainSecretFailure, SignInError, type SecretContext } from './explain.ts'

type Sodium = (typeof import('libsodium-wrappers'))['default']

export interface SecretStoreOptions {
  writeBack: WriteBack
  transport: Transport
  clock: Clock
  userAgent: string
  requestTimeoutMs: number
  onRetry: (message: string, persistent: boolean) => void
  /** The step's own deadline (epoch ms): retries end by then, but each call gets at least one attempt. */
  stepDeadline?: number
  /** The runner's GITHUB_REPOSITORY and GITHUB_API_URL by default. */
  env?: Record<string, string | undefined>
}

/** GitHub answered with an error status. */
export class GitHubError extends Error {
  readonly status: number
  readonly headers: Record<string, string>
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.name = 'GitHubError'
    this.status = status
    this.headers = headers
  }

  /**
   * GitHub's rate limits (its REST docs, "Rate limits for the REST API"): 429, or 403 with `retry-after` (a secondary
   * limit) or with `x-ratelimit-remaining: 0` (the primary limit spent). Any other 403 is a missing permission.
   */
  get rateLimited(): boolean {
    if (this.status === 429) return true
    return (
      this.status === 403 &&
      (this.headers['retry-after'] !== undefined || this.headers['x-ratelimit-remaining'] === '0')
    )
  }

  /** How long GitHub asks to wait (ms): `retry-after` seconds, else until `x-ratelimit-reset` (epoch seconds). */
  waitMs(now: number): number | undefined {
    const after = Number(this.headers['retry-after'])
    if (this.headers['retry-after'] !== undefined && Number.isFinite(after) && after >= 0) return after * 1000
    const reset = Number(this.headers['x-ratelimit-reset'])
    return this.headers['x-ratelimit-reset'] !== undefined && Number.isFinite(reset) ? reset * 1000 - now : undefined
  }
}

/** A GitHub call on the secret is given this long, retries included… */
const CALL_BUDGET_MS = 30_000
/** …but a rate limit is waited out as GitHub asks, until the step's deadline (at most this long without one). */
const RATE_LIMIT_BUDGET_MS = 10 * 60_000
/** A rotated token must get its write even past the step's deadline: one attempt's worth. */
const MIN_CALL_MS = 3_000
const GITHUB_API_VERSION = '2022-11-28'

export class SecretStore {
  private writeFailed = false
  private keyReread = false
  private readonly options: SecretStoreOptions
  private readonly context: SecretContext
  private key?: { id: string; value: Uint8Array }
  private sodium?: Sodium

  constructor(options: SecretStoreOptions) {
    this.options = options
    const env = options.env ?? process.env
    const { name, environment } = options.writeBack
    const apiUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
    this.context = { repository: env.GITHUB_REPOSITORY ?? '', name, environment, apiUrl }
  }

  /** Where the refresh token goes, for messages: `AAC_REFRESH_TOKEN` or `production/AAC_REFRESH_TOKEN`. */
  get label(): string {
    return [this.context.environment, this.context.name].filter(Boolean).join('/')
  }

  /** Before the first refresh: the public key can be read (the token has the permission) and libsodium loads. */
  async check(): Promise<void> {
    if (!/^[^/]+\/[^/]+$/.test(this.context.repository)) {
      throw new SignInError('GITHUB_REPOSITORY is not set (owner/repo): the refresh token cannot be written back.')
    }
    const answer = await this.call('GET', 'public-key', 'read the public key of')
    const { key_id: id, key } = (answer ?? {}) as { key_id?: unknown; key?: unknown }
    if (typeof id !== 'string' || typeof key !== 'string') {
      throw new SignInError(`GitHub's answer to GET ${this.path('public-key')} has no key_id and key.`)
    }
    const sodium = (await import('libsodium-wrappers')).default
    await sodium.ready
    this.sodium = sodium
    this.key = { id, value: sodium.from_base64(key, sodium.base64_variants.ORIGINAL) }
  }

  /** Seals `value` with the public key read by `check()` and writes the secret; throws a `SignInError`. */
  async write(value: string): Promise<void> {
    const { sodium, key } = this
    if (!sodium || !key) throw new SignInError('The secret was written before its public key was read.')
    const sealed = sodium.crypto_box_seal(sodium.from_string(value), key.value)
    const encrypted = sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
    registerSecret(encrypted)
    try {
      await this.call('PUT', this.context.name, 'write', { encrypted_value: encrypted, key_id: key.id })
    } catch (error) {
      // The key changed between its read and this write: read it again, once, and seal anew.
      if (!(error instanceof SignInError && error.keyChanged) || this.keyReread) throw error
      this.keyReread = true
      this.options.onRetry(
        `GitHub refused the sealed secret (${error.status}, the public key changed); reading it again.`,
        false
      )
      await this.check()
      await this.write(value)
    }
  }

  private path(leaf: string): string {
    const { repository, environment } = this.context
    const scope = environment ? `environments/${encodeURIComponent(environment)}/secrets` : 'actions/secrets'
    return `/repos/${repository}/${scope}/${leaf}`
  }

  private async call(
    method: 'GET' | 'PUT',
    leaf: string,
    doing: 'read the public key of' | 'write',
    body?: unknown
  ): Promise<unknown> {
    const { clock } = this.options
    const now = clock.now()
    const step = this.options.stepDeadline ?? now + RATE_LIMIT_BUDGET_MS
    const deadline = Math.max(now + MIN_CALL_MS, Math.min(now + RATE_LIMIT_BUDGET_MS, step))
    try {
      return await withRetries(() => this.send(method, this.path(leaf), body), {
        what: `${method} ${this.path(leaf)}`,
        clock,
        deadline,
        persistMs: RATE_LIMIT_BUDGET_MS,
        // Once a write has failed the step fails anyway: later rotations get one attempt each, not a wait each.
        // Other failures than rate limits get the call's budget; a rate limit is waited out as GitHub asks.
        retryable: (error) =>
          isTransient(error) &&
          !this.writeFailed &&
          ((error as GitHubError).rateLimited || clock.now() - now < CALL_BUDGET_MS),
        serverDelayMs: (error, at) => (error instanceof GitHubError ? error.waitMs(at) : undefined),
        describe: (failure, delay) =>
          `${method} ${this.path(leaf)} failed (${describe(failure)}); retrying in ${formatMs(delay)}`,
        onRetry: this.options.onRetry
      })
    } catch (error) {
      if (method === 'PUT') this.writeFailed = true
      throw explainSecretFailure(error, doing, this.context)
    }
  }

  private async send(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.writeBack.token}`,
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': GITHUB_API_VERSION,
      'User-Agent': this.options.userAgent
    }
    if (body !== undefined) headers['Content-Type'] = 'application/json'
    const response = await this.options.transport({
      method,
      url: `${this.context.apiUrl}${path}`,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      timeoutMs: this.options.requestTimeoutMs
    })
    let json: unknown
    try {
      const text = response.body.replace(/^\uFEFF/, '')
      json = text.trim() ? JSON.parse(text) : undefined
    } catch {
      json = undefined
    }
    if (response.status >= 200 && response.status < 300) return json
    const message = (json as { message?: unknown } | undefined)?.message
    const said = typeof message === 'string' ? message : oneLine(response.body, 200)
    throw new GitHubError(response.status, said, response.headers)
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof GitHubError) return error.rateLimited || [500, 502, 503, 504].includes(error.status)
  return error instanceof TransportError && ['refused', 'dns', 'reset', 'timeout'].includes(error.kind)
}

function describe(failure: Error): string {
  return failure instanceof GitHubError && failure.rateLimited ? `rate limit: ${failure.message}` : failure.message
}
