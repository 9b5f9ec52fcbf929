// The emulator's job library as a history: a recipe's past runs with their durations, filtered by status.
import { describe, expect, it } from 'vitest'
import { call, startEmulator } from '../../support/emulator-client.ts'

interface Listed {
  id: number
  status: string
  createdAt: string
  updatedAt: string
  wrangledDataset: { id: number }
}

async function library(emulator: Awaited<ReturnType<typeof startEmulator>>, query: string): Promise<Listed[]> {
  const answer = await call(emulator, 'GET', `/v4/jobLibrary?${query}`)
  expect(answer.status).toBe(200)
  return (answer.json as { data: Listed[] }).data
}

const durationOf = (g: Listed): number => Date.parse(g.updatedAt) - Date.parse(g.createdAt)

describe('past runs of a recipe (pastRuns)', () => {
  it('lists them most recent first, already ended, with the durations given', async () => {
    const emulator = await startEmulator({ pastRuns: { 7: [61_000, 75_000, 90_000] } })
    const groups = await library(emulator, 'ranfor=recipe&status=Complete&sort=-createdAt')
    expect(groups.map(durationOf)).toEqual([61_000, 75_000, 90_000])
    expect(groups.every((g) => g.status === 'Complete' && g.wrangledDataset.id === 7)).toBe(true)
    expect(Date.parse(groups[0]!.updatedAt)).toBeLessThan(Date.now())
    const created = groups.map((g) => Date.parse(g.createdAt))
    expect(created).toEqual([...created].sort((a, b) => b - a))
    expect(emulator.jobGroups().map((g) => g.origin)).toEqual(['past', 'past', 'past'])
  })

  it('the status filter leaves out runs that did not complete, and runs still going', async () => {
    const emulator = await startEmulator({
      pastRuns: { 7: [60_000, { durationMs: 5_000, status: 'Failed' }, 70_000], 42: [30_000] },
      scenario: { durationMs: 60_000 }
    })
    await call(emulator, 'POST', '/v4/jobGroups', { body: { wrangledDataset: { id: 7 } } })
    const complete = await library(emulator, 'status=Complete')
    expect(complete.map(durationOf).sort((a, b) => a - b)).toEqual([30_000, 60_000, 70_000])
    expect(complete.every((g) => g.status === 'Complete')).toBe(true)
    expect(complete.filter((g) => g.wrangledDataset.id === 7).map(durationOf)).toEqual([60_000, 70_000])
    expect((await library(emulator, 'status=Failed')).map(durationOf)).toEqual([5_000])
    expect((await library(emulator, 'status=Created,InProgress')).map((g) => g.id)).toEqual([4104])
  })

  it('pages: limit and offset walk a long history', async () => {
    const emulator = await startEmulator({ pastRuns: { 7: Array.from({ length: 30 }, (_, i) => 1_000 * (i + 1)) } })
    const first = await library(emulator, 'status=Complete&limit=25')
    const second = await library(emulator, 'status=Complete&limit=25&offset=25')
    expect(first).toHaveLength(25)
    expect(second.map(durationOf)).toEqual([26_000, 27_000, 28_000, 29_000, 30_000])
  })
})
