// The API: authentication, media-type checks and the /v4 jobGroups routes (API-NOTES.md "Calls"; the answers'
// shapes from S1 of REAL-API-SHAPES.md: lists in {data: […]}, outputs with the spec's fields). The history lists
// are in history.ts.
import { checkRoute, testModeReply, type RecipeBook, type TestModeSupport } from './checks.ts'
import { cancelBody, jobGroupBody, jobsBody, outputsBody, runJobBody } from './bodies.ts'
import { listHistory } from './history.ts'
import type { HistoryOptions } from './history.ts'
import { positiveInteger, prop, seenBy, statusAt } from './jobs.ts'
import { profileReply, type ProfileCalls } from './profiles.ts'
import type { JobGroup, JobStore, Replica } from './jobs.ts'
import { rateLimitHeaders, tooManyRequests } from './quota.ts'
import type { TriggerQuota } from './quota.ts'
import { exception, json, notFound, validationFailed } from './replies.ts'
import type { Reply } from './replies.ts'
import type { FlowsAndPlans } from './runs.ts'
import { resultsRoute, type LogsCall } from './results.ts'
import type { AccessTokenVerifier, JobScenario, Listing, RecordedRequest } from './types.ts'

export interface ApiContext {
  readonly now: number
  readonly token: string
  readonly echoTokenOnAuthError: boolean
  readonly oauth: AccessTokenVerifier | undefined
  readonly recipes: ReadonlySet<number>
  /** Names and flows of the recipes, for the check routes (checks.ts). */
  readonly book: RecipeBook
  readonly testMode: TestModeSupport
  readonly legacy: boolean
  readonly profileCalls: ProfileCalls
  readonly listing: Listing
  readonly history: HistoryOptions
  readonly store: JobStore
  readonly quota: TriggerQuota | undefined
  /** What GET /v4/jobGroups/{id}/logs answers on this edition (results.ts). */
  readonly jobLogs: LogsCall
  /** Flow and plan runs (runs.ts). */
  readonly runs: FlowsAndPlans
  /** A lagging read replica ('stale' and 'not-found-while-new' faults; the server sets it on GET requests only). */
  readonly replica?: Replica
  scenarioFor(recipeId: number): JobScenario | undefined
}

type ApiRequest = Pick<RecordedRequest, 'method' | 'path' | 'query' | 'headers' | 'body' | 'json'>
type ItemHandler = (ctx: ApiContext, group: JobGroup) => Reply

const ITEM_PATH = /^\/v4\/jobGroups\/([^/]+)(?:\/(status|jobs|outputs|cancel|profile|profileResults))?$/
// Each route's source (REAL-API-SHAPES.md S1–S4, API-NOTES.md, PROFILE-AND-RESULTS.md):
const ITEM_HANDLERS = new Map<string, ItemHandler>([
  // S1 LJobGroup; API-NOTES.md "Calls".
  ['GET ', (ctx, group) => json(200, { ...jobGroupBody(group, ctx.now), status: shownStatus(ctx, group) })],
  // S1 LJobGroupStatusSchema: a bare string; S3 also shows "undefined", S2 "Pending" (scenario statuses).
  ['GET status', (ctx, group) => json(200, shownStatus(ctx, group))],
  // S1 LJobList, errorMessage an object.
  ['GET jobs', (ctx, group) => json(200, jobsBody(group, ctx.now))],
  // S1 LJobFilesAndTablesOutputListResponse; S4 saw it answer 200 on a real tenant.
  ['GET outputs', (ctx, group) => json(200, outputsBody(group, ctx.now))],
  // S1 LJobGroupCancelInformation; API-NOTES.md "Calls".
  ['POST cancel', cancel],
  // S1 and S5 (PROFILE-AND-RESULTS.md "Profile of a job group"); S4 saw 400 without profiling.
  ['GET profile', (ctx, group) => profileReply(group, ctx.now, false)],
  ['GET profileResults', (ctx, group) => profileReply(group, ctx.now, true)]
])
// Legacy Dataprep Standard editions have neither /status nor /cancel.
const MISSING_IN_LEGACY = new Set(['status', 'cancel'])

