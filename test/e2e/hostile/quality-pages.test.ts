// The baseline's job-library read against a server that caps every page at its default of 25 rows, whatever
// `limit` asks (REAL-API-SHAPES.md "GET /v4/jobLibrary"): a full page of 25 is followed by the rows after it.
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'

const LIBRARY = '/v4/jobLibrary'
const row = (id: number, recipe: number, createdAt: string) => ({
  id,
  status: 'Complete',
  ranfrom: 'ui',
  wrangledDataset: { id: recipe },
  createdAt,
  updatedAt: createdAt
})
const page = (n: number, data: unknown[]): Fault => ({
  method: 'GET',
  path: LIBRARY,
  after: n,
  times: 1,
  action: { kind: 'status', status: 200, body: { data, count: 50 } }
})

describe('the baseline behind a page of 25 rows', () => {
  it('the last completed run of the recipe on the second page is found, asked for from row 25', async () => {
    const day = (i: number): string => new Date(Date.UTC(2025, 11, 30) - i * 3_600_000).toISOString()
    const first = Array.from({ length: 25 }, (_, i) => row(6000 - i, 42, day(i)))
    const second = [row(5005, 7, day(25)), ...Array.from({ length: 24 }, (_, i) => row(5000 - i, 42, day(26 + i)))]
    const e = await emulator({ scenario: { durationMs: 300 }, faults: [page(0, first), page(1, second)] })
    const result = await run(inputsFor(e, { overrides: '{"profiler": true}', baseline: 'last', schedule: 'backoff' }))

    expect(result.code).toBe(0)
    const lookups = e.requestsTo('GET', LIBRARY)
    expect(lookups).toHaveLength(2)
    expect(lookups[1]!.query.offset).toBe('25')
    expect(result.summary).toContain('compared with job 5005')
  })
})
