/**
 * Retry policy: the one place that decides what is retried, how long to wait before the next attempt, and when
 * to give up. Reads and cancel are retried on transient failures; the trigger has its own table, because sending
 * it twice can run a job twice.
 */
import { ApiError } from './api-error.ts'
import type { Clock } from '../shared/clock.ts'
import { formatMs } from '../shared/format.ts'
import { TransportError } from '../http/transport-failures.ts'

/** An answer that may well be different next time: a record not visible yet, a status in an odd shape. */
export class TransientError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TransientError'
  }
}

export type Failure = ApiError | TransportError | TransientError

const TRANSIENT_STATUSES = [429, 500, 502, 503, 504]
const BACKOFF_BASE_MS = 1000
const BACKOFF_CAP_MS = 30_000
/** No retry comes sooner than this after the previous attempt, whatever the server's headers say. */
export const MIN_RETRY_DELAY_MS = 1000
/** Nor later than this: a longer wait is taken in several steps (each attempt may be told to wait again). */
export const MAX_RETRY_DELAY_MS = 5 * 60_000
/** Connections refused on every try for this long (an address mistake) end the retries, persistence or not. */
export const REFUSED_MS = 30_000
/** While waiting for a job, failures end the wait only when no good answer came for this long. */
export const PERSISTENT_FAILURE_MS = 5 * 60_000

/** A 2xx answer that came back but cannot be read (not JSON, compressed, cut short, too large, an odd shape). */
export function isUnreadableAnswer(error: unknown): boolean {
  const status = answeredStatus(error)
  return status !== undefined && status >= 200 && status < 300
}

/** The HTTP status of the answer behind a failure, when one came (also one whose body was cut or too large). */
function answeredStatus(error: unknown): number | undefined {
  if (error instanceof ApiError) return error.status
  if (error instanceof TransportError && (error.kind === 'reset' || error.kind === 'too-large')) return error.status
  return undefined
}

/**
 * A read or cancel that failed this way is worth sending again (an unreadable answer too: the next may be fine; a
 * redirect elsewhere or a proxy's refusal too, from a gateway that misbehaves for a while).
 */
export function isTransient(error: unknown): error is Failure {
  if (isUnreadableAnswer(error) || error instanceof TransientError) return true
  const status = answeredStatus(error)
  if (status !== undefined) return TRANSIENT_STATUSES.includes(status)
  if (error instanceof TransportError) {
    return ['refused', 'dns', 'reset', 'timeout', 'redirect', 'proxy', 'other'].includes(error.kind)
  }
  return false
}

/**
 * What to do after a failed start (`POST /v4/jobGroups`, a flow or plan run):
 * - `resend`: the server certainly did not act (429, or refused / not looked up before sending): send again.
 * - `settle`: the server acted (a 2xx whose body cannot be read): find what it started; never send again.
 * - `reconcile`: the outcome is unknown (5xx, reset, timeout): find what it started, else send again.
 * - `fail`: a definite answer (4xx), or a failure that retrying cannot mend (nothing was sent: TLS, proxy, no host).
 */
export function triggerDecision(error: unknown): 'resend' | 'settle' | 'reconcile' | 'fail' {
  if (isUnreadableAnswer(error)) return 'settle'
  const status = answeredStatus(error)
  if (status !== undefined) {
    if (status === 429) return 'resend'
    return status >= 500 ? 'reconcile' : 'fail'
  }
  if (error instanceof TransportError) {
    if (error.kind === 'refused' || error.kind === 'dns') return 'resend'
    if (error.kind === 'reset' || error.kind === 'timeout' || error.kind === 'other') return 'reconcile'
  }
  return 'fail'
}

/**
 * Delay before attempt `attempt + 1` (0-based `attempt` of the failed one): `x-retry-after` seconds when present,
 * else the rate-limit reset headers (epoch seconds or milliseconds), else exponential backoff with full jitter.
 */
export function retryDelayMs(error: Failure, attempt: number, now: number, random: () => number = Math.random): number {
  return Math.min(
    MAX_RETRY_DELAY_MS,
    Math.max(MIN_RETRY_DELAY_MS, serverDelayMs(error, now) ?? backoffMs(attempt, random))
  )
}

