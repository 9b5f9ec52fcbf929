/**
 * The job history, asked when a start's outcome is unknown: did this step's send create a job group? Only a job
 * group that is certainly this step's own is adopted: exactly one of this recipe, created between the first send
 * and now, in a history read far enough to prove there is no other. The lookup pages until the rows are older
 * than that window (or the history ends) and checks that they came newest first (history-pages.ts); where it
 * cannot prove it saw every candidate, nothing is guessed and nothing is sent again. Several candidates mean
 * another run started the same recipe meanwhile: the same. Tries `GET /v4/jobLibrary`, then the older
 * `GET /v4/jobGroups`.
 */
import { ApiError } from '../api/api-error.ts'
import type { JobGroup, JobGroupsApi } from '../api/job-groups.ts'
import { reason, type Failure } from '../api/retry-policy.ts'
import { createdMs, HISTORY_PAGE_ROWS, MAX_HISTORY_PAGES, pageVerdict, type PageVerdict } from '../api/history-pages.ts'
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

/** What one reading of the history found: the candidates, and whether it proved there are no others. */
interface Reading {
  candidates: JobGroup[]
  /** Why not every candidate can have been seen; undefined when the reading proved it. */
  unproven?: string
}

/**
 * The job group this step created, if the history proves it shows exactly one of this recipe created since the
 * first send; undefined if it proves there is none. Throws `TriggerUnsettledError` when there are several, when
 * it cannot prove there is no other, or when the history cannot be read.
 */
export async function findOwnJobGroup(
  history: History,
  context: string,
  cause?: Failure
): Promise<JobGroup | undefined> {
  const { ctx } = history
  const requestId = cause instanceof ApiError ? cause.requestId : ''
  let reading: Reading = { candidates: [] }
  // A history that lags shows nothing yet: it is asked again a little later before "nothing" is believed.
  for (const wait of RECHECKS_MS) {
    if (wait > 0) await ctx.clock.sleep(wait, ctx.signal)
    reading = await readHistory(history, context, requestId)
    if (reading.candidates.length > 0 || reading.unproven) break
  }
  const { candidates, unproven } = reading
  if (candidates.length > 1) throw several(history, context, candidates, requestId)
  if (unproven === undefined) return candidates[0]
  const [one] = candidates
  const what = one
    ? `${context}; the job history shows job group ${one.id} of recipe ${history.recipeId}, but cannot prove ` +
      `that no other was created since then (${unproven}), so it is not adopted`
    : `${context}, and the job history cannot prove that no job group of recipe ${history.recipeId} was ` +
      `created since then (${unproven})`
  throw unsettled(history, what, requestId)
}

function several(history: History, context: string, candidates: JobGroup[], requestId: string): TriggerUnsettledError {
  const listed = candidates
    .slice(0, MAX_LISTED)
    .map((g) => `${g.id} (${history.historyUrl}/${g.id})`)
    .join(', ')
  history.ctx.log.debug(`Job groups of recipe ${history.recipeId} created since the first send: ${listed}`)
  return unsettled(
    history,
    `${context}, and the job history shows ${candidates.length} job groups of recipe ${history.recipeId} created ` +
      `since then, so another run may have started the same recipe: ${listed}. None is adopted or cancelled`,
    requestId
  )
}

/** One reading: the first list endpoint that answers, paged until it proves or cannot. */
async function readHistory(history: History, context: string, requestId: string): Promise<Reading> {
  const { ctx } = history
  const deadline = Math.min(ctx.deadline, ctx.clock.now() + LOOKUP_BUDGET_MS)
  const budget = { deadline, persistMs: LOOKUP_BUDGET_MS, signal: ctx.signal }
  const query = { limit: String(HISTORY_PAGE_ROWS), sort: '-createdAt', ranfor: 'recipe' }
  const since = String(history.firstSentAt - UNKNOWN_SKEW_MS)
  let lastError: unknown
  for (const [endpoint, extra] of [
    ['/v4/jobLibrary', { 'dateFilter[createdAt][gte]': since }],
    ['/v4/jobGroups', {}]
  ] as const) {
    try {
      return await readPages(history, (offset) =>
        history.api.list(endpoint, { ...query, ...extra, offset: String(offset) }, budget)
      )
    } catch (error) {
      lastError = error
      ctx.log.debug(`Looking up job groups with GET ${endpoint} failed: ${(error as Error).message}`)
    }
  }
  const why = lastError instanceof ApiError ? reason(lastError) : (lastError as Error).message
  throw unsettled(history, `${context}, and the job history could not be read to check (${why})`, requestId)
}

type ReadPage = (offset: number) => Promise<{ groups: JobGroup[]; rows: number; serverNow?: number }>

/** Pages from offset 0 until the rows are older than the window, the history ends, or proof fails. */
async function readPages(history: History, read: ReadPage): Promise<Reading> {
  const found = new Map<number, JobGroup>()
  let offset = 0
  let previousLast: number | undefined
  let window: number | undefined
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const { groups, rows, serverNow } = await read(offset)
    // The window is placed on the server's time line once, by its first answer.
    window ??= windowStart(history, serverNow, history.ctx.clock.now())
    for (const g of groups) {
      if (g.wrangledDataset?.id === history.recipeId && createdMs(g) >= window) found.set(g.id, g)
    }
    // A row without a usable id could be any job group, this step's own too: nothing is proven past it.
    const unusable = rows - groups.length
    const verdict: PageVerdict =
      unusable > 0
        ? { kind: 'unproven', why: `${unusable} job group${unusable > 1 ? 's' : ''} without a valid id` }
        : pageVerdict({ rows: groups, previousLast }, window)
    if (verdict.kind !== 'more') {
      return { candidates: [...found.values()], unproven: verdict.kind === 'unproven' ? verdict.why : undefined }
    }
    offset += rows
    previousLast = createdMs(groups.at(-1)!)
  }
  const unproven = `${MAX_HISTORY_PAGES} pages (${offset} job groups) did not reach one older than the first send`
  return { candidates: [...found.values()], unproven }
}

/** The first send on the server's time line, less the margin; a minute earlier without a trusted `Date`. */
function windowStart(history: History, serverNow: number | undefined, readAt: number): number {
  const offset = serverNow === undefined ? undefined : serverNow - readAt
  const trusted = offset !== undefined && Math.abs(offset) <= MAX_TRUSTED_OFFSET_MS
  return history.firstSentAt + (trusted ? offset - SKEW_MARGIN_MS : -UNKNOWN_SKEW_MS)
}

export function unsettled(history: History, what: string, requestId: string): TriggerUnsettledError {
  const where = `the job history (${history.historyUrl}) for a job of recipe ${history.recipeId}`
  return mayHaveStarted({ thing: 'job', where, stepStartedAt: history.firstSentAt }, what, requestId)
}
