// Tests of the emulator's hostile-server hooks and their helpers (TLS with a throwaway CA, the redirect recorder,
// the proxy), driven with plain Node http/https, fetch and @actions/http-client, checking what a client sees.
import { describe, expect, it, vi } from 'vitest'
import {
  type RawAnswer,
  T0,
  start,
  request,
  trigger,
  freezeDate,
  sleep,
  ITEM,
  TRIGGER,
  iso
} from '../../support/raw-http.ts'

describe("'foreign-job-group': another client's job group", () => {
  it('before the own one: a lower id, same recipe, its own execution id', async () => {
    const emulator = await start({
      faults: [{ ...TRIGGER, action: { kind: 'foreign-job-group', when: 'before', executionId: 'other-run' } }]
    })
    const answer = await trigger(emulator, { 'x-execution-id': 'mine' })
    expect(answer.status).toBe(201)
    expect(JSON.parse(answer.text)).toMatchObject({ id: 4101 })
    expect(emulator.jobGroups()).toEqual([
      expect.objectContaining({ id: 4100, recipeId: 7, executionId: 'other-run', origin: 'foreign' }),
      expect.objectContaining({ id: 4101, recipeId: 7, executionId: 'mine', origin: 'api' })
    ])
  })

  it('after the own one, on the 2nd POST only, created earlier, the answer lost: both in the window', async () => {
    freezeDate(T0 - 2000)
    const emulator = await start({
      faults: [
        { ...TRIGGER, after: 1, action: { kind: 'foreign-job-group', createdAtOffsetMs: -500 } },
        { ...TRIGGER, after: 1, action: { kind: 'act-then-reset' } }
      ]
    })
    expect((await trigger(emulator)).status).toBe(201)
    vi.setSystemTime(T0)
    await expect(trigger(emulator, { 'x-execution-id': 'run-2' })).rejects.toThrow()
    expect(emulator.jobGroups().map((g) => [g.id, g.origin, g.createdAt, g.executionId])).toEqual([
      [4100, 'api', T0 - 2000, undefined],
      [4101, 'api', T0, 'run-2'],
      [4102, 'foreign', T0 - 500, undefined]
    ])
    const query = new URLSearchParams({ 'dateFilter[createdAt][gte]': String(T0 - 1000) })
    const listed = JSON.parse((await request(`${emulator.url}/v4/jobLibrary?${query}`)).text) as {
      data: Array<{ id: number }>
    }
    expect(listed.data.map((group) => group.id)).toEqual([4101, 4102])
  })

  it("with the request's execution id, created before: the client's POST answers 304", async () => {
    const emulator = await start({
      faults: [{ ...TRIGGER, action: { kind: 'foreign-job-group', when: 'before', sameExecutionId: true } }]
    })
    const answer = await trigger(emulator, { 'x-execution-id': 'shared' })
    expect(answer.status).toBe(304)
    expect(emulator.jobGroups()).toEqual([expect.objectContaining({ executionId: 'shared', origin: 'foreign' })])
  })

  it('also when the request is not acted on; delayMs creates it later, of another recipe', async () => {
    const emulator = await start({
      faults: [
        { ...TRIGGER, action: { kind: 'foreign-job-group' } },
        { ...TRIGGER, action: { kind: 'foreign-job-group', delayMs: 150, recipeId: 42 } },
        { ...TRIGGER, action: { kind: 'reset' } }
      ]
    })
    await expect(trigger(emulator)).rejects.toThrow()
    expect(emulator.jobGroups().map((g) => [g.recipeId, g.origin])).toEqual([[7, 'foreign']])
    await sleep(250)
    expect(emulator.jobGroups().map((g) => [g.recipeId, g.origin])).toEqual([
      [7, 'foreign'],
      [42, 'foreign']
    ])
  })

  it('createJobGroup() makes one directly, with an execution id and any createdAt', async () => {
    const emulator = await start()
    const id = emulator.createJobGroup(42, { durationMs: 0 }, { executionId: 'x', createdAt: T0 })
    expect(emulator.jobGroups()).toEqual([
      expect.objectContaining({
        id,
        recipeId: 42,
        executionId: 'x',
        createdAt: T0,
        origin: 'direct',
        status: 'Complete'
      })
    ])
  })
})

