/**
 * Sign-in inputs: which one of the three ways to sign in the inputs choose (a static `api-token`, an Alteryx
 * Analytics Cloud OAuth 2.0 `refresh-token`, or a service principal), their defaults taken from the `api-token`'s
 * JWT claims, and where a rotated refresh token is written back. Anything ambiguous is an input error naming the
 * inputs, so that a run never guesses how to sign in. Pure.
 */
import { INPUT } from './action-spec.ts'
import { jwtClaims, type TokenClaims } from '../shared/jwt.ts'
import { InputError, parseHttpUrl, parseToken, rejectInvisible } from './input-values.ts'

/** Where the rotated refresh token goes: a repository secret, or an environment secret. */
export interface WriteBack {
  name: string
  environment?: string
  /** May read the secret's public key and write the secret. */
  token: string
}

export type SignIn =
  | { mode: 'static'; token: string }
  | {
      mode: 'refresh-token'
      refreshToken: string
      clientId: string
      tokenEndpoint: string
      /** The `api-token` given with it: used as is while still valid. */
      accessToken?: string
      writeBack?: WriteBack
    }
  | { mode: 'client-credentials'; clientId: string; clientSecret: string; tokenEndpoint: string }

/** What parseInputs' collector offers: trimmed inputs, and errors gathered rather than thrown. */
export interface InputReader {
  get(name: string): string
  attempt<T>(fn: () => T): T | undefined
  fail(input: string, message: string): void
  readonly warnings: string[]
}

/** The inputs that hold secrets: masked before any input is parsed. */
export const SECRET_INPUTS = [
  INPUT.apiToken,
  INPUT.refreshToken,
  INPUT.clientSecret,
  INPUT.secretsToken,
  INPUT.githubToken
] as const

const PAGE = 'Profile → User Preferences → OAuth 2.0 API Tokens'
const MODES =
  'api-token (a static token), refresh-token (Alteryx Analytics Cloud), or client-id, client-secret and ' +
  'token-endpoint (a service principal)'

/** The chosen sign-in, or undefined when an error was recorded. */
export function parseSignIn(c: InputReader): SignIn | undefined {
  const [apiToken, refreshToken, clientSecret] = [INPUT.apiToken, INPUT.refreshToken, INPUT.clientSecret].map((n) =>
    secretInput(c, n)
  )
  if (apiToken === undefined || refreshToken === undefined || clientSecret === undefined) return undefined
  if (refreshToken && clientSecret) {
    const both = "give refresh-token (a user's OAuth 2.0 API token) or client-secret (a service principal), not both."
    c.fail(INPUT.refreshToken, both)
    return undefined
  }
  if (refreshToken) return refreshing(c, apiToken, refreshToken)
  const why = clientSecret ? "a service principal's tokens do not rotate" : 'a static api-token does not rotate'
  for (const name of [INPUT.refreshTokenSecret, INPUT.secretsToken]) {
    if (c.get(name)) c.fail(name, `is only used with refresh-token (${why}); remove it.`)
  }
  if (clientSecret) return servicePrincipal(c, apiToken, clientSecret)
  for (const name of [INPUT.clientId, INPUT.tokenEndpoint]) {
    if (c.get(name)) c.fail(name, 'is only used with refresh-token or client-secret.')
  }
  if (!apiToken) c.fail(INPUT.apiToken, `is empty, and no other way to sign in is given: give ${MODES}.`)
  return apiToken ? { mode: 'static', token: apiToken } : undefined
}

/** A secret input's value ('' when not given), or undefined when it is malformed (the error is recorded). */
function secretInput(c: InputReader, name: string): string | undefined {
  const text = c.get(name)
  return text ? c.attempt(() => parseToken(name, text, c.warnings)) : ''
}

function servicePrincipal(c: InputReader, apiToken: string, clientSecret: string): SignIn | undefined {
  if (apiToken) c.fail(INPUT.apiToken, 'cannot be used with client-secret: a service principal gets its own tokens.')
  const clientId = c.get(INPUT.clientId)
  const endpoint = c.get(INPUT.tokenEndpoint)
  if (!clientId) c.fail(INPUT.clientId, "is required with client-secret: the service principal's Client ID.")
  if (!endpoint) c.fail(INPUT.tokenEndpoint, "is required with client-secret: the service principal's Token Endpoint.")
  const tokenEndpoint = endpoint ? c.attempt(() => parseTokenEndpoint(endpoint)) : undefined
  const id = clientId ? c.attempt(() => parseClientId(clientId)) : undefined
  if (!id || !tokenEndpoint || apiToken) return undefined
  return { mode: 'client-credentials', clientId: id, clientSecret, tokenEndpoint }
}

