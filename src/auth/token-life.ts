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
 * early): by `expires_in` seconds when the answer gave it, by the JWT's `exp` otherwise; the earlier of the two
 * when both are known. Undefined when neither is: such a token is used until the API answers 401.
 */
export function lifeOf(token: string, obtainedAt: number, expiresInSeconds?: number): TokenLife | undefined {
  const lives: TokenLife[] = []
  if (expiresInSeconds !== undefined && Number.isFinite(expiresInSeconds) && expiresInSeconds > 0) {
    lives.push({ expiresAt: obtainedAt + expiresInSeconds * 1000, lifetimeMs: expiresInSeconds * 1000 })
  }
  const claims = jwtClaims(token)
  if (claims?.exp !== undefined) {
    const expiresAt = claims.exp * 1000
    const issuedAt = claims.iat !== undefined && claims.iat < claims.exp ? claims.iat * 1000 : obtainedAt
    lives.push({ expiresAt, lifetimeMs: Math.max(0, expiresAt - issuedAt) })
  }
  if (lives.length === 0) return undefined
  return lives.reduce((a, b) => (b.expiresAt < a.expiresAt ? b : a))
}

/** Less than 60 s, or less than 20% of the lifetime, is left (the smaller margin counts). */
export function needsRefresh(life: TokenLife | undefined, now: number): boolean {
  if (life === undefined) return false
  const margin = Math.min(REFRESH_MARGIN_MS, REFRESH_SHARE * life.lifetimeMs)
  return life.expiresAt - now < margin
}

/** The token has expired by the runner's clock. */
export function hasExpired(life: TokenLife | undefined, now: number): boolean {
  return life !== undefined && now >= life.expiresAt
}