describe('a lagging read replica', () => {
  it("'stale': GET /v4/jobGroups/{id} shows the job group as it was lagMs ago, /status is current", async () => {
    freezeDate(T0)
    const emulator = await start({
      scenario: { durationMs: 1000 }, // Created 0-500, InProgress 500-1000, then Complete
      faults: [{ method: 'GET', path: ITEM, times: Infinity, action: { kind: 'stale', lagMs: 600 } }]
    })
    const id = emulator.createJobGroup(7)
    const at = async (ms: number): Promise<[unknown, unknown]> => {
      vi.setSystemTime(T0 + ms)
      const record = JSON.parse((await request(`${emulator.url}/v4/jobGroups/${id}`)).text) as {
        status: string
        updatedAt: string
      }
      return [JSON.parse((await request(`${emulator.url}/v4/jobGroups/${id}/status`)).text), record]
    }
    expect(await at(300)).toEqual(['Created', expect.objectContaining({ status: 'Created' })])
    expect(await at(1100)).toEqual([
      'Complete',
      expect.objectContaining({ status: 'InProgress', updatedAt: iso(T0 + 500) })
    ])
    expect(await at(1600)).toEqual([
      'Complete',
      expect.objectContaining({ status: 'Complete', updatedAt: iso(T0 + 1000) })
    ])
  })

  it("'stale' with a status: always that status, on the record and /status alike; POSTs are unaffected", async () => {
    const emulator = await start({
      scenario: { durationMs: 0 },
      faults: [
        {
          path: /^\/v4\/jobGroups\/\d+(\/status|\/cancel)?$/,
          times: Infinity,
          action: { kind: 'stale', status: 'Created' }
        }
      ]
    })
    const id = emulator.createJobGroup(7)
    expect(JSON.parse((await request(`${emulator.url}/v4/jobGroups/${id}`)).text)).toMatchObject({
      id,
      status: 'Created'
    })
    expect((await request(`${emulator.url}/v4/jobGroups/${id}/status`)).text).toBe('"Created"')
    const cancel = await request(`${emulator.url}/v4/jobGroups/${id}/cancel`, { method: 'POST', json: {} })
    expect(cancel.status).toBe(200)
    expect(emulator.jobGroups()[0]).toMatchObject({ status: 'Complete', canceled: false })
  })

  it("'not-found-while-new': 404 on the routes chosen and missing from lists until ms after creation", async () => {
    freezeDate(T0)
    const notYet = { kind: 'not-found-while-new', ms: 2000 } as const
    const emulator = await start({
      scenario: { durationMs: 4000 },
      faults: [
        { method: 'GET', path: /^\/v4\/jobGroups\/\d+(\/status)?$/, times: Infinity, action: notYet },
        { method: 'GET', path: '/v4/jobLibrary', times: Infinity, action: notYet },
        { method: 'GET', path: ITEM, after: 1, times: Infinity, action: { kind: 'stale', lagMs: 1000 } }
      ]
    })
    const id = emulator.createJobGroup(7)
    const get = (path: string): Promise<RawAnswer> => request(`${emulator.url}${path}`)
    vi.setSystemTime(T0 + 1999)
    for (const path of [`/v4/jobGroups/${id}/status`, `/v4/jobGroups/${id}`]) {
      const answer = await get(path)
      expect(answer.status, path).toBe(404)
      expect(JSON.parse(answer.text), path).toMatchObject({ exception: { name: 'NotFound' } })
    }
    expect((await get(`/v4/jobGroups/${id}/jobs`)).status).toBe(200) // not chosen
    expect(JSON.parse((await get('/v4/jobLibrary')).text)).toEqual({ data: [], count: 0 })
    vi.setSystemTime(T0 + 2500)
    expect((await get(`/v4/jobGroups/${id}/status`)).text).toBe('"InProgress"')
    expect(JSON.parse((await get('/v4/jobLibrary')).text)).toMatchObject({ count: 1 })
    // Both modifiers apply together: visible, and as it was 1 s ago.
    expect(JSON.parse((await get(`/v4/jobGroups/${id}`)).text)).toMatchObject({ status: 'Created' })
  })
})
