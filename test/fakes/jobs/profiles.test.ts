// The emulator's profiles (GET /v4/jobGroups/{id}/profile, /profileResults) and the job library's `ranfrom`, as
// PROFILE-AND-RESULTS.md and REAL-API-SHAPES.md describe them.
import { describe, expect, it } from 'vitest'
import type { ProfileSpec } from '../../emulator/index.ts'
import { call, exceptionBody, startEmulator as start } from '../../support/emulator-client.ts'

const PROFILE: ProfileSpec = {
  outputs: [
    {
      nodeId: 70,
      columns: {
        email: { type: 'String', valid: 900, empty: 60, invalid: 40 },
        amount: { type: 'Decimal', valid: 1000 },
        score: { type: 'Integer', valid: 1000, values: 'numeric-list' }
      },
      rules: [{ column: 'email', description: 'email is valid', passCount: 960, failCount: 40 }]
    },
    { nodeId: 71, columns: { id: { type: 'Integer', valid: 10 } } }
  ]
}

const longAgo = (ms: number): number => Date.now() - ms

describe('profiles', () => {
  it('a profiled Complete job group answers both calls in the reference shapes', async () => {
    const emulator = await start({ scenario: { profile: PROFILE } })
    const id = emulator.createJobGroup(7, undefined, { overrides: { profiler: true }, createdAt: longAgo(60_000) })
    const one = await call(emulator, 'GET', `/v4/jobGroups/${id}/profile`)
    expect(one.status).toBe(200)
    expect(one.json).toMatchObject({
      columnTypes: { email: ['String'], amount: ['Decimal'], score: ['Integer'] },
      profilerTypeCheckHistograms: {
        email: [
          { key: 'VALID', count: 900 },
          { key: 'EMPTY', count: 60 },
          { key: 'INVALID', count: 40 }
        ]
      },
      profilerRules: {
        email: [
          expect.objectContaining({
            description: 'email is valid',
            status: 'fail',
            passCount: 960,
            failCount: 40,
            totalCount: 1000,
            updatedAt: expect.any(String)
          })
        ]
      },
      profilerValidValueHistograms: {
        // S5's two object forms, and S1's list.
        email: { k: expect.any(Number), c: 900, ub: false, topk: expect.any(Array) },
        amount: expect.objectContaining({
          min: 0,
          max: 1000,
          buckets: expect.any(Array),
          quartiles: expect.any(Object)
        }),
        score: [expect.objectContaining({ roundMin: 0, roundMax: 1000 })]
      }
    })
    const all = await call(emulator, 'GET', `/v4/jobGroups/${id}/profileResults`)
    expect(Object.keys(all.json as object)).toEqual(['70', '71'])
    expect((all.json as Record<string, unknown>)['70']).toEqual(one.json)
  })

  it('a run without profiling, or not yet Complete, answers 400 ProfilingDataNotFoundException', async () => {
    const emulator = await start({ scenario: { durationMs: 60_000 } })
    const plain = emulator.createJobGroup(7, { durationMs: 0 })
    const running = emulator.createJobGroup(7, undefined, { overrides: { profiler: true } })
    for (const path of [`/v4/jobGroups/${plain}/profile`, `/v4/jobGroups/${running}/profileResults`]) {
      const answer = await call(emulator, 'GET', path)
      expect(answer.status).toBe(400)
      expect(answer.json).toEqual(exceptionBody('ProfilingDataNotFoundException'))
    }
  })

  it('a profile stage counts as profiling on, with the default profile', async () => {
    const emulator = await start({
      scenario: { durationMs: 0, stages: [{ jobType: 'wrangle' }, { jobType: 'profile' }] }
    })
    const id = emulator.createJobGroup(7)
    const answer = await call(emulator, 'GET', `/v4/jobGroups/${id}/profile`)
    expect(answer.status).toBe(200)
    expect(Object.keys((answer.json as { columnTypes: object }).columnTypes)).toEqual(['id', 'email', 'amount'])
  })

  it('editions without the calls answer 404', async () => {
    for (const [options, missing] of [
      [{ legacy: true }, ['profile', 'profileResults']],
      [{ profileCalls: 'profile' as const }, ['profileResults']],
      [{ profileCalls: 'none' as const }, ['profile', 'profileResults']]
    ] as const) {
      const emulator = await start({ ...options, scenario: { durationMs: 0 } })
      const id = emulator.createJobGroup(7, undefined, { overrides: { profiler: true } })
      for (const sub of ['profile', 'profileResults']) {
        const answer = await call(emulator, 'GET', `/v4/jobGroups/${id}/${sub}`)
        expect(answer.status, `${sub} with ${JSON.stringify(options)}`).toBe(
          (missing as readonly string[]).includes(sub) ? 404 : 200
        )
      }
    }
  })
})

describe('the job library ranfrom', () => {
  it('job groups carry ranfrom, and ?ranfrom= filters on it', async () => {
    const emulator = await start({ scenario: { durationMs: 0 } })
    const ui = emulator.createJobGroup(7, undefined, { ranfrom: 'ui', createdAt: longAgo(3000) })
    const scheduled = emulator.createJobGroup(7, undefined, { ranfrom: 'schedule', createdAt: longAgo(2000) })
    const api = emulator.createJobGroup(7, undefined, { createdAt: longAgo(1000) })
    const all = await call(emulator, 'GET', '/v4/jobLibrary')
    const items = (all.json as { data: { id: number; ranfrom: string }[] }).data
    expect(items.map((g) => [g.id, g.ranfrom])).toEqual([
      [api, 'api'],
      [scheduled, 'schedule'],
      [ui, 'ui']
    ])
    const only = await call(emulator, 'GET', '/v4/jobLibrary?ranfrom=schedule&status=Complete')
    expect((only.json as { data: { id: number }[] }).data.map((g) => g.id)).toEqual([scheduled])
    const record = await call(emulator, 'GET', `/v4/jobGroups/${scheduled}`)
    expect(record.json).toMatchObject({ ranfrom: 'schedule' })
  })
})
