/**
 * The job history, asked when a start's outcome is unknown: did this step's send create a job group? Only a job
 * group that is certainly this step's own is adopted: exactly one of this recipe, created between the first send
 * and now. Several mean another run started the same recipe meanwhile; then nothing is guessed and nothing is
 * sent again. Tries `GET /v4/jobLibrary`, then the older `GET /v4/jobGroups`.
 */
import { ApiError } from '../api/api-error.ts'
import type { JobGroup, JobGroupsApi } from '../api/job-groups.ts'
import { reason, type Failure } from '../api/retry-policy.ts'
import type { StartContext } from './run-kind.ts'
import { mayHaveStarted, type TriggerUnsettledError } from './start-retries.ts'

/**
 * The server's clock is read from its `Date` header (whole seconds) to place the first send on its time line;
 * this much is allowed for that rounding and the network. Without a `Date` header, a minute.
 */
const SKEW_MARGIN_MS = 2_000
const UNKNOWN_SKEW_MS = 60_000
/** A `Date` header further off than this is a gateway's or a broken clock's, not the server's: it is ignored. */
const MAX_TRUSTED_OFFSET_MS = 10 * 60_000
/** When the history shows nothing, it is read again after these delays (a read replica may lag). */
const RECHECKS_MS = [0, 2_000, 5_000]
const LOOKUP_BUDGET_MS = 60_000
/** At most this many candidates are named in an error. */
const MAX_LISTED = 10

export interface History {
  api: JobGroupsApi
  recipeId: number
  /** Where a user can look for the job by hand, e.g. `<app-url>/jobs`. */
  historyUrl: string
  ctx: StartContext
  /** When this step first sent its start (this machine's clock, epoch ms). */
  firstSentAt: number
}

/**
 * The job group this step created, if the history shows exactly one of this recipe created since the first send;
 * undefined if it shows none. Throws `TriggerUnsettledError` when there are several, or the history cannot be read.
 */
export async function findOwnJobGroup(
  history: History,
  context: string,
  cause?: Failure
): Promise<JobGroup | undefined> {
  const { ctx } = history
  const requestId = cause instanceof ApiError ? cause.requestId : ''
  let candidates: JobGroup[] = []
  // A history that lags shows nothing yet: it is asked again a little later before "nothing" is believed.
  for (const wait of RECHECKS_MS) {
    if (wait > 0) await ctx.clock.sleep(wait, ctx.signal)
    const page = await readHistory(history, context, requestId)
    const offset = page.serverNow === undefined ? undefined : page.serverNow - page.readAt
    const trusted = offset !== undefined && Math.abs(offset) <= MAX_TRUSTED_OFFSET_MS
    const since = history.firstSentAt + (trusted ? offset - SKEW_MARGIN_MS : -UNKNOWN_SKEW_MS)
    candidates = page.groups.filter((g) => g.wrangledDataset?.id === history.recipeId && createdMs(g) >= since)
    if (candidates.length > 0) break
  }
  if (candidates.length <= 1) return candidates[0]
  const listed = candidates
    .slice(0, MAX_LISTED)
    .map((g) => `${g.id} (${history.historyUrl}/${g.id})`)
    .join(', ')
  ctx.log.debug(`Job groups of recipe ${history.recipeId} created since the first send: ${listed}`)
  throw unsettled(
    history,
    `${context}, and the job history shows ${candidates.length} job groups of recipe ${history.recipeId} created ` +
      `since then, so another run may have started the same recipe: ${listed}. None is adopted or cancelled`,
    requestId
  )
}

async function readHistory(
  history: History,
  context: string,
  requestId: string
): Promise<{ groups: JobGroup[]; serverNow?: number; readAt: number }> {
  const { ctx } = history
  const deadline = Math.min(ctx.deadline, ctx.clock.now() + LOOKUP_BUDGET_MS)
  const budget = { deadline, persistMs: LOOKUP_BUDGET_MS, signal: ctx.signal }
  const query = { limit: '100', sort: '-createdAt', ranfor: 'recipe' }
  const since = String(history.firstSentAt - UNKNOWN_SKEW_MS)
  let lastError: unknown
  for (const [endpoint, extra] of [
    ['/v4/jobLibrary', { 'dateFilter[createdAt][gte]': since }],
    ['/v4/jobGroups', {}]
  ] as const) {
    try {
      const page = await history.api.list(endpoint, { ...query, ...extra }, budget)
      return { ...page, readAt: ctx.clock.now() }
    } catch (error) {
      lastError = error
      ctx.log.debug(`Looking up job groups with GET ${endpoint} failed: ${(error as Error).message}`)
    }
  }
  const why = lastError instanceof ApiError ? reason(lastError) : (lastError as Error).message
  throw unsettled(history, `${context}, and the job history could not be read to check (${why})`, requestId)
}

function createdMs(group: JobGroup): number {
  const t = Date.parse(group.createdAt ?? '')
  return Number.isNaN(t) ? -Infinity : t
}

export function unsettled(history: History, what: string, requestId: string): TriggerUnsettledError {
  const where = `the job history (${history.historyUrl}) for a job of recipe ${history.recipeId}`
  return mayHaveStarted({ thing: 'job', where, stepStartedAt: history.firstSentAt }, what, requestId)
}
