// Promise: the refresh token is never lost, and the step says truly where it is. A write-back that failed once and
// then succeeded for a later rotation leaves the secret holding the one working refresh token: the step must not
// end saying that the stored one no longer works.
import { describe, expect, it } from 'vitest'
import { refreshInputs } from '../../support/aac-inputs.ts'
import { errors, start } from '../../support/e2e.ts'
import { aac, expectAacPromisesKept, github, onGitHub, REFRESH_TOKEN_SECRET } from './aac-setup.ts'

const SECRET_PUT = `/repos/acme/pipelines/actions/secrets/${REFRESH_TOKEN_SECRET}`
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('a write-back that fails, then succeeds', () => {
  it('the secret ends holding the working refresh token: the step says so, and does not fail for it', async () => {
    const a = await aac({
      tokenServer: { accessTokenLifetimeSeconds: 3 },
      emulator: { scenario: { durationMs: 8000 } }
    })
    const gh = await github()
    const action = start(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))
    while (gh.requestsTo('GET', /public-key$/).length === 0) await sleep(10)
    gh.forbid() // the first write is refused
    while (gh.requestsTo('PUT', SECRET_PUT).length === 0) await sleep(10)
    gh.forbid(false) // later writes go through
    const result = await action.result

    expect(a.tokenServer.counts.refreshed).toBeGreaterThanOrEqual(2)
    expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expect(result.outputs.status).toBe('Complete')
    // The failed write was said when it happened; the later one says the secret holds the working token again.
    expect(errors(result).join('\n')).toContain('Refresh token not saved')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^::notice title=Refresh token saved::A later rotation's refresh token was written/m)
    expect(result.summary).toContain('it holds the refresh token that works again')
    expectAacPromisesKept(a, gh, result)
  }, 60_000)

  it('refused, saved, refused again: the step fails again, saying the stored token no longer works', async () => {
    const a = await aac({
      tokenServer: { accessTokenLifetimeSeconds: 3 },
      emulator: { scenario: { durationMs: 8000 } }
    })
    const gh = await github()
    const action = start(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))
    while (gh.requestsTo('GET', /public-key$/).length === 0) await sleep(10)
    gh.forbid()
    while (gh.requestsTo('PUT', SECRET_PUT).length === 0) await sleep(10)
    gh.forbid(false)
    while (gh.secretValue(REFRESH_TOKEN_SECRET) === undefined) await sleep(10)
    gh.forbid() // every later write is refused
    const result = await action.result

    expect(gh.secretValue(REFRESH_TOKEN_SECRET)).not.toBe(a.tokenServer.latestRefreshToken)
    expect(result.code).toBe(1)
    const said = errors(result).join('\n')
    expect(said.match(/Refresh token not saved/g)).toHaveLength(2)
    expect(result.outputs['refresh-token']).toBe(a.tokenServer.latestRefreshToken)
    expectAacPromisesKept(a, gh, result)
  }, 60_000)
})
