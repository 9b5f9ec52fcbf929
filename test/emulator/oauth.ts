// An OAuth 2.0 token endpoint like Alteryx Analytics Cloud's (`<issuer>/token`), a real HTTP server on 127.0.0.1:
// refresh-token grants with rotation and client-credentials grants, answered as RFC 6749 §5 says, with JWT-shaped
// access tokens the API emulator can verify (its `oauth` option). Facts: AAC-AUTH-FLOWS-PLANS.md.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { listenLocal, type Listening } from '../support/listen.ts'
import { receiveRecorded, type RecordedRequest } from '../support/recorded-request.ts'
import type { AccessTokenState, AccessTokenVerifier } from './types.ts'

export type { AccessTokenState, AccessTokenVerifier } from './types.ts'

export const DEFAULT_CLIENT_ID = 'aac-emulator-client'
const DEFAULT_TOKEN_PATH = '/as/token'
// The vendor's 2025 community guide: access tokens live 5 minutes (the help page says 1 hour).
const DEFAULT_ACCESS_TOKEN_SECONDS = 300
const DEFAULT_SUBJECT = 'emulator-user@example.com'
const FORM = 'application/x-www-form-urlencoded'

/**
 * An injected failure of a token call: a status (answered with an OAuth-style error body), 'hang' (never answered
 * until the client gives up or the server closes), 'reset' (socket destroyed before anything is done) or
 * 'act-then-reset' (the grant is carried out, e.g. the refresh token rotated, then the socket destroyed: the
 * client never sees the new tokens), 'html' (a 200 HTML page, a gateway's or a login page, without carrying the
 * grant out). The other 'act-then-…' failures also carry the grant out at once (the old
 * refresh token stops working as the grant arrives) and then answer badly: 'act-then-hang' never answers,
 * 'act-then-html' answers 200 with an HTML page instead of the tokens (a gateway's or a login page), and
 * `{ actThenDelayMs }` answers the new tokens that much later.
 * These model a broken network or gateway in front of the token endpoint; no vendor document describes them.
 */
export type TokenFailure =
  number | 'hang' | 'reset' | 'act-then-reset' | 'html' | 'act-then-hang' | 'act-then-html' | { actThenDelayMs: number }

export interface TokenServerOptions {
  /** Port on 127.0.0.1; default 0 (a free one). */
  port?: number
  /** Path of the token endpoint; default '/as/token'. */
  tokenPath?: string
  /** Path of the issuer (`iss`); default `tokenPath` without its trailing '/token' (so '/as'). */
  issuerPath?: string
  /**
   * Known clients: client id → secret, or null for a public client (refresh grant only, no secret asked, like the
   * client of a user's OAuth 2.0 API tokens). Default { 'aac-emulator-client': null }. A client with a secret must
   * present it on every grant (RFC 6749 §6) and may use the client-credentials grant.
   */
  clients?: Record<string, string | null>
  /** Lifetime of access tokens in whole seconds (`expires_in`); default 300. */
  accessTokenLifetimeSeconds?: number
  /** Lifetime of refresh tokens in seconds; default unlimited (AAC: 1 to 365 days, chosen by the user). */
  refreshTokenLifetimeSeconds?: number
  /**
   * How a token answer tells when its refresh token expires (with a finite `refreshTokenLifetimeSeconds`):
   * 'expires-in' adds `refresh_token_expires_in` (seconds), 'jwt' makes refresh tokens JWTs with an `exp` claim;
   * default neither (the answer says nothing of it). inferred: AAC-AUTH-FLOWS-PLANS.md says only that the
   * lifetime is chosen at creation; RFC 6749 defines no such field, and these are the two forms clients meet.
   */
  refreshTokenExpiry?: 'expires-in' | 'jwt'
  /** `sub` of tokens from the refresh grant; default 'emulator-user@example.com'. */
  subject?: string
  /** Wait this long before carrying out each token call (so concurrent calls overlap); default 0. */
  delayMs?: number
  /** Reusing a rotated refresh token also revokes every refresh token descended from it; default false. */
  reuseRevokesFamily?: boolean
  /**
   * The server's clock runs this many ms off the real one (negative: behind): the JWTs' `iat` and `exp`, the
   * expiry check of access tokens and the answers' `Date` header follow it; `expires_in` stays a duration.
   * Default 0.
   */
  clockOffsetMs?: number
}

export interface TokenPair {
  accessToken: string
  refreshToken: string
}

/** The payload of an access token. */
export interface AccessTokenClaims {
  iss: string
  client_id: string
  sub: string
  /** Seconds since the epoch. */
  iat: number
  /** Seconds since the epoch. */
  exp: number
  jti: string
}

