// Tests of the emulator's flow runs and plan snapshot runs, over real HTTP with Node's fetch.
import { describe, expect, it } from 'vitest'
import { call, exceptionBody, startEmulator as start } from '../../support/emulator-client.ts'
import { runFlow, runPlan, FLOWS, planEmulator } from '../../support/flow-emulator.ts'

describe('quotas', () => {
  it('answers 429 on runFlow with the documented headers and body once flowQuota is spent', async () => {
    const emulator = await start({ flows: FLOWS, flowQuota: { limit: 1, windowMs: 60_000 } })
    const first = await runFlow(emulator)
    expect(first.status).toBe(201)
    expect(first.headers.get('x-rate-limit-user-limit')).toBe('1')
    expect(first.headers.get('x-rate-limit-user-remaining')).toBe('0')
    const limited = await runFlow(emulator)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-rate-limit-workspace-limit')).toBe('2')
    expect(limited.headers.get('x-retry-after')).toBe('60')
    expect(limited.json).toEqual({
      exception: {
        name: 'TooManyRequestsException',
        message: 'Too Many Requests',
        details:
          'API quota reached for "runFlow". Wait 60 seconds before making a new request. ' +
          '(Max. 1 requests allowed per minute per user.)'
      }
    })
    expect(emulator.rateLimited).toBe(1)
    expect(emulator.flowRuns()).toHaveLength(1)
    // Other calls are not counted against it.
    expect((await call(emulator, 'POST', '/v4/jobGroups', { body: { wrangledDataset: { id: 7 } } })).status).toBe(201)
  })

  it('answers 429 on runPlan once planQuota is spent, and opens a new window after windowMs', async () => {
    const emulator = await planEmulator({ planQuota: { limit: 1, windowMs: 100 } })
    expect((await runPlan(emulator)).status).toBe(201)
    const limited = await runPlan(emulator)
    expect(limited.status).toBe(429)
    expect(limited.json).toMatchObject({ exception: { details: expect.stringContaining('"runPlan"') } })
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect((await runPlan(emulator)).status).toBe(201)
  })

  it("a 'rate-limit' fault names runFlow / runPlan and their documented limits", async () => {
    const emulator = await planEmulator({
      flows: FLOWS,
      faults: [
        {
          method: 'POST',
          path: /^\/v4\/(flows|plans)\/\d+\/run$/,
          times: 2,
          action: { kind: 'rate-limit', retryAfterSeconds: 2 }
        }
      ]
    })
    const flow = await runFlow(emulator)
    expect(flow.headers.get('x-rate-limit-user-limit')).toBe('20')
    expect(flow.json).toMatchObject({ exception: { details: expect.stringMatching(/"runFlow".*Max\. 20 /) } })
    const plan = await runPlan(emulator)
    expect(plan.headers.get('x-rate-limit-user-limit')).toBe('30')
    expect(plan.json).toMatchObject({ exception: { details: expect.stringMatching(/"runPlan".*Wait 2 seconds/) } })
    expect(emulator.flowRuns()).toEqual([])
    expect(emulator.planRuns()).toEqual([])
  })
})

describe('editions', () => {
  const calls: Array<[string, string]> = [
    ['POST', '/v4/flows/7/run'],
    ['GET', '/v4/flowRuns/2001'],
    ['GET', '/v4/flowRuns/2001/status'],
    ['GET', '/v4/flowRuns/2001/jobGroups'],
    ['POST', '/v4/plans/5/run'],
    ['GET', '/v4/plans/5/full'],
    ['GET', '/v4/planSnapshotRuns/3001'],
    ['POST', '/v4/planSnapshotRuns/3001/cancel']
  ]

  it("'standard' refuses every flow and plan call with 403 by default, or 404; job groups still run", async () => {
    const forbidding = await planEmulator({ edition: 'standard' })
    for (const [method, path] of calls) {
      const answer = await call(forbidding, method, path, { body: method === 'POST' ? {} : undefined })
      expect(answer.status, path).toBe(403)
      expect(answer.json, path).toEqual(exceptionBody('Forbidden'))
    }
    expect(forbidding.flowRuns()).toEqual([])
    expect(forbidding.planRuns()).toEqual([])
    expect((await call(forbidding, 'POST', '/v4/jobGroups', { body: { wrangledDataset: { id: 71 } } })).status).toBe(
      201
    )

    const hiding = await planEmulator({ edition: 'standard', standardRefusal: 404 })
    for (const [method, path] of calls) {
      const answer = await call(hiding, method, path, { body: method === 'POST' ? {} : undefined })
      expect(answer.status, path).toBe(404)
      expect(answer.json, path).toEqual(exceptionBody('NotFound'))
    }
  })

  it("legacy editions are 'standard' unless told otherwise", async () => {
    const legacy = await planEmulator({ legacy: true })
    expect((await runFlow(legacy)).status).toBe(403)
    const enterprise = await planEmulator({ legacy: true, edition: 'enterprise' })
    expect((await runFlow(enterprise)).status).toBe(201)
  })
})

describe('faults', () => {
  it("'act-then-reset' on POST /v4/flows/7/run creates the run while the client sees a socket error", async () => {
    const emulator = await start({
      flows: FLOWS,
      faults: [{ method: 'POST', path: '/v4/flows/7/run', action: { kind: 'act-then-reset' } }]
    })
    await expect(runFlow(emulator, {}, { 'x-execution-id': 'lost' })).rejects.toThrow()
    expect(emulator.flowRuns()).toEqual([
      expect.objectContaining({ id: 2001, executionId: 'lost', jobGroupIds: [4100, 4101] })
    ])
    expect(emulator.requests[0]?.status).toBeUndefined()
    expect((await runFlow(emulator, {}, { 'x-execution-id': 'lost' })).status).toBe(304)
  })

  it("'status' and 'reset' faults on the plan routes do not act", async () => {
    const emulator = await planEmulator({
      faults: [
        {
          method: 'POST',
          path: '/v4/plans/5/run',
          action: { kind: 'status', status: 502, raw: '<html>Bad Gateway</html>' }
        },
        { method: 'POST', path: /cancel$/, action: { kind: 'reset' } }
      ]
    })
    const answer = await runPlan(emulator)
    expect(answer.status).toBe(502)
    expect(answer.text).toContain('Bad Gateway')
    expect(emulator.planRuns()).toEqual([])
    expect((await runPlan(emulator)).status).toBe(201)
    await expect(call(emulator, 'POST', '/v4/planSnapshotRuns/3001/cancel')).rejects.toThrow()
    expect(emulator.planRuns()[0]).toMatchObject({ canceled: false })
  })
})
