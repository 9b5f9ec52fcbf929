// Tests of the Trifacta API emulator itself, over real HTTP with Node's fetch.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import type { Emulator, EmulatorOptions } from './emulator/index.ts'
import { call, exceptionBody, freezeDate, startEmulator as start, T0, type Answer } from './support/emulator-client.ts'
import { EMULATOR_TOKEN, WRONG_API_TOKEN } from './support/fake-tokens.ts'
import { parseCommandFile } from './support/run-action.ts'

function trigger(emulator: Emulator, recipeId: unknown = 7, headers?: Record<string, string>): Promise<Answer> {
  return call(emulator, 'POST', '/v4/jobGroups', { body: { wrangledDataset: { id: recipeId } }, headers })
}

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

describe('job progression', () => {
  it('walks through the statuses to Complete; updatedAt is the last change', async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 300, statuses: ['Pending', 'Queued', 'InProgress'] } })
    const id = (await trigger(emulator)).json as { id: number }
    const statusAt = async (ms: number): Promise<unknown> => {
      vi.setSystemTime(T0 + ms)
      return (await call(emulator, 'GET', `/v4/jobGroups/${id.id}/status`)).json
    }
    expect(await statusAt(0)).toBe('Pending')
    expect(await statusAt(150)).toBe('Queued')
    expect(await statusAt(250)).toBe('InProgress')
    expect(await statusAt(300)).toBe('Complete')

    vi.setSystemTime(T0 + 5000)
    const group = await call(emulator, 'GET', `/v4/jobGroups/${id.id}`)
    expect(group.json).toEqual({
      id: 4100,
      status: 'Complete',
      createdAt: new Date(T0).toISOString(),
      updatedAt: new Date(T0 + 300).toISOString(),
      ranfrom: 'api',
      ranfor: 'recipe',
      profilingEnabled: false,
      runParameterReferenceDate: new Date(T0).toISOString(),
      wrangledDataset: { id: 7 },
      creator: { id: 1 },
      updater: { id: 1 }
    })
  })

  it('shows an unknown status string and ends Failed', async () => {
    freezeDate(T0)
    const emulator = await start({
      scenarios: { 42: { durationMs: 200, statuses: ['Paused'], finalStatus: 'Failed' } }
    })
    const id = emulator.createJobGroup(42)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)).json).toBe('Paused')
    vi.setSystemTime(T0 + 200)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}`)).json).toMatchObject({
      status: 'Failed',
      wrangledDataset: { id: 42 }
    })
  })

  it('progresses in real time too', async () => {
    const emulator = await start({ scenario: { durationMs: 150 } })
    const { id } = (await trigger(emulator)).json as { id: number }
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)).json).toBe('Created')
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)).json).toBe('Complete')
  })

  it('runs the stages one after the other with their own timestamps', async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 400 } }) // Created 0-200, InProgress 200-400
    const id = emulator.createJobGroup(7)
    const stagesAt = async (ms: number): Promise<Array<Record<string, unknown>>> => {
      vi.setSystemTime(T0 + ms)
      return (
        (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as { data: Array<Record<string, unknown>> }
      ).data
    }
    expect((await stagesAt(100)).map((stage) => stage.status)).toEqual(['Created', 'Created'])
    const running = await stagesAt(250)
    expect(running.map((stage) => stage.status)).toEqual(['InProgress', 'Created'])
    expect(running[0]).toMatchObject({
      jobType: 'wrangle',
      percentComplete: 50,
      errorMessage: null,
      executionLanguage: 'photon',
      jobGroup: { id }
    })
    const done = await stagesAt(400)
    expect(done).toEqual([
      expect.objectContaining({
        status: 'Complete',
        percentComplete: 100,
        createdAt: iso(T0 + 200),
        updatedAt: iso(T0 + 300)
      }),
      expect.objectContaining({
        status: 'Complete',
        jobType: 'filewriter',
        createdAt: iso(T0 + 300),
        updatedAt: iso(T0 + 400)
      })
    ])
  })

  it('fails the stage carrying an errorMessage; earlier ones Complete, later ones Canceled', async () => {
    freezeDate(T0)
    const stages = [
      { jobType: 'wrangle' },
      { jobType: 'filewriter', errorMessage: 'Disk quota exceeded' },
      { jobType: 'publish' }
    ]
    const emulator = await start({ scenario: { durationMs: 300, finalStatus: 'Failed', stages } })
    const id = emulator.createJobGroup(7)
    vi.setSystemTime(T0 + 300)
    const { data } = (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as {
      data: Array<Record<string, unknown>>
    }
    expect(data.map((stage) => [stage.status, stage.errorMessage])).toEqual([
      ['Complete', null],
      ['Failed', 'Disk quota exceeded'],
      ['Canceled', null]
    ])
  })

  it('fails the last stage with a default message when no stage carries one', async () => {
    const emulator = await start({ scenario: { durationMs: 0, finalStatus: 'Failed' } })
    const id = emulator.createJobGroup(7)
    const { data } = (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as {
      data: Array<Record<string, unknown>>
    }
    expect(data.map((stage) => stage.status)).toEqual(['Complete', 'Failed'])
    expect(data[1]?.errorMessage).toEqual(expect.stringMatching(/\w{10}/))
  })

  it('answers /outputs with empty lists until Complete, then the scenario outputs', async () => {
    freezeDate(T0)
    const outputs = { files: [{ id: 1, path: '/out/a.csv', format: 'csv' }], tables: [] }
    const emulator = await start({ scenario: { durationMs: 100, outputs } })
    const id = emulator.createJobGroup(7)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/outputs`)).json).toEqual({ files: [], tables: [] })
    vi.setSystemTime(T0 + 100)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/outputs`)).json).toEqual(outputs)
    const other = emulator.createJobGroup(7, { durationMs: 0 })
    const defaults = (await call(emulator, 'GET', `/v4/jobGroups/${other}/outputs`)).json as {
      files: unknown[]
      tables: unknown[]
    }
    expect([defaults.files.length, defaults.tables.length]).toEqual([1, 1])
  })
})

describe('POST /v4/jobGroups/{id}/cancel', () => {
  it('cancels a running job group at once, with its unfinished stages', async () => {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 400 } })
    const id = emulator.createJobGroup(7)
    vi.setSystemTime(T0 + 250)
    const answer = await call(emulator, 'POST', `/v4/jobGroups/${id}/cancel`, { body: {} })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ jobgroupId: id, jobIds: [41001, 41002] })
    vi.setSystemTime(T0 + 1000)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}`)).json).toMatchObject({
      status: 'Canceled',
      updatedAt: iso(T0 + 250)
    })
    const { data } = (await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).json as {
      data: Array<Record<string, unknown>>
    }
    expect(data.map((stage) => stage.status)).toEqual(['Canceled', 'Canceled'])
    expect(emulator.jobGroups()[0]).toMatchObject({ status: 'Canceled', canceled: true })
  })

  it('leaves a finished job group unchanged, also without a body', async () => {
    const emulator = await start({ scenario: { durationMs: 0 } })
    const id = emulator.createJobGroup(7)
    const answer = await call(emulator, 'POST', `/v4/jobGroups/${id}/cancel`)
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({ jobgroupId: id, jobIds: [41001, 41002] })
    expect(emulator.jobGroups()[0]).toMatchObject({ status: 'Complete', canceled: false })
  })

  it('answers 404 for an unknown job group', async () => {
    const emulator = await start()
    const answer = await call(emulator, 'POST', '/v4/jobGroups/999/cancel', { body: {} })
    expect(answer.status).toBe(404)
    expect(answer.json).toEqual(exceptionBody('NotFound'))
  })
})

