// Tests of the Trifacta API emulator itself, over real HTTP with Node's fetch.
import { describe, expect, it } from 'vitest'
import { call, exceptionBody, startEmulator as start } from '../../support/emulator-client.ts'
import { EMULATOR_TOKEN } from '../../support/fake-tokens.ts'
import { trigger } from '../../support/job-emulator.ts'

describe('POST /v4/jobGroups', () => {
  it('answers 201 with the documented body and records the request', async () => {
    const emulator = await start()
    const overrides = { execution: 'spark', profiler: true }
    const runParameters = { overrides: { data: [{ key: 'country', value: 'Germany' }] } }
    const answer = await call(emulator, 'POST', '/v4/jobGroups?x=1', {
      body: { wrangledDataset: { id: '42' }, overrides, runParameters },
      headers: { 'x-execution-id': 'run-1' }
    })

    expect(answer.status).toBe(201)
    expect(answer.headers.get('content-type')).toBe('application/json')
    expect(answer.json).toEqual({
      id: 4100,
      reason: 'JobStarted',
      sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jobGraph: { vertices: [41001, 41002], edges: [{ source: 41001, target: 41002 }] },
      jobs: { data: [{ id: 41001 }, { id: 41002 }] }
    })
    const [request] = emulator.requests
    expect(request).toMatchObject({
      method: 'POST',
      path: '/v4/jobGroups',
      query: { x: '1' },
      json: { wrangledDataset: { id: '42' }, overrides, runParameters },
      status: 201,
      requestId: answer.headers.get('x-trifacta-request-id')
    })
    expect(request?.headers.authorization).toBe(`Bearer ${EMULATOR_TOKEN}`)
    expect(request?.at).toBeLessThanOrEqual(Date.now())
    expect(emulator.requestsTo('post', '/v4/jobGroups')).toHaveLength(1)
    expect(emulator.jobGroups()).toEqual([
      expect.objectContaining({
        id: 4100,
        recipeId: 42,
        executionId: 'run-1',
        canceled: false,
        overrides,
        runParameters
      })
    ])
  })

  it('chains the stages of a scenario in the job graph', async () => {
    const emulator = await start({
      firstJobGroupId: 9,
      scenario: { stages: [{ jobType: 'wrangle' }, { jobType: 'filewriter' }, { jobType: 'publish' }] }
    })
    const answer = await trigger(emulator)
    expect(answer.json).toMatchObject({
      id: 9,
      jobGraph: {
        vertices: [91, 92, 93],
        edges: [
          { source: 91, target: 92 },
          { source: 92, target: 93 }
        ]
      }
    })
  })

  it('answers 400 ValidationFailed for a body that is not JSON or a bad wrangledDataset.id', async () => {
    const emulator = await start()
    const notJson = await call(emulator, 'POST', '/v4/jobGroups', {
      raw: '{oops',
      headers: { 'content-type': 'application/json' }
    })
    expect(notJson.status).toBe(400)
    expect(notJson.json).toEqual({
      exception: { name: 'ValidationFailed', message: 'Input validation failed', details: expect.any(String) }
    })
    for (const id of [0, -3, 1.5, 'abc', '', null, { id: 7 }]) {
      expect((await trigger(emulator, id)).status, JSON.stringify(id)).toBe(400)
    }
    for (const body of [{}, [], 'x', { wrangledDataset: 7 }]) {
      expect((await call(emulator, 'POST', '/v4/jobGroups', { body })).status, JSON.stringify(body)).toBe(400)
    }
    expect(emulator.jobGroups()).toEqual([])
  })

  it('answers 404 for an unknown recipe', async () => {
    const emulator = await start({ recipes: [5] })
    const answer = await trigger(emulator, 7)
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual(exceptionBody('NotFound'))
    expect((await trigger(emulator, 5)).status).toBe(201)
  })

  it('answers 304 without a body and creates nothing when x-execution-id was seen before', async () => {
    const emulator = await start()
    expect((await trigger(emulator, 7, { 'x-execution-id': 'abc' })).status).toBe(201)
    const again = await trigger(emulator, 7, { 'x-execution-id': 'abc' })
    expect(again.status).toBe(304)
    expect(again.text).toBe('')
    expect(again.headers.get('x-trifacta-request-id')).toBeTruthy()
    expect((await trigger(emulator, 7, { 'x-execution-id': 'other' })).status).toBe(201)
    expect(emulator.jobGroups().map((group) => group.executionId)).toEqual(['abc', 'other'])
  })
})
