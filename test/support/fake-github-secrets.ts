// The GitHub Actions secrets part of the fake GitHub REST API: repository and environment public keys (real X25519
// key pairs made at start-up) and secrets written as libsodium sealed boxes, opened here so tests can read the
// plaintext a client stored. Tokens can be given permissions, to test what a client does with 401, 403 and 404.
// Facts: AAC-AUTH-FLOWS-PLANS.md "Writing a rotated token back to a GitHub Actions secret".
import sodium from 'libsodium-wrappers'
import { randomInt } from 'node:crypto'
import type { RecordedRequest } from './recorded-request.ts'

/**
 * What a token may do with secrets:
 * - 'secrets': "Secrets: read and write" and "Environments": repository and environment secrets;
 * - 'repo-secrets': "Secrets" only: repository secrets; environment secrets answer 403;
 * - 'none': a personal access token without the Secrets permission: 403;
 * - 'github-token': the workflow's own GITHUB_TOKEN (an integration), which cannot write secrets: 403.
 */
export type SecretsAccess = 'secrets' | 'repo-secrets' | 'none' | 'github-token'

export interface SecretsApiOptions {
  /**
   * Tokens the secrets routes know (sent as `Authorization: Bearer <t>` or `token <t>`); any other token answers
   * 401. Without this option every request is let through, as the comment routes do.
   */
  tokens?: Record<string, SecretsAccess>
  /** Environments that exist in every repository; any other answers 404. Default none. */
  environments?: string[]
  /**
   * Right after answering the first public-key read of a scope, that scope gets a new key pair (as when GitHub
   * rotates the key between a client's read and its write): a PUT sealed with the old key answers 422.
   */
  changeKeyAfterRead?: boolean
}

/**
 * A rate limit GitHub answers instead of carrying a secrets call out (inferred from GitHub's REST docs, "Rate limits
 * for the REST API", which the reference folder does not hold; the issue tracker of this project quotes them):
 * - 'secondary': 403 "You have exceeded a secondary rate limit…" with `retry-after` seconds;
 * - 'primary': 403 "API rate limit exceeded…" with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch s);
 * - 'too-many': 429 with `retry-after` seconds.
 */
export type GitHubRateLimit =
  | { kind: 'secondary'; retryAfterSeconds: number }
  | { kind: 'primary'; resetInSeconds: number }
  | { kind: 'too-many'; retryAfterSeconds: number }

export interface GitHubPublicKey {
  key_id: string
  /** Base64 (standard alphabet) X25519 public key. */
  key: string
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

interface KeyPair {
  keyId: string
  publicKey: Uint8Array
  privateKey: Uint8Array
}

interface StoredSecret {
  value: string
  createdAt: string
  updatedAt: string
}

type ApiRequest = Pick<RecordedRequest, 'method' | 'path' | 'headers' | 'json'>

const REPO_PATH = /^\/repos\/([^/]+)\/([^/]+)\/actions\/secrets\/([^/]+)$/
const ENV_PATH = /^\/repos\/([^/]+)\/([^/]+)\/environments\/([^/]+)\/secrets\/([^/]+)$/
const DOCS = 'https://docs.github.com/rest/actions/secrets'
// GitHub's rule: letters, digits and underscores, not starting with a digit nor with GITHUB_.
const SECRET_NAME = /^(?!GITHUB_)[A-Z_][A-Z0-9_]*$/

export class SecretsApi {
  private readonly tokens: ReadonlyMap<string, SecretsAccess> | undefined
  private readonly environments: ReadonlySet<string>
  /** Scope (see scopeOf) → key pair. */
  private readonly keys = new Map<string, KeyPair>()
  /** Scope → upper-case secret name → secret. */
  private readonly secrets = new Map<string, Map<string, StoredSecret>>()
  private readonly changeKeyAfterRead: boolean
  private readonly keysRead = new Set<string>()
  /** Rate limits to answer, per method, in order. */
  private readonly limits = new Map<string, GitHubRateLimit[]>()

  /** Waits for libsodium, which the key pairs and sealed boxes need. */
  static async create(options: SecretsApiOptions = {}): Promise<SecretsApi> {
    await sodium.ready
    return new SecretsApi(options)
  }

