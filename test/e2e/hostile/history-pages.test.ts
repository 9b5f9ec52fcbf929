// Attacks on the history lookup with the job library's real shapes (REAL-API-SHAPES.md "GET /v4/jobLibrary"):
// pages capped at the default 25 rows whatever `limit` asks, the sort ignored, and a workflow cancel while the
// lookup hangs or while the schedule sleeps long before the expected end.
import { describe, expect, it } from 'vitest'
import type { Emulator, Fault } from '../../emulator/index.ts'
import { emulator, inputsFor, run, start } from '../../support/e2e.ts'
import { expectPromisesKept, timeLapse } from './promises.ts'

const LIBRARY = '/v4/jobLibrary'
const T = Date.UTC(2026, 0, 1)
const iso = (ms: number): string => new Date(ms).toISOString()
/** A Complete past run of `recipe`, created `ago` ms before T, that took `ms`. */
const past = (id: number, recipe: number, ago: number, ms: number) => ({
  id,
  status: 'Complete',
  createdAt: iso(T - ago),
  updatedAt: iso(T - ago + ms),
  wrangledDataset: { id: recipe }
})
/** The n-th answer of the job library (counted from 0). */
const page = (n: number, data: unknown[], count: number): Fault => ({
  method: 'GET',
  path: LIBRARY,
  after: n,
  times: 1,
  action: { kind: 'status', status: 200, body: { data, count } }
})
const cancels = (e: Emulator) => e.requestsTo('POST', /^\/v4\/jobGroups\/\d+\/cancel$/)

describe('the history lookup against pages of 25 rows', () => {
  it('a server that caps pages at 25 is asked for the next page from row 25, and its runs are found', async () => {
    // Page 1: 25 rows (the server's cap, whatever limit asked), only 2 of recipe 7. Page 2: 8 more of recipe 7.
    const first = Array.from({ length: 25 }, (_, i) => past(9000 - i, i < 2 ? 7 : 42, i * 60_000, 30_000))
    const second = Array.from({ length: 25 }, (_, i) => past(8000 - i, i < 8 ? 7 : 42, 3e6 + i * 60_000, 30_000))
    const e = await emulator({ faults: [page(0, first, 60), page(1, second, 60)] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    const lookups = e.requestsTo('GET', LIBRARY)
    expect(lookups).toHaveLength(2)
    expect(lookups[1]!.query.offset).toBe('25')
    expect(result.stdout).toContain('History: the last 10 completed runs of recipe 7 took about 30s')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a short last page (fewer than 25 rows) is not followed by a second lookup', async () => {
    const rows = Array.from({ length: 24 }, (_, i) => past(9000 - i, i < 2 ? 7 : 42, i * 60_000, 30_000))
    const e = await emulator({ faults: [page(0, rows, 24)] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(e.requestsTo('GET', LIBRARY)).toHaveLength(1)
    expect(result.stdout).toContain('History: recipe 7 has only 2 completed past runs (3 needed)')
  })

  it('the sort ignored (oldest first): the most recent runs on the page are the history', async () => {
    // Oldest first: 5 old runs of 10 minutes, then 10 recent ones of 20 s. The ten most recent are the 20 s ones.
    const rows = [
      ...Array.from({ length: 5 }, (_, i) => past(100 + i, 7, 9e7 - i * 60_000, 600_000)),
      ...Array.from({ length: 10 }, (_, i) => past(200 + i, 7, 5e6 - i * 60_000, 20_000))
    ]
    const e = await emulator({ faults: [page(0, rows, rows.length)] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('History: the last 10 completed runs of recipe 7 took about 20s')
  })
})

describe('a workflow cancel around the history lookup', () => {
  it('SIGINT while the lookup hangs: the cancel goes out within 2 s and the step exits promptly', async () => {
    const hang: Fault = { method: 'GET', path: LIBRARY, action: { kind: 'delay', ms: 120_000 } }
    const e = await emulator({ faults: [hang], scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const action = start(inputsFor(e))
    await action.waitForOutput(/Job 4100: InProgress/, 15_000)
    expect(e.requestsTo('GET', LIBRARY)).toHaveLength(1)
    const signalledAt = Date.now()
    action.child.kill('SIGINT')
    const result = await action.result

    expect(cancels(e)).toHaveLength(1)
    expect(cancels(e)[0]!.at - signalledAt).toBeLessThan(2_000)
    expect(Date.now() - signalledAt).toBeLessThan(4_000)
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Canceled')
    expect(result.stdout).not.toMatch(/could not be read/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('SIGINT as the wait starts, the lookup and the first status read both hanging: cancelled within 2 s', async () => {
    const hangs: Fault[] = [
      { method: 'GET', path: LIBRARY, action: { kind: 'delay', ms: 120_000 } },
      { method: 'GET', path: /\/status$/, action: { kind: 'delay', ms: 120_000 } }
    ]
    const e = await emulator({ faults: hangs, scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const action = start(inputsFor(e))
    await action.waitForOutput(/Started job 4100/, 15_000)
    const signalledAt = Date.now()
    action.child.kill('SIGINT')
    const result = await action.result

    expect(cancels(e)).toHaveLength(1)
    expect(cancels(e)[0]!.at - signalledAt).toBeLessThan(2_000)
    expect(Date.now() - signalledAt).toBeLessThan(4_000)
    expect(result.code).toBe(1)
    expect(result.state.settled).toBe('true')
  })

  it('SIGINT during a long sleep before the expected end: the cancel goes out within 2 s', async () => {
    // Past runs of about an hour: before the window the action sleeps up to 25% of the elapsed time (minutes,
    // on the sped-up clock of the action), far beyond max-poll-interval.
    const e = await emulator({
      pastRuns: { 7: Array.from({ length: 5 }, () => 3_600_000) },
      scenario: { durationMs: 600_000, statuses: ['InProgress'] }
    })
    const action = start(inputsFor(e, { 'max-poll-interval': '10s', timeout: '3h' }), timeLapse(20))
    await action.waitForOutput(/History: the last 5 completed runs of recipe 7 took about 1h/, 15_000)
    await new Promise((resolve) => setTimeout(resolve, 6_000))
    const polls = e.requestsTo('GET', /\/status$/).map((r) => r.at)
    expect(polls.at(-1)! - polls.at(-2)!).toBeGreaterThan(1_000) // a long sleep is under way (real time)
    const signalledAt = Date.now()
    action.child.kill('SIGINT')
    const result = await action.result

    expect(cancels(e)).toHaveLength(1)
    expect(cancels(e)[0]!.at - signalledAt).toBeLessThan(2_000)
    expect(Date.now() - signalledAt).toBeLessThan(4_000)
    expect(result.outputs.status).toBe('Canceled')
  })
})
