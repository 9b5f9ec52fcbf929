// Sign-in, the pure parts and the token source on a fake clock: the expiry rule, JWT claims, the input rules of
// the three sign-in modes, the AAC host rewrite, and single-flight refreshes with the 401 renewal.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { jwtClaims } from '../../src/shared/jwt.ts'
import { OAuthTokens, type OAuthOptions } from '../../src/auth/oauth.ts'
import { lifeOf, needsRefresh } from '../../src/auth/token-life.ts'
import type { HttpRequest, HttpResponse } from '../../src/http/transport.ts'
import { FakeClock } from '../support/fake-clock.ts'
import { API_TOKEN, SECRETS_TOKENS } from '../support/fake-tokens.ts'
import { inputParser } from '../support/parse-inputs.ts'

const NOW = 1_700_000_000_000

/** An unsigned JWT with these claims (the action never verifies signatures: the API does). */
function jwt(claims: Record<string, unknown>): string {
  const part = (v: object): string => Buffer.from(JSON.stringify(v)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`
}

describe('the expiry rule: refresh when less than 60 s or 20% of the lifetime is left, the smaller margin', () => {
  it.each([
    ['1 hour', 3600, 3539, 3541],
    ['5 minutes', 300, 239, 241],
    ['3 seconds', 3, 2.39, 2.41],
    ['2 seconds', 2, 1.59, 1.61]
  ])('%s tokens (%s s): kept at %s s, refreshed at %s s', (_what, lifetime, keptAt, refreshedAt) => {
    const life = lifeOf('opaque-token', NOW, lifetime)
    expect(needsRefresh(life, NOW + keptAt * 1000)).toBe(false)
    expect(needsRefresh(life, NOW + refreshedAt * 1000)).toBe(true)
  })

  it('reads the lifetime from expires_in (on the runner clock) when given, else from the JWT exp (and iat)', () => {
    const token = jwt({ iat: NOW / 1000, exp: NOW / 1000 + 300 })
    expect(lifeOf(token, NOW)).toEqual({ expiresAt: NOW + 300_000, lifetimeMs: 300_000 })
    expect(lifeOf(token, NOW, 3600)).toEqual({ expiresAt: NOW + 3600_000, lifetimeMs: 3600_000 })
    expect(lifeOf(token, NOW, 60)).toEqual({ expiresAt: NOW + 60_000, lifetimeMs: 60_000 })
    expect(lifeOf(jwt({ exp: NOW / 1000 + 100 }), NOW)).toEqual({ expiresAt: NOW + 100_000, lifetimeMs: 100_000 })
  })

  it('a token of unknown life is used until the API refuses it', () => {
    expect(lifeOf('not-a-jwt', NOW)).toBeUndefined()
    expect(needsRefresh(undefined, NOW + 365 * 86_400_000)).toBe(false)
  })
})

describe('jwtClaims', () => {
  it('reads iss, client_id, exp and iat of a JWT without verifying it', () => {
    const claims = { iss: 'https://pingauth.alteryxcloud.com/as', client_id: 'abc', exp: 2, iat: 1, sub: 'u' }
    expect(jwtClaims(jwt(claims))).toEqual({ iss: claims.iss, client_id: 'abc', exp: 2, iat: 1 })
  })

  it.each([
    ['an opaque token', API_TOKEN],
    ['two parts', 'eyJhIjoxfQ.eyJhIjoxfQ'],
    ['a payload that is not base64url JSON', 'eyJhIjoxfQ.!!!.sig'],
    ['a payload that is not an object', `x.${Buffer.from('[1,2]').toString('base64url')}.sig`],
    ['claims of the wrong types', jwt({ iss: 42, client_id: ['a'], exp: 'soon' })]
  ])('gives nothing usable for %s', (_what, token) => {
    const claims = jwtClaims(token)
    expect(claims?.iss ?? claims?.client_id ?? claims?.exp).toBeUndefined()
  })
})

const { parse, errorsOf: inputErrorsOf } = inputParser({ 'api-url': 'https://us1.alteryxcloud.com', 'recipe-id': '7' })
const errorsOf = (inputs: Record<string, string>): string[] => inputErrorsOf(inputs).map((e) => e.message)

describe('sign-in inputs', () => {
  const pairToken = jwt({ iss: 'https://pingauth.alteryxcloud.com/as', client_id: 'client-from-claim', exp: 1, iat: 0 })

  it('a static api-token alone, as before', () => {
    expect(parse({ 'api-token': API_TOKEN }).signIn).toEqual({ mode: 'static', token: API_TOKEN })
  })

  it('a refresh token takes client-id and token-endpoint from the api-token claims, and appends /token', () => {
    const config = parse({ 'refresh-token': 'rt-abcdef', 'api-token': pairToken })
    expect(config.signIn).toEqual({
      mode: 'refresh-token',
      refreshToken: 'rt-abcdef',
      clientId: 'client-from-claim',
      tokenEndpoint: 'https://pingauth.alteryxcloud.com/as/token',
      accessToken: pairToken,
      writeBack: undefined
    })
    expect(config.apiToken).toBe('')
    expect(config.warnings.join('\n')).toContain('refresh-token is given without refresh-token-secret')
  })

  it('given inputs win over the claims; a URL ending in /token is kept; write-back to an environment secret', () => {
    const config = parse({
      'refresh-token': 'rt-abcdef',
      'api-token': pairToken,
      'client-id': 'given-client',
      'token-endpoint': 'https://pingauth-eu1.alteryxcloud.com/as/token/',
      'refresh-token-secret': 'production/AAC_REFRESH_TOKEN',
      'secrets-token': SECRETS_TOKENS.writer
    })
    expect(config.signIn).toMatchObject({
      clientId: 'given-client',
      tokenEndpoint: 'https://pingauth-eu1.alteryxcloud.com/as/token',
      writeBack: { name: 'AAC_REFRESH_TOKEN', environment: 'production', token: SECRETS_TOKENS.writer }
    })
    expect(config.warnings).toEqual([])
  })

  it('a service principal needs client-id, client-secret and token-endpoint', () => {
    const sp = { 'client-id': 'sp', 'client-secret': 'sp-secret-1', 'token-endpoint': 'https://a.example/as' }
    expect(parse(sp).signIn).toEqual({
      mode: 'client-credentials',
      clientId: 'sp',
      clientSecret: 'sp-secret-1',
      tokenEndpoint: 'https://a.example/as/token'
    })
    expect(errorsOf({ 'client-secret': 'sp-secret-1' })).toEqual([
      "Input 'client-id': is required with client-secret: the service principal's Client ID.",
      "Input 'token-endpoint': is required with client-secret: the service principal's Token Endpoint."
    ])
  })

  it.each([
    [
      'nothing',
      {},
      ['api-token', 'is empty, and no other way to sign in is given: give api-token (a static token), refresh-token']
    ],
    [
      'refresh-token and client-secret',
      { 'refresh-token': 'rt-1234', 'client-secret': 'cs-1234' },
      ['refresh-token', 'not both']
    ],
    [
      'api-token and client-secret',
      { 'api-token': 'tok-1234', 'client-secret': 'cs-1234', 'client-id': 'x', 'token-endpoint': 'https://a.example' },
      ['api-token', 'cannot be used with client-secret']
    ],
    [
      'client-id with a static token',
      { 'api-token': 'tok-1234', 'client-id': 'x' },
      ['client-id', 'only used with refresh-token or client-secret']
    ],
    [
      'a refresh token without client id or endpoint',
      { 'refresh-token': 'rt-1234' },
      ['client-id', 'give the access token of the pair as api-token']
    ],
    [
      'a refresh token with a non-JWT api-token',
      { 'refresh-token': 'rt-1234', 'api-token': 'opaque-1234' },
      ['client-id', 'has no client_id claim']
    ],
    [
      'refresh-token-secret without secrets-token',
      {
        'refresh-token': 'rt-1234',
        'client-id': 'c',
        'token-endpoint': 'https://a.example',
        'refresh-token-secret': 'S'
      },
      ['secrets-token', 'is required with refresh-token-secret']
    ],
    [
      'secrets-token without refresh-token-secret',
      {
        'refresh-token': 'rt-1234',
        'client-id': 'c',
        'token-endpoint': 'https://a.example',
        'secrets-token': 'pat-1234'
      },
      ['refresh-token-secret', 'is required with secrets-token']
    ],
    [
      'write-back with a static token',
      { 'api-token': 'tok-1234', 'refresh-token-secret': 'S', 'secrets-token': 'pat-1234' },
      ['refresh-token-secret', 'a static api-token does not rotate']
    ],
    [
      'a bad secret name',
      {
        'refresh-token': 'rt-1234',
        'client-id': 'c',
        'token-endpoint': 'https://a.example',
        'refresh-token-secret': 'GITHUB_TOKEN',
        'secrets-token': 'pat-1234'
      },
      ['refresh-token-secret', 'is not a secret name']
    ],
    [
      'plain http to a remote token endpoint',
      { 'refresh-token': 'rt-1234', 'client-id': 'c', 'token-endpoint': 'http://pingauth.alteryxcloud.com/as' },
      ['token-endpoint', 'plain http is only allowed for loopback hosts']
    ],
    [
      'a token endpoint that is no URL',
      { 'refresh-token': 'rt-1234', 'client-id': 'c', 'token-endpoint': 'pingauth' },
      ['token-endpoint', "'pingauth' is not a URL"]
    ],
    [
      'an http iss claim',
      { 'refresh-token': 'rt-1234', 'api-token': jwt({ iss: 'http://evil.example/as', client_id: 'c' }) },
      ['token-endpoint', 'the iss claim of api-token cannot be used: plain http']
    ]
  ])('%s is an input error naming the input', (_what, inputs, [input, text]) => {
    const found = errorsOf(inputs).find((m) => m.startsWith(`Input '${input}':`))
    expect(found, errorsOf(inputs).join('\n')).toContain(text)
  })

  it('plain http is allowed for a loopback token endpoint', () => {
    const config = parse({ 'refresh-token': 'rt-1234', 'client-id': 'c', 'token-endpoint': 'http://127.0.0.1:8950/as' })
    expect(config.signIn).toMatchObject({ tokenEndpoint: 'http://127.0.0.1:8950/as/token' })
  })

  it.each([
    ['api-token', '\u200b'],
    ['refresh-token', '\u2060'],
    ['client-secret', '\u0000'],
    ['secrets-token', '\u202e']
  ])(
    'a control or invisible character in %s is an input error naming it, and where, never the token',
    (input, char) => {
      const base = {
        'refresh-token': 'rt-1234',
        'client-id': 'c',
        'token-endpoint': 'https://a.example',
        'refresh-token-secret': 'S',
        'secrets-token': 'pat-1234'
      }
      const sp = { 'client-id': 'c', 'client-secret': 'cs-1234', 'token-endpoint': 'https://a.example' }
      const inputs = input === 'api-token' ? { 'api-token': 'tok-SECRET' } : input === 'client-secret' ? sp : base
      const value = `${(inputs as Record<string, string>)[input]}${char}tail`
      const messages = errorsOf({ ...inputs, [input]: value })
      const code = char
        .codePointAt(char.length - 1)!
        .toString(16)
        .toUpperCase()
        .padStart(4, '0')
      expect(messages.find((m) => m.startsWith(`Input '${input}':`))).toContain(
        `contains a control, invisible or non-ASCII character (U+${code})`
      )
      expect(messages.join('\n')).not.toContain('tail')
    }
  )
})

describe('the Alteryx Analytics Cloud host', () => {
  it('api.<region>.alteryxcloud.com: /v4 calls go to <region>.alteryxcloud.com, said once; app-url follows', () => {
    const config = parse({ 'api-url': 'https://api.eu1.alteryxcloud.com/v4/', 'api-token': API_TOKEN })
    expect(config.apiUrl).toBe('https://eu1.alteryxcloud.com')
    expect(config.appUrl).toBe('https://eu1.alteryxcloud.com')
    expect(config.warnings).toEqual([
      "api-url https://api.eu1.alteryxcloud.com is the host of Alteryx Analytics Cloud's platform APIs; " +
        'its /v4 API is served from https://eu1.alteryxcloud.com, so the calls go there. ' +
        'Set api-url to https://eu1.alteryxcloud.com.'
    ])
  })

  it.each([
    'https://us1.alteryxcloud.com',
    'https://api.clouddataprep.com',
    'https://api.us1.alteryxcloud.com.evil.example'
  ])('leaves %s alone', (url) => {
    const config = parse({ 'api-url': url, 'api-token': API_TOKEN })
    expect(config.apiUrl).toBe(url)
    expect(config.warnings).toEqual([])
  })
})

describe('OAuthTokens on a fake clock', () => {
  let clock: FakeClock
  let posts: HttpRequest[]
  let answers: ((n: number) => HttpResponse)[]
  beforeEach(() => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true) // the ::add-mask:: lines
    clock = new FakeClock(NOW)
    posts = []
    answers = []
  })
  afterEach(() => vi.restoreAllMocks())

  const ok = (n: number, expiresIn = 300): HttpResponse => ({
    status: 200,
    headers: {},
    body: JSON.stringify({ access_token: `access-${n}`, refresh_token: `refresh-${n}`, expires_in: expiresIn })
  })
  const oauthError = (status: number, error: string): HttpResponse => ({
    status,
    headers: {},
    body: JSON.stringify({ error })
  })

  function source(options: Partial<OAuthOptions> = {}) {
    const rotated: string[] = []
    const saved: string[] = []
    const transport = async (request: HttpRequest): Promise<HttpResponse> => {
      posts.push(request)
      await Promise.resolve()
      return (answers.shift() ?? ((n: number) => ok(n)))(posts.length)
    }
    const tokens = new OAuthTokens({
      grant: { kind: 'refresh_token', refreshToken: 'refresh-0', clientId: 'client' },
      endpoint: {
        url: 'https://auth.example/as/token',
        transport,
        clock,
        userAgent: 'test',
        requestTimeoutMs: 30_000,
        onRetry: () => {}
      },
      onAccessToken: (t) => saved.push(t),
      onRotated: async (t) => void rotated.push(t),
      onObtained: () => {},
      ...options
    })
    return { tokens, rotated, saved }
  }

  it('concurrent calls share one refresh (single flight), and the grant is form-encoded', async () => {
    const { tokens, rotated, saved } = source()
    const got = await Promise.all(Array.from({ length: 5 }, () => tokens.token()))
    expect(got).toEqual(Array(5).fill('access-1'))
    expect(posts).toHaveLength(1)
    expect(posts[0]!.headers['Content-Type']).toBe('application/x-www-form-urlencoded')
    expect(Object.fromEntries(new URLSearchParams(posts[0]!.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'refresh-0',
      client_id: 'client'
    })
    expect(rotated).toEqual(['refresh-1'])
    expect(saved).toEqual(['access-1'])
  })

  it('keeps a token until its margin, then refreshes beside the call, which goes on with the old token', async () => {
    const { tokens } = source()
    await tokens.token()
    clock.time = NOW + 239_000
    expect(await tokens.token()).toBe('access-1')
    clock.time = NOW + 241_000
    expect(await tokens.token()).toBe('access-1')
    await tokens.settle(1000)
    expect(await tokens.token()).toBe('access-2')
    expect(posts).toHaveLength(2)
    expect(new URLSearchParams(posts[1]!.body).get('refresh_token')).toBe('refresh-1')
  })

  it('a 401 renews once; callers holding the old token repeat with the new one, with no second refresh', async () => {
    const { tokens } = source()
    const used = await tokens.token()
    expect(await Promise.all([tokens.renewAfterUnauthorized(used), tokens.renewAfterUnauthorized(used)])).toEqual([
      true,
      true
    ])
    expect(await tokens.renewAfterUnauthorized(used)).toBe(true)
    expect(posts).toHaveLength(2)
    expect(await tokens.token()).toBe('access-2')
  })

  it('the write-back check runs before the first grant, and its failure sends none', async () => {
    const { tokens } = source({ prepare: () => Promise.reject(new Error('no permission')) })
    await expect(tokens.token()).rejects.toThrow('no permission')
    await expect(tokens.token()).rejects.toThrow('no permission')
    expect(posts).toEqual([])
  })

  it('a definite refusal (invalid_grant) is final: explained once, never asked again', async () => {
    answers.push(() => oauthError(400, 'invalid_grant'))
    const { tokens } = source()
    await expect(tokens.token()).rejects.toThrow('The refresh token was already used or has expired')
    await expect(tokens.token()).rejects.toThrow('invalid_grant')
    expect(posts).toHaveLength(1)
  })

  it('in a token endpoint outage, a token with time left serves; a failed refresh is tried again later', async () => {
    const { tokens } = source()
    await tokens.token()
    clock.time = NOW + 250_000 // 50 s left: refresh due
    for (let i = 0; i < 500; i++) answers.push(() => oauthError(503, 'temporarily_unavailable'))
    expect(await tokens.token()).toBe('access-1')
    await tokens.settle(1000)
    expect(await tokens.token()).toBe('access-1')
    expect(posts).toHaveLength(2) // the next try comes after a third of the time left, not on every call
    clock.time = NOW + 270_000
    expect(await tokens.token()).toBe('access-1')
    await tokens.settle(1000)
    expect(posts).toHaveLength(3)
    expect(clock.now()).toBeLessThanOrEqual(NOW + 271_000) // no retry loop ran: one attempt
    clock.time = NOW + 300_000 // expired: now the outage is waited out, for two minutes at most
    await expect(tokens.token()).rejects.toThrow('answered HTTP 503 temporarily_unavailable')
    expect(posts.length).toBeGreaterThan(6)
    expect(clock.now()).toBeGreaterThan(NOW + 300_000 + 60_000)
    expect(clock.now()).toBeLessThanOrEqual(NOW + 300_000 + 120_000)
  })
})
