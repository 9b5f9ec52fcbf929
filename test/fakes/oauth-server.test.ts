// Tests of the OAuth 2.0 token server and of the API emulator accepting its access tokens, over real HTTP.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Emulator, TokenServer, startAacEmulator } from '../emulator/index.ts'
import type { AccessTokenClaims, TokenServerOptions } from '../emulator/index.ts'
import { API_TOKEN, SERVICE_PRINCIPAL as SP } from '../support/fake-tokens.ts'

interface Answer {
  status: number
  headers: Headers
  json: Record<string, unknown>
}

const closers: { close(): Promise<void> }[] = []

afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(closers.splice(0).map((server) => server.close()))
})

async function start(options?: TokenServerOptions): Promise<TokenServer> {
  const server = await TokenServer.start(options)
  closers.push(server)
  return server
}

async function post(
  server: TokenServer,
  params: Record<string, string> | string,
  headers: Record<string, string> = {},
  signal?: AbortSignal
): Promise<Answer> {
  const body = typeof params === 'string' ? params : new URLSearchParams(params).toString()
  const response = await fetch(server.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body,
    signal
  })
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>
  }
}

function refresh(server: TokenServer, refreshToken: string, clientId = server.clientId): Promise<Answer> {
  return post(server, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId })
}

/** Decodes a JWT's payload the way a client would, without the server's help. */
function payloadOf(token: string): AccessTokenClaims {
  const parts = token.split('.')
  expect(parts).toHaveLength(3)
  return JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as AccessTokenClaims
}

function oauthError(error: string): unknown {
  return { error, error_description: expect.any(String) }
}

function basic(id: string, secret: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` }
}

describe('starting', () => {
  it('a bad configuration fails to start and leaves its port free for the next server', async () => {
    const probe = await TokenServer.start()
    const port = Number(new URL(probe.url).port)
    await probe.close()
    await expect(TokenServer.start({ port, clients: {} })).rejects.toThrow('at least one client')
    await expect(TokenServer.start({ port, accessTokenLifetimeSeconds: 0.5 })).rejects.toThrow('positive integer')
    const server = await start({ port })
    expect(server.url).toBe(`http://127.0.0.1:${port}`)
  })
})

describe('refresh-token grant', () => {
  it('rotates: each refresh answers a new pair, and the old refresh token then answers invalid_grant', async () => {
    const server = await start()
    const first = server.issueRefreshToken()

    const answer = await refresh(server, first.refreshToken)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.json).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300
    })
    const second = answer.json.refresh_token as string
    expect(second).not.toBe(first.refreshToken)
    expect(answer.json.access_token).not.toBe(first.accessToken)
    expect(server.isUsed(first.refreshToken)).toBe(true)
    expect(server.isUsed(second)).toBe(false)
    expect(server.latestRefreshToken).toBe(second)

    const reused = await refresh(server, first.refreshToken)
    expect(reused.status).toBe(400)
    expect(reused.json).toEqual(oauthError('invalid_grant'))

    const third = await refresh(server, second)
    expect(third.status).toBe(200)
    expect(server.refreshTokenState(second)).toBe('used')
    expect(server.refreshTokenState(third.json.refresh_token as string)).toBe('active')
    expect(server.counts).toEqual({ issued: 2, refreshed: 2, clientCredentials: 0, rejected: 1, reused: 1, failed: 0 })
  })

  it('lets exactly one of several concurrent refreshes of the same token win', async () => {
    const delayMs = 300
    const server = await start({ delayMs })
    const { refreshToken } = server.issueRefreshToken()

    const answers = await Promise.all(Array.from({ length: 4 }, () => refresh(server, refreshToken)))

    // The delay made them overlap: every request had arrived before the first answer left.
    const arrivals = server.requests.map((request) => request.at)
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(delayMs)
    const winners = answers.filter((answer) => answer.status === 200)
    expect(winners).toHaveLength(1)
    expect(winners[0]?.json.refresh_token).toBe(server.latestRefreshToken)
    for (const loser of answers.filter((answer) => answer.status !== 200)) {
      expect(loser.status).toBe(400)
      expect(loser.json).toEqual(oauthError('invalid_grant'))
    }
    expect(server.counts).toMatchObject({ refreshed: 1, reused: 3, rejected: 3 })
  })

  it('refuses a refresh token that expired, was revoked, or belongs to another client', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.UTC(2025, 0, 15, 12))
    const server = await start({ clients: { alice: null, bob: null }, refreshTokenLifetimeSeconds: 3600 })
    const expiring = server.issueRefreshToken()
    const revoked = server.issueRefreshToken()
    const alices = server.issueRefreshToken({ clientId: 'alice' })

    server.revoke(revoked.refreshToken)
    expect((await refresh(server, revoked.refreshToken)).json).toEqual(oauthError('invalid_grant'))
    expect((await refresh(server, alices.refreshToken, 'bob')).json).toEqual(oauthError('invalid_grant'))
    expect((await refresh(server, 'never-issued')).json).toEqual(oauthError('invalid_grant'))

    vi.setSystemTime(Date.UTC(2025, 0, 15, 13))
    expect(server.refreshTokenState(expiring.refreshToken)).toBe('expired')
    const expired = await refresh(server, expiring.refreshToken)
    expect(expired.status).toBe(400)
    expect(expired.json).toEqual(oauthError('invalid_grant'))
    expect(server.counts).toMatchObject({ refreshed: 0, rejected: 4, reused: 0 })
  })

  it('revokes the descendants of a reused refresh token when asked to', async () => {
    const server = await start({ reuseRevokesFamily: true })
    const { refreshToken } = server.issueRefreshToken()
    const other = server.issueRefreshToken()
    const next = (await refresh(server, refreshToken)).json.refresh_token as string

    expect((await refresh(server, refreshToken)).json).toEqual(oauthError('invalid_grant'))
    expect(server.refreshTokenState(next)).toBe('revoked')
    expect((await refresh(server, next)).json).toEqual(oauthError('invalid_grant'))
    // Another chain is untouched.
    expect((await refresh(server, other.refreshToken)).status).toBe(200)
  })
})

