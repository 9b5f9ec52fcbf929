/**
 * JWT claims, read without verifying the signature: the action only takes defaults (`iss`, `client_id`) and an
 * expiry (`exp`, `iat`) from tokens the user or the token endpoint gave it, and the API still checks every token.
 * Pure.
 */

export interface TokenClaims {
  iss?: string
  client_id?: string
  /** Seconds since the epoch. */
  exp?: number
  /** Seconds since the epoch. */
  iat?: number
}

/** The claims of a JWT (`header.payload.signature`), or undefined when `token` is not one. */
export function jwtClaims(token: string): TokenClaims | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? '')) return undefined
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined
  const p = payload as Record<string, unknown>
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined)
  const time = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)
  return { iss: text(p.iss), client_id: text(p.client_id), exp: time(p.exp), iat: time(p.iat) }
}
