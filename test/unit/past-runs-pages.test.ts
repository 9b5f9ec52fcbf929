// pastRuns against job libraries that page as real servers do (REAL-API-SHAPES.md "GET /v4/jobLibrary"): a cap
// of 25 rows whatever `limit` asks, and an `offset` ignored (the same page twice).
import { describe, expect, it } from 'vitest'
import type { JobGroup, JobGroupsApi } from '../../src/api/job-groups.ts'
import { pastRuns } from '../../src/targets/past-runs.ts'

const T = Date.UTC(2026, 0, 1)
/** Newest first: `mine` runs of recipe 7 (30 s each) spread among runs of recipe 42. */
function library(total: number, isMine: (i: number) => boolean): JobGroup[] {
  return Array.from({ length: total }, (_, i) => ({
    id: 10_000 - i,
    status: 'Complete',
    createdAt: new Date(T - i * 60_000).toISOString(),
    updatedAt: new Date(T - i * 60_000 + (isMine(i) ? 30_000 : 5_000)).toISOString(),
    wrangledDataset: { id: isMine(i) ? 7 : 42 }
  }))
}

function server(rows: JobGroup[], options: { cap: number; ignoreOffset?: boolean }) {
  const queries: Record<string, string>[] = []
  const api = {
    list: async (_endpoint: string, query: Record<string, string>) => {
      queries.push(query)
      const offset = options.ignoreOffset ? 0 : Number(query.offset ?? 0)
      const page = rows.slice(offset, offset + Math.min(options.cap, Number(query.limit)))
      return { groups: page, rows: page.length }
    }
  } as unknown as JobGroupsApi
  return { api, queries }
}

const budget = { deadline: Date.now() + 10_000, persistMs: 0 }

describe('pastRuns and the pages of the job library', () => {
  it('a page capped at 25 is followed by the rows after it, once', async () => {
    const { api, queries } = server(
      library(100, (i) => i % 4 === 0),
      { cap: 25 }
    )
    const found = await pastRuns(api, [7], [], budget)

    expect(queries.map((q) => q.offset)).toEqual([undefined, '25'])
    expect(found.runs).toBe(10)
    expect(found.expected?.centreMs).toBe(30_000)
  })

  it('an offset ignored (the same page twice): the runs are not counted twice', async () => {
    const { api, queries } = server(
      library(25, (i) => i < 2),
      { cap: 25, ignoreOffset: true }
    )
    const found = await pastRuns(api, [7], [], budget)

    expect(queries).toHaveLength(2)
    expect(found.runs).toBe(2)
    expect(found.expected).toBeUndefined()
  })

  it('a short page ends the lookup', async () => {
    const { api, queries } = server(
      library(20, (i) => i < 5),
      { cap: 25 }
    )
    const found = await pastRuns(api, [7], [], budget)

    expect(queries).toHaveLength(1)
    expect(found.runs).toBe(5)
  })
})