function refreshing(c: InputReader, apiToken: string, refreshToken: string): SignIn | undefined {
  const writeBack = parseWriteBack(c)
  const claims = apiToken ? jwtClaims(apiToken) : undefined
  const missing = (claim: string): string =>
    'is required with refresh-token: ' +
    (apiToken
      ? `the api-token given has no ${claim} claim to take it from. Copy it from ${PAGE}.`
      : `copy it from ${PAGE}, or give the access token of the pair as api-token.`)
  const clientIdText = c.get(INPUT.clientId) || claims?.client_id
  const endpointText = c.get(INPUT.tokenEndpoint)
  if (!clientIdText) c.fail(INPUT.clientId, missing('client_id'))
  if (!endpointText && !claims?.iss) c.fail(INPUT.tokenEndpoint, missing('iss'))
  const clientId = clientIdText ? c.attempt(() => parseClientId(clientIdText)) : undefined
  const tokenEndpoint = c.attempt(() =>
    endpointText ? parseTokenEndpoint(endpointText) : claims?.iss ? endpointFromClaims(claims) : undefined
  )
  if (!writeBack.given) {
    c.warnings.push(
      'refresh-token is given without refresh-token-secret: every refresh rotates it, so the stored one stops ' +
        'working. Set refresh-token-secret and secrets-token to write the new one back, or store the refresh-token ' +
        'output yourself.'
    )
  }
  if (!clientId || !tokenEndpoint) return undefined
  const accessToken = apiToken || undefined
  return { mode: 'refresh-token', refreshToken, clientId, tokenEndpoint, accessToken, writeBack: writeBack.value }
}

function parseWriteBack(c: InputReader): { given: boolean; value?: WriteBack } {
  const text = c.get(INPUT.refreshTokenSecret)
  const token = secretInput(c, INPUT.secretsToken)
  if (!text && !token) return { given: token === undefined }
  if (!text) {
    c.fail(INPUT.refreshTokenSecret, 'is required with secrets-token: the secret to write, NAME or environment/NAME.')
  }
  if (token === '') {
    c.fail(
      INPUT.secretsToken,
      'is required with refresh-token-secret: a fine-grained personal access token or GitHub App token with the ' +
        'repository permission "Secrets: read and write" (the workflow\'s GITHUB_TOKEN cannot write secrets).'
    )
  }
  const place = text ? c.attempt(() => parseSecretName(text)) : undefined
  return { given: true, value: place && token ? { ...place, token } : undefined }
}

/** `NAME` or `environment/NAME`, with GitHub's rule for secret names. */
export function parseSecretName(text: string): { name: string; environment?: string } {
  const slash = text.lastIndexOf('/')
  const name = text.slice(slash + 1).trim()
  const environment = slash < 0 ? undefined : text.slice(0, slash).trim()
  if (environment === '') throw new InputError(INPUT.refreshTokenSecret, `'${text}' has an empty environment name.`)
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
    throw new InputError(
      INPUT.refreshTokenSecret,
      `'${name}' is not a secret name: letters, digits and underscores, not starting with a digit or GITHUB_ ` +
        '(e.g. AAC_REFRESH_TOKEN, or production/AAC_REFRESH_TOKEN for an environment secret).'
    )
  }
  return environment === undefined ? { name } : { name, environment }
}

/** The token endpoint: https (plain http only for loopback), `/token` appended unless the URL ends with it. */
export function parseTokenEndpoint(text: string, input: string = INPUT.tokenEndpoint): string {
  if (!URL.canParse(text)) {
    throw new InputError(input, `'${text}' is not a URL; expected e.g. https://pingauth.alteryxcloud.com/as/token.`)
  }
  const url = parseHttpUrl(input, text)
  return /\/token$/i.test(url) ? url : `${url}/token`
}

function endpointFromClaims(claims: TokenClaims): string {
  try {
    return parseTokenEndpoint(claims.iss!)
  } catch (error) {
    const why = (error as Error).message.replace(/^Input '[^']+': /, '')
    throw new InputError(INPUT.tokenEndpoint, `is not given, and the iss claim of api-token cannot be used: ${why}`)
  }
}

function parseClientId(text: string): string {
  if (/\s/.test(text)) throw new InputError(INPUT.clientId, 'contains white space; give the Client ID alone.')
  return rejectInvisible(INPUT.clientId, text)
}