describe('errors', () => {
  it('answers 401 without or with a wrong token, echoing the header only when asked to', async () => {
    const quiet = await start()
    const missing = await call(quiet, 'GET', '/v4/jobGroups/4100', { token: null })
    expect(missing.status).toBe(401)
    expect(missing.json).toEqual(exceptionBody('AuthenticationFailed'))
    const wrong = await call(quiet, 'GET', '/v4/jobGroups/4100', { token: WRONG_API_TOKEN })
    expect(wrong.status).toBe(401)
    expect(wrong.text).not.toContain(WRONG_API_TOKEN)

    const echoing = await start({ echoTokenOnAuthError: true })
    const echoed = await call(echoing, 'GET', '/v4/jobGroups/4100', { token: WRONG_API_TOKEN })
    expect(echoed.json).toMatchObject({ exception: { details: expect.stringContaining(`Bearer ${WRONG_API_TOKEN}`) } })
  })

  it('answers 404 with an exception body for unknown routes and job groups', async () => {
    const emulator = await start()
    for (const path of ['/v4/nothing', '/v4/jobGroups/4100', '/v4/jobGroups/4100/jobs', '/v4/jobGroups/4100/nothing']) {
      const answer = await call(emulator, 'GET', path)
      expect(answer.status, path).toBe(404)
      expect(answer.json, path).toEqual(exceptionBody('NotFound'))
    }
  })

  it('answers 400 for a job group id that is not a positive integer', async () => {
    const emulator = await start()
    const answer = await call(emulator, 'GET', '/v4/jobGroups/abc')
    expect(answer.status).toBe(400)
    expect(answer.json).toEqual(exceptionBody('ValidationFailed'))
  })

  it('answers 415 for a non-JSON Content-Type or an Accept without JSON', async () => {
    const emulator = await start()
    const text = await call(emulator, 'POST', '/v4/jobGroups', {
      raw: 'wrangledDataset=7',
      headers: { 'content-type': 'text/plain' }
    })
    expect(text.status).toBe(415)
    expect(text.json).toEqual(exceptionBody('UnsupportedMediaType'))
    expect((await call(emulator, 'GET', '/v4/jobGroups/1', { headers: { accept: 'text/html' } })).status).toBe(415)
    const charset = await trigger(emulator, 7, {
      'content-type': 'application/json; charset=utf-8',
      accept: 'text/html, */*;q=0.1'
    })
    expect(charset.status).toBe(201)
  })

  it('puts a distinct x-trifacta-request-id on every answer', async () => {
    const emulator = await start()
    const answers = [
      await call(emulator, 'GET', '/v4/nothing', { token: null }),
      await call(emulator, 'GET', '/v4/nothing'),
      await call(emulator, 'POST', '/v4/jobGroups', { raw: 'x', headers: { 'content-type': 'text/plain' } }),
      await trigger(emulator, 'x'),
      await trigger(emulator)
    ]
    const ids = answers.map((answer) => answer.headers.get('x-trifacta-request-id'))
    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 415, 400, 201])
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true)
    expect(emulator.requests.map((request) => request.requestId)).toEqual(ids)
  })
})

