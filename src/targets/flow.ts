/**
 * Flow run: `POST /v4/flows/{id}/run` starts one job group per output. It is waited on through
 * `GET /v4/flowRuns/{id}/status` while that answers, and its job groups decide the overall status once it says the
 * run ended (or when the call is not available). Cancel means cancelling each job group still running. A flow run
 * cannot be found in a history afterwards, so its start is never sent again once it may have reached the server.
 */
import type { ApiResponse, Budget } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'
import type { RunFlowRequest } from '../api/flow-request.ts'
import { FlowsApi, type RunFlowAnswer, type RunFlowItem } from '../api/flows-api.ts'
import { isId, isTerminal, type Job, type JobGroup, type JobGroupsApi, type JobStatus } from '../api/job-groups.ts'
import { log, quietly } from '../shared/log.ts'
import { formatMs } from '../shared/format.ts'
import { mergeWritten } from '../api/job-outputs.ts'
import { idOf, listOf } from '../api/lists.ts'
import { overallStatus, pageUrl, partOf, type RunPart } from '../report/run-parts.ts'
import { inBatches, JobGroupSet } from './job-group-set.ts'
import { readJobGroup } from './job-group-run.ts'
import { pastRuns, type PastRuns } from './past-runs.ts'
import type { RunDetails, RunKind, RunRef, StartContext, Started } from './run-kind.ts'
import { mayHaveStarted, startOnce } from './start-retries.ts'
import { appLink, type AppLinks } from '../inputs/results-inputs.ts'

/** A flow run of more job groups than this (one per output) is not followed: its answer is not believed. */
const MAX_JOB_GROUPS = 200
/** A flow run's own status call that answered 404 is asked again after this long, and given up after this many. */
const FLOW_RUN_ASK_AGAIN_MS = 5_000
const FLOW_RUN_404S = 3
/** The report reads stages and outputs of at most this many job groups. */
export const MAX_DETAILED_JOB_GROUPS = 10

export class FlowRun extends JobGroupSet implements RunKind {
  readonly label: string
  private readonly flows: FlowsApi
  private readonly flowId: number
  private readonly body: RunFlowRequest
  private readonly links: AppLinks
  /** The flow run's id once its start named it; its own status call is used while that works. */
  private flowRunId?: number
  /** After a 404, the flow run's own status call is not asked again before this time (epoch ms)… */
  private flowRunStatusAfter = 0
  /** …and after this many 404s, never again. */
  private flowRunStatusNotFound = 0

  constructor(api: JobGroupsApi, flowId: number, body: RunFlowRequest, links: AppLinks) {
    super(api)
    this.flows = new FlowsApi(api.client)
    this.flowId = flowId
    this.body = body
    this.links = links
    this.label = `flow ${flowId}`
  }

  start(ctx: StartContext): Promise<Started> {
    const [history, page] = [appLink(this.links, '/jobs'), pageUrl(this.links, 'flows', this.flowId)]
    const where = `the job history (${history}) and the flow's page (${page}) for a run of flow ${this.flowId}`
    const unsettled = { thing: 'flow run', where, stepStartedAt: ctx.stepStartedAt }
    return startOnce(ctx, {
      what: `POST /v4/flows/${this.flowId}/run`,
      unsettled,
      send: () => this.flows.runFlow(this.flowId, this.body, ctx),
      read: (response) => {
        const count = listOf(response.data).length
        if (count <= MAX_JOB_GROUPS) return this.started(response)
        const what = `the server named ${count} job groups, more than the ${MAX_JOB_GROUPS} this action follows`
        throw mayHaveStarted(unsettled, what, response.requestId)
      }
    })
  }

  override async status(ref: RunRef, budget: Budget): Promise<JobStatus> {
    const now = this.api.client.clock.now()
    if (this.ownRun(ref) && this.flowRunStatusNotFound < FLOW_RUN_404S && now >= this.flowRunStatusAfter) {
      try {
        // No status in the answer (not a string, empty, null, not JSON): the job groups tell it this time.
        const status = await this.flows.flowRunStatus(ref.id, budget)
        if (status !== undefined && !isTerminal(status)) return status
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error
        this.notFound(ref.id, now)
      }
    }
    return super.status(ref, budget)
  }

  /** A 404 from the flow run's status call: a lagging replica or an edition without it; asked again a while later. */
  private notFound(flowRunId: number, now: number): void {
    this.flowRunStatusNotFound += 1
    this.flowRunStatusAfter = now + FLOW_RUN_ASK_AGAIN_MS
    const call = `GET /v4/flowRuns/${flowRunId}/status`
    log.info(
      this.flowRunStatusNotFound < FLOW_RUN_404S
        ? `${call} answered 404; reading the status of each job group, and asking it again in ` +
            `${formatMs(FLOW_RUN_ASK_AGAIN_MS)}.`
        : `${call} answered 404 ${FLOW_RUN_404S} times: it is not available; reading the status of each job ` +
            'group from now on.'
    )
  }

