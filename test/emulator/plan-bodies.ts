// The bodies of GET /v4/plans/{id}/full and GET /v4/planSnapshotRuns/{id}, as the sources show them
// (REAL-API-SHAPES.md):
// - S1 (the client generated from the AAC spec): a plan has `snapshotted, originalPlanId, latestPlanSnapshot,
//   latestPlanSnapshotRun, planSnapshotRunCount` and `planNodes: {data: [PlanNode…]}`, a PlanNode `id, taskType,
//   name, createdAt, updatedAt, coordinates, creator, updater`; a plan snapshot run `id, status, createdAt,
//   submittedAt, startedAt, finishedAt, updatedAt, scheduleHistoryId, failedToCancelSomeJobs, plan, nextRun,
//   previousRun`.
// - S2 (Saagie's connector): the original plan lists its snapshots in `planSnapshots.data` (the latest first); a
//   run's task runs sit on the snapshot plan, `planNodes.data[].planTaskSnapshotRuns.data[]`, each naming its
//   `planSnapshotRun` and holding `planFlowTaskRunResults.data[].jobGroup` ({id}).
// - A third-party toolkit's notes: a plan snapshot run refers to the snapshot's plan id (its `plan`).
import type { JobGroup } from './jobs.ts'

/** What a body needs to know of a plan task. */
export interface TaskShape {
  readonly name: string
}

/** A snapshot of a plan: a plan of its own (snapshotted), with its own node ids. */
export interface Snapshot {
  readonly id: number
  readonly createdAt: number
  /** One per task of the plan, in task order. */
  readonly nodeIds: readonly number[]
}

/** A run's task run: its job groups and its status. */
export interface TaskRunShape {
  readonly id: number
  readonly status: string
  readonly groups: readonly JobGroup[]
}

/** A plan snapshot run as the bodies show it. */
export interface RunShape {
  readonly id: number
  readonly snapshot: Snapshot
  /** One per started task, in task order. */
  readonly taskRuns: readonly TaskRunShape[]
}

export interface PlanShape {
  readonly id: number
  readonly name: string
  readonly createdAt: number
  readonly tasks: readonly TaskShape[]
  /** inferred: node ids are not documented; planId * 100 + position. */
  readonly nodeIds: readonly number[]
}

/**
 * The original plan (`snapshotted: false`): its nodes without task runs, since those live on the snapshots (S2),
 * and its snapshots newest first. `runs` and `snapshots` are those a reader can see, in creation order.
 */
export function originalPlanBody(plan: PlanShape, snapshots: readonly Snapshot[], runs: readonly RunShape[]): object {
  const latest = snapshots.at(-1)
  return {
    id: plan.id,
    name: plan.name,
    snapshotted: false,
    originalPlanId: null,
    latestPlanSnapshot: latest ? { id: latest.id } : null,
    latestPlanSnapshotRun: runs.length > 0 ? { id: runs.at(-1)!.id } : null,
    planSnapshotRunCount: runs.length,
    planSnapshots: { data: [...snapshots].reverse().map((s) => ({ id: s.id, createdAt: iso(s.createdAt) })) },
    planNodes: { data: plan.tasks.map((task, i) => nodeBody(plan.nodeIds[i]!, task, plan.createdAt, [])) },
    createdAt: iso(plan.createdAt),
    updatedAt: iso(plan.createdAt)
  }
}

/** A snapshot plan (`snapshotted: true`): each node with the task runs of the runs made on this snapshot. */
export function snapshotPlanBody(plan: PlanShape, snapshot: Snapshot, runs: readonly RunShape[]): object {
  const own = runs.filter((run) => run.snapshot === snapshot)
  return {
    id: snapshot.id,
    name: plan.name,
    snapshotted: true,
    originalPlanId: plan.id,
    planNodes: {
      data: plan.tasks.map((task, i) => {
        const taskRuns = own.flatMap((run) => {
          const taskRun = run.taskRuns[i]
          return taskRun ? [taskRunBody(run.id, taskRun)] : []
        })
        return nodeBody(snapshot.nodeIds[i]!, task, snapshot.createdAt, taskRuns)
      })
    },
    createdAt: iso(snapshot.createdAt),
    updatedAt: iso(snapshot.createdAt)
  }
}

/** What GET /v4/planSnapshotRuns/{id} shows of a run (S1); `plan` is the snapshot's plan, unless left out. */
export interface RunFields {
  id: number
  status: string
  createdAt: number
  finishedAt?: number
  updatedAt: number
  failedToCancelSomeJobs: boolean
  /** The snapshot's plan id; undefined leaves `plan` out (the 'absent' variant). */
  planId?: number
}

export function planSnapshotRunBody(run: RunFields): object {
  return {
    id: run.id,
    status: run.status,
    createdAt: iso(run.createdAt),
    // inferred: submitted and started when created (the first task starts at once).
    submittedAt: iso(run.createdAt),
    startedAt: iso(run.createdAt),
    finishedAt: run.finishedAt === undefined ? null : iso(run.finishedAt),
    updatedAt: iso(run.updatedAt),
    scheduleHistoryId: null,
    failedToCancelSomeJobs: run.failedToCancelSomeJobs,
    ...(run.planId !== undefined && { plan: { id: run.planId } }),
    nextRun: null,
    previousRun: null
  }
}

function nodeBody(id: number, task: TaskShape, createdAt: number, taskRuns: object[]): object {
  return {
    id,
    // inferred: every task of the emulator runs a flow.
    taskType: 'flow',
    name: task.name,
    createdAt: iso(createdAt),
    updatedAt: iso(createdAt),
    planTaskSnapshotRuns: { data: taskRuns }
  }
}

/**
 * S2 reads `planSnapshotRun.id` and `planFlowTaskRunResults.data[].jobGroup` ({id}). inferred: the task run's own
 * id and status, and one result per job group with an id of its own.
 */
function taskRunBody(runId: number, taskRun: TaskRunShape): object {
  return {
    id: taskRun.id,
    status: taskRun.status,
    planSnapshotRun: { id: runId },
    planFlowTaskRunResults: {
      data: taskRun.groups.map((group, i) => ({ id: taskRun.id * 100 + i + 1, jobGroup: { id: group.id } }))
    }
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
