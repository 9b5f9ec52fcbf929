// Keeping an AAC refresh token alive: dry-run: true with a refresh token and no target only signs in (one refresh,
// the rotated token written back), and reports the new refresh token's expiry; every run warns once when the token
// answer says the refresh token lapses within 14 days.
import { afterEach, describe, expect, it } from 'vitest'
import { startAacEmulator, type AacEmulator, type AacEmulatorOptions } from '../emulator/index.ts'
import { REFRESH_TOKEN_SECRET, refreshInputs } from '../support/aac-inputs.ts'
import { errors, run, warnings } from '../support/e2e.ts'
import { shown } from '../support/shown.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { SECRETS_ACCESS } from '../support/fake-tokens.ts'

const DAY_S = 86_400
const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function setUp(
  options: AacEmulatorOptions = {}
): Promise<{ a: AacEmulator; gh: FakeGitHub; refreshToken: string }> {
  const a = await startAacEmulator(options)
  servers.push(a)
  const gh = await FakeGitHub.start({ secrets: { tokens: SECRETS_ACCESS, environments: ['production'] } })
  servers.push(gh)
  return { a, gh, refreshToken: a.tokenServer.issueRefreshToken().refreshToken }
}

const keepAlive = { 'dry-run': 'true', 'recipe-id': '' }

describe('the keep-alive (dry-run: true, a refresh token, no target)', () => {
  it.each(['expires-in', 'jwt'] as const)(
    'refreshes once, writes the new token back, sends no API call, and reports its expiry (%s)',
    async (refreshTokenExpiry) => {
      const { a, gh, refreshToken } = await setUp({
        tokenServer: { refreshTokenLifetimeSeconds: 90 * DAY_S, refreshTokenExpiry }
      })
      const result = await run(refreshInputs(a, refreshToken, keepAlive), { env: { GITHUB_API_URL: gh.url } })

      expect(result.code).toBe(0)
      expect(a.tokenServer.counts).toMatchObject({ refreshed: 1, rejected: 0 })
      expect(a.emulator.requests).toEqual([])
      expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
      expect(a.tokenServer.refreshTokenState(a.tokenServer.latestRefreshToken!)).toBe('active')
      expect(result.outputs).toMatchObject({ status: 'DryRun', 'job-id': '' })
      expect(shown(result.summary)).toContain('Dry run: signed in, and the refresh token was renewed')
      expect(shown(result.summary)).toContain(`was written to the secret ${REFRESH_TOKEN_SECRET}`)
      expect(shown(result.summary)).toMatch(
        /the new refresh token expires on \d{4}-\d\d-\d\d \d\d:\d\d UTC \(in (89|90) days\)/
      )
      expect(warnings(result)).toEqual([])
    }
  )

  it('refreshes even when the api-token given with it is still valid', async () => {
    const { a, gh } = await setUp()
    const pair = a.tokenServer.issueRefreshToken()
    const inputs = refreshInputs(a, pair.refreshToken, { ...keepAlive, 'api-token': pair.accessToken })
    const result = await run(inputs, { env: { GITHUB_API_URL: gh.url } })
    expect(result.code).toBe(0)
    expect(a.tokenServer.counts.refreshed).toBe(1)
    expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
  })

  it('without an expiry in the token answer, says it is not known, and warns of nothing', async () => {
    const { a, gh, refreshToken } = await setUp()
    const result = await run(refreshInputs(a, refreshToken, keepAlive), { env: { GITHUB_API_URL: gh.url } })
    expect(result.code).toBe(0)
    expect(shown(result.summary)).toContain('the token endpoint does not say when the refresh token expires')
    expect(warnings(result)).toEqual([])
  })

  it('a refresh token that no longer works fails the keep-alive, saying why', async () => {
    const { a, gh, refreshToken } = await setUp()
    a.tokenServer.revoke(refreshToken)
    const result = await run(refreshInputs(a, refreshToken, keepAlive), { env: { GITHUB_API_URL: gh.url } })
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/^::error title=Could not sign in::.*invalid_grant/m)
  })
})

describe('a dry run of a recipe with a refresh token', () => {
  it('signs in for real (the token rotates and is written back) and starts nothing', async () => {
    const { a, gh, refreshToken } = await setUp()
    const result = await run(refreshInputs(a, refreshToken, { 'dry-run': 'true' }), {
      env: { GITHUB_API_URL: gh.url }
    })
    expect(result.code).toBe(0)
    expect(a.tokenServer.counts.refreshed).toBe(1)
    expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expect(a.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v4/auth', 'POST /v4/jobGroups'])
    expect(a.emulator.jobGroups()).toEqual([])
    expect(result.outputs.status).toBe('DryRun')
  })
})

describe('the warning before a refresh token lapses', () => {
  it('a run whose refresh token lapses within 14 days warns once, naming the date and the keep-alive', async () => {
    const { a, gh, refreshToken } = await setUp({
      tokenServer: {
        refreshTokenLifetimeSeconds: 10 * DAY_S,
        refreshTokenExpiry: 'expires-in',
        accessTokenLifetimeSeconds: 2
      },
      emulator: { scenario: { durationMs: 5000, statuses: ['InProgress'] } }
    })
    const result = await run(refreshInputs(a, refreshToken), { env: { GITHUB_API_URL: gh.url } })

    expect(result.code).toBe(0)
    expect(a.tokenServer.counts.refreshed).toBeGreaterThan(1)
    const lapse = warnings(result).filter((w) => w.includes('expires on'))
    expect(lapse).toHaveLength(1)
    expect(lapse[0]).toMatch(/The refresh token expires on \d{4}-\d\d-\d\d.* \(in (9|10) days\)/)
    expect(lapse[0]).toContain('dry-run: true')
  })

  it('no warning with more than 14 days left', async () => {
    const { a, gh, refreshToken } = await setUp({
      tokenServer: { refreshTokenLifetimeSeconds: 30 * DAY_S, refreshTokenExpiry: 'jwt' }
    })
    const result = await run(refreshInputs(a, refreshToken), { env: { GITHUB_API_URL: gh.url } })
    expect(result.code).toBe(0)
    expect(warnings(result)).toEqual([])
    expect(result.stdout).toMatch(/the refresh token expires on \d{4}-\d\d-\d\d/)
  })
})
