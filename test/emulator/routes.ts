// The API: authentication, media-type checks and the /v4 jobGroups routes (API-NOTES.md "Calls").
import { checkRoute, testModeReply, type RecipeBook, type TestModeSupport } from './checks.ts'
import { cancelBody, jobGroupBody, jobsBody, outputsBody, runJobBody } from './bodies.ts'
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
const ITEM_HANDLERS = new Map<string, ItemHandler>([
  ['GET ', (ctx, group) => json(200, { ...jobGroupBody(group, ctx.now), status: shownStatus(ctx, group) })],
  ['GET status', (ctx, group) => json(200, shownStatus(ctx, group))],
  ['GET jobs', (ctx, group) => json(200, jobsBody(group, ctx.now))],
  ['GET outputs', (ctx, group) => json(200, outputsBody(group, ctx.now))],
  ['POST cancel', cancel],
  ['GET profile', (ctx, group) => profileReply(group, ctx.now, false)],
  ['GET profileResults', (ctx, group) => profileReply(group, ctx.now, true)]
])
// Legacy Dataprep Standard editions have neither /status nor /cancel.
const MISSING_IN_LEGACY = new Set(['status', 'cancel'])
const DEFAULT_LIMIT = 25
const DATE_FILTER_GTE = 'dateFilter[createdAt][gte]'

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
  if (method === 'POST' && path === '/v4/jobGroups') return runJobGroup(ctx, req)
  if (method === 'GET' && path === '/v4/jobGroups' && ctx.listing !== 'none') return list(ctx, req.query)
  if (method === 'GET' && path === '/v4/jobLibrary' && ctx.listing === 'both') return list(ctx, req.query)
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
      runParameters: prop(body, 'runParameters')
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

/** GET /v4/jobLibrary and GET /v4/jobGroups: {data, count} with limit, offset, sort and filters. */
function list(ctx: ApiContext, query: Record<string, string>): Reply {
  const limit = count(query.limit, DEFAULT_LIMIT)
  const offset = count(query.offset, 0)
  const since = count(query[DATE_FILTER_GTE], 0)
  if (limit === undefined || offset === undefined || since === undefined) {
    return validationFailed(`limit, offset and ${DATE_FILTER_GTE} must be non-negative integers`)
  }
  // inferred: newest first when no sort is given.
  const sort = query.sort ?? '-createdAt'
  if (sort !== '-createdAt' && sort !== 'createdAt') return validationFailed(`Unsupported sort: ${sort}`)
  const matching = ctx.store
    .all()
    .filter((group) => group.createdAt >= since && visible(ctx, group))
    .filter((group) => oneOf(query.ranfor, 'recipe') && oneOf(query.status, statusAt(group, ctx.now)))
    .filter((group) => oneOf(query.ranfrom, group.ranfrom))
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
  if (sort === '-createdAt') matching.reverse()
  const data = matching.slice(offset, offset + limit).map((group) => jobGroupBody(group, ctx.now))
  return json(200, { data, count: matching.length })
}

/** Editions without the profile calls answer 404 (PROFILE-AND-RESULTS.md: "Expect 404 on editions without them"). */
function profileCallServed(calls: ProfileCalls, sub: string): boolean {
  if (sub === 'profile') return calls !== 'none'
  return sub !== 'profileResults' || calls === 'both'
}

/** A filter given as a comma-separated list (absent: anything goes). */
function oneOf(filter: string | undefined, value: string): boolean {
  return filter === undefined || filter.split(',').includes(value)
}

function count(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback
  return /^\d+$/.test(text) ? Number(text) : undefined
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
