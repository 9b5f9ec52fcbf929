// Tests of the emulator's flow runs and plan snapshot runs, over real HTTP with Node's fetch.
import { describe, expect, it } from 'vitest'
import { Emulator } from '../../emulator/index.ts'
import { call, exceptionBody, freezeDate, startEmulator as start, T0 } from '../../support/emulator-client.ts'
import { runPlan, getJson, at, iso, PLANS, planEmulator } from '../../support/flow-emulator.ts'

describe('POST /v4/plans/{id}/run', () => {
  it('answers 201 {validationStatus, planSnapshotRunId} and runs the tasks one after the other', async () => {
    freezeDate(T0)
    const emulator = await planEmulator()
    const answer = await runPlan(emulator, { planNodeOverrides: [{ handle: 'h', overrideKey: 'region', value: 'EU' }] })
    expect(answer.status).toBe(201)
    expect(answer.json).toEqual({ validationStatus: 'Valid', planSnapshotRunId: 3001 })
    const run = (): unknown => getJson(emulator, '/v4/planSnapshotRuns/3001')
    // S1's fields; the run names the snapshot plan it was made on.
    expect(await run()).toEqual({
      id: 3001,
      status: 'Created',
      createdAt: iso(0),
      submittedAt: iso(0),
      startedAt: iso(0),
      finishedAt: null,
      updatedAt: iso(0),
      scheduleHistoryId: null,
      failedToCancelSomeJobs: false,
      plan: { id: 60001 },
      nextRun: null,
      previousRun: null
    })
    expect(
      emulator.planRuns()[0]?.tasks.map((task) => [task.name, task.status, task.jobGroups.map((g) => g.id)])
    ).toEqual([
      ['Load', 'Created', [4100, 4101]],
      ['Report', 'NotStarted', []],
      ['Publish', 'NotStarted', []]
    ])

    at(60)
    expect(await run()).toMatchObject({ status: 'InProgress' })
    at(140) // the first task completed at 100: the second started then
    expect(await run()).toMatchObject({ status: 'InProgress' })
    expect(await getJson(emulator, '/v4/jobGroups/4102')).toMatchObject({
      wrangledDataset: { id: 80 },
      createdAt: iso(100),
      status: 'Created'
    })
    at(1000) // nobody polled while the last task ran: it still started at 200 and ended at 300
    expect(await run()).toMatchObject({
      id: 3001,
      status: 'Complete',
      startedAt: iso(0),
      finishedAt: iso(300),
      updatedAt: iso(300),
      plan: { id: 60001 }
    })
    expect(await getJson(emulator, '/v4/jobGroups/4103')).toMatchObject({
      wrangledDataset: { id: 81 },
      createdAt: iso(200),
      updatedAt: iso(300)
    })
    expect(emulator.planRuns()).toEqual([
      {
        id: 3001,
        planId: 5,
        snapshotId: 60001,
        status: 'Complete',
        validationStatus: 'Valid',
        startedAt: T0,
        finishedAt: T0 + 300,
        executionId: undefined,
        origin: 'api',
        planNodeOverrides: [{ handle: 'h', overrideKey: 'region', value: 'EU' }],
        canceled: false,
        failedToCancelSomeJobs: false,
        tasks: [
          {
            name: 'Load',
            status: 'Complete',
            jobGroups: [
              expect.objectContaining({ id: 4100, name: 'Orders clean' }),
              expect.objectContaining({ id: 4101 })
            ]
          },
          {
            name: 'Report',
            status: 'Complete',
            jobGroups: [expect.objectContaining({ id: 4102, name: 'Report', recipeId: 80 })]
          },
          {
            name: 'Publish',
            status: 'Complete',
            jobGroups: [expect.objectContaining({ id: 4103, status: 'Complete' })]
          }
        ]
      }
    ])
  })

  it('shows the task job groups in GET /v4/plans/{id}/full', async () => {
    freezeDate(T0)
    const emulator = await planEmulator()
    await runPlan(emulator)
    at(140)
    const snapshot = (await getJson(emulator, '/v4/plans/60001/full?ensureOriginal=false')) as {
      planNodes: { data: unknown[] }
    }
    expect(snapshot).toMatchObject({ id: 60001, name: 'Nightly', snapshotted: true, originalPlanId: 5 })
    expect(snapshot.planNodes.data).toEqual([
      expect.objectContaining({
        id: 6000101,
        name: 'Load',
        planTaskSnapshotRuns: {
          data: [
            {
              id: 300101,
              planSnapshotRun: { id: 3001 },
              status: 'Complete',
              planFlowTaskRunResults: {
                data: [
                  { id: 30010101, jobGroup: { id: 4100 } },
                  { id: 30010102, jobGroup: { id: 4101 } }
                ]
              }
            }
          ]
        }
      }),
      expect.objectContaining({
        id: 6000102,
        name: 'Report',
        planTaskSnapshotRuns: {
          data: [
            {
              id: 300102,
              planSnapshotRun: { id: 3001 },
              status: 'Created',
              planFlowTaskRunResults: { data: [{ id: 30010201, jobGroup: { id: 4102 } }] }
            }
          ]
        }
      }),
      expect.objectContaining({ id: 6000103, name: 'Publish', planTaskSnapshotRuns: { data: [] } })
    ])
    await runPlan(emulator)
    const original = (await getJson(emulator, '/v4/plans/5/full')) as Record<string, unknown>
    expect(original).toMatchObject({
      id: 5,
      snapshotted: false,
      latestPlanSnapshot: { id: 60002 },
      planSnapshots: { data: [{ id: 60002 }, { id: 60001 }] }
    })
    expect((await call(emulator, 'GET', '/v4/plans/77/full')).status).toBe(404)
  })

  it('fails the plan when a task fails; later tasks never start', async () => {
    freezeDate(T0)
    const emulator = await planEmulator()
    expect((await runPlan(emulator, undefined, undefined, 6)).json).toEqual({
      validationStatus: 'Valid',
      planSnapshotRunId: 3001
    })
    at(5000)
    expect(await getJson(emulator, '/v4/planSnapshotRuns/3001')).toMatchObject({
      id: 3001,
      status: 'Failed',
      startedAt: iso(0),
      finishedAt: iso(100),
      plan: { id: 60001 }
    })
    expect(emulator.planRuns()[0]?.tasks.map((task) => task.status)).toEqual(['Failed', 'NotStarted'])
    expect(emulator.jobGroups()).toHaveLength(1)
  })

  it('answers MissingFlowReferences for a plan naming a missing flow: a run that is Failed at once', async () => {
    const emulator = await planEmulator({
      plans: { ...PLANS, 10: { tasks: [{ name: 'Load', flowId: 7 }], validationStatus: 'MissingFlowReferences' } }
    })
    const answer = await runPlan(emulator, {}, undefined, 8)
    expect(answer.status).toBe(201)
    expect(answer.json).toEqual({ validationStatus: 'MissingFlowReferences', planSnapshotRunId: 3001 })
    const run = (await getJson(emulator, '/v4/planSnapshotRuns/3001')) as Record<string, unknown>
    expect(run).toMatchObject({ status: 'Failed' })
    expect(run.finishedAt).toBe(run.startedAt)
    // Forced on a plan whose flow exists.
    expect((await runPlan(emulator, {}, undefined, 10)).json).toEqual({
      validationStatus: 'MissingFlowReferences',
      planSnapshotRunId: 3002
    })
    expect(emulator.planRuns().map((view) => [view.validationStatus, view.status, view.tasks[0]?.status])).toEqual([
      ['MissingFlowReferences', 'Failed', 'NotStarted'],
      ['MissingFlowReferences', 'Failed', 'NotStarted']
    ])
    expect(emulator.jobGroups()).toEqual([])
  })

  it('answers 304 on a repeated x-execution-id, 400 on bad input, 404 on an unknown plan', async () => {
    const emulator = await planEmulator()
    expect((await runPlan(emulator, undefined, { 'x-execution-id': 'nightly-1' })).status).toBe(201)
    const again = await runPlan(emulator, undefined, { 'x-execution-id': 'nightly-1' })
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
    for (const body of [{ planNodeOverrides: {} }, { planNodeOverrides: ['x'] }, [], 'x']) {
      const answer = await runPlan(emulator, body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.json).toEqual(exceptionBody('ValidationFailed'))
    }
    expect((await call(emulator, 'POST', '/v4/plans/x/run')).status).toBe(400)
    const unknown = await runPlan(emulator, undefined, undefined, 77)
    expect(unknown.status).toBe(404)
    expect(unknown.json).toEqual(exceptionBody('NotFound'))
    expect((await call(emulator, 'GET', '/v4/planSnapshotRuns/3002')).status).toBe(404)
    expect(emulator.planRuns().map((run) => run.executionId)).toEqual(['nightly-1'])
  })

  it('refuses a plan configuration that cannot run, leaving no server behind', async () => {
    await expect(Emulator.start({ plans: { 1: { tasks: [] } } })).rejects.toThrow(/at least one task/)
    await expect(Emulator.start({ plans: { 1: { tasks: [{ name: 'x' }] } } })).rejects.toThrow(/flowId or outputs/)
    await expect(
      Emulator.start({ plans: { 1: { tasks: [{ name: 'x', flowId: 3 }], validationStatus: 'Valid' } } })
    ).rejects.toThrow(/flow 3/)
  })
})

