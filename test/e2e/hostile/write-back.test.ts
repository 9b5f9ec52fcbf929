// Promise: the rotated refresh token reaches the secret whenever GitHub only says "later". The write-back retries
// 429, a 403 that comes with retry-after or an exhausted x-ratelimit-remaining, and 5xx, waiting as retry-after
// and x-ratelimit-reset say within the step's time; on a 422 because the public key changed it reads the key again
// once and seals anew. Its messages tell a rate limit from a missing permission.
import { describe, expect, it } from 'vitest'
import { refreshInputs } from '../../support/aac-inputs.ts'
import { errors, run } from '../../support/e2e.ts'
import type { GitHubRateLimit } from '../../support/fake-github-secrets.ts'
import { SECRETS_TOKENS } from '../../support/fake-tokens.ts'
import { aac, expectAacPromisesKept, github, onGitHub, REFRESH_TOKEN_SECRET } from './aac-setup.ts'

const SECRET_PUT = `/repos/acme/pipelines/actions/secrets/${REFRESH_TOKEN_SECRET}`
const KEY_GET = '/repos/acme/pipelines/actions/secrets/public-key'
const SHORT_JOB = { durationMs: 1500 }

describe('GitHub says "later"', () => {
  it.each<[string, GitHubRateLimit, number]>([
    ['403 secondary rate limit with retry-after: 2', { kind: 'secondary', retryAfterSeconds: 2 }, 2000],
    ['403 with x-ratelimit-remaining: 0 and a reset 2 s ahead', { kind: 'primary', resetInSeconds: 2 }, 1000],
    ['429 with retry-after: 2', { kind: 'too-many', retryAfterSeconds: 2 }, 2000]
  ])(
    '%s on the write: it waits that long, writes, and the job runs',
    async (_name, limit, waitMs) => {
      const a = await aac({ emulator: { scenario: SHORT_JOB } })
      const gh = await github()
      gh.secrets.limitNext('PUT', 1, limit)
      const result = await run(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))

      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('Complete')
      const puts = gh.requestsTo('PUT', SECRET_PUT)
      expect(puts).toHaveLength(2)
      expect(puts[1]!.at - puts[0]!.at, 'ms between the limited write and the next').toBeGreaterThanOrEqual(waitMs - 50)
      expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
      expect(errors(result)).toEqual([])
      expectAacPromisesKept(a, gh, result)
    },
    60_000
  )

  it('a secondary rate limit on the public-key read: waited out before the token endpoint is asked', async () => {
    const a = await aac({ emulator: { scenario: SHORT_JOB } })
    const gh = await github()
    gh.secrets.limitNext('GET', 1, { kind: 'secondary', retryAfterSeconds: 1 })
    const result = await run(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))

    expect(result.code).toBe(0)
    expect(gh.requestsTo('GET', KEY_GET)).toHaveLength(2)
    expect(a.tokenServer.requests[0]!.at).toBeGreaterThan(gh.requestsTo('GET', KEY_GET)[1]!.at)
    expectAacPromisesKept(a, gh, result)
  }, 60_000)

  it('a rate limit that outlasts the step: the error says rate limit, not a missing permission', async () => {
    const a = await aac({ emulator: { scenario: SHORT_JOB } })
    const gh = await github()
    gh.secrets.limitNext('PUT', 50, { kind: 'secondary', retryAfterSeconds: 600 })
    const inputs = { ...refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), timeout: '5s' }
    const result = await run(inputs, onGitHub(gh))

    expect(result.code).toBe(1)
    const said = errors(result).join('\n')
    expect(said).toContain('Refresh token not saved')
    expect(said).toMatch(/rate limit/i)
    expect(said).not.toMatch(/lacks the repository permission/)
    expect(said).toContain('refresh-token output')
    expect(result.durationMs, 'the step does not wait 10 minutes').toBeLessThan(20_000)
    expectAacPromisesKept(a, gh, result)
  }, 60_000)

  it('a token without the permission is still told so (403 without rate-limit headers)', async () => {
    const a = await aac({ emulator: { scenario: SHORT_JOB } })
    const gh = await github()
    const inputs = {
      ...refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken),
      'secrets-token': SECRETS_TOKENS.none
    }
    const result = await run(inputs, onGitHub(gh))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/lacks the repository permission "Secrets: read and write"/)
    expect(errors(result).join('\n')).not.toMatch(/rate limit/i)
    expect(gh.requestsTo('GET', KEY_GET)).toHaveLength(1)
    expect(a.tokenServer.requests, 'nothing sent to the token endpoint').toHaveLength(0)
  }, 60_000)
})

describe('the public key changes between the read and the write', () => {
  it('the 422 makes it read the key once more and seal anew: the secret holds the new token', async () => {
    const a = await aac({ emulator: { scenario: SHORT_JOB } })
    const gh = await github({ secrets: { changeKeyAfterRead: true } })
    const result = await run(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))

    expect(result.code).toBe(0)
    expect(gh.requestsTo('GET', KEY_GET)).toHaveLength(2)
    const puts = gh.requestsTo('PUT', SECRET_PUT)
    expect(puts.map((p) => p.status)).toEqual([422, 201])
    expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expect(errors(result)).toEqual([])
    expectAacPromisesKept(a, gh, result)
  }, 60_000)
})