/** What the token endpoint did so far (tokens made by issueRefreshToken() are not counted). */
export interface TokenServerCounts {
  /** Access tokens issued, by either grant. */
  issued: number
  /** Successful refresh-token grants (each rotated one refresh token). */
  refreshed: number
  /** Successful client-credentials grants. */
  clientCredentials: number
  /** Answers with an OAuth error (400, 401, 405). */
  rejected: number
  /** Refresh grants refused because the refresh token had already been used (included in `rejected`). */
  reused: number
  /** Token calls that got an injected failure (failNext). */
  failed: number
}

export type RefreshTokenState = 'active' | 'used' | 'revoked' | 'expired' | 'unknown'

interface RefreshRecord {
  readonly clientId: string
  readonly subject: string
  /** The refresh token that started this rotation chain. */
  readonly family: string
  readonly expiresAt: number
  state: 'active' | 'used' | 'revoked'
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

interface Client {
  id: string
  /** The client sent HTTP Basic credentials (then a 401 carries WWW-Authenticate). */
  basic: boolean
}

export class TokenServer implements AccessTokenVerifier {
  /** Base URL, e.g. http://127.0.0.1:PORT. */
  readonly url: string
  /** The issuer (`iss` of access tokens), e.g. http://127.0.0.1:PORT/as. */
  readonly issuer: string
  /** The token endpoint, e.g. http://127.0.0.1:PORT/as/token. */
  readonly tokenEndpoint: string
  /** The first configured client: the one issueRefreshToken() uses by default. */
  readonly clientId: string
  readonly requests: RecordedRequest[] = []
  private readonly listening: Listening
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly tokenPath: string
  private readonly clients: ReadonlyMap<string, string | null>
  private readonly accessSeconds: number
  private readonly refreshMs: number
  private readonly subject: string
  private readonly reuseRevokesFamily: boolean
  private readonly refreshExpiry: TokenServerOptions['refreshTokenExpiry']
  private readonly signingKey = randomBytes(32)
  private readonly refreshTokens = new Map<string, RefreshRecord>()
  private readonly revokedJtis = new Set<string>()
  private readonly failures: TokenFailure[] = []
  /** Call number (1-based) → its failure (failCall). */
  private readonly failuresAt = new Map<number, TokenFailure>()
  private calls = 0
  private readonly clockOffsetMs: number
  private delayMs: number
  private latestRefresh: string | undefined
  private latestAccess: string | undefined
  private readonly tally: TokenServerCounts = {
    issued: 0,
    refreshed: 0,
    clientCredentials: 0,
    rejected: 0,
    reused: 0,
    failed: 0
  }

  static async start(options: TokenServerOptions = {}): Promise<TokenServer> {
    const server = createServer()
    const listening = await listenLocal(server, options.port)
    let tokenServer: TokenServer
    try {
      tokenServer = new TokenServer(listening, options)
    } catch (error) {
      await listening.close() // e.g. no client: nothing is left listening
      throw error
    }
    server.on('request', (req, res) => tokenServer.receive(req, res))
    return tokenServer
  }

  private constructor(listening: Listening, options: TokenServerOptions) {
    this.listening = listening
    this.url = `http://127.0.0.1:${listening.port}`
    this.tokenPath = options.tokenPath ?? DEFAULT_TOKEN_PATH
    this.issuer = this.url + (options.issuerPath ?? this.tokenPath.replace(/\/token$/, ''))
    this.tokenEndpoint = this.url + this.tokenPath
    this.clients = new Map(Object.entries(options.clients ?? { [DEFAULT_CLIENT_ID]: null }))
    const first = this.clients.keys().next()
    if (first.done) throw new Error('TokenServer needs at least one client')
    this.clientId = first.value
    this.accessSeconds = options.accessTokenLifetimeSeconds ?? DEFAULT_ACCESS_TOKEN_SECONDS
    if (!Number.isInteger(this.accessSeconds) || this.accessSeconds < 1) {
      throw new Error('accessTokenLifetimeSeconds must be a positive integer (expires_in is whole seconds)')
    }
    this.refreshMs = (options.refreshTokenLifetimeSeconds ?? Infinity) * 1000
    this.subject = options.subject ?? DEFAULT_SUBJECT
    this.reuseRevokesFamily = options.reuseRevokesFamily ?? false
    this.refreshExpiry = options.refreshTokenExpiry
    this.delayMs = options.delayMs ?? 0
    this.clockOffsetMs = options.clockOffsetMs ?? 0
  }

