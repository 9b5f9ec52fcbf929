/**
 * Sign-in failures in words a user can act on: what the token endpoint or GitHub answered, the likely cause, and
 * the fix (which input, which permission, which page of the app). Pure.
 */
import { TransportError } from '../http/transport-failures.ts'
import type { Grant } from './token-endpoint.ts'
import { TokenEndpointError } from './token-endpoint.ts'

/** Signing in, or writing the rotated refresh token back, failed; the message says why and what to do. */
export class SignInError extends Error {
  /** GitHub's status, for a failed call on the secret. */
  readonly status?: number
  /** GitHub refused a sealed value because the public key changed (422 about the key): read it again. */
  readonly keyChanged: boolean
  constructor(message: string, github: { status?: number; keyChanged?: boolean } = {}) {
    super(message)
    this.name = 'SignInError'
    this.status = github.status
    this.keyChanged = github.keyChanged ?? false
  }
}

export const TOKENS_PAGE = 'Profile → User Preferences → OAuth 2.0 API Tokens'

/** The one group that lets runs sharing a refresh token take turns; a flow mapping, so it reads on one line too. */
export const CONCURRENCY_SNIPPET = 'concurrency: { group: aac-refresh-token, cancel-in-progress: false }'

export interface TokenContext {
  grant: Grant['kind']
  endpoint: string
  clientId: string
  /** The secret the refresh token is written back to, if any. */
  secret?: string
  /** Transient failures of earlier attempts at the same grant (one may have used the refresh token). */
  earlier: Error[]
}

/** A failed grant, explained. */
export function explainTokenFailure(failure: unknown, ctx: TokenContext): Error {
  const call = `POST ${ctx.endpoint}`
  if (failure instanceof TransportError) {
    return new SignInError(
      `Could not reach the token endpoint (${call}): ${failure.message}. Check token-endpoint and the runner's ` +
        'network and proxy settings.'
    )
  }
  if (!(failure instanceof TokenEndpointError)) return failure as Error
  const said = `${call} ${failure.message}.`
  const sp = ctx.grant === 'client_credentials'
  if (failure.code === 'invalid_grant' && !sp) return new SignInError(`${said} ${invalidGrant(ctx)}`)
  if (failure.code === 'invalid_client' || failure.code === 'invalid_grant' || failure.status === 401) {
    const which = sp
      ? 'client-id and client-secret, as shown for the service principal'
      : `client-id ('${ctx.clientId}'), the Client ID shown on ${TOKENS_PAGE}`
    return new SignInError(
      `${said} The client was not accepted: check ${which}, and that token-endpoint is the Token Endpoint URL ` +
        'shown with it.'
    )
  }
  if (failure.code === 'unauthorized_client') {
    const why = sp ? 'client-id is not a service principal' : 'this client may not refresh tokens'
    return new SignInError(`${said} The client may not use this grant: ${why}.`)
  }
  if (failure.status === 404 || failure.status === 405) {
    return new SignInError(
      `${said} Check token-endpoint: the Token Endpoint URL shown on ${TOKENS_PAGE}, e.g. ` +
        'https://pingauth.alteryxcloud.com/as (the action appends /token).'
    )
  }
  const later = failure.status >= 500 ? ' The token endpoint had an error; try again later.' : ''
  return new SignInError(`${said}${later}`)
}

function invalidGrant(ctx: TokenContext): string {
  const last = ctx.earlier[ctx.earlier.length - 1]
  const earlier = last ? ` An earlier attempt (${last.message}) may have used it without its answer arriving.` : ''
  const store = ctx.secret ? `store its refresh token in the secret ${ctx.secret}` : 'store its refresh token'
  return (
    'The refresh token was already used or has expired: each refresh rotates it, and the old one stops working. ' +
    `Another run sharing the token may have rotated it first.${earlier} So that runs sharing one refresh token take ` +
    `turns, give every job that uses it the same concurrency group, \`${CONCURRENCY_SNIPPET}\`, or sign in as a ` +
    'service principal (client-id, client-secret, token-endpoint), whose tokens do not rotate. To sign in again, ' +
    `create a new token pair (${TOKENS_PAGE}) and ${store}.`
  )
}

export interface SecretContext {
  /** `owner/repo`. */
  repository: string
  name: string
  environment?: string
  /** GITHUB_API_URL. */
  apiUrl: string
}

/** A failed GitHub call on the secret, explained, naming the permission that is missing. */
export function explainSecretFailure(
  failure: unknown,
  doing: 'read the public key of' | 'write',
  ctx: SecretContext
): SignInError {
  const unused =
    doing === 'write' ? '' : ' Nothing was sent to the token endpoint: the refresh token was not used and still works.'
  const { status, message } = failure as { status?: number; message?: string }
  const keyChanged = doing === 'write' && status === 422 && /key/i.test(message ?? '')
  return new SignInError(`${secretFailure(failure, doing, ctx)}${unused}`, { status, keyChanged })
}

function secretFailure(failure: unknown, doing: string, ctx: SecretContext): string {
  const what = ctx.environment
    ? `the secret ${ctx.name} of environment '${ctx.environment}' in ${ctx.repository}`
    : `the repository secret ${ctx.name} of ${ctx.repository}`
  if (failure instanceof TransportError) {
    return `Could not ${doing} ${what}: GitHub at ${ctx.apiUrl} was not reached (${failure.message}).`
  }
  const { status, message } = failure as { status?: number; message: string }
  const said = `Could not ${doing} ${what}: GitHub answered HTTP ${status ?? '?'} "${message}".`
  const permission =
    'the repository permission "Secrets: read and write"' +
    (ctx.environment ? ' and, for an environment secret, "Environments: read and write"' : '')
  if ((failure as { rateLimited?: boolean }).rateLimited) {
    return (
      `${said} That is GitHub's rate limit for secrets-token, not a missing permission: it asked to wait longer ` +
      "than this step's time allows. Fewer runs at once (or another token for this step) keep within it."
    )
  }
  switch (status) {
    case 401:
      return `${said} secrets-token is invalid or expired: give a token with ${permission}.`
    case 403: {
      const integration = /integration/i.test(message)
        ? " If secrets-token is the workflow's GITHUB_TOKEN: it cannot write secrets whatever its permissions; use " +
          'a fine-grained personal access token or a GitHub App token.'
        : ''
      return `${said} secrets-token lacks ${permission}.${integration}`
    }
    case 404:
      return ctx.environment
        ? `${said} Check that the environment '${ctx.environment}' exists, and that secrets-token may see ` +
            `${ctx.repository}.`
        : `${said} secrets-token cannot see ${ctx.repository}: include it in the token's repository access.`
    default:
      return said
  }
}
