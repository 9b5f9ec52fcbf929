// Plan snapshot runs: POST /v4/plans/{id}/run runs the plan's tasks one after the other, a task being one plain
// job group per output of its flow. A task's job groups are created when the task before it has completed, dated
// at that instant: `advance` catches up before every request, so what a client sees does not depend on how often
// it polls. Every run is made on a snapshot of the plan (a plan of its own), where its task runs sit (S2 of
// REAL-API-SHAPES.md; the bodies are in plan-bodies.ts). Source: AAC-AUTH-FLOWS-PLANS.md "Running a plan".
import type { FlowOutputSpec, FlowSpec, PlanRunView, PlanSpec, PlanTaskSpec, ValidationStatus } from './flow-types.ts'
import { combinedStatus, isObject, lastUpdate, objectBody, outputRunView, startOutput } from './flows.ts'
import type { OutputRun, RunBy, RunRequest, ScenarioFor } from './flows.ts'
import { isTerminal, seenBy } from './jobs.ts'
import { originalPlanBody, planSnapshotRunBody, snapshotPlanBody } from './plan-bodies.ts'
import type { RunShape, Snapshot } from './plan-bodies.ts'
import type { JobGroup, JobStore, Replica } from './jobs.ts'
import { json, notFound, validationFailed } from './replies.ts'
import type { Reply } from './replies.ts'
import type { JobGroupOrigin, JobScenario } from './types.ts'

// inferred: plan-snapshot-run ids live in their own range, apart from job-group and flow-run ids.
const FIRST_PLAN_SNAPSHOT_RUN_ID = 3001
// inferred: snapshot plans are plans with ids of their own, in a range apart from the configured plans' ids.
const FIRST_SNAPSHOT_ID = 60_001

interface PlanTask {
  readonly name: string
  /** inferred: plan node ids are not documented; planId * 100 + position keeps them apart per plan. */
  readonly nodeId: number
  readonly outputs: readonly FlowOutputSpec[]
  readonly scenario?: JobScenario
}

interface Plan {
  readonly id: number
  readonly name: string
  readonly tasks: readonly PlanTask[]
  readonly validationStatus: ValidationStatus
  readonly failToCancelSomeJobs: boolean
  readonly createdAt: number
  readonly nodeIds: readonly number[]
  readonly snapshotMode: 'per-run' | 'reuse'
  readonly runPlanRef: 'snapshot' | 'absent'
}

interface TaskRun {
  readonly id: number
  readonly outputs: readonly OutputRun[]
}

interface PlanRun {
  readonly id: number
  readonly plan: Plan
  /** The snapshot of the plan this run was made on. */
  readonly snapshot: Snapshot
  readonly createdAt: number
  readonly executionId?: string
  readonly planNodeOverrides?: unknown
  readonly origin: JobGroupOrigin
  /** Every job group's scenario, instead of the tasks' and outputs' own (RunBy). */
  readonly scenario?: JobScenario
  /** One per started task, in task order. */
  readonly taskRuns: TaskRun[]
  /** Set by POST /cancel while the run was running. */
  canceledAt?: number
  failedToCancelSomeJobs: boolean
}

export class PlanRuns {
  private readonly plans = new Map<number, Plan>()
  private readonly runs = new Map<number, PlanRun>()
  /** Every snapshot by its plan id, with the plan it is a snapshot of. */
  private readonly snapshots = new Map<number, { plan: Plan; snapshot: Snapshot }>()
  private readonly store: JobStore
  private readonly scenarioFor: ScenarioFor
  private nextId = FIRST_PLAN_SNAPSHOT_RUN_ID
  private nextSnapshotId = FIRST_SNAPSHOT_ID

  constructor(
    plans: Readonly<Record<number, PlanSpec>>,
    flows: Readonly<Record<number, FlowSpec>>,
    store: JobStore,
    scenarioFor: ScenarioFor
  ) {
    const createdAt = Date.now()
    for (const [id, spec] of Object.entries(plans)) {
      if (Number(id) >= FIRST_SNAPSHOT_ID) throw new Error(`plans[${id}]: ids from ${FIRST_SNAPSHOT_ID} are snapshots'`)
      this.plans.set(Number(id), resolvePlan(Number(id), spec, flows, createdAt))
    }
    this.store = store
    this.scenarioFor = scenarioFor
  }

