// Tests of the emulator's hostile-server hooks and their helpers (TLS with a throwaway CA, the redirect recorder,
// the proxy), driven with plain Node http/https, fetch and @actions/http-client, checking what a client sees.
import { gunzipSync } from 'node:zlib'
import { describe, expect, it, vi } from 'vitest'
import { startAacEmulator } from '../../emulator/index.ts'
import { Recorder } from '../../support/recorder.ts'
import {
  type RawAnswer,
  T0,
  start,
  keep,
  request,
  freezeDate,
  FLOW_RUN,
  PLAN_RUN,
  FLOWS,
  PLANS,
  post
} from '../../support/raw-http.ts'

describe('the flow and plan routes', () => {
  it("their job groups carry origin 'api'; 'foreign-job-group' starts another client's run of the flow", async () => {
    const emulator = await start({
      flows: FLOWS,
      faults: [{ ...FLOW_RUN, action: { kind: 'foreign-job-group', when: 'before', executionId: 'other-run' } }]
    })
    const answer = await post(emulator, '/v4/flows/7/run', { 'x-execution-id': 'mine' })
    expect(answer.status).toBe(201)
    expect(JSON.parse(answer.text)).toMatchObject({ flowRunId: 2002 })
    expect(emulator.flowRuns().map((run) => [run.id, run.origin, run.executionId, run.jobGroupIds])).toEqual([
      [2001, 'foreign', 'other-run', [4100, 4101]],
      [2002, 'api', 'mine', [4102, 4103]]
    ])
    expect(emulator.jobGroups().map((group) => [group.id, group.recipeId, group.origin])).toEqual([
      [4100, 71, 'foreign'],
      [4101, 72, 'foreign'],
      [4102, 71, 'api'],
      [4103, 72, 'api']
    ])
  })

  it("'foreign-job-group': a plan run with the request's execution id, or with recipeId a job group", async () => {
    const emulator = await start({
      flows: FLOWS,
      plans: PLANS,
      faults: [
        { ...PLAN_RUN, action: { kind: 'foreign-job-group', when: 'before', sameExecutionId: true } },
        { ...FLOW_RUN, action: { kind: 'foreign-job-group', recipeId: 42 } }
      ]
    })
    expect((await post(emulator, '/v4/plans/5/run', { 'x-execution-id': 'nightly' })).status).toBe(304)
    const [planRun] = emulator.planRuns()
    expect([planRun?.id, planRun?.origin, planRun?.executionId]).toEqual([3001, 'foreign', 'nightly'])
    expect(planRun?.tasks[0]?.jobGroups.map((group) => group.origin)).toEqual(['foreign', 'foreign'])
    expect((await post(emulator, '/v4/flows/7/run')).status).toBe(201)
    expect(emulator.flowRuns().map((run) => run.origin)).toEqual(['api'])
    expect(emulator.jobGroups().map((group) => [group.recipeId, group.origin])).toEqual([
      [71, 'foreign'],
      [72, 'foreign'],
      [71, 'api'],
      [72, 'api'],
      [42, 'foreign']
    ])
  })

  it("'not-found-while-new' and 'stale' make flow runs, plan runs and their task runs lag", async () => {
    freezeDate(T0)
    const notYet = { kind: 'not-found-while-new', ms: 500 } as const
    const lagging = { kind: 'stale', lagMs: 600 } as const
    const emulator = await start({
      flows: FLOWS,
      plans: PLANS,
      scenario: { durationMs: 1000 }, // Created 0-500, InProgress 500-1000, then Complete
      faults: [
        { method: 'GET', path: /^\/v4\/(flowRuns|planSnapshotRuns)\/|\/full$/, times: Infinity, action: notYet },
        { method: 'GET', path: /^\/v4\/flowRuns\/\d+\/status$/, after: 2, forMs: 1000, action: lagging },
        { method: 'GET', path: /^\/v4\/planSnapshotRuns\//, after: 1, action: { kind: 'stale', status: 'InProgress' } }
      ]
    })
    expect((await post(emulator, '/v4/flows/7/run')).status).toBe(201)
    expect((await post(emulator, '/v4/plans/5/run')).status).toBe(201)
    const get = (path: string): Promise<RawAnswer> => request(`${emulator.url}${path}`)
    const runsOfTask = async (task: number): Promise<unknown[] | undefined> => {
      const full = JSON.parse((await get('/v4/plans/60001/full?ensureOriginal=false')).text) as {
        planNodes: { data: Array<{ planTaskSnapshotRuns: { data: unknown[] } }> }
      }
      return full.planNodes.data[task]?.planTaskSnapshotRuns.data
    }

    vi.setSystemTime(T0 + 499)
    for (const path of ['/v4/flowRuns/2001', '/v4/flowRuns/2001/status', '/v4/planSnapshotRuns/3001']) {
      const answer = await get(path)
      expect(answer.status, path).toBe(404)
      expect(JSON.parse(answer.text), path).toMatchObject({ exception: { name: 'NotFound' } })
    }
    // The snapshot plan the run was made on is as new as the run: unknown yet.
    expect((await get('/v4/plans/60001/full?ensureOriginal=false')).status).toBe(404)
    vi.setSystemTime(T0 + 600)
    expect((await get('/v4/flowRuns/2001/status')).text).toBe('"Created"')
    expect(await runsOfTask(0)).toHaveLength(1)
    // 'stale' from now on for 1 s: /status shows the run as it was 600 ms ago.
    vi.setSystemTime(T0 + 1200)
    expect((await get('/v4/flowRuns/2001/status')).text).toBe('"Created"')
    expect(emulator.flowRuns()[0]?.status).toBe('Complete')
    // Task 'Report' started at 1000: too young for the replica.
    expect(await runsOfTask(1)).toEqual([])
    vi.setSystemTime(T0 + 2500)
    expect((await get('/v4/flowRuns/2001/status')).text).toBe('"Complete"')
    expect(await runsOfTask(1)).toHaveLength(1)
    expect(emulator.planRuns()[0]?.status).toBe('Complete')
    expect(JSON.parse((await get('/v4/planSnapshotRuns/3001')).text)).toMatchObject({ id: 3001, status: 'InProgress' })
    expect(JSON.parse((await get('/v4/planSnapshotRuns/3001')).text)).toMatchObject({ id: 3001, status: 'Complete' })
  })

  it("'compress', 'drip', 'huge' and 'redirect' reshape their answers; the acting ones start the run", async () => {
    const recorder = keep(await Recorder.start())
    const redirect = { kind: 'redirect', location: recorder.url, appendPath: true } as const
    const emulator = await start({
      flows: FLOWS,
      plans: PLANS,
      scenario: { durationMs: 60_000 },
      faults: [
        { ...FLOW_RUN, action: { kind: 'compress' } },
        { method: 'GET', path: '/v4/flowRuns/2001/status', action: { kind: 'drip', chunkBytes: 2, everyMs: 40 } },
        { ...PLAN_RUN, action: { kind: 'huge', bytes: 100_000, act: true } },
        { method: 'GET', path: /^\/v4\/planSnapshotRuns\//, action: redirect }
      ]
    })
    const compressed = await post(emulator, '/v4/flows/7/run')
    expect([compressed.status, compressed.headers['content-encoding']]).toEqual([201, 'gzip'])
    expect(compressed.headers['content-length']).toBe(String(compressed.body.length))
    expect(JSON.parse(gunzipSync(compressed.body).toString())).toMatchObject({ flowRunId: 2001 })

    const dripped = await request(`${emulator.url}/v4/flowRuns/2001/status`)
    expect(JSON.parse(dripped.text)).toBe('Created')
    // 9 bytes in 5 writes, then the end: 6 steps of 40 ms after the head.
    expect(dripped.endAfterMs - dripped.headersAfterMs).toBeGreaterThanOrEqual(200)

    const huge = await post(emulator, '/v4/plans/5/run')
    expect([huge.status, huge.body.length, huge.headers['content-length']]).toEqual([200, 100_000, '100000'])
    expect(emulator.planRuns().map((run) => [run.id, run.origin])).toEqual([[3001, 'api']])

    const redirected = await request(`${emulator.url}/v4/planSnapshotRuns/3001`)
    expect(redirected.status).toBe(302)
    expect(redirected.headers.location).toBe(`${recorder.url}/v4/planSnapshotRuns/3001`)
  })
})

describe('with OAuth access tokens', () => {
  it('over https; 401s for a revoked or expired token carry their exact length, compressed or not', async () => {
    const aac = keep(
      await startAacEmulator({
        emulator: { tls: true, faults: [{ path: '/v4/jobLibrary', after: 2, action: { kind: 'compress' } }] }
      })
    )
    const { emulator, tokenServer } = aac
    expect(emulator.url).toMatch(/^https:/)
    const get = (token: string): Promise<RawAnswer> =>
      request(`${emulator.url}/v4/jobLibrary`, { token, ca: emulator.ca })
    const revoked = tokenServer.issueRefreshToken().accessToken
    expect((await get(revoked)).status).toBe(200)
    tokenServer.revoke(revoked)
    const refused = await get(revoked)
    expect(refused.status).toBe(401)
    expect(refused.headers['content-length']).toBe(String(refused.body.length))
    expect(refused.headers['x-trifacta-request-id']).toBe(emulator.requests.at(-1)?.requestId)
    expect(JSON.parse(refused.text)).toMatchObject({ exception: { name: 'AuthenticationFailed' } })

    const expiring = tokenServer.issueRefreshToken().accessToken
    freezeDate((tokenServer.claimsOf(expiring)?.exp ?? 0) * 1000)
    const expired = await get(expiring)
    expect([expired.status, expired.headers['content-encoding']]).toEqual([401, 'gzip'])
    expect(expired.headers['content-length']).toBe(String(expired.body.length))
    expect(JSON.parse(gunzipSync(expired.body).toString())).toMatchObject({
      exception: { name: 'AuthenticationFailed', details: 'The access token has expired' }
    })
  })
})