describe('access tokens', () => {
  it('are JWTs with iss, client_id, sub, iat and exp that the server verifies', async () => {
    const server = await start({ accessTokenLifetimeSeconds: 2 })
    const { accessToken } = server.issueRefreshToken()
    const claims = payloadOf(accessToken)

    expect(server.issuer).toBe(`${server.url}/as`)
    expect(server.tokenEndpoint).toBe(`${server.url}/as/token`)
    expect(claims).toMatchObject({ iss: server.issuer, client_id: 'aac-emulator-client', sub: expect.any(String) })
    expect(claims.exp - claims.iat).toBeGreaterThanOrEqual(2)
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(3)
    expect(server.claimsOf(accessToken)).toEqual(claims)

    expect(server.verifyAccessToken(accessToken)).toBe('valid')
    expect(server.verifyAccessToken(accessToken, claims.exp * 1000 - 1)).toBe('valid')
    expect(server.verifyAccessToken(accessToken, claims.exp * 1000)).toBe('expired')
    const [header, , signature] = accessToken.split('.')
    const longer = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString('base64url')
    const forged = `${header}.${longer}.${signature}`
    expect(server.verifyAccessToken(forged)).toBe('unknown')
    expect(server.verifyAccessToken('not-a-jwt')).toBe('unknown')
    const stranger = await start()
    expect(stranger.verifyAccessToken(accessToken)).toBe('unknown')
    server.revoke(accessToken)
    expect(server.verifyAccessToken(accessToken)).toBe('unknown')
  })

  it('take their issuer and endpoint from the configured paths', async () => {
    const server = await start({ tokenPath: '/oauth2/token' })
    expect(server.issuer).toBe(`${server.url}/oauth2`)
    const endpointIssuer = await start({ issuerPath: '/as/token' })
    expect(payloadOf(endpointIssuer.issueRefreshToken().accessToken).iss).toBe(`${endpointIssuer.url}/as/token`)

    const answer = await refresh(server, server.issueRefreshToken().refreshToken)
    expect(answer.status).toBe(200)
    const elsewhere = await fetch(`${server.url}/as/token`, { method: 'POST' })
    expect(elsewhere.status).toBe(404)
    await elsewhere.body?.cancel()
  })
})

