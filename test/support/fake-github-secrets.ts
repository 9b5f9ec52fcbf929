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
}

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

  /** Waits for libsodium, which the key pairs and sealed boxes need. */
  static async create(options: SecretsApiOptions = {}): Promise<SecretsApi> {
    await sodium.ready
    return new SecretsApi(options)
  }

  private constructor(options: SecretsApiOptions) {
    this.tokens = options.tokens && new Map(Object.entries(options.tokens))
    this.environments = new Set(options.environments ?? [])
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
    const scope = scopeOf(owner, repoName, environment)
    if (name === 'public-key') {
      return request.method === 'GET' ? { status: 200, body: this.publicKey(owner, repoName, environment) } : notFound()
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

function invalid(message: string): Reply {
  return error(422, message, DOCS)
}