  private constructor(options: SecretsApiOptions) {
    this.tokens = options.tokens && new Map(Object.entries(options.tokens))
    this.environments = new Set(options.environments ?? [])
    this.changeKeyAfterRead = options.changeKeyAfterRead ?? false
  }

  /** The next `count` secrets calls of `method` get `limit` instead of an answer (nothing is carried out). */
  limitNext(method: 'GET' | 'PUT', count: number, limit: GitHubRateLimit): void {
    const queue = this.limits.get(method) ?? []
    for (let i = 0; i < count; i++) queue.push(limit)
    this.limits.set(method, queue)
  }

  /** The repository or environment gets a new public key; secrets sealed with the old one are refused (422). */
  changeKey(owner: string, repo: string, environment?: string): void {
    this.keys.delete(scopeOf(owner, repo, environment))
  }

  /** The public key of a repository or environment (made on first use), as GET .../secrets/public-key answers. */
  publicKey(owner: string, repo: string, environment?: string): GitHubPublicKey {
    const pair = this.keyPair(scopeOf(owner, repo, environment))
    return { key_id: pair.keyId, key: sodium.to_base64(pair.publicKey, sodium.base64_variants.ORIGINAL) }
  }

  /**
   * The plaintext of a secret as last written; `repo` ('owner/repo') may be left out when only one repository
   * holds a secret of that name. Names are case-insensitive, as on GitHub.
   */
  secretValue(name: string, environment?: string, repo?: string): string | undefined {
    const wanted = name.toUpperCase()
    const found: string[] = []
    for (const [scope, secrets] of this.secrets) {
      const [repoOf, env] = JSON.parse(scope) as [string, string | null]
      if (env !== (environment ?? null) || (repo !== undefined && repoOf !== repo.toLowerCase())) continue
      const secret = secrets.get(wanted)
      if (secret !== undefined) found.push(secret.value)
    }
    if (found.length > 1) throw new Error(`Secret ${name} exists in several repositories: name the repository`)
    return found[0]
  }

  /** Stores a secret as if written before the test (so a PUT updates it: 204). */
  seedSecret(owner: string, repo: string, name: string, value: string, environment?: string): void {
    this.store(scopeOf(owner, repo, environment), name.toUpperCase(), value)
  }

  /** Answers a secrets route; undefined for any other path. */
  handle(request: ApiRequest): Reply | undefined {
    const env = ENV_PATH.exec(request.path)
    const repo = REPO_PATH.exec(request.path)
    if (env === null && repo === null) return undefined
    const [, owner = '', repoName = '', ...rest] = (env ?? repo) as RegExpExecArray
    const environment = env ? decode(rest[0] ?? '') : undefined
    const name = decode(rest[rest.length - 1] ?? '')
    const refused = this.authorize(request.headers.authorization, environment !== undefined, name)
    if (refused) return refused
    if (environment !== undefined && !this.environments.has(environment)) return notFound()
    const limit = this.limits.get(request.method)?.shift()
    if (limit) return rateLimited(limit)
    const scope = scopeOf(owner, repoName, environment)
    if (name === 'public-key') {
      if (request.method !== 'GET') return notFound()
      const reply = { status: 200, body: this.publicKey(owner, repoName, environment) }
      if (this.changeKeyAfterRead && !this.keysRead.has(scope)) {
        this.keysRead.add(scope)
        this.keys.delete(scope)
      }
      return reply
    }
    if (request.method === 'PUT') return this.put(scope, name, request.json)
    if (request.method === 'GET') return this.get(scope, name)
    return notFound()
  }

  /** 401 for a missing or unknown token, 403 for one without the permission; undefined when allowed. */
  private authorize(authorization: string | undefined, environment: boolean, name: string): Reply | undefined {
    if (this.tokens === undefined) return undefined
    const token = authorization === undefined ? undefined : /^(?:Bearer|token)\s+(\S+)$/i.exec(authorization)?.[1]
    // inferred: GitHub may answer 404 instead of 401 to an anonymous request for a private repository.
    if (token === undefined) return error(401, 'Requires authentication', 'https://docs.github.com/rest')
    const access = this.tokens.get(token)
    if (access === undefined) return error(401, 'Bad credentials', 'https://docs.github.com/rest')
    const anchor = docsAnchor(environment, name === 'public-key')
    if (access === 'github-token') return error(403, 'Resource not accessible by integration', `${DOCS}#${anchor}`)
    if (access === 'none' || (access === 'repo-secrets' && environment)) {
      return error(403, 'Resource not accessible by personal access token', `${DOCS}#${anchor}`)
    }
    return undefined
  }

