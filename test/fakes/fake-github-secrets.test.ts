// Tests of the fake GitHub Actions secrets API, driven over HTTP the way a client writes a secret: fetch the public
// key, seal the value with libsodium, PUT it; the fake opens the sealed box so the stored plaintext can be checked.
import sodium from 'libsodium-wrappers'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FakeGitHub, type FakeGitHubOptions } from '../support/fake-github.ts'
import { GITHUB_TOKEN, SECRETS_ACCESS, SECRETS_TOKENS } from '../support/fake-tokens.ts'

const { writer: WRITER, repoOnly: REPO_ONLY, none: NO_SECRETS, unknown: UNKNOWN } = SECRETS_TOKENS
const REPO = '/repos/octo-org/data-jobs'

interface Answer {
  status: number
  json: unknown
}

const servers: FakeGitHub[] = []

beforeAll(async () => {
  await sodium.ready
})

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()))
})

async function start(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const server = await FakeGitHub.start({
    secrets: { tokens: SECRETS_ACCESS, environments: ['production'] },
    ...options
  })
  servers.push(server)
  return server
}

async function call(
  gh: FakeGitHub,
  method: string,
  path: string,
  token: string | null,
  body?: unknown
): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' }
  if (token !== null) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(gh.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  return { status: response.status, json: text.length > 0 ? (JSON.parse(text) as unknown) : undefined }
}

/** What a client does: seal the UTF-8 value with the base64 public key, as GitHub's docs show. */
function seal(value: string, key: string): string {
  const sealed = sodium.crypto_box_seal(
    sodium.from_string(value),
    sodium.from_base64(key, sodium.base64_variants.ORIGINAL)
  )
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL)
}

async function writeSecret(gh: FakeGitHub, base: string, name: string, value: string, token = WRITER): Promise<Answer> {
  const key = await call(gh, 'GET', `${base}/secrets/public-key`, token)
  expect(key.status).toBe(200)
  const { key_id, key: publicKey } = key.json as { key_id: string; key: string }
  return call(gh, 'PUT', `${base}/secrets/${name}`, token, { encrypted_value: seal(value, publicKey), key_id })
}

function githubError(message: string): unknown {
  return {
    message,
    documentation_url: expect.stringMatching(/^https:\/\/docs\.github\.com\//),
    status: expect.any(String)
  }
}

describe('repository secrets', () => {
  it('gives a real X25519 public key, stores a sealed value (201), updates it (204), and opens it', async () => {
    const gh = await start()
    const key = await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, WRITER)
    expect(key.json).toEqual({ key_id: expect.stringMatching(/^\d+$/), key: expect.any(String) })
    const raw = sodium.from_base64((key.json as { key: string }).key, sodium.base64_variants.ORIGINAL)
    expect(raw).toHaveLength(sodium.crypto_box_PUBLICKEYBYTES)

    const created = await writeSecret(gh, `${REPO}/actions`, 'AAC_REFRESH_TOKEN', 'refresh-1')
    expect(created).toEqual({ status: 201, json: {} })
    expect(gh.secretValue('AAC_REFRESH_TOKEN')).toBe('refresh-1')

    const updated = await writeSecret(gh, `${REPO}/actions`, 'aac_refresh_token', 'refresh-2 ✓ ünïcødé')
    expect(updated).toEqual({ status: 204, json: undefined })
    expect(gh.secretValue('aac_refresh_token')).toBe('refresh-2 ✓ ünïcødé')
    expect(gh.secretValue('AAC_REFRESH_TOKEN', undefined, 'octo-org/data-jobs')).toBe('refresh-2 ✓ ünïcødé')
    expect(gh.secretValue('AAC_REFRESH_TOKEN', 'production')).toBeUndefined()

    // Only the sealed box travelled; GET of a secret shows its metadata, never its value.
    const puts = gh.requestsTo('PUT', `${REPO}/actions/secrets/AAC_REFRESH_TOKEN`)
    expect(puts.map((request) => request.status)).toEqual([201])
    expect(puts[0]?.body).not.toContain('refresh-1')
    const meta = await call(gh, 'GET', `${REPO}/actions/secrets/AAC_REFRESH_TOKEN`, WRITER)
    expect(meta.json).toEqual({
      name: 'AAC_REFRESH_TOKEN',
      created_at: expect.any(String),
      updated_at: expect.any(String)
    })
  })

  it('answers 204 when a seeded secret is overwritten, and keeps repositories apart', async () => {
    const gh = await start()
    gh.secrets.seedSecret('octo-org', 'data-jobs', 'AAC_REFRESH_TOKEN', 'old')
    gh.secrets.seedSecret('octo-org', 'other', 'AAC_REFRESH_TOKEN', 'elsewhere')

    expect((await writeSecret(gh, `${REPO}/actions`, 'AAC_REFRESH_TOKEN', 'new')).status).toBe(204)
    expect(gh.secretValue('AAC_REFRESH_TOKEN', undefined, 'octo-org/data-jobs')).toBe('new')
    expect(gh.secretValue('AAC_REFRESH_TOKEN', undefined, 'octo-org/other')).toBe('elsewhere')
    expect(() => gh.secretValue('AAC_REFRESH_TOKEN')).toThrow(/several repositories/)
  })

  it('refuses a PUT without key_id, with a stale key id, an unreadable value or a bad name', async () => {
    const gh = await start()
    const other = await start()
    const key = (await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, WRITER)).json as {
      key_id: string
      key: string
    }
    const foreign = (await call(other, 'GET', `${REPO}/actions/secrets/public-key`, WRITER)).json as { key: string }
    const put = (name: string, body: unknown): Promise<Answer> =>
      call(gh, 'PUT', `${REPO}/actions/secrets/${name}`, WRITER, body)

    const noKeyId = await put('TOKEN', { encrypted_value: seal('x', key.key) })
    expect(noKeyId).toEqual({ status: 422, json: githubError('Invalid request.\n\n"key_id" wasn\'t supplied.') })
    expect((await put('TOKEN', { encrypted_value: seal('x', key.key), key_id: '1' })).status).toBe(422)
    expect((await put('TOKEN', { encrypted_value: seal('x', foreign.key), key_id: key.key_id })).status).toBe(422)
    expect((await put('TOKEN', { encrypted_value: 'not base64 !', key_id: key.key_id })).status).toBe(422)
    expect((await put('GITHUB_TOKEN', { encrypted_value: seal('x', key.key), key_id: key.key_id })).status).toBe(422)
    expect((await put('1TOKEN', { encrypted_value: seal('x', key.key), key_id: key.key_id })).status).toBe(422)
    expect(gh.secretValue('TOKEN')).toBeUndefined()
    expect(gh.secretValue('GITHUB_TOKEN')).toBeUndefined()
  })
})

