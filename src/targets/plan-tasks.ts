/**
 * A plan run's tasks, read from `GET /v4/plans/{id}/full` of the plan the run was made on: its **snapshot**
 * (REAL-API-SHAPES.md, S2). Every list is read enveloped (`{data: […]}`) or bare, and only the task runs that name
 * this plan snapshot run are taken. Pure.
 */
import { field, idOf, listOf } from '../api/lists.ts'
import type { RunPart } from '../report/run-parts.ts'
import { oneLine } from '../shared/format.ts'

/** Snapshots of a plan that are tried, at most, when the run does not name its own. */
export const MAX_SNAPSHOTS_TRIED = 3
const MAX_TASK_NAME = 200

/** This run's parts on `plan`, in task order; `found` is false when no task of it ran in this run there. */
export function planTaskRuns(plan: unknown, planRunId: number): { parts: RunPart[]; found: boolean } {
  let found = false
  const parts = listOf(field(plan, 'planNodes')).flatMap((node, i) => {
    const name = field(node, 'name')
    // A name is server text: on one line and cut, before it reaches a message.
    const task = typeof name === 'string' && name.trim() !== '' ? oneLine(name, MAX_TASK_NAME) : `task ${i + 1}`
    const own = listOf(field(node, 'planTaskSnapshotRuns')).filter(
      (run) => idOf(field(field(run, 'planSnapshotRun'), 'id')) === planRunId
    )
    if (own.length === 0) return [{ task }]
    found = true
    return own.flatMap((run) => taskRunParts(task, run))
  })
  return { parts, found }
}

/** One task run's job groups as parts (the task run itself when it names none). */
function taskRunParts(task: string, run: unknown): RunPart[] {
  const taskStatus = statusText(field(run, 'status'))
  const groups = listOf(field(run, 'planFlowTaskRunResults')).flatMap((result) => {
    const group = field(result, 'jobGroup')
    const id = idOf(field(group, 'id'))
    return id === undefined ? [] : [{ task, jobGroupId: id, status: statusText(field(group, 'status')) ?? taskStatus }]
  })
  return groups.length > 0 ? groups : [{ task, status: taskStatus }]
}

/**
 * The snapshots of an original plan to look at for a run, newest first: `latestPlanSnapshot`, then
 * `planSnapshots.data` (the order S2 reads), without repeats, at most `MAX_SNAPSHOTS_TRIED`.
 */
export function snapshotIds(plan: unknown): number[] {
  const ids = [field(plan, 'latestPlanSnapshot'), ...listOf(field(plan, 'planSnapshots'))].map((s) =>
    idOf(field(s, 'id'))
  )
  return [...new Set(ids.filter((id) => id !== undefined))].slice(0, MAX_SNAPSHOTS_TRIED)
}

function statusText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined
}
