// Plan snapshot runs: POST /v4/plans/{id}/run runs the plan's tasks one after the other, a task being one plain
// job group per output of its flow. A task's job groups are created when the task before it has completed, dated
// at that instant: `advance` catches up before every request, so what a client sees does not depend on how often
// it polls. Source: AAC-AUTH-FLOWS-PLANS.md "Running a plan".
import type { FlowOutputSpec, FlowSpec, PlanRunView, PlanSpec, PlanTaskSpec, ValidationStatus } from './flow-types.ts'
import { combinedStatus, isObject, lastUpdate, objectBody, outputRunView, startOutput } from './flows.ts'
import type { OutputRun, RunBy, RunRequest, ScenarioFor } from './flows.ts'
import { isTerminal, seenBy, statusAt } from './jobs.ts'
import type { JobGroup, JobStore, Replica } from './jobs.ts'
import { json, notFound, validationFailed } from './replies.ts'
import type { Reply } from './replies.ts'
import type { JobGroupOrigin, JobScenario } from './types.ts'

// inferred: plan-snapshot-run ids live in their own range, apart from job-group and flow-run ids.
const FIRST_PLAN_SNAPSHOT_RUN_ID = 3001

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
}

interface TaskRun {
  readonly id: number
  readonly outputs: readonly OutputRun[]
}

interface PlanRun {
  readonly id: number
  readonly plan: Plan
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
  /** POST /cancel was called (failedToCancelSomeJobs is shown from then on). */
  cancelAsked: boolean
  failedToCancelSomeJobs: boolean
}

export class PlanRuns {
  private readonly plans = new Map<number, Plan>()
  private readonly runs = new Map<number, PlanRun>()
  private readonly store: JobStore
  private readonly scenarioFor: ScenarioFor
  private nextId = FIRST_PLAN_SNAPSHOT_RUN_ID

  constructor(
    plans: Readonly<Record<number, PlanSpec>>,
    flows: Readonly<Record<number, FlowSpec>>,
    store: JobStore,
    scenarioFor: ScenarioFor
  ) {
    for (const [id, spec] of Object.entries(plans)) this.plans.set(Number(id), resolvePlan(Number(id), spec, flows))
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
      createdAt: now,
      executionId,
      planNodeOverrides,
      origin: by.origin ?? 'api',
      scenario: by.scenario,
      taskRuns: [],
      cancelAsked: false,
      failedToCancelSomeJobs: false
    }
    this.runs.set(run.id, run)
    this.advanceRun(run, now)
    // The docs give one answer shape for both validation statuses. inferred: with MissingFlowReferences a run is
    // still created (and returned) that starts no job group and is Failed at once.
    return json(201, { validationStatus: plan.validationStatus, planSnapshotRunId: run.id })
  }

  /** GET /v4/planSnapshotRuns/{id} (its status pinned by a 'stale' fault's `status`). */
  get(id: number, now: number, replica?: Replica): Reply {
    return this.with(id, replica, (run) => {
      const body = runBody(run, now)
      return json(200, replica?.status === undefined ? body : { ...body, status: replica.status })
    })
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
      run.cancelAsked = true
      return json(200, runBody(run, now))
    })
  }

  /**
   * GET /v4/plans/{id}/full: planNodes[].planTaskSnapshotRuns[].planFlowTaskRunResults[].jobGroup, the path a
   * third-party connector reads (AAC-AUTH-FLOWS-PLANS.md). inferred: everything else in it (ids, names, one
   * planTaskSnapshotRun per plan snapshot run that reached the task, oldest first, naming its planSnapshotRun, and
   * one planFlowTaskRunResult per job group). A lagging replica leaves out the runs and task runs it has not seen.
   */
  full(planId: number, now: number, replica?: Replica): Reply {
    const plan = this.plans.get(planId)
    if (plan === undefined) return notFound(`plan with id ${planId} does not exist`)
    const runs = [...this.runs.values()].filter((run) => run.plan === plan && seenBy(replica, run.createdAt))
    const planNodes = plan.tasks.map((task, index) => ({
      id: task.nodeId,
      name: task.name,
      planTaskSnapshotRuns: runs.flatMap((run) => {
        const taskRun = run.taskRuns[index]
        if (taskRun === undefined || !groupsOf(taskRun).every((group) => seenBy(replica, group.createdAt))) return []
        return [
          {
            id: taskRun.id,
            planSnapshotRun: { id: run.id },
            status: combinedStatus(groupsOf(taskRun), now),
            planFlowTaskRunResults: groupsOf(taskRun).map((group) => ({
              jobGroup: { id: group.id, status: statusAt(group, now) }
            }))
          }
        ]
      })
    }))
    return json(200, { id: plan.id, name: plan.name, planNodes })
  }

  /** Starts the tasks whose predecessor has completed by `now`, each at the instant it could start. */
  advance(now: number): void {
    for (const run of this.runs.values()) this.advanceRun(run, now)
  }

  views(now: number): PlanRunView[] {
    return [...this.runs.values()].map((run) => ({
      id: run.id,
      planId: run.plan.id,
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

function resolvePlan(id: number, spec: PlanSpec, flows: Readonly<Record<number, FlowSpec>>): Plan {
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
    failToCancelSomeJobs: spec.failToCancelSomeJobs ?? false
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

/** GET /v4/planSnapshotRuns/{id}: {id, status, startedAt, finishedAt?, failedToCancelSomeJobs?, plan}. */
function runBody(run: PlanRun, t: number): object {
  const finished = finishedAt(run, t)
  return {
    id: run.id,
    status: planStatus(run, t),
    startedAt: iso(run.createdAt),
    ...(finished !== undefined && { finishedAt: iso(finished) }),
    // inferred: shown once a cancel was asked for.
    ...(run.cancelAsked && { failedToCancelSomeJobs: run.failedToCancelSomeJobs }),
    // inferred: the plan it is a run of, in the API's {id} reference style.
    plan: { id: run.plan.id }
  }
}

function groupsOf(taskRun: TaskRun | undefined): JobGroup[] {
  return taskRun ? taskRun.outputs.map(({ group }) => group) : []
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
