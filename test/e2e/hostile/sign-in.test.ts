// Promise: the refresh token is never lost by the action. A mid-run refresh waits its full request-timeout; an
// answer that cannot be used, while the current access token still works, is retried later within that token's
// life, and the run and the cancel go on with the current token; a refresh that may have rotated the token on the
// server is never repeated with the old one without saying so. The secret ends holding the one refresh token that
// works, or the step says it does not and what to do.
import { describe, expect, it } from 'vitest'
import { refreshInputs } from '../../support/aac-inputs.ts'
import { errors, run, start, warnings } from '../../support/e2e.ts'
import { aac, expectAacPromisesKept, github, onGitHub, REFRESH_TOKEN_SECRET } from './aac-setup.ts'

const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }
// With 10 s tokens, the refresh is due from 8 s on (20% left): a 1 s poll surely calls while the token still serves.
const JOB_13_S = { durationMs: 13_000, statuses: ['InProgress'] }

describe('a mid-run refresh', () => {
  it('rotated at once but answered 1.8 s late: it is waited for, and the secret holds the new token', async () => {
    const a = await aac({ tokenServer: { accessTokenLifetimeSeconds: 10 }, emulator: { scenario: JOB_13_S } })
    const gh = await github()
    a.tokenServer.failCall(2, { actThenDelayMs: 1800 })
    const result = await run(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(a.tokenServer.counts.reused, 'grants sent with a refresh token already used').toBe(0)
    expect(a.tokenServer.counts.refreshed).toBeGreaterThanOrEqual(2)
    expect(gh.secretValue(REFRESH_TOKEN_SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expect(errors(result)).toEqual([])
    expectAacPromisesKept(a, gh, result)
  }, 60_000)

  it('one 200 HTML answer while the token is valid: the run goes on and the refresh is tried again', async () => {
    const a = await aac({ tokenServer: { accessTokenLifetimeSeconds: 10 }, emulator: { scenario: JOB_13_S } })
    const gh = await github()
    a.tokenServer.failCall(2, 'html')
    const result = await run(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(a.tokenServer.counts).toMatchObject({ failed: 1, reused: 0 })
    expect(a.tokenServer.counts.refreshed).toBeGreaterThanOrEqual(2)
    expect(warnings(result).join('\n')).toMatch(/Refreshing the access token failed .*HTTP 200.*tried again/)
    expect(a.emulator.requests.filter((r) => r.status === 401)).toEqual([])
    expectAacPromisesKept(a, gh, result)
  }, 60_000)

  it('one 200 HTML answer, then a workflow cancel: the cancel goes out at once with the current token', async () => {
    const a = await aac({ tokenServer: { accessTokenLifetimeSeconds: 10 }, emulator: { scenario: LONG_JOB } })
    const gh = await github()
    a.tokenServer.failCall(2, 'html')
    a.tokenServer.failCall(3, 'hang')
    const inputs = refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken)
    const action = start(inputs, onGitHub(gh))
    await action.waitForOutput(/Refreshing the access token failed/, 20_000)
    const signalledAt = Date.now()
    action.child.kill('SIGINT')
    const result = await action.result

    const cancels = a.emulator.requestsTo('POST', '/v4/jobGroups/4100/cancel')
    expect(cancels).toHaveLength(1)
    expect(cancels[0]!.at - signalledAt, 'ms from SIGINT to the cancel').toBeLessThan(2000)
    expect(a.emulator.jobGroups()[0]!.status).toBe('Canceled')
    expect(result.state.settled).toBe('true')
    expect(result.summary).toContain('was cancelled')
    expectAacPromisesKept(a, gh, result)
  }, 60_000)

  it('rotated, then never answered: the step says the refresh token may be lost and what to do', async () => {
    const a = await aac({ tokenServer: { accessTokenLifetimeSeconds: 10 }, emulator: { scenario: LONG_JOB } })
    const gh = await github()
    a.tokenServer.failCall(2, 'act-then-hang')
    const inputs = { ...refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), 'request-timeout': '2s' }
    const result = await run({ ...inputs, timeout: '30s' }, onGitHub(gh, { timeoutMs: 90_000 }))

    expect(result.code).toBe(1)
    const said = [...warnings(result), ...errors(result)].join('\n')
    // Said when the grant is repeated with the old token, not only when it is refused.
    expect(said).toMatch(/may have rotated the refresh token/)
    expect(said).toMatch(/invalid_grant/)
    expect(said).toMatch(/create a new token pair/)
    expect(a.tokenServer.counts.reused, 'grants repeated with the token that was rotated').toBeLessThanOrEqual(1)
    expectAacPromisesKept(a, gh, result)
  }, 120_000)
})