describe('trigger quota', () => {
  it('answers 429 with the documented headers and body once the quota is spent', async () => {
    const emulator = await start({ triggerQuota: { limit: 2, windowMs: 60_000 } })
    const first = await trigger(emulator)
    expect(first.status).toBe(201)
    expect(first.headers.get('x-rate-limit-user-limit')).toBe('2')
    expect(first.headers.get('x-rate-limit-user-remaining')).toBe('1')
    expect((await trigger(emulator)).headers.get('x-rate-limit-user-remaining')).toBe('0')

    const limited = await trigger(emulator)
    expect(limited.status).toBe(429)
    const reset = Number(limited.headers.get('x-rate-limit-user-reset'))
    expect(reset).toBeGreaterThan(Date.now() + 50_000) // epoch milliseconds
    expect(Object.fromEntries([...limited.headers].filter(([name]) => name.startsWith('x-r')))).toEqual({
      'x-rate-limit-user-limit': '2',
      'x-rate-limit-user-remaining': '0',
      'x-rate-limit-user-reset': String(reset),
      'x-rate-limit-workspace-limit': '4',
      'x-rate-limit-workspace-remaining': '2',
      'x-rate-limit-workspace-reset': String(reset),
      'x-retry-after': '60'
    })
    expect(limited.json).toEqual({
      exception: {
        name: 'TooManyRequestsException',
        message: 'Too Many Requests',
        details:
          'API quota reached for "runJobGroup". Wait 60 seconds before making a new request. ' +
          '(Max. 2 requests allowed per minute per user.)'
      }
    })
    expect(emulator.rateLimited).toBe(1)
    expect(emulator.jobGroups()).toHaveLength(2)
  })

  it('opens a new window after windowMs', async () => {
    const emulator = await start({ triggerQuota: { limit: 1, windowMs: 100 } })
    expect((await trigger(emulator)).status).toBe(201)
    const limited = await trigger(emulator)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-retry-after')).toBe('1') // whole seconds, at least 1
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect((await trigger(emulator)).status).toBe(201)
  })
})

