// Tests of the emulator's flow runs and plan snapshot runs, over real HTTP with Node's fetch.
import { describe, expect, it, vi } from 'vitest'
import { Emulator, type EmulatorOptions, type FlowSpec, type PlanSpec } from './emulator/index.ts'
import { call, exceptionBody, freezeDate, startEmulator as start, T0, type Answer } from './support/emulator-client.ts'

function runFlow(
  emulator: Emulator,
  body: unknown = {},
  headers?: Record<string, string>,
  flowId = 7
): Promise<Answer> {
  return call(emulator, 'POST', `/v4/flows/${flowId}/run`, { body, headers })
}

function runPlan(emulator: Emulator, body?: unknown, headers?: Record<string, string>, planId = 5): Promise<Answer> {
  return call(emulator, 'POST', `/v4/plans/${planId}/run`, { body, headers })
}

async function getJson(emulator: Emulator, path: string): Promise<unknown> {
  const answer = await call(emulator, 'GET', path)
  expect(answer.status, path).toBe(200)
  return answer.json
}

function at(ms: number): void {
  vi.setSystemTime(T0 + ms)
}

function iso(ms: number): string {
  return new Date(T0 + ms).toISOString()
}

// Two outputs, the second failing; both run 200 ms (Created 0-100, InProgress 100-200).
const FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Orders clean', scenario: { durationMs: 200 } },
      { recipeId: 72, name: 'Orders by region', scenario: { durationMs: 200, finalStatus: 'Failed' } }
    ]
  },
  8: {
    outputs: [
      { recipeId: 81, name: 'A' },
      { recipeId: 82, name: 'B' }
    ]
  }
}