  /** For progress lines: each job group as a stage named after its output. */
  async stages(ref: RunRef, budget: Budget): Promise<Job[]> {
    const groups = await this.jobGroups(ref, budget)
    groups.forEach((g) => g.status && this.seen.set(g.id, g.status))
    return groups.map((g) => ({ id: g.id, jobType: partLabel(partOf(g)), status: g.status ?? 'unknown' }))
  }

  async details(ref: RunRef, budget: Budget): Promise<RunDetails> {
    const listed = await quietly('Reading the job groups of the flow run', () => this.jobGroups(ref, budget))
    const ids = listed?.map((g) => g.id) ?? ref.jobGroupIds
    const reads = await Promise.all(
      ids.slice(0, MAX_DETAILED_JOB_GROUPS).map((id) => readJobGroup(this.api, id, budget))
    )
    const groups = ids.map((id, i) => ({ ...listed?.[i], ...reads[i]?.group, id, ...named(listed?.[i]) }))
    groups.forEach((g) => g.status && this.seen.set(g.id, g.status))
    const statuses = groups.map((g) => g.status)
    return {
      status: statuses.every((st) => st !== undefined) ? overallStatus(statuses) : undefined,
      ...spanOf(groups),
      stages: reads.flatMap((r) => r.stages),
      jobGroups: reads.map((r, i) => ({
        id: ids[i]!,
        status: groups[i]?.status,
        stages: r.stages,
        written: r.written
      })),
      written: mergeWritten(reads.map((r) => r.written)),
      parts: groups.map((g) => partOf(g))
    }
  }

  /**
   * Its recipes' last Complete runs, where that is cheap: the recipes named by flow-recipes, else as the flow
   * run's job groups show them (one call). Its job groups run side by side: the latest expected end counts.
   */
  async pastRuns(ref: RunRef, budget: Budget): Promise<PastRuns> {
    const named = this.body.wrangledDatasetIds
    const listed = named?.length ? [] : await this.jobGroups(ref, { ...budget, persistMs: 0 })
    const recipes = named?.length ? named : listed.map((g) => g.wrangledDataset?.id)
    if (recipes.length === 0 || !recipes.every(isId)) return { runs: 0 }
    return pastRuns(this.api, [...new Set(recipes)], ref.jobGroupIds, budget)
  }

  private ownRun(ref: RunRef): boolean {
    return this.flowRunId !== undefined && this.flowRunId === ref.id
  }

  /** The flow run's job groups: listed in one call where the flow run is known, else read one by one. */
  private async jobGroups(ref: RunRef, budget: Budget): Promise<JobGroup[]> {
    if (this.ownRun(ref)) {
      const listed = await this.flows.flowRunJobGroups(ref.id, budget)
      if (listed.length > 0) return listed
    }
    return inBatches(ref.jobGroupIds, (id) => this.api.get(id, budget))
  }

  private started(response: ApiResponse<RunFlowAnswer>): Started | undefined {
    const data = listOf(response.data) as RunFlowItem[]
    const ids = data.map((item) => idOf(item?.id))
    if (ids.length === 0 || ids.some((id) => id === undefined)) return undefined
    const jobGroupIds = ids as number[]
    this.createdAt = this.api.client.clock.now()
    this.flowRunId = idOf(response.data?.flowRunId) ?? idOf(data[0]?.flowRun?.id)
    return {
      ref: { kind: 'flow', id: this.flowRunId ?? jobGroupIds[0]!, jobGroupIds },
      requestId: response.requestId,
      adopted: false,
      attached: false,
      flowRunId: this.flowRunId
    }
  }
}

/** For progress lines: the output's name, or `job <id>`. */
function partLabel(part: RunPart): string {
  return part.name ?? `job ${part.jobGroupId}`
}

/** The recipe as the list embedded it (with its name), which a plain read of the job group lacks. */
function named(listed: JobGroup | undefined): Partial<JobGroup> {
  return listed?.wrangledDataset ? { wrangledDataset: listed.wrangledDataset } : {}
}

/** From the first job group's creation to the last one's end, once all ended. */
function spanOf(groups: JobGroup[]): Pick<RunDetails, 'createdAt' | 'finishedAt'> {
  const created = groups.map((g) => Date.parse(g.createdAt ?? '')).filter(Number.isFinite)
  const updated = groups.map((g) => Date.parse(g.updatedAt ?? '')).filter(Number.isFinite)
  const ended = groups.length > 0 && groups.every((g) => isTerminal(g.status)) && updated.length === groups.length
  return {
    createdAt: created.length > 0 ? Math.min(...created) : undefined,
    finishedAt: ended ? Math.max(...updated) : undefined
  }
}