/** Answers one request: 401 without the right bearer token, 415 on a wrong media type, else the route. */
export function handle(ctx: ApiContext, req: ApiRequest): Reply {
  return authenticate(ctx, req) ?? checkMediaTypes(req) ?? route(ctx, req)
}

function authenticate(ctx: ApiContext, req: ApiRequest): Reply | undefined {
  const header = req.headers.authorization
  const bearer = header === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(header)?.[1]
  if (bearer === ctx.token) return undefined
  const state = bearer === undefined ? 'unknown' : (ctx.oauth?.verifyAccessToken(bearer) ?? 'unknown')
  if (state === 'valid') return undefined
  // inferred: the docs say only "401 missing or expired token"; an expired one differs only in `details`.
  const details = ctx.echoTokenOnAuthError
    ? `Invalid Authorization header: ${header ?? '(none)'}`
    : state === 'expired'
      ? 'The access token has expired'
      : 'A valid "Authorization: Bearer <token>" header is required'
  // inferred: the docs give no 401 body; the exception shape and name are assumed.
  return exception(401, 'AuthenticationFailed', 'Authentication failed', details)
}

function checkMediaTypes(req: ApiRequest): Reply | undefined {
  // inferred: the docs only say "415 Incorrect Accept or Content-type header"; name and message assumed.
  const unsupported = (details: string): Reply =>
    exception(415, 'UnsupportedMediaType', 'Unsupported Media Type', details)
  const contentType = mediaType(req.headers['content-type'])
  if (req.method === 'POST' && req.body.length > 0 && contentType !== 'application/json') {
    return unsupported(`Content-Type ${contentType ?? '(none)'} is not supported; use application/json`)
  }
  const accept = req.headers.accept
  if (accept !== undefined && !acceptsJson(accept)) return unsupported(`Cannot answer Accept: ${accept}`)
  return undefined
}

function route(ctx: ApiContext, req: ApiRequest): Reply {
  const { method, path } = req
  // S1 runJobGroup (LRunJobRequest: ignoreRecipeErrors at the top level); API-NOTES.md "Calls".
  if (method === 'POST' && path === '/v4/jobGroups') return runJobGroup(ctx, req)
  // S1 listJobGroups / listJobLibrary (LJobGroupList); pages and sort as S1, S4 and the vendor pages say (history.ts).
  if (method === 'GET' && path === '/v4/jobGroups' && ctx.listing !== 'none') return listHistory(ctx, path, req.query)
  if (method === 'GET' && path === '/v4/jobLibrary' && ctx.listing === 'both') return listHistory(ctx, path, req.query)
  const check = checkRoute(ctx.book, req, !ctx.legacy)
  if (check !== undefined) return check
  const run = ctx.runs.route(req, ctx.now, ctx.replica)
  if (run !== undefined) return run
  const made = resultsRoute({ now: ctx.now, jobLogs: ctx.jobLogs, find: (id) => visibleGroup(ctx, id) }, method, path)
  if (made !== undefined) return made
  const item = ITEM_PATH.exec(path)
  return item ? jobGroupItem(ctx, req, item[1] ?? '', item[2] ?? '') : routeNotFound(req)
}

function routeNotFound(req: ApiRequest): Reply {
  return notFound(`No route for ${req.method} ${req.path}`)
}

/** POST /v4/jobGroups, under the trigger quota when one is configured. */
function runJobGroup(ctx: ApiContext, req: ApiRequest): Reply {
  if (ctx.quota === undefined) return trigger(ctx, req)
  const { allowed, window } = ctx.quota.take(ctx.now)
  if (!allowed) return tooManyRequests(window, ctx.now)
  const reply = trigger(ctx, req)
  return { ...reply, headers: { ...rateLimitHeaders(window), ...reply.headers } }
}

