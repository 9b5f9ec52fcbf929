/**
 * Transport failures: what went wrong with a request, named by whether it can have reached the server, with what
 * the user can do about it. The transport classifies every failure here.
 */

/**
 * Nothing was sent: `refused`, `dns` (transient), `no-host` (the name does not exist), `tls` (handshake failed),
 * `proxy` (the proxy refused or wants credentials), `invalid` (a header cannot be sent), `redirect` (not followed).
 * May have been received: `reset`, `timeout`, `other`; `too-large` was answered (see `status`).
 * Given up on purpose: `aborted` while under way (it may have arrived), `withheld` before it was sent.
 */
export type FailureKind =
  | 'refused'
  | 'dns'
  | 'no-host'
  | 'tls'
  | 'proxy'
  | 'invalid'
  | 'redirect'
  | 'reset'
  | 'timeout'
  | 'too-large'
  | 'aborted'
  | 'withheld'
  | 'other'

const NOT_SENT: readonly FailureKind[] = [
  'refused',
  'dns',
  'no-host',
  'tls',
  'proxy',
  'invalid',
  'redirect',
  'withheld'
]

export class TransportError extends Error {
  readonly kind: FailureKind
  /** The HTTP status, when the answer's head arrived before the failure (its body was cut or too large). */
  readonly status?: number
  constructor(kind: FailureKind, message: string, status?: number) {
    super(message)
    this.name = 'TransportError'
    this.kind = kind
    this.status = status
  }

  /** Certain that the request did not reach the API. */
  get notSent(): boolean {
    return NOT_SENT.includes(this.kind)
  }
}

/** Node's TLS errors and OpenSSL's verify codes, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE for a leaf of an unknown CA. */
const TLS_CODE = /CERT|SSL|TLS|EPROTO|ERR_OSSL|^UNABLE_TO_|CRL|^INVALID_(CA|PURPOSE)$|PATH_LENGTH|HOSTNAME_MISMATCH/

/** A failure of the request, named, with what the user can do about it. */
export function classify(error: unknown, host = 'the API host'): TransportError {
  if (error instanceof TransportError) return error
  const code = (error as { code?: string }).code ?? ''
  const message = (error as Error).message ?? String(error)
  if (code === 'ECONNREFUSED') return refusedFailure(error as { address?: string; port?: number }, host)
  if (code === 'ENOTFOUND')
    return new TransportError('no-host', `the host ${host} does not exist (${code}); check api-url for a typo`)
  if (code === 'EAI_AGAIN')
    return new TransportError('dns', `the host name could not be looked up just now (${message})`)
  if (/tunneling socket could not be established/.test(message)) return proxyFailure(message)
  if (TLS_CODE.test(code)) return tlsFailure(code, message, host)
  if (/^ERR_INVALID_(CHAR|HEADER_VALUE|HTTP_TOKEN)$/.test(code)) {
    return new TransportError(
      'invalid',
      `the request could not be sent: ${message} (a token or header holds a character HTTP forbids)`
    )
  }
  if (/^Request timeout/.test(message) || code === 'ETIMEDOUT') return new TransportError('timeout', message)
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
    return new TransportError('reset', `connection reset (${message})`)
  }
  return new TransportError('other', message)
}

/** Nothing accepts connections at the address: name it (host and port) and the likely causes. */
function refusedFailure(error: { address?: string; port?: number }, host: string): TransportError {
  const address = error.address && error.port ? `${error.address}:${error.port}` : undefined
  const at = address && !host.endsWith(`:${error.port}`) ? `${host} (${address})` : host
  return new TransportError(
    'refused',
    `connection refused by ${at}: nothing accepts connections there. Likely causes: a wrong port in the URL, a ` +
      'firewall that refuses the connection, or a self-hosted runner without access to that host'
  )
}

function proxyFailure(message: string): TransportError {
  const status = /statusCode=(\d+)/.exec(message)?.[1]
  const why =
    status === '407'
      ? 'the proxy asks for credentials (407): put them in the proxy URL, e.g. ' +
        'https_proxy=http://user:password@proxy:3128'
      : `the proxy refused to connect to the API${status ? ` (HTTP ${status})` : ''}: check https_proxy and no_proxy`
  return new TransportError('proxy', `${why}. Nothing reached the API (${message})`)
}

function tlsFailure(code: string, message: string, host: string): TransportError {
  if (/EPROTO|WRONG_VERSION/.test(code) || /wrong version number/.test(message)) {
    return new TransportError(
      'tls',
      `no TLS handshake with ${host} (${code}): is this an https port? Use the URL the API serves`
    )
  }
  const fix =
    code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? `the certificate is not for ${host}: use the host name it names in api-url`
      : "the API's certificate is not trusted. If an internal CA signed it, give the runner that CA: set " +
        'NODE_EXTRA_CA_CERTS to its PEM file in the step or job env'
  return new TransportError('tls', `the TLS handshake with ${host} failed (${code}: ${message.split(';')[0]}); ${fix}`)
}