  /** The server's clock (epoch ms): the real one, off by `clockOffsetMs`. */
  now(): number {
    return Date.now() + this.clockOffsetMs
  }

  /** A copy of the counters. */
  get counts(): TokenServerCounts {
    return { ...this.tally }
  }

  /** The refresh token issued last (by the endpoint or issueRefreshToken()). */
  get latestRefreshToken(): string | undefined {
    return this.latestRefresh
  }

  /** The access token issued last (by the endpoint or issueRefreshToken()). */
  get latestAccessToken(): string | undefined {
    return this.latestAccess
  }

  /** A fresh pair, as a user gets from the "OAuth 2.0 API Tokens" page; it starts a new rotation chain. */
  issueRefreshToken(options: { clientId?: string; subject?: string } = {}): TokenPair {
    const clientId = options.clientId ?? this.clientId
    if (!this.clients.has(clientId)) throw new Error(`Unknown client ${clientId}`)
    const subject = options.subject ?? this.subject
    return {
      accessToken: this.signAccessToken(clientId, subject),
      refreshToken: this.newRefreshToken(clientId, subject)
    }
  }

  /** The refresh token has been redeemed (rotated away); using it again fails with invalid_grant. */
  isUsed(refreshToken: string): boolean {
    return this.refreshTokens.get(refreshToken)?.state === 'used'
  }

  refreshTokenState(refreshToken: string, now = Date.now()): RefreshTokenState {
    const record = this.refreshTokens.get(refreshToken)
    if (record === undefined) return 'unknown'
    return record.state === 'active' && now >= record.expiresAt ? 'expired' : record.state
  }

  verifyAccessToken(token: string, now = this.now()): AccessTokenState {
    const claims = this.claimsOf(token)
    // A refresh token that is a JWT ('jwt' refreshTokenExpiry) is signed alike but is no access token.
    if (claims === undefined || this.revokedJtis.has(claims.jti) || this.refreshTokens.has(token)) return 'unknown'
    return now >= claims.exp * 1000 ? 'expired' : 'valid'
  }

  /** The claims of an access token this server signed (expired or not); undefined for anything else. */
  claimsOf(token: string): AccessTokenClaims | undefined {
    const [header, payload, signature, ...rest] = token.split('.')
    if (header === undefined || payload === undefined || signature === undefined || rest.length > 0) return undefined
    const expected = this.sign(`${header}.${payload}`)
    const given = Buffer.from(signature, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as AccessTokenClaims
    } catch {
      return undefined
    }
  }

  /** Revokes a refresh token (as a user deleting it on the page) or an access token: both then count as unknown. */
  revoke(token: string): void {
    const record = this.refreshTokens.get(token)
    if (record !== undefined) record.state = 'revoked'
    const claims = this.claimsOf(token)
    if (claims !== undefined) this.revokedJtis.add(claims.jti)
  }

  /** The next `count` calls to the token endpoint fail this way (default: 500); only 'act-then-reset' acts. */
  failNext(count: number, failure: TokenFailure = 500): void {
    for (let i = 0; i < count; i++) this.failures.push(failure)
  }

  /** Call number `call` (1-based, counting every call to the token endpoint so far and to come) fails this way. */
  failCall(call: number, failure: TokenFailure): void {
    this.failuresAt.set(call, failure)
  }

  /** From now on, wait `ms` before carrying out each token call. */
  setDelay(ms: number): void {
    this.delayMs = ms
  }

