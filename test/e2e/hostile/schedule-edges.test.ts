// Attacks on the history-aware schedule and queue-timeout at their edges: the queue statuses real servers show
// besides Created (Pending; "undefined", REAL-API-SHAPES.md "Statuses seen outside the spec's enum"), a history
// that makes the schedule sleep long while the queue timeout or the timeout comes first, and a job that fails
// early against a history of hour-long runs.
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { expectPromisesKept, timeLapse } from './promises.ts'

const HOUR_LONG = { 7: Array.from({ length: 5 }, () => 3_600_000) }
const cancels = (e: Emulator) => e.requestsTo('POST', /^\/v4\/jobGroups\/\d+\/cancel$/)
const own = (e: Emulator) => e.jobGroups().find((g) => g.origin === 'api')!

describe('queue-timeout with the statuses real servers show', () => {
  it('Pending, with a history of hour-long runs: still queued at the queue timeout, named and cancelled', async () => {
    const e = await emulator({ pastRuns: HOUR_LONG, scenario: { durationMs: 600_000, statuses: ['Pending'] } })
    const result = await run(inputsFor(e, { 'queue-timeout': '40s', timeout: '2h' }), timeLapse(20))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/still queued after 4\ds \(queue-timeout; last status Pending\)/)
    expect(cancels(e)).toHaveLength(1)
    expect(result.durationMs).toBeLessThan(12_000)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('"undefined" is not taken for queued: warned of once; the timeout, not queue-timeout, ends the wait', async () => {
    const e = await emulator({ scenario: { durationMs: 600_000, statuses: ['undefined'] } })
    const result = await run(inputsFor(e, { 'queue-timeout': '20s', timeout: '90s' }), timeLapse(20))

    expect(result.code).toBe(1)
    expect(warnings(result).filter((w) => w.includes("status 'undefined'"))).toHaveLength(1)
    expect(errors(result).join('\n')).not.toMatch(/still queued/)
    expect(errors(result).join('\n')).toMatch(/timed out|timeout/i)
    expect(cancels(e)).toHaveLength(1)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })
})

describe('the history schedule against shorter deadlines and early failures', () => {
  it('a timeout shorter than the expected window: the wait ends at the timeout, not after a long sleep', async () => {
    const e = await emulator({ pastRuns: HOUR_LONG, scenario: { durationMs: 600_000, statuses: ['InProgress'] } })
    const result = await run(inputsFor(e, { timeout: '4m', 'max-poll-interval': '30s' }), timeLapse(20))

    expect(result.code).toBe(1)
    expect(cancels(e)).toHaveLength(1)
    // 4 minutes of the action's time are 12 s of real time; the cancel goes out at the deadline.
    expect(result.durationMs).toBeLessThan(16_000)
    expect(result.outputs.status).toBe('Canceled')
  })

  it('a job that fails early against hour-long past runs is noticed within 25% of its elapsed time', async () => {
    const e = await emulator({
      pastRuns: HOUR_LONG,
      scenario: { durationMs: 6_000, statuses: ['InProgress'], finalStatus: 'Failed' }
    })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Failed')
    expect(result.stdout).toContain('History: the last 5 completed runs of recipe 7 took about 1h')
    const group = own(e)
    const seen = e.requestsTo('GET', new RegExp(`/v4/jobGroups/${group.id}/status$`)).at(-1)!.at
    const lateness = seen - group.updatedAt
    expect(lateness).toBeGreaterThanOrEqual(0)
    expect(lateness).toBeLessThan(Math.max(1_000, 0.25 * (group.updatedAt - group.createdAt)) + 300)
  })
})