  /**
   * GET /v4/plans/{id}: the plan itself (read by a client that checks a run without starting it).
   * inferred: id and name, the fields S1's plan shares with GET /v4/plans/{id}/full (REAL-API-SHAPES.md).
   */
  describe(planId: number): Reply {
    const plan = this.plans.get(planId)
    return plan ? json(200, { id: plan.id, name: plan.name }) : notFound(`plan with id ${planId} does not exist`)
  }

  /** POST /v4/plans/{id}/run (runPlan). */
  run(req: RunRequest, planId: number, now: number, by: RunBy = {}): Reply {
    const body = objectBody(req)
    if (body === undefined) return validationFailed('The request body must be a JSON object')
    const { planNodeOverrides } = body
    // inferred: the docs give the items as {handle, overrideKey, value}; only their being objects is checked.
    if (planNodeOverrides !== undefined && !(Array.isArray(planNodeOverrides) && planNodeOverrides.every(isObject))) {
      return validationFailed('planNodeOverrides must be a list of {handle, overrideKey, value}')
    }
    const executionId = req.headers['x-execution-id']
    // inferred: a repeated x-execution-id answers 304 and creates nothing, as on POST /v4/jobGroups.
    if (executionId !== undefined && [...this.runs.values()].some((run) => run.executionId === executionId)) {
      return { status: 304 }
    }
    const plan = this.plans.get(planId)
    if (plan === undefined) return notFound(`plan with id ${planId} does not exist`)
    const run: PlanRun = {
      id: this.nextId++,
      plan,
      snapshot: this.snapshotFor(plan, now),
      createdAt: now,
      executionId,
      planNodeOverrides,
      origin: by.origin ?? 'api',
      scenario: by.scenario,
      taskRuns: [],
      failedToCancelSomeJobs: false
    }
    this.runs.set(run.id, run)
    this.advanceRun(run, now)
    // The docs give one answer shape for both validation statuses. inferred: with MissingFlowReferences a run is
    // still created (and returned) that starts no job group and is Failed at once.
    return json(201, { validationStatus: plan.validationStatus, planSnapshotRunId: run.id })
  }

  /** GET /v4/planSnapshotRuns/{id} (S1; its status pinned by a 'stale' fault's `status`). */
  get(id: number, now: number, replica?: Replica): Reply {
    return this.with(id, replica, (run) => json(200, runBody(run, now, replica?.status)))
  }

  /**
   * POST /v4/planSnapshotRuns/{id}/cancel: cancels the running task's job groups and the run; later tasks never
   * start. inferred: the answer is 200 with the run as GET shows it; on a finished run it changes nothing.
   */
  cancel(id: number, now: number): Reply {
    return this.with(id, undefined, (run) => {
      if (!isTerminal(planStatus(run, now))) {
        run.canceledAt = now
        // inferred: when the server fails to cancel, the job groups it could not reach go on running.
        run.failedToCancelSomeJobs = run.plan.failToCancelSomeJobs
        const running = run.failedToCancelSomeJobs ? [] : groupsOf(run.taskRuns.at(-1))
        for (const group of running) this.store.cancel(group, now)
      }
      return json(200, runBody(run, now))
    })
  }

  /**
   * GET /v4/plans/{id}/full: the original plan (its snapshots in `planSnapshots.data`), or a snapshot plan with its
   * runs' task runs (plan-bodies.ts). S2 asks for a snapshot with `ensureOriginal=false`; inferred from that
   * parameter's name: without it, a snapshot's id answers its original plan. A lagging replica leaves out the
   * snapshots, runs and task runs it has not seen.
   */
  full(planId: number, now: number, replica?: Replica, ensureOriginal?: string): Reply {
    const ofSnapshot = this.snapshots.get(planId)
    const plan = this.plans.get(planId) ?? ofSnapshot?.plan
    if (plan === undefined) return notFound(`plan with id ${planId} does not exist`)
    const runs = [...this.runs.values()]
      .filter((run) => run.plan === plan && seenBy(replica, run.createdAt))
      .map((run) => runShape(run, now, replica))
    if (ofSnapshot !== undefined && !seenBy(replica, ofSnapshot.snapshot.createdAt)) {
      return notFound(`plan with id ${planId} does not exist`)
    }
    if (ofSnapshot !== undefined && ensureOriginal === 'false') {
      return json(200, snapshotPlanBody(plan, ofSnapshot.snapshot, runs))
    }
    const snapshots = [...this.snapshots.values()]
      .filter((entry) => entry.plan === plan && seenBy(replica, entry.snapshot.createdAt))
      .map((entry) => entry.snapshot)
    return json(200, originalPlanBody(plan, snapshots, runs))
  }

