// The history-aware schedule, end to end: the built dist/ looks up the recipe's past runs in the emulator's job
// library once, beside its first status read, and spaces its checks by them; without enough of them it backs off
// as before. The action's clock runs 20 times faster here (time-lapse.mjs), so a job of 6 s is 2 minutes to it.
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../emulator/index.ts'
import { emulator, inputsFor, run } from '../support/e2e.ts'
import { expectPromisesKept, timeLapse } from './hostile/promises.ts'

const LIBRARY = '/v4/jobLibrary'
/** Ten past runs of about two minutes (as the action's sped-up clock sees them). */
const TWO_MINUTES = [118, 121, 120, 123, 119, 122, 117, 120, 121, 119].map((s) => s * 1000)
const statusReads = (e: Emulator, id: string) => e.requestsTo('GET', `/v4/jobGroups/${id}/status`).length

describe('the history-aware schedule (default)', () => {
  it('reads the recipe’s last Complete runs once, says what it expects, and checks less than backoff', async () => {
    const options = { pastRuns: { 7: TWO_MINUTES }, scenario: { durationMs: 6_000 } }
    const inputs = { 'poll-interval': '2s', 'max-poll-interval': '60s' }
    const withHistory = await emulator(options)
    const result = await run(inputsFor(withHistory, inputs), timeLapse(20))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    const lookups = withHistory.requestsTo('GET', LIBRARY)
    expect(lookups).toHaveLength(1)
    expect(lookups[0]!.query).toMatchObject({ status: 'Complete', ranfor: 'recipe', sort: '-createdAt' })
    expect(result.stdout).toMatch(/History: the last 10 completed runs of recipe 7 took about 2m00s \(± 6s\)/)

    const backoff = await emulator(options)
    const before = await run(inputsFor(backoff, { ...inputs, schedule: 'backoff' }), timeLapse(20))
    expect(before.code).toBe(0)
    expect(backoff.requestsTo('GET', LIBRARY)).toHaveLength(0)
    const id = result.outputs['job-id']!
    expect(statusReads(withHistory, id) + 4).toBeLessThan(statusReads(backoff, before.outputs['job-id']!))
    expectPromisesKept(withHistory, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('fewer than 3 Complete runs (a Failed one does not count): no history, it backs off as before', async () => {
    const e = await emulator({ pastRuns: { 7: [5_000, { durationMs: 4_000, status: 'Failed' }, 5_500] } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('History: recipe 7 has only 2 completed past runs (3 needed): checks back off')
    expect(e.requestsTo('GET', LIBRARY)).toHaveLength(1)
  })

  it('other recipes’ runs are not this recipe’s history', async () => {
    const e = await emulator({ pastRuns: { 42: TWO_MINUTES } })
    const result = await run(inputsFor(e))
    expect(result.stdout).toContain('History: recipe 7 has no completed past runs (3 needed)')
  })

  it('schedule: fixed checks every poll-interval and looks nothing up; a bad value is an input error', async () => {
    const e = await emulator({ pastRuns: { 7: TWO_MINUTES }, scenario: { durationMs: 3_000 } })
    const result = await run(inputsFor(e, { schedule: 'fixed' }))
    expect(result.code).toBe(0)
    expect(e.requestsTo('GET', LIBRARY)).toHaveLength(0)
    const times = e.requestsTo('GET', /\/status$/).map((r) => r.at)
    for (const [i, t] of times.slice(1).entries()) expect(t - times[i]!).toBeLessThan(1_900)

    const bad = await run(inputsFor(e, { schedule: 'adaptive' }))
    expect(bad.code).toBe(1)
    expect(bad.stdout).toContain('must be one of history, backoff, fixed')
  })

  it('a flow: the history of each of its recipes, from one lookup', async () => {
    const outputs = [
      { recipeId: 7, name: 'Sales', scenario: { durationMs: 2_000 } },
      { recipeId: 42, name: 'Returns', scenario: { durationMs: 3_000 } }
    ]
    const e = await emulator({
      flows: { 5: { outputs } },
      pastRuns: { 7: [2_000, 2_100, 1_900], 42: [3_000, 3_100, 2_900] }
    })
    const result = await run({ ...inputsFor(e), 'recipe-id': '', 'flow-id': '5' })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/History: the last 3 completed runs of flow 5 took about 3s/)
    expect(e.requestsTo('GET', LIBRARY)).toHaveLength(1)
  })
})
