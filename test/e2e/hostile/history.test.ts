// Promise: the history lookup can only help. Whatever the job library answers (absurd durations, timestamps that
// are negative, missing or not strings, other recipes and statuses despite the filters, a huge page, an error
// with hostile text, an answer that never comes), the step waits and reports as it would without it: the lookup
// is one request, bounded in time, abandoned when the wait ends, and this step's own job group is never its own
// history.
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'
import { expectPromisesKept } from './promises.ts'

const LIBRARY = '/v4/jobLibrary'
const T = Date.UTC(2026, 0, 1)
const iso = (ms: number): string => new Date(ms).toISOString()
const row = (id: number, createdAt: unknown, updatedAt?: unknown, extra: object = {}) => ({
  id,
  status: 'Complete',
  createdAt,
  updatedAt,
  wrangledDataset: { id: 7 },
  ...extra
})
const answering = (body: unknown, extra: Partial<Fault> = {}): Fault => ({
  method: 'GET',
  path: LIBRARY,
  action: { kind: 'status', status: 200, body },
  ...extra
})

describe('the history lookup cannot hurt', () => {
  it('absurd durations and broken timestamps are no history, and the run is reported as usual', async () => {
    const data = [
      row(1, iso(T), iso(T - 60_000)), // negative
      row(2, iso(T), iso(T)), // zero
      row(3, iso(0), iso(8.64e15)), // 273,000 years
      row(4, 'yesterday', 'today'),
      row(5, T, T + 60_000), // numbers, not strings
      row(6, null, iso(T)),
      row(7, iso(T)), // no updatedAt
      row(8, iso(T), iso(T + 60_000), { status: 'Failed' }), // the status filter ignored
      row(9, iso(T), iso(T + 60_000), { wrangledDataset: { id: 42 } }), // another recipe
      row(10, iso(T), iso(T + 60_000), { wrangledDataset: { id: '7' } }),
      { id: -1, status: 'Complete', createdAt: iso(T), updatedAt: iso(T + 60_000), wrangledDataset: { id: 7 } },
      'not an object',
      null
    ]
    const e = await emulator({ faults: [answering({ data, count: data.length })] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(result.stdout).toContain('History: recipe 7 has no completed past runs (3 needed): checks back off')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('this step’s own job group, already Complete in the library, is not its own history', async () => {
    // Two past runs and this step's own (4100): with its own counted there would be three.
    const data = [
      row(4100, iso(T), iso(T + 1_000)),
      row(4001, iso(T - 9e5), iso(T - 8e5)),
      row(4000, iso(T - 2e6), iso(T - 1.9e6))
    ]
    const e = await emulator({ faults: [answering({ data })] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.stdout).toContain('History: recipe 7 has only 2 completed past runs (3 needed)')
  })

  it('a page of 20,000 rows: at most two lookups, the ten most recent runs of the recipe used', async () => {
    const data = Array.from({ length: 20_000 }, (_, i) =>
      row(10_000 + i, iso(T - i * 3_600_000), iso(T - i * 3_600_000 + (i < 10 ? 4_000 : 900_000)))
    )
    const e = await emulator({ faults: [answering({ data }, { times: Infinity })] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(e.requestsTo('GET', LIBRARY).length).toBeLessThanOrEqual(2)
    expect(result.stdout).toMatch(/History: the last 10 completed runs of recipe 7 took about 4s/)
  })

  it('an answer of 9 MiB is refused: no history, the step goes on', async () => {
    const huge: Fault = { method: 'GET', path: LIBRARY, action: { kind: 'huge', bytes: 9 * 1024 * 1024 } }
    const e = await emulator({ faults: [huge] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/The past runs of recipe 7 could not be read \(.*\): checks back off/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a failing lookup is asked once, its hostile text neutralised, and means no history', async () => {
    const hostile = 'boom\n::error::forged\n::set-output name=status::Complete'
    const failing: Fault = {
      method: 'GET',
      path: LIBRARY,
      times: Infinity,
      action: { kind: 'status', status: 500, body: { exception: { name: 'Boom', message: hostile, details: '' } } }
    }
    const e = await emulator({ faults: [failing] })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(e.requestsTo('GET', LIBRARY)).toHaveLength(1)
    expect(result.stdout).toMatch(/The past runs of recipe 7 could not be read \(.*HTTP 500/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a lookup that never answers neither delays the wait nor keeps the step alive', async () => {
    const hang: Fault = { method: 'GET', path: LIBRARY, action: { kind: 'delay', ms: 120_000 } }
    const e = await emulator({ faults: [hang], scenario: { durationMs: 2_000 } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(result.durationMs).toBeLessThan(9_000)
    const times = e.requestsTo('GET', /\/status$/).map((r) => r.at)
    expect(times.length).toBeGreaterThanOrEqual(3)
  })

  it('a 404 (an edition without the job library) means no history', async () => {
    const e = await emulator({ listing: 'jobGroups' })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/The past runs of recipe 7 could not be read \(.*404/)
  })
})
