// Tests of the emulator's check calls (test mode, GET /v4/auth, the recipe, flow and plan reads) and of its token
// server's refresh-token expiry, over real HTTP.
import { afterEach, describe, expect, it } from 'vitest'
import { TokenServer } from '../emulator/index.ts'
import { call, exceptionBody, startEmulator as start } from '../support/emulator-client.ts'
import { WRONG_API_TOKEN } from '../support/fake-tokens.ts'

const FLOWS = {
  10: {
    name: 'Sales',
    outputs: [
      { recipeId: 7, name: 'Sales by region' },
      { recipeId: 8, name: 'Sales by month' }
    ]
  }
}

const testModeBody = (id: unknown, extra: object = {}): object => ({
  wrangledDataset: { id },
  testMode: true,
  ...extra
})

describe('POST /v4/jobGroups with testMode: true', () => {
  it('answers {datasetId, datasetName, sessionId} and creates no job group', async () => {
    const emulator = await start({ recipes: [42], flows: FLOWS, recipeNames: { 42: 'Orders <clean>' } })
    const overrides = { execution: 'photon' }
    const answer = await call(emulator, 'POST', '/v4/jobGroups', {
      body: testModeBody(7, { overrides }),
      headers: { 'x-execution-id': 'dry-1' }
    })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ datasetId: 7, datasetName: 'Sales by region', sessionId: expect.any(String) })
    expect((await call(emulator, 'POST', '/v4/jobGroups', { body: testModeBody(42) })).json).toMatchObject({
      datasetName: 'Orders <clean>'
    })
    expect(emulator.jobGroups()).toEqual([])
    // The same execution id still starts a real run afterwards: test mode created nothing to repeat.
    const real = await call(emulator, 'POST', '/v4/jobGroups', {
      body: { wrangledDataset: { id: 7 } },
      headers: { 'x-execution-id': 'dry-1' }
    })
    expect(real.status).toBe(201)
  })

  it('an unknown recipe answers 404, as a run would; testMode: false runs', async () => {
    const emulator = await start()
    const missing = await call(emulator, 'POST', '/v4/jobGroups', { body: testModeBody(99) })
    expect(missing.status).toBe(404)
    expect(missing.json).toEqual(exceptionBody('NotFound'))
    const run = await call(emulator, 'POST', '/v4/jobGroups', { body: testModeBody(7, { testMode: false }) })
    expect(run.status).toBe(201)
    expect(emulator.jobGroups()).toHaveLength(1)
  })

  it('an edition that rejects the field answers 400 naming it; one that ignores it starts the job', async () => {
    const rejecting = await start({ testMode: 'rejected' })
    const refused = await call(rejecting, 'POST', '/v4/jobGroups', { body: testModeBody(7) })
    expect(refused.status).toBe(400)
    expect(refused.text).toContain('testMode')
    expect(rejecting.jobGroups()).toEqual([])

    const ignoring = await start({ testMode: 'ignored' })
    const started = await call(ignoring, 'POST', '/v4/jobGroups', { body: testModeBody(7) })
    expect(started.status).toBe(201)
    expect(started.json).toMatchObject({ id: 4100, reason: 'JobStarted' })
    expect(ignoring.jobGroups()).toHaveLength(1)
  })
})

describe('reads that check a run', () => {
  it('GET /v4/auth: 200 OK with the token, 401 without; absent on the legacy edition', async () => {
    const emulator = await start()
    expect(await call(emulator, 'GET', '/v4/auth')).toMatchObject({ status: 200, json: { body: 'OK', headers: {} } })
    expect((await call(emulator, 'GET', '/v4/auth', { token: WRONG_API_TOKEN })).status).toBe(401)
    const legacy = await start({ legacy: true })
    expect((await call(legacy, 'GET', '/v4/auth')).status).toBe(404)
  })

  it('GET /v4/wrangledDatasets/{id}: its name and flow; 404 for an unknown one', async () => {
    const emulator = await start({ recipes: [42], flows: FLOWS })
    expect((await call(emulator, 'GET', '/v4/wrangledDatasets/8')).json).toEqual({
      id: 8,
      name: 'Sales by month',
      flow: { id: 10 }
    })
    expect((await call(emulator, 'GET', '/v4/wrangledDatasets/42')).json).toEqual({ id: 42, name: 'Recipe 42' })
    expect((await call(emulator, 'GET', '/v4/wrangledDatasets/9')).status).toBe(404)
    expect((await call(emulator, 'GET', '/v4/wrangledDatasets/x')).status).toBe(400)
  })

  it('GET /v4/flows/{id} and /v4/plans/{id}: their names; refused by the Standard edition', async () => {
    const plans = { 5: { name: 'Nightly', tasks: [{ name: 'Refresh', flowId: 10 }] } }
    const emulator = await start({ flows: FLOWS, plans })
    expect((await call(emulator, 'GET', '/v4/flows/10')).json).toEqual({ id: 10, name: 'Sales' })
    expect((await call(emulator, 'GET', '/v4/plans/5')).json).toEqual({ id: 5, name: 'Nightly' })
    expect((await call(emulator, 'GET', '/v4/flows/11')).status).toBe(404)
    expect((await call(emulator, 'GET', '/v4/plans/6')).status).toBe(404)
    const standard = await start({ flows: FLOWS, plans, edition: 'standard' })
    expect((await call(standard, 'GET', '/v4/flows/10')).status).toBe(403)
    expect((await call(standard, 'GET', '/v4/plans/5')).status).toBe(403)
  })
})

describe("the token server's refresh-token expiry", () => {
  const servers: TokenServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })
  async function refreshWith(refreshTokenExpiry?: 'expires-in' | 'jwt'): Promise<Record<string, unknown>> {
    const server = await TokenServer.start({ refreshTokenLifetimeSeconds: 10 * 86_400, refreshTokenExpiry })
    servers.push(server)
    const { refreshToken } = server.issueRefreshToken()
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: server.clientId
    })
    const response = await fetch(server.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body
    })
    expect(response.status).toBe(200)
    const answer = (await response.json()) as Record<string, unknown>
    // A refresh token is never accepted as an access token, JWT or not.
    expect(server.verifyAccessToken(String(answer.refresh_token))).toBe('unknown')
    return answer
  }

  it('says nothing by default, refresh_token_expires_in with expires-in, an exp claim with jwt', async () => {
    expect(await refreshWith()).not.toHaveProperty('refresh_token_expires_in')
    const inSeconds = await refreshWith('expires-in')
    expect(Number(inSeconds.refresh_token_expires_in)).toBeGreaterThan(10 * 86_400 - 5)
    expect(Number(inSeconds.refresh_token_expires_in)).toBeLessThanOrEqual(10 * 86_400)
    const jwt = await refreshWith('jwt')
    const payload = JSON.parse(Buffer.from(String(jwt.refresh_token).split('.')[1]!, 'base64url').toString()) as {
      exp: number
    }
    expect(payload.exp * 1000 - Date.now()).toBeGreaterThan(10 * 86_400_000 - 5000)
  })
})