describe('environment secrets', () => {
  it('have their own key, and 404 for an environment that does not exist', async () => {
    const gh = await start()
    const repoKey = (await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, WRITER)).json as { key: string }
    const envKey = await call(gh, 'GET', `${REPO}/environments/production/secrets/public-key`, WRITER)
    expect(envKey.status).toBe(200)
    const { key_id, key } = envKey.json as { key_id: string; key: string }
    expect(key).not.toBe(repoKey.key)

    // Sealed with the repository's key: the environment cannot open it.
    const env = `${REPO}/environments/production`
    const wrongBox = { encrypted_value: seal('x', repoKey.key), key_id }
    expect((await call(gh, 'PUT', `${env}/secrets/AAC_REFRESH_TOKEN`, WRITER, wrongBox)).status).toBe(422)
    expect((await writeSecret(gh, env, 'AAC_REFRESH_TOKEN', 'env-value')).status).toBe(201)
    expect(gh.secretValue('AAC_REFRESH_TOKEN', 'production')).toBe('env-value')
    expect(gh.secretValue('AAC_REFRESH_TOKEN')).toBeUndefined()

    const missingKey = await call(gh, 'GET', `${REPO}/environments/staging/secrets/public-key`, WRITER)
    expect(missingKey).toEqual({ status: 404, json: githubError('Not Found') })
    const body = { encrypted_value: seal('x', key), key_id }
    const missingPut = await call(gh, 'PUT', `${REPO}/environments/staging/secrets/AAC_REFRESH_TOKEN`, WRITER, body)
    expect(missingPut.status).toBe(404)
  })
})

describe('permissions', () => {
  it('answers 401 without a token or with an unknown one', async () => {
    const gh = await start()
    expect(await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, null)).toEqual({
      status: 401,
      json: githubError('Requires authentication')
    })
    expect(await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, UNKNOWN)).toEqual({
      status: 401,
      json: githubError('Bad credentials')
    })
  })

  it('answers 403 to tokens without the Secrets permission, and to the workflow token', async () => {
    const gh = await start()
    const key = (await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, WRITER)).json as {
      key_id: string
      key: string
    }
    const body = { encrypted_value: seal('x', key.key), key_id: key.key_id }
    const pat = githubError('Resource not accessible by personal access token')

    expect(await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, NO_SECRETS)).toEqual({ status: 403, json: pat })
    expect(await call(gh, 'PUT', `${REPO}/actions/secrets/TOKEN`, NO_SECRETS, body)).toEqual({ status: 403, json: pat })
    const integration = githubError('Resource not accessible by integration')
    expect(await call(gh, 'GET', `${REPO}/actions/secrets/public-key`, GITHUB_TOKEN)).toEqual({
      status: 403,
      json: integration
    })
    expect(await call(gh, 'PUT', `${REPO}/actions/secrets/TOKEN`, GITHUB_TOKEN, body)).toEqual({
      status: 403,
      json: integration
    })
    expect(gh.secretValue('TOKEN')).toBeUndefined()
  })

  it('lets a token with Secrets but not Environments write repository secrets only', async () => {
    const gh = await start()
    expect((await writeSecret(gh, `${REPO}/actions`, 'TOKEN', 'repo-level', REPO_ONLY)).status).toBe(201)
    const envKey = await call(gh, 'GET', `${REPO}/environments/production/secrets/public-key`, REPO_ONLY)
    expect(envKey).toEqual({ status: 403, json: githubError('Resource not accessible by personal access token') })
  })

  it('lets any token through when no tokens are configured', async () => {
    const gh = await FakeGitHub.start()
    servers.push(gh)
    expect((await writeSecret(gh, `${REPO}/actions`, 'TOKEN', 'open', 'anything')).status).toBe(201)
    expect(gh.secretValue('TOKEN')).toBe('open')
  })
})
