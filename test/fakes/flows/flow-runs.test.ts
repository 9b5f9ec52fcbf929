// Tests of the emulator's flow runs and plan snapshot runs, over real HTTP with Node's fetch.
import { describe, expect, it } from 'vitest'
import { call, exceptionBody, freezeDate, startEmulator as start, T0 } from '../../support/emulator-client.ts'
import { runFlow, getJson, at, iso, FLOWS } from '../../support/flow-emulator.ts'

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
  it('derives the status from the job groups: Created until the end, then Failed when one output failed', async () => {
    freezeDate(T0)
    const emulator = await start({ flows: FLOWS })
    await runFlow(emulator)
    const status = async (ms: number): Promise<unknown> => {
      at(ms)
      return getJson(emulator, '/v4/flowRuns/2001/status')
    }
    expect(await status(50)).toBe('Created')
    // S1's enum has no InProgress for a flow run: it reads Created while any job group runs.
    expect(await status(150)).toBe('Created')
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
    expect(await getJson(emulator, '/v4/flowRuns/2001/status')).toBe('Created')
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
    expect(await getJson(emulator, '/v4/flowRuns/2003/status')).toBe('Created')
    at(200)
    expect(emulator.flowRuns().map((run) => [run.id, run.status])).toEqual([
      [2001, 'Complete'],
      [2002, 'Canceled'],
      [2003, 'Failed']
    ])
    expect(emulator.flowRuns()[1]?.outputs.map((output) => output.canceled)).toEqual([true, true])
  })
})
