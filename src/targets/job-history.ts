/**
 * The job history, asked when a start's outcome is unknown: did this step's send create a job group? Tries
 * `GET /v4/jobLibrary`, then the older `GET /v4/jobGroups`.
 */
import { ApiError } from '../api-error.ts'
import type { JobGroup, JobGroupsApi } from '../job-groups.ts'
import { reason, type Failure } from '../retry-policy.ts'
import type { StartContext } from './run-kind.ts'
import { mayHaveStarted, type TriggerUnsettledError } from './start-retries.ts'

/** Job groups created up to this long before the step began still count as its own (clock skew with the server). */
const CLOCK_SKEW_MS = 60_000
const LOOKUP_BUDGET_MS = 60_000

export interface History {
  api: JobGroupsApi
  recipeId: number
  /** Where a user can look for the job by hand, e.g. `<app-url>/jobs`. */
  historyUrl: string
  ctx: StartContext
}

/**
 * The job group this step created, if the job history shows one: a job group of this recipe created since the
 * step began (within clock skew), the earliest such. Throws `TriggerUnsettledError` when the history cannot be read.
 */
export async function findOwnJobGroup(
  history: History,
  context: string,
  cause?: Failure
): Promise<JobGroup | undefined> {
  const { ctx } = history
  const since = ctx.stepStartedAt - CLOCK_SKEW_MS
  const budget = {
    deadline: Math.min(ctx.deadline, ctx.clock.now() + LOOKUP_BUDGET_MS),
    persistMs: LOOKUP_BUDGET_MS,
    signal: ctx.signal
  }
  const query = { limit: '25', sort: '-createdAt', ranfor: 'recipe' }
  let groups: JobGroup[] | undefined
  let lastError: unknown
  for (const [endpoint, extra] of [
    ['/v4/jobLibrary', { 'dateFilter[createdAt][gte]': String(since) }],
    ['/v4/jobGroups', {}]
  ] as const) {
    try {
      groups = await history.api.list(endpoint, { ...query, ...extra }, budget)
      break
    } catch (error) {
      lastError = error
      ctx.log.debug(`Looking up job groups with GET ${endpoint} failed: ${(error as Error).message}`)
    }
  }
  if (!groups) {
    const why = lastError instanceof ApiError ? reason(lastError) : (lastError as Error).message
    throw unsettled(
      history,
      `${context}, and the job history could not be read to check (${why})`,
      cause instanceof ApiError ? cause.requestId : ''
    )
  }
  const mine = groups.filter((g) => g.wrangledDataset?.id === history.recipeId && createdMs(g) >= since)
  const afterStart = mine.filter((g) => createdMs(g) >= ctx.stepStartedAt)
  const pool = afterStart.length > 0 ? afterStart : mine
  return pool.sort((a, b) => createdMs(a) - createdMs(b))[0]
}

function createdMs(group: JobGroup): number {
  const t = Date.parse(group.createdAt ?? '')
  return Number.isNaN(t) ? -Infinity : t
}

export function unsettled(history: History, what: string, requestId: string): TriggerUnsettledError {
  const where = `the job history (${history.historyUrl}) for a job of recipe ${history.recipeId}`
  return mayHaveStarted({ thing: 'job', where, stepStartedAt: history.ctx.stepStartedAt }, what, requestId)
}