  /** Closes the server, destroys open sockets (hung calls too) and clears pending delays. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    await this.listening.close()
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    receiveRecorded(req, res, (request) => this.dispatch(request, res))
  }

  private dispatch(request: RecordedRequest, res: ServerResponse): void {
    this.requests.push(request)
    if (request.path !== this.tokenPath) {
      // inferred: the answer to other paths is not documented; any 404 will do for a client.
      return this.answer(res, request, oauthError(404, 'invalid_request', `No endpoint at ${request.path}`))
    }
    this.calls += 1
    const failure = this.failuresAt.get(this.calls) ?? this.failures.shift()
    if (failure !== undefined) this.tally.failed += 1
    if (failure === 'hang') return
    if (failure === 'reset') return void res.destroy()
    if (typeof failure === 'number') {
      // inferred: RFC 6749 defines no token-endpoint body for server errors; its authorization-endpoint codes are used.
      const code = failure === 503 ? 'temporarily_unavailable' : 'server_error'
      return this.answer(res, request, oauthError(failure, code, 'Injected failure'))
    }
    if (failure === 'html') return this.htmlPage(res, request)
    if (failure === 'act-then-hang' || failure === 'act-then-html' || typeof failure === 'object') {
      return this.actThenAnswerBadly(res, request, failure)
    }
    const act = (): void => {
      const reply = this.handle(request)
      if (failure === 'act-then-reset') res.destroy()
      else this.answer(res, request, reply)
    }
    if (this.delayMs <= 0) return act()
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      act()
    }, this.delayMs)
    this.timers.add(timer)
  }

  /** The grant carried out as it arrives; then no answer, an HTML page, or the answer late. */
  private actThenAnswerBadly(
    res: ServerResponse,
    request: RecordedRequest,
    failure: 'act-then-hang' | 'act-then-html' | { actThenDelayMs: number }
  ): void {
    const reply = this.handle(request)
    if (failure === 'act-then-hang') return
    if (failure === 'act-then-html') return this.htmlPage(res, request)
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.answer(res, request, reply)
    }, failure.actThenDelayMs)
    this.timers.add(timer)
  }

  private htmlPage(res: ServerResponse, request: RecordedRequest): void {
    request.status = 200
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', date: this.dateHeader() })
    res.end('<html><head><title>Sign in</title></head><body><h1>Please sign in</h1></body></html>')
  }

  private dateHeader(): string {
    return new Date(this.now()).toUTCString()
  }

  private answer(res: ServerResponse, request: RecordedRequest, reply: Reply): void {
    if (res.destroyed) return // the client gave up: the call was still carried out, as a real server would
    request.status = reply.status
    // RFC 6749 §5.1: token answers are JSON and must not be cached.
    const headers = {
      'content-type': 'application/json;charset=UTF-8',
      'cache-control': 'no-store',
      pragma: 'no-cache',
      date: this.dateHeader()
    }
    res.writeHead(reply.status, { ...headers, ...reply.headers })
    res.end(JSON.stringify(reply.body))
  }

  private handle(request: RecordedRequest): Reply {
    const reply = this.grant(request)
    if (reply.status >= 400) this.tally.rejected += 1
    return reply
  }

  /** RFC 6749 §4.4 and §6, errors as §5.2 says. */
  private grant(request: RecordedRequest): Reply {
    if (request.method !== 'POST') {
      return { ...oauthError(405, 'invalid_request', 'The token endpoint takes POST only'), headers: { allow: 'POST' } }
    }
    if (mediaType(request.headers['content-type']) !== FORM) {
      return oauthError(400, 'invalid_request', `The body must be ${FORM}`)
    }
    const params = new URLSearchParams(request.body)
    const repeated = [...new Set(params.keys())].find((key) => params.getAll(key).length > 1)
    if (repeated !== undefined) return oauthError(400, 'invalid_request', `Parameter ${repeated} is repeated`)
    const grantType = params.get('grant_type')
    if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required')
    if (grantType !== 'refresh_token' && grantType !== 'client_credentials') {
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type ${grantType}`)
    }
    if (grantType === 'refresh_token' && !params.get('refresh_token')) {
      return oauthError(400, 'invalid_request', 'refresh_token is required')
    }
    const client = this.authenticateClient(params, request.headers.authorization)
    if (!('id' in client)) return client
    return grantType === 'refresh_token'
      ? this.refresh(client.id, params.get('refresh_token') ?? '')
      : this.clientCredentials(client)
  }

  /** RFC 6749 §2.3: HTTP Basic or client_id/client_secret in the body, never both. */
  private authenticateClient(params: URLSearchParams, authorization: string | undefined): Client | Reply {
    const basic = basicCredentials(authorization)
    if (basic === 'malformed') return oauthError(401, 'invalid_client', 'Malformed Basic credentials', true)
    if (basic !== undefined && params.has('client_secret')) {
      return oauthError(400, 'invalid_request', 'Use one client authentication method, not two')
    }
    const bodyId = params.get('client_id') ?? undefined
    if (basic !== undefined && bodyId !== undefined && bodyId !== basic.id) {
      return oauthError(400, 'invalid_request', 'client_id differs from the Basic credentials')
    }
    const id = basic?.id ?? bodyId
    if (!id) return oauthError(400, 'invalid_request', 'client_id is required')
    const secret = this.clients.get(id)
    if (secret === undefined) return oauthError(401, 'invalid_client', 'Unknown client', basic !== undefined)
    const presented = basic?.secret ?? params.get('client_secret') ?? undefined
    if (secret !== null && (presented === undefined || !sameText(presented, secret))) {
      return oauthError(401, 'invalid_client', 'Client authentication failed', basic !== undefined)
    }
    return { id, basic: basic !== undefined }
  }

  private refresh(clientId: string, refreshToken: string): Reply {
    const record = this.refreshTokens.get(refreshToken)
    // inferred: the error descriptions; RFC 6749 §5.2 fixes only the error code.
    if (record === undefined) return invalidGrant('Refresh token is unknown')
    if (record.clientId !== clientId) return invalidGrant('Refresh token was issued to another client')
    if (record.state === 'used') {
      this.tally.reused += 1
      if (this.reuseRevokesFamily) this.revokeFamily(record.family)
      return invalidGrant('Refresh token has already been used')
    }
    if (record.state === 'revoked') return invalidGrant('Refresh token has been revoked')
    if (Date.now() >= record.expiresAt) return invalidGrant('Refresh token has expired')
    // Rotation (AAC-AUTH-FLOWS-PLANS.md): every refresh returns a new refresh token and the old one stops working.
    record.state = 'used'
    this.tally.refreshed += 1
    this.tally.issued += 1
    const accessToken = this.signAccessToken(clientId, record.subject)
    const next = this.newRefreshToken(clientId, record.subject, record.family)
    return this.tokenAnswer(accessToken, next)
  }

  private clientCredentials(client: Client): Reply {
    // RFC 6749 §4.4: confidential clients only.
    if (this.clients.get(client.id) === null) {
      return oauthError(400, 'unauthorized_client', 'This client may not use the client_credentials grant')
    }
    this.tally.clientCredentials += 1
    this.tally.issued += 1
    // inferred: a service principal's tokens name the client itself as the subject.
    return this.tokenAnswer(this.signAccessToken(client.id, client.id))
  }

  private tokenAnswer(accessToken: string, refreshToken?: string): Reply {
    const body: Record<string, unknown> = { access_token: accessToken }
    if (refreshToken !== undefined) body.refresh_token = refreshToken
    const expiresAt = refreshToken === undefined ? undefined : this.refreshTokens.get(refreshToken)?.expiresAt
    if (this.refreshExpiry === 'expires-in' && expiresAt !== undefined && Number.isFinite(expiresAt)) {
      body.refresh_token_expires_in = Math.floor((expiresAt - Date.now()) / 1000)
    }
    return { status: 200, body: { ...body, token_type: 'Bearer', expires_in: this.accessSeconds } }
  }

  private revokeFamily(family: string): void {
    for (const record of this.refreshTokens.values()) {
      if (record.family === family && record.state === 'active') record.state = 'revoked'
    }
  }

  private newRefreshToken(clientId: string, subject: string, family?: string): string {
    const expiresAt = Date.now() + this.refreshMs
    const token =
      this.refreshExpiry === 'jwt' && Number.isFinite(expiresAt)
        ? this.signed({ exp: Math.floor(expiresAt / 1000), jti: randomUUID() })
        : randomBytes(32).toString('base64url')
    this.refreshTokens.set(token, { clientId, subject, family: family ?? token, expiresAt, state: 'active' })
    this.latestRefresh = token
    return token
  }

  private signAccessToken(clientId: string, subject: string): string {
    const now = this.now()
    // exp is rounded up, so the token lives at least expires_in seconds from when it is issued.
    const claims: AccessTokenClaims = {
      iss: this.issuer,
      client_id: clientId,
      sub: subject,
      iat: Math.floor(now / 1000),
      exp: Math.ceil(now / 1000 + this.accessSeconds),
      jti: randomUUID()
    }
    const token = this.signed(claims)
    this.latestAccess = token
    return token
  }

  private signed(claims: object): string {
    const header = base64url({ alg: 'HS256', typ: 'JWT' })
    const unsigned = `${header}.${base64url(claims)}`
    return `${unsigned}.${this.sign(unsigned).toString('base64url')}`
  }

  private sign(text: string): Buffer {
    return createHmac('sha256', this.signingKey).update(text).digest()
  }
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** RFC 6749 §5.2; a 401 after Basic credentials carries WWW-Authenticate, as that section asks. */
function oauthError(status: number, error: string, description: string, basic = false): Reply {
  const headers = basic ? { 'www-authenticate': 'Basic realm="token"' } : undefined
  return { status, body: { error, error_description: description }, headers }
}

function invalidGrant(description: string): Reply {
  return oauthError(400, 'invalid_grant', description)
}

/** RFC 6749 §2.3.1: Basic credentials are the form-encoded id and secret. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | 'malformed' | undefined {
  const encoded = header === undefined ? undefined : /^Basic\s+(\S+)$/i.exec(header)?.[1]
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return 'malformed'
  try {
    const id = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '))
    return { id, secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) }
  } catch {
    return 'malformed'
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined
}