describe('client-credentials grant', () => {
  it('gives a confidential client an access token without a refresh token, from the body or Basic auth', async () => {
    const server = await start({ clients: { 'user-client': null, [SP.id]: SP.secret } })

    const fromBody = await post(server, {
      grant_type: 'client_credentials',
      client_id: SP.id,
      client_secret: SP.secret
    })
    expect(fromBody.status).toBe(200)
    expect(fromBody.json).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300 })
    expect(payloadOf(fromBody.json.access_token as string)).toMatchObject({ client_id: SP.id, sub: SP.id })
    expect(server.verifyAccessToken(fromBody.json.access_token as string)).toBe('valid')

    const fromBasic = await post(server, { grant_type: 'client_credentials' }, basic(SP.id, SP.secret))
    expect(fromBasic.status).toBe(200)
    expect(server.counts).toMatchObject({ issued: 2, clientCredentials: 2, refreshed: 0, rejected: 0 })
  })

  it('answers invalid_client to a wrong secret or an unknown client, unauthorized_client to a public one', async () => {
    const server = await start({ clients: { 'user-client': null, [SP.id]: SP.secret } })

    const wrong = await post(server, { grant_type: 'client_credentials', client_id: SP.id, client_secret: 'nope' })
    expect(wrong.status).toBe(401)
    expect(wrong.json).toEqual(oauthError('invalid_client'))
    const wrongBasic = await post(server, { grant_type: 'client_credentials' }, basic(SP.id, 'nope'))
    expect(wrongBasic.status).toBe(401)
    expect(wrongBasic.headers.get('www-authenticate')).toMatch(/^Basic/)
    const missing = await post(server, { grant_type: 'client_credentials', client_id: SP.id })
    expect(missing.status).toBe(401)
    const unknown = await post(server, {
      grant_type: 'client_credentials',
      client_id: 'sp-2',
      client_secret: SP.secret
    })
    expect(unknown.status).toBe(401)
    expect(unknown.json).toEqual(oauthError('invalid_client'))
    const publicClient = await post(server, { grant_type: 'client_credentials', client_id: 'user-client' })
    expect(publicClient.status).toBe(400)
    expect(publicClient.json).toEqual(oauthError('unauthorized_client'))
    // A confidential client must authenticate on the refresh grant too.
    const spPair = server.issueRefreshToken({ clientId: SP.id })
    expect((await refresh(server, spPair.refreshToken, SP.id)).status).toBe(401)
    expect(server.isUsed(spPair.refreshToken)).toBe(false)
    expect(server.counts).toMatchObject({ issued: 0, rejected: 6 })
  })
})