describe('POST /v4/flows/{id}/run', () => {
  it('starts one job group per output and answers the documented body', async () => {
    freezeDate(T0)
    const emulator = await start({ flows: FLOWS })
    const answer = await runFlow(emulator)
    expect(answer.status).toBe(201)
    expect(answer.json).toEqual({
      flowRunId: 2001,
      data: [
        {
          id: 4100,
          reason: 'JobStarted',
          sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          jobGraph: { vertices: [41001, 41002], edges: [{ source: 41001, target: 41002 }] },
          jobs: { data: [{ id: 41001 }, { id: 41002 }] },
          flowRun: { id: 2001 }
        },
        expect.objectContaining({ id: 4101, reason: 'JobStarted', flowRun: { id: 2001 } })
      ]
    })
    // Plain job groups: every /v4/jobGroups route serves them.
    expect(await getJson(emulator, '/v4/jobGroups/4101')).toMatchObject({
      wrangledDataset: { id: 72 },
      flowrun: { id: 2001 }
    })
    expect(await getJson(emulator, '/v4/jobGroups/4100/status')).toBe('Created')
    expect(await getJson(emulator, '/v4/jobGroups/4100/jobs')).toMatchObject({ data: [{ jobGroup: { id: 4100 } }, {}] })
    expect((await call(emulator, 'POST', '/v4/jobGroups/4100/cancel')).json).toEqual({
      jobgroupId: 4100,
      jobIds: [41001, 41002]
    })
    expect(emulator.jobGroups().map((group) => [group.id, group.recipeId, group.status])).toEqual([
      [4100, 71, 'Canceled'],
      [4101, 72, 'Created']
    ])
    // A job group run on its own is not part of a flow run.
    expect(await getJson(emulator, `/v4/jobGroups/${emulator.createJobGroup(7)}`)).not.toHaveProperty('flowrun')
  })

  it('runs only the outputs of wrangledDatasetIds and applies overrides by output name', async () => {
    const emulator = await start({ flows: FLOWS })
    const body = {
      wrangledDatasetIds: ['82'],
      overrides: { B: { profiler: true }, 'Not an output': { profiler: false } },
      execution: 'spark',
      runParameters: { overrides: { data: [{ key: 'region', value: 'EU' }] } },
      sparkOptions: [{ key: 'spark.executor.memory', value: '4g' }],
      ignoreRecipeErrors: true
    }
    const answer = await runFlow(emulator, body, undefined, 8)
    expect(answer.status).toBe(201)
    expect((answer.json as { data: unknown[] }).data).toHaveLength(1)
    const [run] = emulator.flowRuns()
    expect(run).toMatchObject({ id: 2001, flowId: 8, body, runAsync: false, jobGroupIds: [4100] })
    expect(run?.outputs).toEqual([
      expect.objectContaining({
        name: 'B',
        id: 4100,
        recipeId: 82,
        overrides: { execution: 'spark', profiler: true },
        runParameters: body.runParameters
      })
    ])
    const jobs = (await getJson(emulator, '/v4/jobGroups/4100/jobs')) as { data: Array<{ executionLanguage: string }> }
    expect(jobs.data.map((job) => job.executionLanguage)).toEqual(['spark', 'spark'])
    expect(await getJson(emulator, '/v4/jobGroups/4100')).toMatchObject({ profilingEnabled: true })
    // An output's own execution wins over the body's.
    await runFlow(emulator, { execution: 'spark', overrides: { A: { execution: 'photon' } } }, undefined, 8)
    expect(emulator.flowRuns()[1]?.outputs.map((output) => output.overrides)).toEqual([
      { execution: 'photon' },
      { execution: 'spark' }
    ])
  })

  it('accepts an empty body: every field is optional', async () => {
    const emulator = await start({ flows: FLOWS })
    const answer = await call(emulator, 'POST', '/v4/flows/8/run')
    expect(answer.status).toBe(201)
    expect(emulator.flowRuns()[0]).toMatchObject({ body: undefined, jobGroupIds: [4100, 4101] })
  })

  it('answers 400 ValidationFailed for a recipe not in the flow or a wrongly typed field, creating none', async () => {
    const emulator = await start({ flows: FLOWS })
    const bodies = [
      { wrangledDatasetIds: [71, 99] },
      { wrangledDatasetIds: [] },
      { wrangledDatasetIds: 71 },
      { wrangledDatasetIds: [0] },
      { overrides: ['x'] },
      { execution: 1 },
      { sparkOptions: {} },
      { ignoreRecipeErrors: 'yes' },
      { runParameters: 'x' },
      [],
      'x'
    ]
    for (const body of bodies) {
      const answer = await runFlow(emulator, body)
      expect(answer.status, JSON.stringify(body)).toBe(400)
      expect(answer.json).toEqual(exceptionBody('ValidationFailed'))
    }
    const notJson = await call(emulator, 'POST', '/v4/flows/7/run', {
      raw: '{oops',
      headers: { 'content-type': 'application/json' }
    })
    expect(notJson.status).toBe(400)
    expect((await call(emulator, 'POST', '/v4/flows/abc/run', { body: {} })).status).toBe(400)
    expect(emulator.flowRuns()).toEqual([])
    expect(emulator.jobGroups()).toEqual([])
  })

  it('answers 404 for an unknown flow or flow run, and has no flow-run cancel', async () => {
    const emulator = await start({ flows: FLOWS })
    const unknown = await runFlow(emulator, {}, undefined, 9)
    expect(unknown.status).toBe(404)
    expect(unknown.json).toEqual(exceptionBody('NotFound'))
    expect((await call(emulator, 'GET', '/v4/flowRuns/2001/status')).status).toBe(404)
    await runFlow(emulator)
    expect((await call(emulator, 'POST', '/v4/flowRuns/2001/cancel', { body: {} })).status).toBe(404)
    expect((await call(emulator, 'GET', '/v4/flowRuns/2001/nothing')).status).toBe(404)
    expect((await call(emulator, 'GET', '/v4/flowRuns/4100')).status).toBe(404) // a job-group id is no flow-run id
  })

  it('answers 304 without a body and creates nothing when x-execution-id was seen before', async () => {
    const emulator = await start({ flows: FLOWS })
    expect((await runFlow(emulator, {}, { 'x-execution-id': 'run-1' })).status).toBe(201)
    const again = await runFlow(emulator, {}, { 'x-execution-id': 'run-1' }, 8)
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
    expect((await runFlow(emulator, {}, { 'x-execution-id': 'run-2' })).status).toBe(201)
    expect(emulator.flowRuns().map((run) => [run.id, run.executionId])).toEqual([
      [2001, 'run-1'],
      [2002, 'run-2']
    ])
    expect(emulator.jobGroups()).toHaveLength(4)
    // Separate from job groups' execution ids.
    expect(
      (
        await call(emulator, 'POST', '/v4/jobGroups', {
          body: { wrangledDataset: { id: 7 } },
          headers: { 'x-execution-id': 'run-1' }
        })
      ).status
    ).toBe(201)
  })

  it('answers {id, reason} with runAsync=true, id being the flow run id', async () => {
    const emulator = await start({ flows: FLOWS })
    const answer = await call(emulator, 'POST', '/v4/flows/7/run?runAsync=true', { body: {} })
    expect(answer.status).toBe(201)
    expect(answer.json).toEqual({ id: 2001, reason: 'JobStarted' })
    expect(emulator.flowRuns()[0]).toMatchObject({ runAsync: true, jobGroupIds: [4100, 4101] })
    const listed = (await getJson(emulator, '/v4/flowRuns/2001/jobGroups')) as { data: Array<{ id: number }> }
    expect(listed.data.map((group) => group.id)).toEqual([4100, 4101])
  })

  it('makes the flow recipes known to POST /v4/jobGroups', async () => {
    const emulator = await start({ flows: FLOWS, recipes: [1] })
    expect((await call(emulator, 'POST', '/v4/jobGroups', { body: { wrangledDataset: { id: 72 } } })).status).toBe(201)
    expect((await call(emulator, 'POST', '/v4/jobGroups', { body: { wrangledDataset: { id: 7 } } })).status).toBe(404)
  })
})

