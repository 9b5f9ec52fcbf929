/**
 * Plan run: `POST /v4/plans/{id}/run` starts a plan snapshot run, waited on with `GET /v4/planSnapshotRuns/{id}`
 * and cancelled with `POST /v4/planSnapshotRuns/{id}/cancel`. Its tasks and their job groups come from
 * `GET /v4/plans/{id}/full` of the run's **snapshot** plan, where its task runs live (plan-tasks.ts). A plan with
 * missing flow references fails at once. As for a flow run, its start is never sent again once it may have
 * reached the server.
 */
import type { ApiResponse, Budget } from '../api/api-client.ts'
import { FlowsApi, type RunPlanAnswer } from '../api/flows-api.ts'
import { isTerminal, type CancelOutcome, type Job, type JobGroupsApi, type JobStatus } from '../api/job-groups.ts'
import { quietly } from '../shared/log.ts'
import { idOf } from '../api/lists.ts'
import { mergeWritten } from '../api/job-outputs.ts'
import { overallStatus, pageUrl, partOf, type RunPart } from '../report/run-parts.ts'
import { MAX_DETAILED_JOB_GROUPS } from './flow.ts'
import { NEW_JOB_GROUP_MS, readJobGroup } from './job-group-run.ts'
import { planTaskRuns, snapshotIds } from './plan-tasks.ts'
import type { RunDetails, RunKind, RunRef, StartContext, Started } from './run-kind.ts'
import { startOnce } from './start-retries.ts'
import type { AppLinks } from '../inputs/results-inputs.ts'

export class PlanRun implements RunKind {
  readonly label: string
  private readonly api: JobGroupsApi
  private readonly flows: FlowsApi
  /** Undefined in the post step, which only cancels the run and reads its own status. */
  private readonly planId?: number
  private readonly links: AppLinks
  /** When this step started the plan run (epoch ms); 0 in the post step. */
  private createdAt = 0
  /** The snapshot plan the run was made on, once the run named it or its task runs were found there. */
  private snapshotId?: number
  /** The run was asked which snapshot it was made on (it may name none). */
  private snapshotAsked = false

  constructor(api: JobGroupsApi, planId: number | undefined, links: AppLinks) {
    this.api = api
    this.flows = new FlowsApi(api.client)
    this.planId = planId
    this.links = links
    this.label = `plan ${planId}`
  }

  start(ctx: StartContext): Promise<Started> {
    const planId = this.planId!
    return startOnce(ctx, {
      what: `POST /v4/plans/${planId}/run`,
      unsettled: {
        thing: 'plan run',
        where: `the runs of plan ${planId} (${pageUrl(this.links, 'plans', planId)}) for a run`,
        stepStartedAt: ctx.stepStartedAt
      },
      send: () => this.flows.runPlan(planId, ctx),
      read: (response) => this.started(planId, response)
    })
  }

  /** The plan run's status; once it ended, combined with its job groups' where the plan's tasks can be read. */
  async status(ref: RunRef, budget: Budget): Promise<JobStatus> {
    const newUntil = this.createdAt && this.createdAt + NEW_JOB_GROUP_MS
    const status = await this.flows.planRunStatus(ref.id, budget, newUntil)
    if (!isTerminal(status)) return status
    const parts = (await quietly("Reading the plan's tasks", () => this.parts(ref, budget))) ?? []
    return overallStatus([status, ...parts.map((p) => p.status).filter(isTerminal)] as JobStatus[])
  }

  cancel(ref: RunRef, budget: Budget): Promise<CancelOutcome> {
    return this.flows.cancelPlanRun(ref.id, budget)
  }

  /** For progress lines: the tasks, each as a stage. */
  async stages(ref: RunRef, budget: Budget): Promise<Job[]> {
    const parts = await this.parts(ref, budget)
    const tasks = [...new Set(parts.map((p) => p.task!))]
    return tasks.map((task, i) => {
      const statuses = parts.filter((p) => p.task === task).map((p) => p.status)
      const status = statuses.every((s) => s !== undefined) ? overallStatus(statuses) : 'not started'
      return { id: i + 1, jobType: task, status }
    })
  }

