// Token lifetimes on one clock, and the refresh that never holds up a call: the pure life rule with a token server
// whose clock is off, and the token source on a fake clock when a refresh fails while the current token serves.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { withRetries } from '../../src/api/retry-policy.ts'
import { OAuthTokens } from '../../src/auth/oauth.ts'
import { lifeOf, needsRefresh } from '../../src/auth/token-life.ts'
import { TransportError } from '../../src/http/transport-failures.ts'
import type { HttpRequest, HttpResponse } from '../../src/http/transport.ts'
import { FakeClock } from '../support/fake-clock.ts'

const NOW = 1_700_000_000_000
const TEN_MINUTES = 600_000

function jwt(claims: Record<string, unknown>): string {
  const part = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`
}

describe('token lifetimes on the runner clock', () => {
  it('expires_in wins over a JWT exp from a server whose clock is 10 minutes behind', () => {
    const behind = (NOW - TEN_MINUTES) / 1000
    const token = jwt({ iat: behind, exp: behind + 300 })
    const life = lifeOf(token, NOW, 300)
    expect(life).toEqual({ expiresAt: NOW + 300_000, lifetimeMs: 300_000 })
    expect(needsRefresh(life, NOW + 1000)).toBe(false)
  })

  it('without expires_in, the JWT exp is moved by the skew the Date header showed', () => {
    const behind = (NOW - TEN_MINUTES) / 1000
    const token = jwt({ iat: behind, exp: behind + 300 })
    expect(lifeOf(token, NOW, undefined, -TEN_MINUTES)).toEqual({ expiresAt: NOW + 300_000, lifetimeMs: 300_000 })
    const ahead = (NOW + TEN_MINUTES) / 1000
    expect(lifeOf(jwt({ iat: ahead, exp: ahead + 60 }), NOW, undefined, TEN_MINUTES)).toEqual({
      expiresAt: NOW + 60_000,
      lifetimeMs: 60_000
    })
  })
})

describe('a refresh that fails while the current token serves', () => {
  let clock: FakeClock
  let posts: HttpRequest[]
  let answers: HttpResponse[]
  const warnings: string[] = []
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    clock = new FakeClock(NOW)
    posts = []
    answers = []
    warnings.length = 0
  })
  afterEach(() => vi.restoreAllMocks())

  const ok = (n: number): HttpResponse => ({
    status: 200,
    headers: {},
    body: JSON.stringify({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, expires_in: 300 })
  })

  function source(): OAuthTokens {
    return new OAuthTokens({
      grant: { kind: 'refresh_token', refreshToken: 'refresh-0', clientId: 'client' },
      endpoint: {
        url: 'https://auth.example/as/token',
        transport: async (request) => {
          posts.push(request)
          await Promise.resolve()
          return answers.shift() ?? ok(posts.length)
        },
        clock,
        userAgent: 'test',
        requestTimeoutMs: 30_000,
        onRetry: (message, persistent) => void (persistent && warnings.push(message))
      },
      onAccessToken: () => {},
      onRotated: async () => {},
      onObtained: () => {}
    })
  }

  it('a 200 HTML page: the current token serves, the warning says so, and a later refresh succeeds', async () => {
    const tokens = source()
    await tokens.token()
    clock.time = NOW + 250_000
    answers.push({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in</html>' })
    expect(await tokens.token()).toBe('access-1')
    await tokens.settle(1000)
    expect(warnings.join('\n')).toMatch(/Refreshing the access token failed .*HTTP 200.*valid for another/)
    expect(warnings.join('\n')).toMatch(/may have rotated the refresh token/)
    clock.time = NOW + 270_000
    expect(await tokens.token()).toBe('access-1')
    await tokens.settle(1000)
    expect(await tokens.token()).toBe('access-3')
  })

  it('invalid_grant: the current token serves until it expires, then every call fails, explained', async () => {
    const tokens = source()
    await tokens.token()
    clock.time = NOW + 250_000
    answers.push({ status: 400, headers: {}, body: JSON.stringify({ error: 'invalid_grant' }) })
    expect(await tokens.token()).toBe('access-1')
    await tokens.settle(1000)
    expect(await tokens.token()).toBe('access-1')
    expect(warnings.join('\n')).toMatch(/create a new token pair/)
    clock.time = NOW + 301_000
    await expect(tokens.token()).rejects.toThrow(/invalid_grant/)
    expect(posts).toHaveLength(2)
  })

  it('a grant is given its full request timeout, whatever deadline the call has', async () => {
    const tokens = source()
    await tokens.token()
    clock.time = NOW + 250_000
    expect(await tokens.token()).toBe('access-1')
    await tokens.settle(1000)
    expect(posts.map((p) => p.timeoutMs)).toEqual([30_000, 30_000])
  })
})

describe('connections refused on every try', () => {
  it('end the retries after 30 s, with one persistent retry line at most', async () => {
    const clock = new FakeClock(NOW)
    const lines: boolean[] = []
    const refused = (): Promise<never> => Promise.reject(new TransportError('refused', 'connection refused'))
    await expect(
      withRetries(refused, {
        what: 'GET /x',
        clock,
        deadline: NOW + 6 * 3600_000,
        persistMs: 300_000,
        refusedMs: 30_000,
        random: () => 0.999,
        onRetry: (_m, persistent) => void lines.push(persistent)
      })
    ).rejects.toThrow('connection refused')
    expect(clock.now() - NOW).toBeLessThanOrEqual(30_000)
    expect(lines.filter(Boolean)).toHaveLength(1)
  })
})
