// Alteryx Analytics Cloud end to end: dist/ run as the runner runs it, signing in with OAuth 2.0 tokens from the
// emulator's token server (refresh tokens that rotate, client credentials), writing every rotated refresh token
// back to a fake GitHub secret sealed with a real X25519 key (the fake opens it), and cancelling from the post
// step with the saved access token. No token, client secret or sealed value may appear anywhere it should not.
import { afterEach, describe, expect, it } from 'vitest'
import { startAacEmulator, type AacEmulator, type AacEmulatorOptions } from '../emulator/index.ts'
import { REFRESH_TOKEN_SECRET, refreshInputs } from '../support/aac-inputs.ts'
import { errors, run, start } from '../support/e2e.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import {
  FAKE_SECRETS,
  GITHUB_TOKEN,
  SECRETS_ACCESS,
  SECRETS_TOKENS,
  SERVICE_PRINCIPAL
} from '../support/fake-tokens.ts'
import type { ActionResult, RunOptions } from '../support/run-action.ts'
import { expectNoTokenLeak } from './hostile/aac-setup.ts'

const SECRET = REFRESH_TOKEN_SECRET
const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }

const servers: { close(): Promise<void> }[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
})

async function aac(options: AacEmulatorOptions = {}): Promise<AacEmulator> {
  const started = await startAacEmulator(options)
  servers.push(started)
  return started
}

async function github(): Promise<FakeGitHub> {
  const gh = await FakeGitHub.start({ secrets: { tokens: SECRETS_ACCESS, environments: ['production'] } })
  servers.push(gh)
  return gh
}

const onGitHub = (gh: FakeGitHub, options: RunOptions = {}): RunOptions => ({
  ...options,
  env: { GITHUB_API_URL: gh.url, ...options.env }
})

const bearer = (headers: Record<string, string>): string | undefined =>
  /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1]
const sealedValues = (gh: FakeGitHub): string[] =>
  gh
    .requestsTo('PUT', /secrets\/AAC_REFRESH_TOKEN$/)
    .map((r) => (r.json as { encrypted_value: string }).encrypted_value)

/** Every token of the sign-in seen by the servers: refresh tokens sent and issued, access tokens used. */
function tokensOf(a: AacEmulator, gh?: FakeGitHub): string[] {
  const sent = a.tokenServer.requests.flatMap((r) =>
    [...new URLSearchParams(r.body).values()].filter((v) => v.length > 20)
  )
  const used = a.emulator.requests.map((r) => bearer(r.headers))
  const issued = [a.tokenServer.latestRefreshToken, a.tokenServer.latestAccessToken]
  const all = [...sent, ...used, ...issued, ...(gh ? sealedValues(gh) : []), ...FAKE_SECRETS]
  return [...new Set(all.filter((t): t is string => typeof t === 'string' && t.length > 0))]
}

/** Each new access token is first used after the secret write that followed its refresh (rule 4: write at once). */
function expectWrittenBeforeUse(a: AacEmulator, gh: FakeGitHub): void {
  const writes = gh.requestsTo('PUT', /secrets\/AAC_REFRESH_TOKEN$/).map((r) => r.at)
  const firstUse = new Map<string, number>()
  for (const r of a.emulator.requests) {
    const token = bearer(r.headers)
    if (token && !firstUse.has(token)) firstUse.set(token, r.at)
  }
  const uses = [...firstUse.values()]
  expect(uses).toHaveLength(writes.length)
  uses.forEach((at, i) => expect(at).toBeGreaterThanOrEqual(writes[i]!))
}

