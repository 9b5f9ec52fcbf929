/**
 * Trigger: start the job group with `POST /v4/jobGroups`, never twice for one step unless it is certain that the
 * first send created nothing. Every send carries the same `x-execution-id`; when an outcome is unknown the job
 * history is searched before sending again, and a job group found there is adopted.
 */
import { ApiError } from './api-error.ts'
import type { Clock } from './clock.ts'
import { formatMs } from './format.ts'
import { PERSISTENT_FAILURE_MS, reason, retryDelayMs, triggerDecision, type Failure } from './retry-policy.ts'
import type { JobGroup, RunJobGroupRequest, RunJobGroupResponse, TrifactaClient } from './trifacta-client.ts'

/** Job groups created up to this long before the step began still count as its own (clock skew with the server). */
const CLOCK_SKEW_MS = 60_000
const LOOKUP_BUDGET_MS = 60_000

export interface TriggerContext {
  client: TrifactaClient
  recipeId: number
  body: RunJobGroupRequest
  executionId: string
  stepStartedAt: number
  deadline: number
  clock: Clock
  /** Where a user can look for the job by hand, e.g. `<app-url>/jobs`. */
  historyUrl: string
  signal?: AbortSignal
  random?: () => number
  log: { debug(message: string): void; warning(message: string): void }
}

export interface Triggered {
  jobId: number
  requestId: string
  /** True when the job group was found in the history instead of in the trigger's answer. */
  adopted: boolean
  response?: RunJobGroupResponse
}

/** The trigger may have started a job group, and it could not be settled whether it did. */
export class TriggerUnsettledError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TriggerUnsettledError'
  }
}

export async function triggerJobGroup(ctx: TriggerContext): Promise<Triggered> {
  let firstFailureAt: number | undefined
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await ctx.client.runJobGroup(ctx.body, ctx.executionId, ctx.deadline, ctx.signal)
      if (response.status === 304) {
        const found = await findOwnJobGroup(ctx, `the server answered 304: a job group with this step's execution id exists (request id ${response.requestId})`)
        if (found) return adopt(ctx, found, response.requestId, 'the server answered 304 Not Modified to a repeated send')
        throw unsettled(ctx, 'the server answered 304 (a job group with this execution id exists) but it was not found in the job history', response.requestId)
      }
      const id = response.data?.id
      if (typeof id !== 'number') throw unsettled(ctx, `the server answered ${response.status} without a job group id`, response.requestId)
      return { jobId: id, requestId: response.requestId, adopted: false, response: response.data }
    } catch (error) {
      if (error instanceof TriggerUnsettledError) throw error
      const decision = triggerDecision(error)
      if (decision === 'fail') throw error
      const failure = error as Failure
      if (decision === 'reconcile') {
        const found = await findOwnJobGroup(ctx, `the trigger's outcome is unknown (${reason(failure)})`, failure)
        if (found) return adopt(ctx, found, requestIdOf(failure), `the trigger's answer was lost (${reason(failure)})`)
      }
      const now = ctx.clock.now()
      firstFailureAt ??= now
      const delay = retryDelayMs(failure, attempt, now, ctx.random)
      if (now + delay > ctx.deadline || now + delay - firstFailureAt > PERSISTENT_FAILURE_MS) throw error
      const why = decision === 'resend' ? 'the server did not act on it' : 'no job group was created by it'
      const message = `POST /v4/jobGroups failed (${reason(failure)}); ${why}, sending again in ${formatMs(delay)}`
      if (attempt >= 2) ctx.log.warning(message)
      else ctx.log.debug(message)
      await ctx.clock.sleep(delay, ctx.signal)
    }
  }
}

function adopt(ctx: TriggerContext, group: JobGroup, requestId: string, why: string): Triggered {
  ctx.log.warning(
    `${why}; job group ${group.id} of recipe ${ctx.recipeId}, created at ${group.createdAt ?? 'an unknown time'}, was found in the job history and is used instead of sending the trigger again.`
  )
  return { jobId: group.id, requestId, adopted: true }
}

/**
 * The job group this step created, if the job history shows one: a job group of this recipe created since the
 * step began (within clock skew), the earliest such. Tries `GET /v4/jobLibrary`, then the older `GET /v4/jobGroups`.
 * Throws `TriggerUnsettledError` when neither can be read.
 */
async function findOwnJobGroup(ctx: TriggerContext, context: string, cause?: Failure): Promise<JobGroup | undefined> {
  const since = ctx.stepStartedAt - CLOCK_SKEW_MS
  const budget = { deadline: Math.min(ctx.deadline, ctx.clock.now() + LOOKUP_BUDGET_MS), persistMs: LOOKUP_BUDGET_MS, signal: ctx.signal }
  const query = { limit: '25', sort: '-createdAt', ranfor: 'recipe' }
  let groups: JobGroup[] | undefined
  let lastError: unknown
  for (const [endpoint, extra] of [
    ['/v4/jobLibrary', { 'dateFilter[createdAt][gte]': String(since) }],
    ['/v4/jobGroups', {}]
  ] as const) {
    try {
      groups = await ctx.client.listJobGroups(endpoint, { ...query, ...extra }, budget)
      break
    } catch (error) {
      lastError = error
      ctx.log.debug(`Looking up job groups with GET ${endpoint} failed: ${(error as Error).message}`)
    }
  }
  if (!groups) {
    const why = lastError instanceof ApiError ? reason(lastError) : (lastError as Error).message
    throw unsettled(ctx, `${context}, and the job history could not be read to check (${why})`, cause ? requestIdOf(cause) : '')
  }
  const mine = groups.filter((g) => g.wrangledDataset?.id === ctx.recipeId && createdMs(g) >= since)
  const afterStart = mine.filter((g) => createdMs(g) >= ctx.stepStartedAt)
  const pool = afterStart.length > 0 ? afterStart : mine
  return pool.sort((a, b) => createdMs(a) - createdMs(b))[0]
}

function createdMs(group: JobGroup): number {
  const t = Date.parse(group.createdAt ?? '')
  return Number.isNaN(t) ? -Infinity : t
}

function requestIdOf(failure: Failure): string {
  return failure instanceof ApiError ? failure.requestId : ''
}

function unsettled(ctx: TriggerContext, what: string, requestId: string): TriggerUnsettledError {
  const started = new Date(ctx.stepStartedAt).toISOString()
  return new TriggerUnsettledError(
    `The job may have started: ${what}. To avoid running it twice, the trigger is not sent again.` +
      `${requestId ? ` Request id: ${requestId}.` : ''} Look in the job history (${ctx.historyUrl}) for a job of recipe ${ctx.recipeId} started after ${started} before re-running.`
  )
}