describe('GET /v4/flowRuns/{id}…', () => {
  it('derives the status from the job groups: Created, InProgress, then Failed when one output failed', async () => {
    freezeDate(T0)
    const emulator = await start({ flows: FLOWS })
    await runFlow(emulator)
    const status = async (ms: number): Promise<unknown> => {
      at(ms)
      return getJson(emulator, '/v4/flowRuns/2001/status')
    }
    expect(await status(50)).toBe('Created')
    expect(await status(150)).toBe('InProgress')
    expect(await status(200)).toBe('Failed')
    const listed = (await getJson(emulator, '/v4/flowRuns/2001/jobGroups')) as { data: unknown[] }
    expect(listed).toEqual({
      data: [
        expect.objectContaining({ id: 4100, status: 'Complete', wrangledDataset: { id: 71 }, flowrun: { id: 2001 } }),
        expect.objectContaining({ id: 4101, status: 'Failed', wrangledDataset: { id: 72 }, flowrun: { id: 2001 } })
      ]
    })
    expect(await getJson(emulator, '/v4/flowRuns/2001')).toEqual({
      id: 2001,
      createdAt: iso(0),
      updatedAt: iso(200),
      flow: { id: 7 }
    })
    expect(emulator.flowRuns()[0]).toMatchObject({
      status: 'Failed',
      outputs: [
        { name: 'Orders clean', status: 'Complete', canceled: false },
        { name: 'Orders by region', status: 'Failed', canceled: false }
      ]
    })
  })

  it("embeds each job group's recipe, named after its output, on embed=wrangledDataset; refuses others", async () => {
    const emulator = await start({ flows: FLOWS })
    await runFlow(emulator)
    const listed = (await getJson(emulator, '/v4/flowRuns/2001/jobGroups?embed=wrangledDataset')) as {
      data: Array<{ id: number; wrangledDataset: unknown }>
    }
    expect(listed.data.map((group) => [group.id, group.wrangledDataset])).toEqual([
      [4100, { id: 71, name: 'Orders clean' }],
      [4101, { id: 72, name: 'Orders by region' }]
    ])
    const refused = await call(emulator, 'GET', '/v4/flowRuns/2001/jobGroups?embed=flownodes')
    expect(refused.status).toBe(400)
    expect(refused.json).toEqual(exceptionBody('ValidationFailed'))
    expect(JSON.stringify(refused.json)).toContain('No association flownodes in jobGroups!')
  })

  it('stays running while one output runs, even when another has failed', async () => {
    freezeDate(T0)
    const flows = {
      3: {
        outputs: [
          { recipeId: 1, name: 'fast', scenario: { durationMs: 100, finalStatus: 'Failed' as const } },
          { recipeId: 2, name: 'slow', scenario: { durationMs: 400 } }
        ]
      }
    }
    const emulator = await start({ flows })
    await runFlow(emulator, {}, undefined, 3)
    at(150)
    expect(await getJson(emulator, '/v4/flowRuns/2001/status')).toBe('InProgress')
    at(400)
    expect(await getJson(emulator, '/v4/flowRuns/2001/status')).toBe('Failed')
  })

  it('is Complete when all complete, Canceled when its job groups were canceled, Failed over Canceled', async () => {
    freezeDate(T0)
    const emulator = await start({ flows: FLOWS, scenario: { durationMs: 200 } })
    await runFlow(emulator, {}, undefined, 8) // 2001: both complete
    await runFlow(emulator, {}, undefined, 8) // 2002: both canceled
    await runFlow(emulator) // 2003: one fails, the other is canceled
    at(120)
    for (const id of [4102, 4103, 4104]) await call(emulator, 'POST', `/v4/jobGroups/${id}/cancel`)
    expect(await getJson(emulator, '/v4/flowRuns/2002/status')).toBe('Canceled')
    expect(await getJson(emulator, '/v4/flowRuns/2003/status')).toBe('InProgress')
    at(200)
    expect(emulator.flowRuns().map((run) => [run.id, run.status])).toEqual([
      [2001, 'Complete'],
      [2002, 'Canceled'],
      [2003, 'Failed']
    ])
    expect(emulator.flowRuns()[1]?.outputs.map((output) => output.canceled)).toEqual([true, true])
  })
})

