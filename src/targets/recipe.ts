/**
 * Recipe run: start the recipe's job group with `POST /v4/jobGroups`, never twice for one step unless it is
 * certain that the first send created nothing. Every send carries the same `x-execution-id`. When the outcome
 * is unknown, the job history is searched before sending again; when the server acted but its answer cannot be
 * read, only the history can settle it, and nothing is sent again.
 */
import type { Budget } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'
import { formatMs } from '../shared/format.ts'
import { isId, type JobGroupsApi, type RunJobGroupRequest } from '../api/job-groups.ts'
import { reason, triggerDecision, type Failure } from '../api/retry-policy.ts'
import { findOwnJobGroup, unsettled, type History } from './job-history.ts'
import { JobGroupRun } from './job-group-run.ts'
import { pastRuns, type PastRuns } from './past-runs.ts'
import type { RunKind, RunRef, StartContext, Started } from './run-kind.ts'
import { requestIdOf, startWithRetries } from './start-retries.ts'

const WHY_RESENT = { resend: 'the server did not act on it', reconcile: 'no job group was created by it' }

export class RecipeRun extends JobGroupRun implements RunKind {
  readonly label: string
  private readonly recipeId: number
  private readonly body: RunJobGroupRequest
  private readonly historyUrl: string
  constructor(api: JobGroupsApi, recipeId: number, body: RunJobGroupRequest, historyUrl: string) {
    super(api)
    this.recipeId = recipeId
    this.body = body
    this.historyUrl = historyUrl
    this.label = `recipe ${recipeId}`
  }

  /** The recipe's last Complete runs, this step's own job group left out. */
  pastRuns(ref: RunRef, budget: Budget): Promise<PastRuns> {
    return pastRuns(this.api, [this.recipeId], ref.jobGroupIds, budget)
  }

  async start(ctx: StartContext): Promise<Started> {
    const firstSentAt = ctx.clock.now()
    const history: History = { api: this.api, recipeId: this.recipeId, historyUrl: this.historyUrl, ctx, firstSentAt }
    const settle = (failure: Failure): Promise<Started | undefined> => this.settle(history, failure)
    const attempt = async (): Promise<Started> => {
      const response = await this.api.run(this.body, ctx.executionId, ctx.deadline, ctx.signal)
      if (response.status === 304) {
        const found = await this.adopt(
          history,
          'the server answered 304 Not Modified to a repeated send',
          response.requestId
        )
        if (found) return found
        const what = 'the server answered 304 (a job group with this execution id exists) but it is not in the history'
        throw unsettled(history, what, response.requestId)
      }
      const id = (response.data as { id?: unknown } | undefined)?.id
      if (isId(id)) return this.started(ctx, id, response.requestId, false)
      const body = JSON.stringify(response.data) ?? ''
      return (await settle(new ApiError({ method: 'POST', path: '/v4/jobGroups', ...response, body })))!
    }
    return startWithRetries(ctx, 'POST /v4/jobGroups', attempt, {
      retryable: (error) => triggerDecision(error) !== 'fail',
      beforeRetry: settle,
      describe: (failure, delay) => {
        const why = WHY_RESENT[triggerDecision(failure) as keyof typeof WHY_RESENT]
        return `POST /v4/jobGroups failed (${reason(failure)}); ${why}, sending again in ${formatMs(delay)}`
      }
    })
  }

  private started(ctx: StartContext, id: number, requestId: string, adopted: boolean): Started {
    this.createdAt = ctx.clock.now()
    return { ref: { kind: 'recipe', id, jobGroupIds: [id] }, requestId, adopted, attached: false }
  }

  /** After a failure: `settle` must find the job group; `reconcile` may send again if none was created. */
  private async settle(history: History, failure: Failure): Promise<Started | undefined> {
    const decision = triggerDecision(failure)
    if (decision === 'resend') return undefined
    const why = `the trigger's answer was lost (${reason(failure)})`
    const found = await this.adopt(history, why, requestIdOf(failure), failure)
    if (found || decision === 'reconcile') return found
    const what = `the server acted on the trigger (${reason(failure)}) but no job group of it was found`
    throw unsettled(history, what, requestIdOf(failure))
  }

  /** The job group found in the history, adopted; undefined if none; throws if it cannot be settled. */
  private async adopt(
    history: History,
    why: string,
    requestId: string,
    failure?: Failure
  ): Promise<Started | undefined> {
    const group = await findOwnJobGroup(history, why, failure)
    if (!group) return undefined
    history.ctx.log.warning(
      `${why}; job group ${group.id} of recipe ${this.recipeId}, created at ${group.createdAt ?? 'an unknown time'}, ` +
        'was found in the job history and is used instead of sending the trigger again.'
    )
    return this.started(history.ctx, group.id, requestId, true)
  }
}
