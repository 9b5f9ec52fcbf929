// A token server 10 minutes behind the runner, answering without expires_in, and a Date header that does not show
// it (missing, or stamped by a proxy): the JWT's exp is already past when the token arrives. Taken as it is, every
// call would refresh (a rotation and a secret write each). Its iat–exp span, on the runner's clock, is its life.
import { describe, expect, it } from 'vitest'
import { freshLife, hasExpired, lifeOf, needsRefresh } from '../../src/auth/token-life.ts'

const jwt = (claims: object): string =>
  [Buffer.from('{"alg":"none"}'), Buffer.from(JSON.stringify(claims))].map((b) => b.toString('base64url')).join('.') +
  '.x'

const NOW = Date.UTC(2026, 0, 1, 12)
const BEHIND = 600 // s

describe('the life of a token just obtained', () => {
  it('exp past on arrival, with iat: it lives its iat–exp span from when it was asked for', () => {
    const iat = NOW / 1000 - BEHIND
    const token = jwt({ iat, exp: iat + 300 })
    expect(hasExpired(lifeOf(token, NOW), NOW), 'as read before').toBe(true)
    const life = freshLife(token, NOW)!
    expect(life).toEqual({ expiresAt: NOW + 300_000, lifetimeMs: 300_000 })
    expect(needsRefresh(life, NOW + 200_000)).toBe(false)
    expect(needsRefresh(life, NOW + 250_000)).toBe(true)
  })

  it('exp past on arrival, without iat: used until the API answers 401, not refreshed on every call', () => {
    const token = jwt({ exp: NOW / 1000 - 300 })
    expect(freshLife(token, NOW)).toBeUndefined()
    expect(needsRefresh(freshLife(token, NOW), NOW)).toBe(false)
  })

  it('expires_in, and an exp that agrees with the clock, are taken as they are', () => {
    const token = jwt({ iat: NOW / 1000, exp: NOW / 1000 + 300 })
    expect(freshLife(token, NOW, 120)).toEqual({ expiresAt: NOW + 120_000, lifetimeMs: 120_000 })
    expect(freshLife(token, NOW)).toEqual(lifeOf(token, NOW))
  })
})