// Three tasks of 100 ms each (Created 0-50, InProgress 50-100): a flow of two outputs, then two plain outputs.
const PLAN_FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Orders clean' },
      { recipeId: 72, name: 'Orders by region' }
    ]
  }
}
const PLANS: Record<number, PlanSpec> = {
  5: {
    name: 'Nightly',
    tasks: [
      { name: 'Load', flowId: 7 },
      { name: 'Report', outputs: [{ recipeId: 80, name: 'Report' }] },
      { name: 'Publish', outputs: [{ recipeId: 81, name: 'Publish' }] }
    ]
  },
  6: {
    tasks: [
      {
        name: 'Break',
        outputs: [{ recipeId: 90, name: 'Broken', scenario: { durationMs: 100, finalStatus: 'Failed' } }]
      },
      { name: 'Never', outputs: [{ recipeId: 91, name: 'Never' }] }
    ]
  },
  8: { tasks: [{ name: 'Gone', flowId: 404 }] },
  9: { tasks: [{ name: 'Hung', outputs: [{ recipeId: 92, name: 'Hung' }] }], failToCancelSomeJobs: true }
}

async function planEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return start({ flows: PLAN_FLOWS, plans: PLANS, scenario: { durationMs: 100 }, ...options })
}

describe('POST /v4/plans/{id}/run', () => {
  it('answers 201 {validationStatus, planSnapshotRunId} and runs the tasks one after the other', async () => {
    freezeDate(T0)
    const emulator = await planEmulator()
    const answer = await runPlan(emulator, { planNodeOverrides: [{ handle: 'h', overrideKey: 'region', value: 'EU' }] })
    expect(answer.status).toBe(201)
    expect(answer.json).toEqual({ validationStatus: 'Valid', planSnapshotRunId: 3001 })
    const run = (): unknown => getJson(emulator, '/v4/planSnapshotRuns/3001')
    expect(await run()).toEqual({ id: 3001, status: 'Created', startedAt: iso(0), plan: { id: 5 } })
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
    expect(await run()).toEqual({
      id: 3001,
      status: 'Complete',
      startedAt: iso(0),
      finishedAt: iso(300),
      plan: { id: 5 }
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
    expect(await getJson(emulator, '/v4/plans/5/full')).toEqual({
      id: 5,
      name: 'Nightly',
      planNodes: [
        {
          id: 501,
          name: 'Load',
          planTaskSnapshotRuns: [
            {
              id: 300101,
              planSnapshotRun: { id: 3001 },
              status: 'Complete',
              planFlowTaskRunResults: [
                { jobGroup: { id: 4100, status: 'Complete' } },
                { jobGroup: { id: 4101, status: 'Complete' } }
              ]
            }
          ]
        },
        {
          id: 502,
          name: 'Report',
          planTaskSnapshotRuns: [
            {
              id: 300102,
              planSnapshotRun: { id: 3001 },
              status: 'Created',
              planFlowTaskRunResults: [{ jobGroup: { id: 4102, status: 'Created' } }]
            }
          ]
        },
        { id: 503, name: 'Publish', planTaskSnapshotRuns: [] }
      ]
    })
    await runPlan(emulator)
    const full = (await getJson(emulator, '/v4/plans/5/full')) as {
      planNodes: Array<{ planTaskSnapshotRuns: Array<{ planSnapshotRun: { id: number } }> }>
    }
    expect(full.planNodes[0]?.planTaskSnapshotRuns.map((run) => run.planSnapshotRun.id)).toEqual([3001, 3002])
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
    expect(await getJson(emulator, '/v4/planSnapshotRuns/3001')).toEqual({
      id: 3001,
      status: 'Failed',
      startedAt: iso(0),
      finishedAt: iso(100),
      plan: { id: 6 }
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
    expect(answer.json).toEqual({
      id: 3001,
      status: 'Canceled',
      startedAt: iso(0),
      finishedAt: iso(150),
      failedToCancelSomeJobs: false,
      plan: { id: 5 }
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