  async details(ref: RunRef, budget: Budget): Promise<RunDetails> {
    const run = await quietly(`GET /v4/planSnapshotRuns/${ref.id}`, () => this.flows.planRun(ref.id, budget))
    if (run) this.learnSnapshot(run.plan?.id)
    const parts = (await quietly("Reading the plan's tasks", () => this.parts(ref, budget))) ?? []
    const ids = parts.flatMap((p) => (p.jobGroupId === undefined ? [] : [p.jobGroupId]))
    const reads = await Promise.all(
      ids.slice(0, MAX_DETAILED_JOB_GROUPS).map((id) => readJobGroup(this.api, id, budget))
    )
    const read = (id: number | undefined): RunPart | undefined => {
      const group = id === undefined ? undefined : reads[ids.indexOf(id)]?.group
      return group ? partOf(group) : undefined
    }
    return {
      status: run?.status,
      createdAt: epochMs(run?.startedAt ?? undefined),
      finishedAt: epochMs(run?.finishedAt ?? undefined),
      stages: reads.flatMap((r) => r.stages),
      jobGroups: reads.map((r, i) => ({
        id: ids[i]!,
        status: r.group?.status ?? parts.find((p) => p.jobGroupId === ids[i])?.status,
        stages: r.stages,
        written: r.written
      })),
      written: mergeWritten(reads.map((r) => r.written)),
      parts: parts.map((p) => ({ ...p, ...read(p.jobGroupId), task: p.task }))
    }
  }

  /**
   * The plan's tasks with this run's job groups, from the snapshot plan the run was made on: the one it names, else
   * the first of the original plan and its latest snapshots that holds a task run of this run. A task without a job
   * group is a part of its own; [] when no plan read shows this run.
   */
  private async parts(ref: RunRef, budget: Budget): Promise<RunPart[]> {
    if (this.planId === undefined) return []
    const look = async (
      id: number,
      snapshot: boolean
    ): Promise<ReturnType<typeof planTaskRuns> & { plan: unknown }> => {
      const plan = await this.flows.plan(id, budget, snapshot)
      return { plan, ...planTaskRuns(plan, ref.id) }
    }
    if (!this.snapshotAsked) this.learnSnapshot((await this.flows.planRun(ref.id, budget))?.plan?.id)
    // The snapshot the run names is its own: its tasks are shown, also before any of them ran.
    if (this.snapshotId !== undefined) return (await look(this.snapshotId, true)).parts
    const original = await look(this.planId, false)
    if (original.found) return original.parts
    for (const id of snapshotIds(original.plan).filter((s) => s !== this.planId)) {
      const candidate = await look(id, true)
      if (candidate.found) {
        this.snapshotId = id
        return candidate.parts
      }
    }
    return []
  }

  /** The plan id the run's answer names, as its snapshot when it is not the original plan's own. */
  private learnSnapshot(id: unknown): void {
    this.snapshotAsked = true
    const snapshot = idOf(id)
    if (snapshot !== this.planId) this.snapshotId ??= snapshot
  }

  private started(planId: number, response: ApiResponse<RunPlanAnswer>): Started | undefined {
    const id = idOf(response.data?.planSnapshotRunId)
    if (response.data?.validationStatus === 'MissingFlowReferences') {
      throw new Error(
        `Plan ${planId} cannot run: the server answered validationStatus MissingFlowReferences, so the plan refers ` +
          `to a flow that was deleted or is not shared with the token's user, and nothing useful runs` +
          `${id ? ` (plan run ${id})` : ''}. Fix the plan's flow tasks or share their flows with that user: ` +
          `${pageUrl(this.links, 'plans', planId)}.${response.requestId ? ` Request id: ${response.requestId}.` : ''}`
      )
    }
    if (id === undefined) return undefined
    this.createdAt = this.api.client.clock.now()
    return {
      ref: { kind: 'plan', id, jobGroupIds: [] },
      requestId: response.requestId,
      adopted: false,
      attached: false,
      planRunId: id
    }
  }
}

function epochMs(text: string | undefined): number | undefined {
  const t = Date.parse(text ?? '')
  return Number.isFinite(t) ? t : undefined
}