describe('POST /v4/planSnapshotRuns/{id}/cancel', () => {
  it('cancels the running task and the run in the middle of the plan; later tasks never start', async () => {
    freezeDate(T0)
    const emulator = await planEmulator()
    await runPlan(emulator)
    at(150)
    const answer = await call(emulator, 'POST', '/v4/planSnapshotRuns/3001/cancel', { body: {} })
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({
      id: 3001,
      status: 'Canceled',
      startedAt: iso(0),
      finishedAt: iso(150),
      failedToCancelSomeJobs: false,
      plan: { id: 60001 }
    })
    at(5000)
    expect(await getJson(emulator, '/v4/planSnapshotRuns/3001')).toMatchObject({
      status: 'Canceled',
      finishedAt: iso(150)
    })
    expect(await getJson(emulator, '/v4/jobGroups/4102/status')).toBe('Canceled')
    const [run] = emulator.planRuns()
    expect(run).toMatchObject({ status: 'Canceled', canceled: true, failedToCancelSomeJobs: false })
    expect(run?.tasks.map((task) => [task.status, task.jobGroups.map((group) => group.canceled)])).toEqual([
      ['Complete', [false, false]],
      ['Canceled', [true]],
      ['NotStarted', []]
    ])
    expect(emulator.jobGroups()).toHaveLength(3)
  })

  it('changes nothing on a finished run', async () => {
    freezeDate(T0)
    const emulator = await planEmulator()
    await runPlan(emulator, undefined, undefined, 6)
    at(100)
    const answer = await call(emulator, 'POST', '/v4/planSnapshotRuns/3001/cancel')
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ status: 'Failed', failedToCancelSomeJobs: false })
    expect(emulator.planRuns()[0]).toMatchObject({ canceled: false })
    expect((await call(emulator, 'POST', '/v4/planSnapshotRuns/3999/cancel')).status).toBe(404)
  })

  it('reports failedToCancelSomeJobs when the plan is set to, leaving its job groups running', async () => {
    freezeDate(T0)
    const emulator = await planEmulator()
    await runPlan(emulator, undefined, undefined, 9)
    at(60)
    const answer = await call(emulator, 'POST', '/v4/planSnapshotRuns/3001/cancel', { body: {} })
    expect(answer.json).toMatchObject({ status: 'Canceled', failedToCancelSomeJobs: true })
    expect(await getJson(emulator, '/v4/jobGroups/4100/status')).toBe('InProgress')
    at(100)
    expect(await getJson(emulator, '/v4/jobGroups/4100/status')).toBe('Complete')
    expect(emulator.planRuns()[0]).toMatchObject({ status: 'Canceled', canceled: true, failedToCancelSomeJobs: true })
  })

  it('runs in real time: a test can cancel a long plan while its second task runs', async () => {
    const emulator = await start({
      plans: {
        1: {
          tasks: [
            { name: 'quick', outputs: [{ recipeId: 1, name: 'quick' }], scenario: { durationMs: 60 } },
            { name: 'long', outputs: [{ recipeId: 2, name: 'long' }], scenario: { durationMs: 60_000 } }
          ]
        }
      }
    })
    const { planSnapshotRunId } = (await runPlan(emulator, undefined, undefined, 1)).json as {
      planSnapshotRunId: number
    }
    const deadline = Date.now() + 2000
    while (emulator.planRuns()[0]?.tasks[1]?.status !== 'Created' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(emulator.planRuns()[0]?.tasks.map((task) => task.status)).toEqual(['Complete', 'Created'])
    await call(emulator, 'POST', `/v4/planSnapshotRuns/${planSnapshotRunId}/cancel`)
    expect(await getJson(emulator, `/v4/planSnapshotRuns/${planSnapshotRunId}`)).toMatchObject({ status: 'Canceled' })
    expect(emulator.jobGroups().map((group) => group.status)).toEqual(['Complete', 'Canceled'])
  })
})
