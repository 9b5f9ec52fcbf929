// The pure readers of a plan run's tasks on its snapshot plan (lists enveloped or bare), and of what pages of the
// job history prove.
import { describe, expect, it } from 'vitest'
import { pageVerdict } from '../../src/api/history-pages.ts'
import { planTaskRuns, snapshotIds } from '../../src/targets/plan-tasks.ts'

describe('planTaskRuns', () => {
  const snapshot = (runs: unknown, wrap = (x: unknown[]): unknown => ({ data: x })): unknown => ({
    id: 60001,
    planNodes: wrap([
      {
        name: 'Load',
        planTaskSnapshotRuns: wrap([
          {
            planSnapshotRun: { id: 3000 },
            status: 'Complete',
            planFlowTaskRunResults: wrap([{ jobGroup: { id: 4001 } }])
          },
          ...(runs as unknown[])
        ])
      },
      { name: 'Report', planTaskSnapshotRuns: wrap([]) }
    ])
  })

  it.each([
    ['enveloped', (x: unknown[]): unknown => ({ data: x })],
    ['bare', (x: unknown[]): unknown => x]
  ])("reads only this run's task runs, %s", (_, wrap) => {
    const own = {
      planSnapshotRun: { id: 3001 },
      status: 'Failed',
      planFlowTaskRunResults: wrap([{ jobGroup: { id: 4100 } }, { jobGroup: { id: 4101, status: 'Complete' } }])
    }
    expect(planTaskRuns(snapshot([own], wrap), 3001)).toEqual({
      found: true,
      parts: [
        { task: 'Load', jobGroupId: 4100, status: 'Failed' },
        { task: 'Load', jobGroupId: 4101, status: 'Complete' },
        { task: 'Report' }
      ]
    })
    expect(planTaskRuns(snapshot([], wrap), 3001).found).toBe(false)
  })

  it('takes every task run of this run on a node, and cuts a long task name to one line', () => {
    const run = (group: number) => ({
      planSnapshotRun: { id: 7 },
      planFlowTaskRunResults: [{ jobGroup: { id: group } }]
    })
    const plan = { planNodes: [{ name: `a\n${'x'.repeat(500)}`, planTaskSnapshotRuns: [run(1), run(2)] }] }
    const { parts } = planTaskRuns(plan, 7)
    expect(parts.map((p) => p.jobGroupId)).toEqual([1, 2])
    expect(parts[0]!.task).toHaveLength(200)
    expect(parts[0]!.task).not.toContain('\n')
  })

  it('names the snapshots of an original plan, newest first, without repeats', () => {
    const plan = {
      latestPlanSnapshot: { id: 60003 },
      planSnapshots: { data: [{ id: 60003 }, { id: 60002 }, { id: 'x' }, { id: 60001 }, { id: 59999 }] }
    }
    expect(snapshotIds(plan)).toEqual([60003, 60002, 60001])
    expect(snapshotIds({ planSnapshots: [{ id: 7 }] })).toEqual([7])
    expect(snapshotIds(null)).toEqual([])
  })
})

describe('pageVerdict', () => {
  const T = Date.UTC(2026, 0, 1)
  const row = (id: number, s: number): { id: number; createdAt: string } => ({
    id,
    createdAt: new Date(T + s * 1000).toISOString()
  })

  it('asks for more while the rows are in the window, newest first; ends on an older row or an empty page', () => {
    expect(pageVerdict({ rows: [row(3, 30), row(2, 20)] }, T)).toEqual({ kind: 'more' })
    expect(pageVerdict({ rows: [row(2, 20), row(1, -5)] }, T)).toEqual({ kind: 'complete' })
    expect(pageVerdict({ rows: [], previousLast: T + 20_000 }, T)).toEqual({ kind: 'complete' })
  })

  it('proves nothing from rows out of order, within a page or across pages, or without a date', () => {
    expect(pageVerdict({ rows: [row(1, -50), row(2, 20)] }, T).kind).toBe('unproven')
    expect(pageVerdict({ rows: [row(4, 40)], previousLast: T + 20_000 }, T).kind).toBe('unproven')
    expect(pageVerdict({ rows: [{ id: 5 }] }, T)).toEqual({
      kind: 'unproven',
      why: 'job group 5 has no readable createdAt'
    })
  })
})