describe('Alteryx Analytics Cloud sign-in with a rotating refresh token', () => {
  it('12 s job, 2 s tokens: completes; refreshes ≤ duration ÷ lifetime + 1; secret holds the last token', async () => {
    const a = await aac({
      tokenServer: { accessTokenLifetimeSeconds: 2 },
      emulator: { scenario: { durationMs: 12_000, statuses: ['InProgress'] }, echoTokenOnAuthError: true }
    })
    const gh = await github()
    const { refreshToken } = a.tokenServer.issueRefreshToken()
    const result = await run(refreshInputs(a, refreshToken), onGitHub(gh))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    const counts = a.tokenServer.counts
    const lifetimes = result.durationMs / 2000
    console.log(
      `12 s job, 2 s tokens: ${counts.refreshed} refreshes in ${result.durationMs} ms ` +
        `(bound ${Math.floor(lifetimes) + 1})`
    )
    expect(counts.refreshed).toBeGreaterThanOrEqual(Math.floor(lifetimes) - 1)
    expect(counts.refreshed).toBeLessThanOrEqual(Math.floor(lifetimes) + 1)
    expect(counts.rejected).toBe(0)
    expect(a.emulator.requests.filter((r) => r.status === 401)).toEqual([]) // refreshed before expiry, not after
    expect(gh.secretValue(SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expect(result.outputs['refresh-token']).toBe(a.tokenServer.latestRefreshToken)
    expect(gh.requestsTo('PUT', `/repos/acme/pipelines/actions/secrets/${SECRET}`)).toHaveLength(counts.refreshed)
    expect(gh.requestsTo('GET', '/repos/acme/pipelines/actions/secrets/public-key')).toHaveLength(1)
    expectWrittenBeforeUse(a, gh)
    expect(result.stdout).toMatch(/Signed in at http:\/\/127\.0\.0\.1:\d+\/as\/token; it is valid for 2s\./)
    expectNoTokenLeak(result, tokensOf(a, gh))
  })

  it('two runs at once with one refresh token: one completes, the other fails saying why and what to do', async () => {
    const a = await aac({ emulator: { scenario: { durationMs: 2000 } } })
    const gh = await github()
    const { refreshToken } = a.tokenServer.issueRefreshToken()
    const [first, second] = await Promise.all(
      [0, 1].map(() => start(refreshInputs(a, refreshToken), onGitHub(gh)).result)
    )
    const results = [first!, second!].sort((x, y) => (x.code ?? 9) - (y.code ?? 9))
    const [winner, loser] = results as [ActionResult, ActionResult]

    expect(winner.code).toBe(0)
    expect(winner.outputs.status).toBe('Complete')
    expect(loser.code).toBe(1)
    const error = errors(loser).join('\n')
    expect(error).toContain('answered HTTP 400 invalid_grant')
    expect(error).toMatch(/^::error title=Could not sign in::/)
    expect(error).toContain('The refresh token was already used or has expired')
    expect(error).toContain('Another run sharing the token may have rotated it first')
    expect(error).toContain('concurrency: { group: aac-refresh-token, cancel-in-progress: false }')
    expect(error).toContain('service principal')
    expect(loser.outputs['refresh-token']).toBeUndefined()
    expect(a.tokenServer.counts).toMatchObject({ refreshed: 1, reused: 1 })
    expect(a.emulator.jobGroups()).toHaveLength(1)
    expect(gh.secretValue(SECRET)).toBe(a.tokenServer.latestRefreshToken)
    for (const result of results) expectNoTokenLeak(result, tokensOf(a, gh))
  })

  it.each([
    [
      'a personal access token without the Secrets permission',
      SECRETS_TOKENS.none,
      SECRET,
      'HTTP 403',
      'secrets-token lacks the repository permission "Secrets: read and write"'
    ],
    [
      'the workflow GITHUB_TOKEN',
      GITHUB_TOKEN,
      SECRET,
      'Resource not accessible by integration',
      "If secrets-token is the workflow's GITHUB_TOKEN: it cannot write secrets"
    ],
    [
      'a token without Environments, for an environment secret',
      SECRETS_TOKENS.repoOnly,
      `production/${SECRET}`,
      'HTTP 403',
      '"Environments: read and write"'
    ],
    [
      'an environment that does not exist',
      SECRETS_TOKENS.writer,
      `staging/${SECRET}`,
      'HTTP 404',
      "Check that the environment 'staging' exists"
    ],
    ['a token GitHub does not know', SECRETS_TOKENS.unknown, SECRET, 'HTTP 401', 'secrets-token is invalid or expired']
  ])(
    'write-back with %s fails before any refresh: the refresh token stays unused',
    async (_what, token, secret, status, hint) => {
      const a = await aac()
      const gh = await github()
      const { refreshToken } = a.tokenServer.issueRefreshToken()
      const result = await run(
        refreshInputs(a, refreshToken, { 'secrets-token': token, 'refresh-token-secret': secret }),
        onGitHub(gh)
      )

      expect(result.code).toBe(1)
      const error = errors(result).join('\n')
      expect(error).toContain('Could not read the public key of')
      expect(error).toContain(status)
      expect(error).toContain(hint)
      expect(a.tokenServer.requests).toEqual([])
      expect(a.tokenServer.refreshTokenState(refreshToken)).toBe('active')
      expect(a.emulator.requests).toEqual([])
      expect(result.outputs['refresh-token']).toBeUndefined()
      expectNoTokenLeak(result, [...tokensOf(a, gh), refreshToken, token])
    }
  )

  it('a failed write after a rotation fails the step though the job completes; the output has the token', async () => {
    const a = await aac({ tokenServer: { delayMs: 1500 }, emulator: { scenario: { durationMs: 1000 } } })
    const gh = await github()
    const { refreshToken } = a.tokenServer.issueRefreshToken()
    const action = start(refreshInputs(a, refreshToken), onGitHub(gh))
    while (gh.requestsTo('GET', /public-key$/).length === 0) await new Promise((r) => setTimeout(r, 20))
    gh.forbid() // the key was read; the write that follows the refresh is refused
    const result = await action.result

    expect(a.tokenServer.counts.refreshed).toBe(1)
    expect(result.outputs.status).toBe('Complete')
    expect(result.code).toBe(1)
    const error = errors(result).join('\n')
    expect(error).toContain(
      '::error title=Refresh token not saved::The refresh token rotated, ' +
        'but writing the new one to the secret AAC_REFRESH_TOKEN failed.'
    )
    expect(error).toContain('secrets-token lacks the repository permission "Secrets: read and write"')
    expect(error).toContain("The new refresh token is in this step's refresh-token output (masked)")
    expect(result.outputs['refresh-token']).toBe(a.tokenServer.latestRefreshToken)
    expect(result.summary).toContain('The refresh token rotated, but writing the new one')
    expectNoTokenLeak(result, tokensOf(a, gh))
  })

  it('the api-token of the pair: its claims give client id and token endpoint; it is used while valid', async () => {
    const a = await aac({
      tokenServer: { accessTokenLifetimeSeconds: 120 },
      emulator: { scenario: { durationMs: 1500 } }
    })
    const gh = await github()
    const pair = a.tokenServer.issueRefreshToken()
    const inputs = {
      ...refreshInputs(a, pair.refreshToken),
      'api-token': pair.accessToken,
      'client-id': '',
      'token-endpoint': ''
    }
    const result = await run(inputs, onGitHub(gh))

    expect(result.code).toBe(0)
    expect(a.tokenServer.requests).toEqual([])
    expect(new Set(a.emulator.requests.map((r) => bearer(r.headers)))).toEqual(new Set([pair.accessToken]))
    expect(result.outputs['refresh-token']).toBeUndefined()
    expect(result.state.accessToken).toBe(pair.accessToken)
    expectNoTokenLeak(result, [...tokensOf(a, gh), pair.refreshToken, pair.accessToken])
  })

  it('an API 401 (revoked access token): one refresh, one repeat of the call; an echoed token is hidden', async () => {
    const a = await aac({
      emulator: { scenario: { durationMs: 6000, statuses: ['InProgress'] }, echoTokenOnAuthError: true }
    })
    const gh = await github()
    const { refreshToken } = a.tokenServer.issueRefreshToken()
    const action = start(refreshInputs(a, refreshToken), onGitHub(gh))
    await action.waitForOutput(/Job 4100: InProgress/, 15_000)
    const revoked = a.tokenServer.latestAccessToken!
    a.tokenServer.revoke(revoked)
    const result = await action.result

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(a.tokenServer.counts.refreshed).toBe(2)
    const refused = a.emulator.requests.filter((r) => r.status === 401)
    expect(refused).toHaveLength(1)
    const repeat = a.emulator.requests[a.emulator.requests.indexOf(refused[0]!) + 1]!
    expect([repeat.method, repeat.path]).toEqual([refused[0]!.method, refused[0]!.path])
    expect(bearer(repeat.headers)).toBe(a.tokenServer.latestAccessToken)
    expect(gh.secretValue(SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expectNoTokenLeak(result, [...tokensOf(a, gh), revoked])
  })

  it('a token endpoint error that may go away (503) is retried, and the job runs', async () => {
    const a = await aac({ emulator: { scenario: { durationMs: 1000 } } })
    const gh = await github()
    const { refreshToken } = a.tokenServer.issueRefreshToken()
    a.tokenServer.failNext(1, 503)
    const result = await run(refreshInputs(a, refreshToken), onGitHub(gh))

    expect(result.code).toBe(0)
    expect(a.tokenServer.counts).toMatchObject({ failed: 1, refreshed: 1 })
    expect(gh.secretValue(SECRET)).toBe(a.tokenServer.latestRefreshToken)
    expectNoTokenLeak(result, tokensOf(a, gh))
  })

  it('a refresh answer lost after the server rotated: the retry is refused, and the error says why', async () => {
    const a = await aac()
    const gh = await github()
    const { refreshToken } = a.tokenServer.issueRefreshToken()
    a.tokenServer.failNext(1, 'act-then-reset')
    const result = await run(refreshInputs(a, refreshToken), onGitHub(gh))

    expect(result.code).toBe(1)
    expect(a.tokenServer.counts).toMatchObject({ refreshed: 1, reused: 1 })
    expect(errors(result).join('\n')).toMatch(
      /invalid_grant.*An earlier attempt \(connection reset .*\) may have used it without its answer arriving/
    )
    expect(a.emulator.requests).toEqual([])
    expectNoTokenLeak(result, [...tokensOf(a, gh), refreshToken])
  })

  it('after SIGKILL of the main step, the post step cancels with the saved access token, no refresh', async () => {
    const a = await aac({ emulator: { scenario: LONG_JOB } })
    const gh = await github()
    const { refreshToken } = a.tokenServer.issueRefreshToken()
    const inputs = refreshInputs(a, refreshToken)
    const main = start(inputs, onGitHub(gh))
    await main.waitForOutput(/Job 4100: InProgress/, 15_000)
    main.child.kill('SIGKILL')
    const killed = await main.result
    expect(killed.state.accessToken).toBe(a.tokenServer.latestAccessToken)
    const tokenCalls = a.tokenServer.requests.length

    // The post step gets the inputs again, with the refresh token the workflow read at its start (now rotated).
    const post = await run(inputs, onGitHub(gh, { post: true, state: killed.state }))
    expect(post.code).toBe(0)
    const cancels = a.emulator.requestsTo('POST', '/v4/jobGroups/4100/cancel')
    expect(cancels).toHaveLength(1)
    expect(bearer(cancels[0]!.headers)).toBe(killed.state.accessToken)
    expect(a.emulator.jobGroups()[0]!.status).toBe('Canceled')
    expect(post.stdout).toContain('Job 4100 was cancelled by the post step')
    expect(a.tokenServer.requests).toHaveLength(tokenCalls)
    expect(gh.requestsTo('PUT', /secrets/)).toHaveLength(1)
    expectNoTokenLeak(killed, tokensOf(a, gh))
    expectNoTokenLeak(post, tokensOf(a, gh))
  })
})

describe('Alteryx Analytics Cloud sign-in as a service principal', () => {
  it('client credentials complete a job, with nothing to rotate or write back', async () => {
    const a = await aac({
      tokenServer: { clients: { [SERVICE_PRINCIPAL.id]: SERVICE_PRINCIPAL.secret } },
      emulator: { scenario: { durationMs: 1500 } }
    })
    const inputs = {
      'api-url': a.emulator.url,
      'recipe-id': '7',
      'client-id': SERVICE_PRINCIPAL.id,
      'client-secret': SERVICE_PRINCIPAL.secret,
      'token-endpoint': a.tokenServer.tokenEndpoint,
      'poll-interval': '1s'
    }
    const result = await run(inputs)

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(a.tokenServer.counts).toMatchObject({ clientCredentials: 1, refreshed: 0 })
    expect(new URLSearchParams(a.tokenServer.requests[0]!.body).get('grant_type')).toBe('client_credentials')
    expect(result.outputs['refresh-token']).toBeUndefined()
    expectNoTokenLeak(result, tokensOf(a))
  })

  it('a wrong client secret is explained, and the secret given stays hidden', async () => {
    const a = await aac({ tokenServer: { clients: { [SERVICE_PRINCIPAL.id]: SERVICE_PRINCIPAL.secret } } })
    const wrong = 'sp-WRONG-secret-8f3e'
    const inputs = {
      'api-url': a.emulator.url,
      'recipe-id': '7',
      'client-id': SERVICE_PRINCIPAL.id,
      'client-secret': wrong,
      'token-endpoint': a.tokenServer.issuer
    }
    const result = await run(inputs)

    expect(result.code).toBe(1)
    const error = errors(result).join('\n')
    expect(error).toContain('answered HTTP 401 invalid_client')
    expect(error).toContain('check client-id and client-secret')
    expect(a.emulator.requests).toEqual([])
    expectNoTokenLeak(result, [...tokensOf(a), wrong])
  })
})
