/**
 * Recipe run: start the recipe's job group with `POST /v4/jobGroups`, never twice for one step unless it is
 * certain that the first send created nothing. Every send carries the same `x-execution-id`; when an outcome is
 * unknown the job history is searched before sending again, and a job group found there is adopted.
 */
import { formatMs } from '../format.ts'
import type { RunJobGroupRequest, JobGroupsApi } from '../job-groups.ts'
import { reason, triggerDecision, type Failure } from '../retry-policy.ts'
import { findOwnJobGroup, unsettled, type History } from './job-history.ts'
import { JobGroupRun } from './job-group-run.ts'
import type { RunKind, StartContext, Started } from './run-kind.ts'
import { requestIdOf, startWithRetries } from './start-retries.ts'

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

  async start(ctx: StartContext): Promise<Started> {
    const history: History = { api: this.api, recipeId: this.recipeId, historyUrl: this.historyUrl, ctx }
    const adopt = async (why: string, requestId: string, failure?: Failure): Promise<Started | undefined> => {
      const group = await findOwnJobGroup(history, why, failure)
      if (!group) return undefined
      ctx.log.warning(
        `${why}; job group ${group.id} of recipe ${this.recipeId}, created at ${group.createdAt ?? 'an unknown time'}, was found in the job history and is used instead of sending the trigger again.`
      )
      return {
        ref: { kind: 'recipe', id: group.id, jobGroupIds: [group.id] },
        requestId,
        adopted: true,
        attached: false
      }
    }
    return startWithRetries(
      ctx,
      'POST /v4/jobGroups',
      async () => {
        const response = await this.api.run(this.body, ctx.executionId, ctx.deadline, ctx.signal)
        if (response.status === 304) {
          const found = await adopt('the server answered 304 Not Modified to a repeated send', response.requestId)
          if (found) return found
          throw unsettled(
            history,
            'the server answered 304 (a job group with this execution id exists) but it was not found in the job history',
            response.requestId
          )
        }
        const id = (response.data as { id?: unknown } | undefined)?.id
        if (typeof id !== 'number')
          throw unsettled(history, `the server answered ${response.status} without a job group id`, response.requestId)
        return {
          ref: { kind: 'recipe', id, jobGroupIds: [id] },
          requestId: response.requestId,
          adopted: false,
          attached: false
        }
      },
      {
        retryable: (error) => triggerDecision(error) !== 'fail',
        beforeRetry: (failure) =>
          triggerDecision(failure) === 'reconcile'
            ? adopt(`the trigger's answer was lost (${reason(failure)})`, requestIdOf(failure), failure)
            : Promise.resolve(undefined),
        describe: (failure, delay) => {
          const why =
            triggerDecision(failure) === 'resend' ? 'the server did not act on it' : 'no job group was created by it'
          return `POST /v4/jobGroups failed (${reason(failure)}); ${why}, sending again in ${formatMs(delay)}`
        }
      }
    )
  }
}