describe('malformed token requests', () => {
  it('answers RFC 6749 errors for a bad grant type, missing or repeated parameters, JSON and GET', async () => {
    const server = await start()
    const { refreshToken } = server.issueRefreshToken()
    const clientId = server.clientId
    const cases: [string, Promise<Answer>, number, string][] = [
      ['password grant', post(server, { grant_type: 'password', client_id: clientId }), 400, 'unsupported_grant_type'],
      ['no grant_type', post(server, { refresh_token: refreshToken, client_id: clientId }), 400, 'invalid_request'],
      ['no refresh_token', post(server, { grant_type: 'refresh_token', client_id: clientId }), 400, 'invalid_request'],
      [
        'no client_id',
        post(server, { grant_type: 'refresh_token', refresh_token: refreshToken }),
        400,
        'invalid_request'
      ],
      ['unknown client', refresh(server, refreshToken, 'someone-else'), 401, 'invalid_client'],
      [
        'repeated parameter',
        post(server, `grant_type=refresh_token&refresh_token=${refreshToken}&refresh_token=x&client_id=${clientId}`),
        400,
        'invalid_request'
      ],
      [
        'JSON body',
        post(
          server,
          JSON.stringify({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
          {
            'content-type': 'application/json'
          }
        ),
        400,
        'invalid_request'
      ]
    ]
    for (const [name, answer, status, error] of cases) {
      const { status: got, json } = await answer
      expect({ name, status: got, json }).toEqual({ name, status, json: oauthError(error) })
    }
    const get = await fetch(server.tokenEndpoint)
    expect(get.status).toBe(405)
    expect(await get.json()).toEqual(oauthError('invalid_request'))
    // None of these consumed the refresh token.
    expect(server.isUsed(refreshToken)).toBe(false)
    expect((await refresh(server, refreshToken)).status).toBe(200)
    expect(server.counts).toMatchObject({ refreshed: 1, rejected: 8 })
  })

  it('records every request with its form body and the status answered', async () => {
    const server = await start()
    const { refreshToken } = server.issueRefreshToken()
    await refresh(server, refreshToken)
    await refresh(server, refreshToken)

    expect(server.requests.map((request) => [request.method, request.path, request.status])).toEqual([
      ['POST', '/as/token', 200],
      ['POST', '/as/token', 400]
    ])
    expect(server.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded')
    expect(new URLSearchParams(server.requests[0]?.body).get('refresh_token')).toBe(refreshToken)
  })
})

describe('injected failures', () => {
  it('fails the next calls with 500, a hang, a reset, then serves again without having used the token', async () => {
    const server = await start()
    const { refreshToken } = server.issueRefreshToken()
    server.failNext(1)
    server.failNext(1, 503)
    server.failNext(1, 'hang')
    server.failNext(1, 'reset')

    const failed = await refresh(server, refreshToken)
    expect(failed.status).toBe(500)
    expect(failed.json).toEqual(oauthError('server_error'))
    expect((await refresh(server, refreshToken)).status).toBe(503)
    const hung = post(
      server,
      { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: server.clientId },
      {},
      AbortSignal.timeout(300)
    )
    await expect(hung).rejects.toThrow()
    await expect(refresh(server, refreshToken)).rejects.toThrow()
    expect(server.isUsed(refreshToken)).toBe(false)

    expect((await refresh(server, refreshToken)).status).toBe(200)
    expect(server.counts).toMatchObject({ failed: 4, refreshed: 1, rejected: 0 })
  })

  it('can rotate a refresh token and lose the answer (act-then-reset)', async () => {
    const server = await start()
    const { refreshToken } = server.issueRefreshToken()
    server.failNext(1, 'act-then-reset')

    await expect(refresh(server, refreshToken)).rejects.toThrow()
    expect(server.isUsed(refreshToken)).toBe(true)
    expect((await refresh(server, refreshToken)).json).toEqual(oauthError('invalid_grant'))
    const lost = server.latestRefreshToken ?? ''
    expect(lost).not.toBe(refreshToken)
    expect((await refresh(server, lost)).status).toBe(200)
  })

  it('delays answers set with setDelay', async () => {
    const server = await start()
    server.setDelay(250)
    const began = Date.now()
    expect((await refresh(server, server.issueRefreshToken().refreshToken)).status).toBe(200)
    expect(Date.now() - began).toBeGreaterThanOrEqual(240)
  })
})

describe('the API emulator with oauth', () => {
  async function jobGroups(emulator: Emulator, token: string): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${emulator.url}/v4/jobGroups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ wrangledDataset: { id: 7 } })
    })
    return { status: response.status, json: await response.json() }
  }

  const authFailed = (details: string): unknown => ({
    exception: { name: 'AuthenticationFailed', message: 'Authentication failed', details }
  })

  it('accepts access tokens until they expire, then answers 401; a refreshed token works again', async () => {
    const aac = await startAacEmulator({ tokenServer: { accessTokenLifetimeSeconds: 2 } })
    closers.push(aac)
    const { emulator, tokenServer } = aac
    const pair = tokenServer.issueRefreshToken()

    expect((await jobGroups(emulator, pair.accessToken)).status).toBe(201)
    const expiresAt = payloadOf(pair.accessToken).exp * 1000
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 50))

    const expired = await jobGroups(emulator, pair.accessToken)
    expect(expired.status).toBe(401)
    expect(expired.json).toEqual(authFailed('The access token has expired'))
    const refreshed = await refresh(tokenServer, pair.refreshToken)
    expect((await jobGroups(emulator, refreshed.json.access_token as string)).status).toBe(201)
    expect(emulator.requestsTo('POST', '/v4/jobGroups').map((request) => request.status)).toEqual([201, 401, 201])
  })

  it('answers 401 to unknown, forged and revoked tokens, and still accepts the static token', async () => {
    const aac = await startAacEmulator({ emulator: { token: API_TOKEN } })
    closers.push(aac)
    const { emulator, tokenServer } = aac
    const pair = tokenServer.issueRefreshToken()
    const [header, payload] = pair.accessToken.split('.')
    const generic = authFailed('A valid "Authorization: Bearer <token>" header is required')

    expect(await jobGroups(emulator, pair.refreshToken)).toEqual({ status: 401, json: generic })
    expect(await jobGroups(emulator, `${header}.${payload}.AAAA`)).toEqual({ status: 401, json: generic })
    expect((await jobGroups(emulator, API_TOKEN)).status).toBe(201)
    tokenServer.revoke(pair.accessToken)
    expect(await jobGroups(emulator, pair.accessToken)).toEqual({ status: 401, json: generic })

    // An emulator without the option knows nothing of these tokens.
    const plain = await Emulator.start()
    closers.push(plain)
    expect((await jobGroups(plain, tokenServer.issueRefreshToken().accessToken)).status).toBe(401)
  })
})
