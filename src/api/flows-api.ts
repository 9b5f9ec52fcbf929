/**
 * Flow runs and plan snapshot runs (Enterprise / Premium editions): the `/v4/flows`, `/v4/flowRuns`, `/v4/plans`
 * and `/v4/planSnapshotRuns` calls and their types. Their job groups are read and cancelled through
 * `JobGroupsApi`, as every job group is.
 */
import type { ApiClient, ApiResponse, Budget } from './api-client.ts'
import { ApiError } from './api-error.ts'
import type { RunFlowRequest } from './flow-request.ts'
import { oneLine } from '../shared/format.ts'
import { cancelOutcome, isId, isStatus, type CancelOutcome, type JobGroup, type JobStatus } from './job-groups.ts'
import { listOf } from './lists.ts'
import { isUnreadableAnswer, TransientError } from './retry-policy.ts'

/** 201 answer of `POST /v4/flows/{id}/run`: one job group per output that runs. */
export interface RunFlowAnswer {
  flowRunId?: unknown
  data?: RunFlowItem[]
}

/** One job group of runFlow's answer (read with `listOf`, so a bare list of them is read too). */
export type RunFlowItem = { id?: unknown; flowRun?: { id?: unknown } } | null

/** 201 answer of `POST /v4/plans/{id}/run`. */
export interface RunPlanAnswer {
  validationStatus?: unknown
  planSnapshotRunId?: unknown
}

export interface PlanSnapshotRun {
  id?: number
  status?: JobStatus
  startedAt?: string | null
  finishedAt?: string | null
  failedToCancelSomeJobs?: boolean
  /** The plan the run was made on: its snapshot (the AAC spec; a third-party toolkit's notes). */
  plan?: { id?: unknown } | null
}

export interface StartOptions {
  executionId: string
  deadline: number
  signal?: AbortSignal
}

export class FlowsApi {
  private readonly client: ApiClient
  constructor(client: ApiClient) {
    this.client = client
  }

  /** One attempt at runFlow: whether and how to send it again is the start's decision. */
  runFlow(flowId: number, body: RunFlowRequest, options: StartOptions): Promise<ApiResponse<RunFlowAnswer>> {
    return this.start(`/v4/flows/${flowId}/run`, body, { flowId }, options)
  }

  /** One attempt at runPlan (no body: plans take no overrides here). */
  runPlan(planId: number, options: StartOptions): Promise<ApiResponse<RunPlanAnswer>> {
    return this.start(`/v4/plans/${planId}/run`, {}, { planId }, options)
  }

  /**
   * `GET /v4/flowRuns/{id}/status`: a bare JSON string. Undefined when the answer is no status (not a string,
   * empty, null, or no JSON at all): the flow run's job groups tell it instead.
   */
  async flowRunStatus(flowRunId: number, budget: Budget): Promise<JobStatus | undefined> {
    try {
      const status = await this.client.read<unknown>(`/v4/flowRuns/${flowRunId}/status`, budget)
      return isStatus(status) ? status : undefined
    } catch (error) {
      if (error instanceof ApiError && isUnreadableAnswer(error)) return undefined
      throw error
    }
  }

  /**
   * The flow run's job groups, each with its recipe's name where the server embeds it; a server that refuses the
   * embedding (400) is asked again without it.
   */
  async flowRunJobGroups(flowRunId: number, budget: Budget): Promise<JobGroup[]> {
    const path = `/v4/flowRuns/${flowRunId}/jobGroups`
    let list: unknown
    try {
      list = await this.client.read(`${path}?embed=wrangledDataset`, budget)
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 400)) throw error
      list = await this.client.read(path, budget)
    }
    return listOf(list).filter((g): g is JobGroup => isId((g as JobGroup | null)?.id))
  }

  planRun(planRunId: number, budget: Budget): Promise<PlanSnapshotRun> {
    return this.client.read<PlanSnapshotRun>(`/v4/planSnapshotRuns/${planRunId}`, budget)
  }

  /**
   * The plan snapshot run's status, retried as the budget allows, with the same tolerance as a job group's: an
   * answer without a status (null, empty, not a string) is read again, and so is a 404 while the run is new
   * (`newUntil`, epoch ms: a read replica may not know it yet).
   */
  planRunStatus(planRunId: number, budget: Budget, newUntil = 0): Promise<JobStatus> {
    const path = `/v4/planSnapshotRuns/${planRunId}`
    return this.client.retrying(`GET ${path}`, budget, async () => {
      let run: PlanSnapshotRun | undefined
      try {
        run = (
          await this.client.send<PlanSnapshotRun>('GET', path, { signal: budget.signal, deadline: budget.deadline })
        ).data
      } catch (error) {
        if (error instanceof ApiError && error.status === 404 && this.client.clock.now() < newUntil) {
          throw new TransientError(`plan run ${planRunId} is not found yet (404 right after it was started)`)
        }
        throw error
      }
      if (isStatus(run?.status)) return run.status
      throw new TransientError(
        `GET ${path} answered no status (got ${oneLine(JSON.stringify(run?.status) ?? 'nothing', 80)})`
      )
    })
  }

  /** `POST /v4/planSnapshotRuns/{id}/cancel`; `failedToCancelSomeJobs` in the answer is reported. */
  cancelPlanRun(planRunId: number, budget: Budget): Promise<CancelOutcome> {
    return cancelOutcome(
      () => this.client.postRetrying<PlanSnapshotRun>(`/v4/planSnapshotRuns/${planRunId}/cancel`, {}, budget),
      (answer) =>
        answer?.failedToCancelSomeJobs === true
          ? 'The server could not cancel some of its jobs (failedToCancelSomeJobs): they may keep running; ' +
            'cancel them in the app if needed.'
          : undefined
    )
  }

  /**
   * `GET /v4/plans/{id}/full`, as parsed JSON (plan-tasks.ts reads it). A snapshot plan is asked for with
   * `ensureOriginal=false`, as Saagie's connector does, so that the server answers the snapshot itself.
   */
  plan(planId: number, budget: Budget, snapshot: boolean): Promise<unknown> {
    return this.client.read<unknown>(`/v4/plans/${planId}/full${snapshot ? '?ensureOriginal=false' : ''}`, budget)
  }

  private start<T>(
    path: string,
    body: unknown,
    subject: { flowId?: number; planId?: number },
    options: StartOptions
  ): Promise<ApiResponse<T>> {
    const headers = { 'x-execution-id': options.executionId }
    const { signal, deadline } = options
    return this.client.send<T>('POST', path, { body, headers, subject, signal, deadline, allow304: true })
  }
}
