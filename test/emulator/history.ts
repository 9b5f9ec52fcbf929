// The job history: GET /v4/jobLibrary (newer) and GET /v4/jobGroups (deprecated), {data: [jobGroup…], count}.
// Sources (REAL-API-SHAPES.md "GET /v4/jobLibrary"): S1 types both as LJobGroupList; the jobLibrary query has
// `limit, offset, sort, dateFilter, ranfrom, status, ranfor, …`, the deprecated list no `dateFilter`. The default
// page is 25 (S1, S4, the old vendor pages); a third-party toolkit reports pages top out near 100; an edition may
// ignore `sort`. A filter is one entry of FILTERS: add one there for a new query parameter.
import { jobGroupBody } from './bodies.ts'
import { seenBy, statusAt } from './jobs.ts'
import type { JobGroup, JobStore, Replica } from './jobs.ts'
import { json, validationFailed } from './replies.ts'
import type { Reply } from './replies.ts'

export type HistoryEndpoint = '/v4/jobLibrary' | '/v4/jobGroups'

/** How the history answers (EmulatorOptions.history). */
export interface HistoryOptions {
  /** A `limit` above this is cut to it; default 100 (inferred from the "near 100" report). */
  maxPageSize?: number
  /** 'honoured' (default), or 'ignored': oldest first whatever `sort` asks (inferred: "an edition may ignore sort"). */
  sort?: 'honoured' | 'ignored'
}

export interface HistoryContext {
  readonly now: number
  readonly store: JobStore
  readonly replica?: Replica
  readonly history: HistoryOptions
}

type Query = Record<string, string>
/** One query parameter's filter: whether a job group passes it (the parameter is given). */
type Filter = (group: JobGroup, value: string, ctx: HistoryContext) => boolean
interface FilterSpec {
  param: string
  /** The endpoints that know the parameter; the others ignore it. */
  endpoints: readonly HistoryEndpoint[]
  /** Parses the value; undefined: invalid (400). */
  valid?: (value: string) => boolean
  passes: Filter
}

const DEFAULT_LIMIT = 25
const DEFAULT_MAX_PAGE = 100
const BOTH: readonly HistoryEndpoint[] = ['/v4/jobLibrary', '/v4/jobGroups']
const digits = (value: string): boolean => /^\d+$/.test(value)

/** A filter given as a comma-separated list (absent: anything goes). */
const oneOf = (value: string, actual: string): boolean => value.split(',').includes(actual)

const FILTERS: readonly FilterSpec[] = [
  // S1: dateFilter[createdAt][gte]=<epoch ms> on jobLibrary only.
  {
    param: 'dateFilter[createdAt][gte]',
    endpoints: ['/v4/jobLibrary'],
    valid: digits,
    passes: (group, value) => group.createdAt >= Number(value)
  },
  // inferred: every job group of the emulator runs a recipe.
  { param: 'ranfor', endpoints: BOTH, passes: (_group, value) => oneOf(value, 'recipe') },
  // S1 lists status and ranfrom for jobLibrary; inferred: the deprecated list filters on them too.
  { param: 'status', endpoints: BOTH, passes: (group, value, ctx) => oneOf(value, statusAt(group, ctx.now)) },
  { param: 'ranfrom', endpoints: BOTH, passes: (group, value) => oneOf(value, group.ranfrom) }
]

/** A page of the history: limit, offset, sort and the filters of FILTERS. */
export function listHistory(ctx: HistoryContext, endpoint: HistoryEndpoint, query: Query): Reply {
  const limit = count(query.limit, DEFAULT_LIMIT)
  const offset = count(query.offset, 0)
  const filters = FILTERS.filter((filter) => filter.endpoints.includes(endpoint) && query[filter.param] !== undefined)
  const invalid = filters.find((filter) => filter.valid && !filter.valid(query[filter.param]!))
  if (limit === undefined || offset === undefined || invalid !== undefined) {
    const names = ['limit', 'offset', ...FILTERS.filter((f) => f.valid).map((f) => f.param)]
    return validationFailed(`${names.join(', ')} must be non-negative integers`)
  }
  // inferred: newest first when no sort is given.
  const sort = query.sort ?? '-createdAt'
  if (sort !== '-createdAt' && sort !== 'createdAt') return validationFailed(`Unsupported sort: ${sort}`)
  const matching = ctx.store
    .all()
    .filter((group) => seenBy(ctx.replica, group.createdAt))
    .filter((group) => filters.every((filter) => filter.passes(group, query[filter.param]!, ctx)))
    .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)
  if (sort === '-createdAt' && ctx.history.sort !== 'ignored') matching.reverse()
  const size = Math.min(limit, ctx.history.maxPageSize ?? DEFAULT_MAX_PAGE)
  const data = matching.slice(offset, offset + size).map((group) => jobGroupBody(group, ctx.now))
  return json(200, { data, count: matching.length })
}

function count(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback
  return digits(text) ? Number(text) : undefined
}