  /** Starts the tasks whose predecessor has completed by `now`, each at the instant it could start. */
  advance(now: number): void {
    for (const run of this.runs.values()) this.advanceRun(run, now)
  }

  views(now: number): PlanRunView[] {
    return [...this.runs.values()].map((run) => ({
      id: run.id,
      planId: run.plan.id,
      snapshotId: run.snapshot.id,
      status: planStatus(run, now),
      validationStatus: run.plan.validationStatus,
      startedAt: run.createdAt,
      finishedAt: finishedAt(run, now),
      executionId: run.executionId,
      origin: run.origin,
      planNodeOverrides: run.planNodeOverrides,
      canceled: run.canceledAt !== undefined,
      failedToCancelSomeJobs: run.failedToCancelSomeJobs,
      tasks: run.plan.tasks.map((task, index) => {
        const taskRun = run.taskRuns[index]
        return {
          name: task.name,
          status: taskRun ? combinedStatus(groupsOf(taskRun), now) : 'NotStarted',
          jobGroups: taskRun ? taskRun.outputs.map((output) => outputRunView(output, now)) : []
        }
      })
    }))
  }

  /**
   * The snapshot a new run is made on: a new one, or with `snapshots: 'reuse'` the plan's latest (inferred: a plan
   * unchanged since its last snapshot keeps it).
   */
  private snapshotFor(plan: Plan, now: number): Snapshot {
    const latest = [...this.snapshots.values()].filter((entry) => entry.plan === plan).at(-1)?.snapshot
    if (latest !== undefined && plan.snapshotMode === 'reuse') return latest
    const id = this.nextSnapshotId++
    // inferred: a snapshot's node ids, snapshot id * 100 + position, like the plan's own.
    const snapshot = { id, createdAt: now, nodeIds: plan.tasks.map((_, i) => id * 100 + i + 1) }
    this.snapshots.set(id, { plan, snapshot })
    return snapshot
  }

  private advanceRun(run: PlanRun, now: number): void {
    const { tasks, validationStatus } = run.plan
    while (validationStatus === 'Valid' && run.canceledAt === undefined && run.taskRuns.length < tasks.length) {
      const previous = run.taskRuns.at(-1)
      let startAt = run.createdAt
      if (previous !== undefined) {
        // inferred: a task starts when the one before it completed; a failed or canceled one ends the run.
        if (combinedStatus(groupsOf(previous), now) !== 'Complete') return
        startAt = lastUpdate(groupsOf(previous), now, run.createdAt)
      }
      const task = tasks[run.taskRuns.length]!
      const outputs = task.outputs.map((output) => {
        const scenario = run.scenario ?? task.scenario ?? output.scenario ?? this.scenarioFor(output.recipeId)
        return startOutput(this.store, output, scenario, startAt, { origin: run.origin })
      })
      // inferred: task snapshot run ids are not documented; run id * 100 + position.
      run.taskRuns.push({ id: run.id * 100 + run.taskRuns.length + 1, outputs })
    }
  }

  /** Answers about a plan snapshot run; 404 when there is none, or a lagging replica has not seen it yet. */
  private with(id: number, replica: Replica | undefined, answer: (run: PlanRun) => Reply): Reply {
    const run = this.runs.get(id)
    const known = run !== undefined && seenBy(replica, run.createdAt)
    return known ? answer(run) : notFound(`planSnapshotRun with id ${id} does not exist`)
  }
}

/** The recipes the plans' own task outputs run (those of flows are known through `flows`). */
export function planRecipeIds(plans: Readonly<Record<number, PlanSpec>>): number[] {
  return Object.values(plans).flatMap((plan) =>
    plan.tasks.flatMap((task) => (task.outputs ?? []).map((output) => output.recipeId))
  )
}