  /** PUT .../secrets/{name}: 201 created, 204 updated. */
  private put(scope: string, name: string, json: unknown): Reply {
    const body = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : {}
    for (const field of ['encrypted_value', 'key_id']) {
      if (typeof body[field] !== 'string') return invalid(`Invalid request.\n\n"${field}" wasn't supplied.`)
    }
    const upper = name.toUpperCase()
    // inferred: the 422 messages for a bad name, a stale key id and an unreadable value are not documented.
    if (!SECRET_NAME.test(upper)) return invalid(`Secret names can only contain alphanumeric characters or underscores`)
    const pair = this.keyPair(scope)
    if (body.key_id !== pair.keyId) return invalid('Bad request: key_id does not match the current public key')
    const value = openSealed(body.encrypted_value as string, pair)
    if (value === undefined) return invalid('Bad request: encrypted_value could not be decrypted')
    const created = this.store(scope, upper, value)
    // GitHub: 201 (an empty object) when created, 204 when updated.
    return created ? { status: 201, body: {} } : { status: 204 }
  }

  /** GET .../secrets/{name}: the metadata, never the value. */
  private get(scope: string, name: string): Reply {
    const upper = name.toUpperCase()
    const secret = this.secrets.get(scope)?.get(upper)
    if (secret === undefined) return notFound()
    return { status: 200, body: { name: upper, created_at: secret.createdAt, updated_at: secret.updatedAt } }
  }

  /** Returns true when the secret did not exist yet. */
  private store(scope: string, name: string, value: string): boolean {
    const secrets = this.secrets.get(scope) ?? new Map<string, StoredSecret>()
    this.secrets.set(scope, secrets)
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    const existing = secrets.get(name)
    secrets.set(name, { value, createdAt: existing?.createdAt ?? now, updatedAt: now })
    return existing === undefined
  }

  private keyPair(scope: string): KeyPair {
    let pair = this.keys.get(scope)
    if (pair === undefined) {
      const { publicKey, privateKey } = sodium.crypto_box_keypair()
      // GitHub's key ids are long decimal strings.
      const keyId = String(randomInt(1, 2 ** 47)) + String(randomInt(0, 1_000_000)).padStart(6, '0')
      pair = { keyId, publicKey, privateKey }
      this.keys.set(scope, pair)
    }
    return pair
  }
}

/** A repository (owner and name are case-insensitive on GitHub) or one of its environments, as a map key. */
function scopeOf(owner: string, repo: string, environment?: string): string {
  return JSON.stringify([`${owner}/${repo}`.toLowerCase(), environment ?? null])
}

function docsAnchor(environment: boolean, publicKey: boolean): string {
  if (publicKey) return environment ? 'get-an-environment-public-key' : 'get-a-repository-public-key'
  return environment ? 'create-or-update-an-environment-secret' : 'create-or-update-a-repository-secret'
}

function openSealed(encrypted: string, pair: KeyPair): string | undefined {
  try {
    const sealed = sodium.from_base64(encrypted, sodium.base64_variants.ORIGINAL)
    return sodium.to_string(sodium.crypto_box_seal_open(sealed, pair.publicKey, pair.privateKey))
  } catch {
    return undefined
  }
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

function error(status: number, message: string, documentationUrl: string): Reply {
  return { status, body: { message, documentation_url: documentationUrl, status: String(status) } }
}

function notFound(): Reply {
  return error(404, 'Not Found', DOCS)
}

const RATE_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'

function rateLimited(limit: GitHubRateLimit): Reply {
  if (limit.kind === 'primary') {
    const reset = String(Math.ceil(Date.now() / 1000 + limit.resetInSeconds))
    return {
      ...error(403, 'API rate limit exceeded for user ID 1.', RATE_DOCS),
      headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }
    }
  }
  const headers = { 'retry-after': String(limit.retryAfterSeconds) }
  if (limit.kind === 'too-many') return { ...error(429, 'Too many requests', RATE_DOCS), headers }
  const message =
    'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to ' +
    'GitHub Support for help, please include the request ID.'
  return { ...error(403, message, RATE_DOCS), headers }
}

function invalid(message: string): Reply {
  return error(422, message, DOCS)
}