/** What the server asks for: `x-retry-after` seconds, else the latest rate-limit reset, else nothing. */
function serverDelayMs(error: Failure, now: number): number | undefined {
  const headers = error instanceof ApiError ? error.headers : {}
  const retryAfter = Number(headers['x-retry-after'])
  if (headers['x-retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
    return Math.ceil(retryAfter * 1000)
  }
  const resets = [headers['x-rate-limit-user-reset'], headers['x-rate-limit-workspace-reset']]
    .map(epochMs)
    .filter((t): t is number => t !== undefined)
  if (resets.length > 0) {
    const wait = Math.max(...resets) - now
    if (wait > 0) return wait
  }
  return undefined
}

/** Full jitter: uniform in [0, min(cap, base·2^attempt)]. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * ceiling)
}

/** A reset header as epoch milliseconds: values below 10^11 are taken as seconds (the docs say both). */
export function epochMs(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0) return undefined
  return n < 1e11 ? n * 1000 : n
}

export interface RetryOptions<T> {
  /** What is being done, for the log: e.g. `GET /v4/jobGroups/4100/status`. */
  what: string
  clock: Clock
  /** Give up when the next attempt would start after this time (epoch ms): the overall timeout. */
  deadline: number
  /** Give up when failures have lasted this long without one good answer. */
  persistMs: number
  signal?: AbortSignal
  /** Once this aborts, no further attempt is made (the one under way may still finish, under `signal`). */
  halt?: AbortSignal
  random?: () => number
  /** Whether a failure is worth another attempt; `isTransient` by default. */
  retryable?: (error: unknown) => boolean
  /**
   * Before each further attempt: may settle the outcome without one (a start whose answer was lost looks for
   * what it created). A value ends the loop with that value; a thrown error ends it with that error.
   */
  beforeRetry?: (error: Failure) => Promise<T | undefined>
  /** The server's own wait for this failure (ms), when `retryDelayMs` cannot read it (e.g. GitHub's headers). */
  serverDelayMs?: (error: Failure, now: number) => number | undefined
  /**
   * Give up once every attempt so far was refused (nothing listens at the address) for this long: an address
   * mistake fails fast, with one warning at most on the way.
   */
  refusedMs?: number
  /** The log line of a retry; `<what> failed (<reason>); retry N in <delay>` by default. */
  describe?: (error: Failure, delayMs: number, attempt: number) => string
  onRetry: (message: string, persistent: boolean) => void
}

/**
 * The one retry loop: run `attempt` until it succeeds, a failure is not retryable, `beforeRetry` settles it, or
 * the budget is spent (then the last error is thrown).
 */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const retryable = options.retryable ?? isTransient
  let firstFailureAt: number | undefined
  let allRefused = true
  for (let n = 0; ; n++) {
    try {
      return await attempt(n)
    } catch (error) {
      if (!retryable(error) || options.halt?.aborted) throw error
      const failure = error as Failure
      const settled = await options.beforeRetry?.(failure)
      if (settled !== undefined) return settled
      const now = options.clock.now()
      firstFailureAt ??= now
      allRefused &&= error instanceof TransportError && error.kind === 'refused'
      const delay = Math.min(
        MAX_RETRY_DELAY_MS,
        Math.max(
          MIN_RETRY_DELAY_MS,
          options.serverDelayMs?.(failure, now) ?? retryDelayMs(failure, n, now, options.random)
        )
      )
      if (now + delay > options.deadline || now + delay - firstFailureAt > options.persistMs) throw error
      const refusedFor = options.refusedMs !== undefined && allRefused ? options.refusedMs : undefined
      if (refusedFor !== undefined && now + delay - firstFailureAt > refusedFor) throw error
      const message =
        options.describe?.(failure, delay, n) ??
        `${options.what} failed (${reason(failure)}); retry ${n + 1} in ${formatMs(delay)}`
      // Refused connections: one warning (at the second failure), then only debug lines until they give up.
      options.onRetry(message, refusedFor !== undefined ? n === 1 : n >= 2)
      const signals = [options.signal, options.halt].filter((s): s is AbortSignal => s !== undefined)
      await options.clock.sleep(delay, signals.length > 1 ? AbortSignal.any(signals) : signals[0])
    }
  }
}

export function reason(error: Failure): string {
  if (error instanceof ApiError) {
    const name = error.exception?.name ? ` ${error.exception.name}` : ''
    return `HTTP ${error.status}${name}${error.requestId ? `, request id ${error.requestId}` : ''}`
  }
  return error.message
}