describe('faults', () => {
  it("'status' answers a raw HTML body, after `after` requests, `times` times", async () => {
    const emulator = await start({
      faults: [
        {
          method: 'GET',
          path: /^\/v4\/jobGroups\/\d+$/,
          after: 1,
          times: 2,
          action: { kind: 'status', status: 502, raw: '<html><body>Bad Gateway</body></html>' }
        }
      ]
    })
    const id = emulator.createJobGroup(7)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const answer = await call(emulator, 'GET', `/v4/jobGroups/${id}`)
      statuses.push(answer.status)
      if (answer.status === 502) {
        expect(answer.headers.get('content-type')).toBe('text/html')
        expect(answer.text).toContain('Bad Gateway')
        expect(answer.headers.get('x-trifacta-request-id')).toBeTruthy()
      }
    }
    expect(statuses).toEqual([200, 502, 502, 200])
  })

  it("'status' without a body answers an exception body, with extra headers", async () => {
    const emulator = await start({
      faults: [{ action: { kind: 'status', status: 503, headers: { 'retry-after': '1' } } }]
    })
    const answer = await call(emulator, 'GET', '/v4/jobGroups/4100')
    expect(answer.status).toBe(503)
    expect(answer.headers.get('retry-after')).toBe('1')
    expect(answer.json).toEqual(exceptionBody('ServiceUnavailable'))
  })

  it("'reset' destroys the socket without acting", async () => {
    const emulator = await start({ faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'reset' } }] })
    await expect(trigger(emulator)).rejects.toThrow()
    expect(emulator.jobGroups()).toEqual([])
    expect(emulator.requests[0]?.status).toBeUndefined()
    expect((await trigger(emulator)).status).toBe(201)
  })

  it("'act-then-reset' creates the job group while the client sees a socket error", async () => {
    const emulator = await start()
    emulator.addFault({ method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } })
    await expect(trigger(emulator, 7, { 'x-execution-id': 'lost' })).rejects.toThrow()
    expect(emulator.jobGroups()).toEqual([expect.objectContaining({ id: 4100, executionId: 'lost' })])
    expect(emulator.requests[0]?.status).toBeUndefined()
    expect((await trigger(emulator, 7, { 'x-execution-id': 'lost' })).status).toBe(304)
  })

  it("'delay' answers late: a client with a shorter timeout gives up", async () => {
    const emulator = await start({ faults: [{ path: '/v4/jobGroups', times: 2, action: { kind: 'delay', ms: 150 } }] })
    await expect(trigger(emulator)).resolves.toMatchObject({ status: 201 })
    const started = Date.now()
    const impatient = call(emulator, 'POST', '/v4/jobGroups', {
      body: { wrangledDataset: { id: 7 } },
      signal: AbortSignal.timeout(50)
    })
    await expect(impatient).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(140)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(emulator.jobGroups()).toHaveLength(2) // the abandoned request was still acted on
    expect(emulator.requests[0]?.status).toBe(201)
    expect(emulator.requests[1]?.status).toBeUndefined()
    expect(emulator.requests[0]?.at).toBeLessThanOrEqual(started)
  })

  it("'rate-limit' answers the documented 429", async () => {
    const emulator = await start({
      faults: [{ path: '/v4/jobGroups', action: { kind: 'rate-limit', retryAfterSeconds: 3 } }]
    })
    const answer = await trigger(emulator)
    expect(answer.status).toBe(429)
    expect(answer.headers.get('x-retry-after')).toBe('3')
    expect(answer.headers.get('x-rate-limit-user-limit')).toBe('30')
    expect(answer.json).toMatchObject({
      exception: { name: 'TooManyRequestsException', details: expect.stringContaining('Wait 3 seconds') }
    })
    expect(emulator.rateLimited).toBe(1)
    expect((await trigger(emulator)).status).toBe(201)
  })
})