function resolvePlan(id: number, spec: PlanSpec, flows: Readonly<Record<number, FlowSpec>>, createdAt: number): Plan {
  if (spec.tasks.length === 0) throw new Error(`plans[${id}] needs at least one task`)
  const outputsOf = (task: PlanTaskSpec): readonly FlowOutputSpec[] | undefined =>
    task.outputs ?? (task.flowId === undefined ? undefined : flows[task.flowId]?.outputs)
  const missing = spec.tasks.some((task) => outputsOf(task) === undefined)
  const validationStatus = spec.validationStatus ?? (missing ? 'MissingFlowReferences' : 'Valid')
  const tasks = spec.tasks.map((task, index) => {
    const outputs = outputsOf(task)
    if (task.flowId === undefined && task.outputs === undefined) {
      throw new Error(`plans[${id}].tasks[${index}] needs a flowId or outputs`)
    }
    if (outputs === undefined && validationStatus === 'Valid') {
      throw new Error(`plans[${id}].tasks[${index}] names flow ${task.flowId}, which is not in the emulator's flows`)
    }
    return { name: task.name, nodeId: id * 100 + index + 1, outputs: outputs ?? [], scenario: task.scenario }
  })
  return {
    id,
    name: spec.name ?? `Plan ${id}`,
    tasks,
    validationStatus,
    failToCancelSomeJobs: spec.failToCancelSomeJobs ?? false,
    createdAt,
    nodeIds: tasks.map((task) => task.nodeId),
    snapshotMode: spec.snapshots ?? 'per-run',
    runPlanRef: spec.runPlanRef ?? 'snapshot'
  }
}

/** A run as plan-bodies.ts shows it: the task runs whose job groups a reader has seen. */
function runShape(run: PlanRun, now: number, replica: Replica | undefined): RunShape {
  const seen = run.taskRuns.filter((taskRun) => groupsOf(taskRun).every((group) => seenBy(replica, group.createdAt)))
  return {
    id: run.id,
    snapshot: run.snapshot,
    taskRuns: seen.map((taskRun) => ({
      id: taskRun.id,
      status: combinedStatus(groupsOf(taskRun), now),
      groups: groupsOf(taskRun)
    }))
  }
}

/**
 * inferred: the docs list the values only. MissingFlowReferences: Failed at once. Otherwise Canceled once
 * cancelled through the API; else the first task that has not completed decides: Failed or Canceled as that task,
 * 'Created' while the first task's job groups are all Created, else InProgress; Complete when every task completed.
 */
function planStatus(run: PlanRun, t: number): string {
  if (run.plan.validationStatus !== 'Valid') return 'Failed'
  if (run.canceledAt !== undefined) return 'Canceled'
  for (const [index, taskRun] of run.taskRuns.entries()) {
    const status = combinedStatus(groupsOf(taskRun), t)
    if (status === 'Complete') continue
    if (status === 'Failed' || status === 'Canceled') return status
    return index === 0 && status === 'Created' ? 'Created' : 'InProgress'
  }
  return run.taskRuns.length === run.plan.tasks.length ? 'Complete' : 'InProgress'
}

function finishedAt(run: PlanRun, t: number): number | undefined {
  if (run.plan.validationStatus !== 'Valid') return run.createdAt
  if (run.canceledAt !== undefined) return run.canceledAt
  if (!isTerminal(planStatus(run, t))) return undefined
  return lastUpdate(groupsOf(run.taskRuns.at(-1)), t, run.createdAt)
}

/** GET /v4/planSnapshotRuns/{id} and the answer of its cancel (S1); `status` pinned by a 'stale' fault. */
function runBody(run: PlanRun, t: number, status?: string): object {
  const finished = finishedAt(run, t)
  return planSnapshotRunBody({
    id: run.id,
    status: status ?? planStatus(run, t),
    createdAt: run.createdAt,
    finishedAt: finished,
    // inferred: the last change is the finish, else the start of the latest task.
    updatedAt: finished ?? lastStart(run),
    failedToCancelSomeJobs: run.failedToCancelSomeJobs,
    planId: run.plan.runPlanRef === 'snapshot' ? run.snapshot.id : undefined
  })
}

function lastStart(run: PlanRun): number {
  return groupsOf(run.taskRuns.at(-1))[0]?.createdAt ?? run.createdAt
}

function groupsOf(taskRun: TaskRun | undefined): JobGroup[] {
  return taskRun ? taskRun.outputs.map(({ group }) => group) : []
}
