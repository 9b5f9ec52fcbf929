/**
 * Recipe run: start the recipe's job group with `POST /v4/jobGroups`, never twice for one step unless it is
 * certain that the first send created nothing. Every send carries the same `x-execution-id`. When the outcome
 * is unknown, the job history is searched before sending again; when the server acted but its answer cannot be
 * read, only the history can settle it, and nothing is sent again.
 */
import { ApiError } from '../api-error.ts'
import { formatMs } from '../format.ts'
import { isId, type JobGroupsApi, type RunJobGroupRequest } from '../job-groups.ts'
import { PERSISTENT_FAILURE_MS, reason, triggerDecision, withRetries, type Failure } from '../retry-policy.ts'
import { findOwnJobGroup, unsettled, type History } from './job-history.ts'
import { JobGroupRun } from './job-group-run.ts'
import type { RunKind, StartContext, Started } from './run-kind.ts'

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

  async start(ctx: StartContext): Promise<Started> {
    const history: History = {
      api: this.api,
      recipeId: this.recipeId,
      historyUrl: this.historyUrl,
      ctx,
      firstSentAt: ctx.clock.now()
    }
    const started = (id: number, requestId: string, adopted: boolean): Started => {
      this.createdAt = ctx.clock.now()
      return { ref: { kind: 'recipe', id, jobGroupIds: [id] }, requestId, adopted, attached: false }
    }
    /** The job group found in the history, adopted; undefined if none; throws if it cannot be settled. */
    const adopt = async (why: string, requestId: string, failure?: Failure): Promise<Started | undefined> => {
      const group = await findOwnJobGroup(history, why, failure)
      if (!group) return undefined
      ctx.log.warning(
        `${why}; job group ${group.id} of recipe ${this.recipeId}, created at ${group.createdAt ?? 'an unknown time'}, ` +
          'was found in the job history and is used instead of sending the trigger again.'
      )
      return started(group.id, requestId, true)
    }
    /** After a failure: `settle` must find the job group; `reconcile` may send again if none was created. */
    const settle = async (failure: Failure): Promise<Started | undefined> => {
      const decision = triggerDecision(failure)
      if (decision === 'resend') return undefined
      const found = await adopt(`the trigger's answer was lost (${reason(failure)})`, requestIdOf(failure), failure)
      if (found || decision === 'reconcile') return found
      throw unsettled(
        history,
        `the server acted on the trigger (${reason(failure)}) but no job group of it was found`,
        requestIdOf(failure)
      )
    }
    return withRetries(
      async () => {
        const response = await this.api.run(this.body, ctx.executionId, ctx.deadline, ctx.signal)
        if (response.status === 304) {
          const found = await adopt('the server answered 304 Not Modified to a repeated send', response.requestId)
          if (found) return found
          const what =
            'the server answered 304 (a job group with this execution id exists) but it is not in the history'
          throw unsettled(history, what, response.requestId)
        }
        const id = (response.data as { id?: unknown } | undefined)?.id
        if (isId(id)) return started(id, response.requestId, false)
        return (await settle(
          new ApiError({
            method: 'POST',
            path: '/v4/jobGroups',
            ...response,
            body: JSON.stringify(response.data) ?? ''
          })
        ))!
      },
      {
        what: 'POST /v4/jobGroups',
        clock: ctx.clock,
        deadline: ctx.deadline,
        persistMs: PERSISTENT_FAILURE_MS,
        signal: ctx.signal,
        halt: ctx.halt,
        random: ctx.random,
        retryable: (error) => triggerDecision(error) !== 'fail',
        beforeRetry: settle,
        describe: (failure, delay) => {
          const why = WHY_RESENT[triggerDecision(failure) as keyof typeof WHY_RESENT]
          return `POST /v4/jobGroups failed (${reason(failure)}); ${why}, sending again in ${formatMs(delay)}`
        },
        onRetry: (message, persistent) => (persistent ? ctx.log.warning(message) : ctx.log.debug(message))
      }
    )
  }
}

function requestIdOf(failure: Failure): string {
  return failure instanceof ApiError ? failure.requestId : ''
}