function trigger(ctx: ApiContext, req: ApiRequest): Reply {
  const body = req.json
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return validationFailed('The request body must be a JSON object')
  }
  const recipeId = recipeIdOf(body)
  if (recipeId === undefined) return validationFailed('wrangledDataset.id must be a positive integer')
  // S1: ignoreRecipeErrors is a top-level boolean of the request. inferred: another type answers 400.
  const ignore = prop(body, 'ignoreRecipeErrors')
  if (ignore !== undefined && typeof ignore !== 'boolean')
    return validationFailed('ignoreRecipeErrors must be a boolean')
  // PROFILE-AND-RESULTS.md "Test mode": validated, nothing created (unless the edition ignores the field).
  if (prop(body, 'testMode') === true) {
    const checked = testModeReply(ctx.book, recipeId, ctx.testMode)
    if (checked !== undefined) return checked
  }
  const executionId = req.headers['x-execution-id']
  // AAC spec: a job group with the same execution id exists already → 304, nothing created (body unspecified).
  if (executionId !== undefined && ctx.store.findByExecutionId(executionId)) return { status: 304 }
  if (!ctx.recipes.has(recipeId)) return notFound(`wrangledDataset with id ${recipeId} does not exist`)
  const group = ctx.store.create(
    {
      recipeId,
      scenario: ctx.scenarioFor(recipeId),
      executionId,
      overrides: prop(body, 'overrides'),
      runParameters: prop(body, 'runParameters'),
      ignoreRecipeErrors: prop(body, 'ignoreRecipeErrors')
    },
    ctx.now
  )
  return json(201, runJobBody(group))
}

function jobGroupItem(ctx: ApiContext, req: ApiRequest, rawId: string, sub: string): Reply {
  const handler = ITEM_HANDLERS.get(`${req.method} ${sub}`)
  if (handler === undefined || (ctx.legacy && MISSING_IN_LEGACY.has(sub))) return routeNotFound(req)
  if (!profileCallServed(ctx.profileCalls, sub)) return routeNotFound(req)
  const id = positiveInteger(rawId)
  if (id === undefined) return validationFailed(`Invalid jobGroup id: ${rawId}`)
  const group = ctx.store.get(id)
  return group && visible(ctx, group) ? handler(ctx, group) : notFound(`jobGroup with id ${id} does not exist`)
}

function visibleGroup(ctx: ApiContext, id: number): JobGroup | undefined {
  const group = ctx.store.get(id)
  return group && visible(ctx, group) ? group : undefined
}

function visible(ctx: ApiContext, group: JobGroup): boolean {
  return seenBy(ctx.replica, group.createdAt)
}

function shownStatus(ctx: ApiContext, group: JobGroup): string {
  return ctx.replica?.status ?? statusAt(group, ctx.now)
}

function cancel(ctx: ApiContext, group: JobGroup): Reply {
  ctx.store.cancel(group, ctx.now)
  return json(200, cancelBody(group))
}

/** Editions without the profile calls answer 404 (PROFILE-AND-RESULTS.md: "Expect 404 on editions without them"). */
function profileCallServed(calls: ProfileCalls, sub: string): boolean {
  if (sub === 'profile') return calls !== 'none'
  return sub !== 'profileResults' || calls === 'both'
}

/** The wrangledDataset.id of a runJobGroup body, when it is a valid one. */
export function recipeIdOf(body: unknown): number | undefined {
  return positiveInteger(prop(prop(body, 'wrangledDataset'), 'id'))
}

function mediaType(header: string | undefined): string | undefined {
  return header?.split(';')[0]?.trim().toLowerCase() || undefined
}

function acceptsJson(accept: string): boolean {
  return accept
    .split(',')
    .some((range) => ['application/json', 'application/*', '*/*'].includes(mediaType(range) ?? ''))
}
