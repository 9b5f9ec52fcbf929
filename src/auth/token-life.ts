/**
 * When an access token expires and when to refresh it. AAC's access tokens live 1 hour by its help page and
 * 5 minutes by its 2025 guide, so the lifetime is read from each answer (`expires_in`) or the JWT's `exp`, never
 * assumed. Pure.
 */
import { jwtClaims } from '../shared/jwt.ts'

export interface TokenLife {
  /** Epoch ms. */
  expiresAt: number
  lifetimeMs: number
}

/** Refresh when less than this is left… */
export const REFRESH_MARGIN_MS = 60_000
/** …or less than this share of its lifetime, whichever is less: short-lived tokens are not refreshed every call. */
export const REFRESH_SHARE = 0.2

/**
 * The life of `token`, obtained at `obtainedAt` (epoch ms, taken when the request was sent, so the estimate errs
 * early), on the runner's clock: by `expires_in` seconds when the answer gave it; else by the JWT's `exp`, which is
 * on the token server's clock and so is moved by `serverSkewMs` (the server's clock minus the runner's, from its
 * `Date` header) when that is known. Undefined when neither is given: such a token is used until the API answers
 * 401. Taking the earlier of the two would make a server whose clock lags refresh on every call.
 */
export function lifeOf(
  token: string,
  obtainedAt: number,
  expiresInSeconds?: number,
  serverSkewMs = 0
): TokenLife | undefined {
  if (expiresInSeconds !== undefined && Number.isFinite(expiresInSeconds) && expiresInSeconds > 0) {
    return { expiresAt: obtainedAt + expiresInSeconds * 1000, lifetimeMs: expiresInSeconds * 1000 }
  }
  const claims = jwtClaims(token)
  if (claims?.exp === undefined) return undefined
  const expiresAt = claims.exp * 1000 - serverSkewMs
  const lifetimeMs =
    claims.iat !== undefined && claims.iat < claims.exp ? (claims.exp - claims.iat) * 1000 : expiresAt - obtainedAt
  return { expiresAt, lifetimeMs: Math.max(0, lifetimeMs) }
}

/**
 * The life of a token just obtained (`obtainedAt`: when its request was sent): as `lifeOf`, but a JWT `exp` that
 * would need a refresh the moment the token arrives disagrees with the runner's clock (a `Date` header that was
 * missing, or stamped by a proxy, did not correct it): then its `iat`–`exp` span is measured on the runner's clock
 * from `obtainedAt`, or without `iat` the token is used until the API answers 401. Else every call would refresh.
 */
export function freshLife(
  token: string,
  obtainedAt: number,
  expiresInSeconds?: number,
  serverSkewMs = 0
): TokenLife | undefined {
  const life = lifeOf(token, obtainedAt, expiresInSeconds, serverSkewMs)
  if (life === undefined || !needsRefresh(life, obtainedAt)) return life
  const { iat, exp } = jwtClaims(token) ?? {}
  if (iat === undefined || exp === undefined || !(iat < exp)) return undefined
  return { expiresAt: obtainedAt + life.lifetimeMs, lifetimeMs: life.lifetimeMs }
}

/** Less than 60 s, or less than 20% of the lifetime, is left (the smaller margin counts). */
export function needsRefresh(life: TokenLife | undefined, now: number): boolean {
  if (life === undefined) return false
  const margin = Math.min(REFRESH_MARGIN_MS, REFRESH_SHARE * life.lifetimeMs)
  return life.expiresAt - now < margin
}

/**
 * When a refresh token expires (epoch ms): by the answer's `refresh_token_expires_in` seconds (counted from when
 * the request was sent), else by the refresh token's own `exp` if it is a JWT; undefined when neither says.
 */
export function refreshTokenExpiresAt(
  expiresIn: unknown,
  refreshToken: string | undefined,
  sentAt: number
): number | undefined {
  const seconds = typeof expiresIn === 'number' || typeof expiresIn === 'string' ? Number(expiresIn) : NaN
  const plausible = (at: number): number | undefined => (at > 0 && at - sentAt <= MAX_REFRESH_LIFE_MS ? at : undefined)
  if (String(expiresIn).trim() !== '' && Number.isFinite(seconds) && seconds > 0) {
    return plausible(sentAt + seconds * 1000)
  }
  const exp = refreshToken === undefined ? undefined : jwtClaims(refreshToken)?.exp
  return exp === undefined ? undefined : plausible(exp * 1000)
}

/** AAC lets a refresh token live up to 365 days; an expiry further off than this is not believed. */
const MAX_REFRESH_LIFE_MS = 10 * 365 * 86_400_000

/** Every run warns once when less than this is left before the refresh token lapses. */
export const LAPSE_WARNING_MS = 14 * 86_400_000

/** `2026-12-14 09:30 UTC`. */
export const utcDate = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`

/** The warning that the refresh token lapses soon, or undefined when it does not (or nothing says when). */
export function lapseWarning(expiresAt: number | undefined, now: number): string | undefined {
  if (expiresAt === undefined || expiresAt - now >= LAPSE_WARNING_MS) return undefined
  const days = Math.max(0, Math.floor((expiresAt - now) / 86_400_000))
  return (
    `The refresh token expires on ${utcDate(expiresAt)} (in ${days} days). If no run refreshes it before then, it ` +
    'stops working and a new token pair must be made by hand. Schedule the keep-alive (a weekly workflow with ' +
    'dry-run: true, refresh-token and no run target, in the same concurrency group as the runs; see "Keep the ' +
    'refresh token alive" in docs/aac.md), or create a new pair with a longer lifetime.'
  )
}

/** The token has expired by the runner's clock. */
export function hasExpired(life: TokenLife | undefined, now: number): boolean {
  return life !== undefined && now >= life.expiresAt
}