describe('listing', () => {
  async function withThreeJobGroups(options?: EmulatorOptions): Promise<Emulator> {
    freezeDate(T0)
    const emulator = await start({ scenario: { durationMs: 1000 }, ...options })
    for (const offset of [0, 2000, 4000]) {
      vi.setSystemTime(T0 + offset)
      emulator.createJobGroup(7)
    }
    vi.setSystemTime(T0 + 4500)
    return emulator
  }
  const ids = (answer: Answer): number[] =>
    (answer.json as { data: Array<{ id: number }> }).data.map((group) => group.id)

  it('lists newest first by default, honours limit, offset, sort, status and dateFilter', async () => {
    const emulator = await withThreeJobGroups()
    const all = await call(emulator, 'GET', '/v4/jobLibrary')
    expect(ids(all)).toEqual([4102, 4101, 4100])
    expect(all.json).toMatchObject({ count: 3, data: [{ status: 'InProgress', ranfor: 'recipe' }, {}, {}] })
    expect(ids(await call(emulator, 'GET', '/v4/jobLibrary?limit=1&offset=1&sort=-createdAt'))).toEqual([4101])
    expect(ids(await call(emulator, 'GET', '/v4/jobGroups?sort=createdAt'))).toEqual([4100, 4101, 4102])
    expect(ids(await call(emulator, 'GET', '/v4/jobLibrary?status=Complete&ranfor=recipe'))).toEqual([4101, 4100])
    expect(ids(await call(emulator, 'GET', '/v4/jobLibrary?ranfor=sampling'))).toEqual([])
    const query = new URLSearchParams({ 'dateFilter[createdAt][gte]': String(T0 + 2000), limit: '25' })
    const recent = await call(emulator, 'GET', `/v4/jobLibrary?${query}`)
    expect(ids(recent)).toEqual([4102, 4101])
    expect(recent.json).toMatchObject({ count: 2 })
    expect((await call(emulator, 'GET', '/v4/jobLibrary?limit=-1')).status).toBe(400)
  })

  it('defaults to 25 items', async () => {
    const emulator = await start()
    for (let i = 0; i < 30; i++) emulator.createJobGroup(7)
    const answer = await call(emulator, 'GET', '/v4/jobGroups')
    expect(ids(answer)).toHaveLength(25)
    expect(answer.json).toMatchObject({ count: 30 })
  })

  it("hides /v4/jobLibrary with listing 'jobGroups' and both lists with 'none'", async () => {
    const older = await withThreeJobGroups({ listing: 'jobGroups' })
    expect((await call(older, 'GET', '/v4/jobLibrary')).status).toBe(404)
    expect(ids(await call(older, 'GET', '/v4/jobGroups'))).toHaveLength(3)
    const none = await start({ listing: 'none' })
    expect((await call(none, 'GET', '/v4/jobLibrary')).status).toBe(404)
    expect((await call(none, 'GET', '/v4/jobGroups')).status).toBe(404)
  })
})

describe('legacy mode', () => {
  it('answers 404 on /status and /cancel, the rest works', async () => {
    const emulator = await start({ legacy: true })
    const { id } = (await trigger(emulator)).json as { id: number }
    const status = await call(emulator, 'GET', `/v4/jobGroups/${id}/status`)
    expect(status.status).toBe(404)
    expect(status.json).toEqual(exceptionBody('NotFound'))
    expect((await call(emulator, 'POST', `/v4/jobGroups/${id}/cancel`, { body: {} })).status).toBe(404)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}`)).status).toBe(200)
    expect((await call(emulator, 'GET', `/v4/jobGroups/${id}/jobs`)).status).toBe(200)
  })
})

describe('robustness', () => {
  it('serves many concurrent clients', async () => {
    const emulator = await start({ scenario: { durationMs: 100 } })
    const answers = await Promise.all(Array.from({ length: 40 }, () => trigger(emulator)))
    expect(answers.every((answer) => answer.status === 201)).toBe(true)
    expect(new Set(answers.map((answer) => (answer.json as { id: number }).id)).size).toBe(40)
  })

  it('close() leaves nothing open: a plain Node process using it exits by itself', () => {
    const emulatorModule = fileURLToPath(new URL('./emulator/index.ts', import.meta.url))
    const script = `
      const { Emulator } = await import(${JSON.stringify(emulatorModule)})
      const emulator = await Emulator.start({
        faults: [{ path: '/v4/jobGroups/4100', action: { kind: 'delay', ms: 60000 } }]
      })
      const headers = { authorization: 'Bearer ${EMULATOR_TOKEN}' }
      await fetch(emulator.url + '/v4/jobLibrary', { headers })
      const pending = fetch(emulator.url + '/v4/jobGroups/4100', { headers }).then(() => 'answered', () => 'aborted')
      await new Promise((resolve) => setTimeout(resolve, 100))
      await emulator.close()
      console.log(await pending)
    `
    const started = Date.now()
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 10_000
    })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe('aborted')
    expect(child.status).toBe(0)
    expect(Date.now() - started).toBeLessThan(5000)
  })
})

describe('parseCommandFile', () => {
  it('reads heredoc and name=value entries', () => {
    const text = [
      'job-id<<ghadelimiter_1',
      '4100',
      'ghadelimiter_1',
      'summary<<EOF',
      'line one',
      'a=b << c',
      '',
      'EOF',
      'status=Complete',
      'url=https://x.test/?a=b<<c',
      ''
    ].join('\r\n')
    expect(parseCommandFile(text)).toEqual({
      'job-id': '4100',
      summary: 'line one\na=b << c\n',
      status: 'Complete',
      url: 'https://x.test/?a=b<<c'
    })
  })

  it('rejects a heredoc without its closing delimiter', () => {
    expect(() => parseCommandFile('name<<EOF\nvalue\n')).toThrow(/EOF/)
  })
})

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
