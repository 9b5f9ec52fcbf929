// Profiles of job groups: GET /v4/jobGroups/{id}/profile and /profileResults.
// Sources (PROFILE-AND-RESULTS.md "Profile of a job group"; REAL-API-SHAPES.md "Per job group"):
// - S1 `LJobGroupFlowNodeProfile` and S5 (the pypi `trifacta` client, which reads these keys at the top of /profile):
//   columnTypes, profilerTypeCheckHistograms ({key: VALID|EMPTY|INVALID, count}), profilerRules
//   ({id, type, comment, description, status, updatedAt, passCount, failCount, totalCount}),
//   profilerValidValueHistograms (numeric {min, max, roundMin, roundMax, quartiles, buckets} or categorical
//   {k, c, ub, topk}; S5 reads one object per column, S1 types it as a list: both forms are served).
// - S4: without profiling, both calls answer 400 ProfilingDataNotFoundException.
// - Editions without the calls (Dataprep Standard exposes only three job-group calls) answer 404.
import type { JobGroup } from './jobs.ts'
import { prop, statusAt } from './jobs.ts'
import { exception, json } from './replies.ts'
import type { Reply } from './replies.ts'

/** One column of an output's profile: how many of its values are valid, empty and mismatched. */
export interface ColumnProfileSpec {
  /** The column's type name (columnTypes); default 'String'. */
  type?: string
  valid: number
  empty?: number
  invalid?: number
  /** How its valid values are described (profilerValidValueHistograms); default by type: Integer/Decimal numeric. */
  values?: 'numeric' | 'categorical' | 'numeric-list' | 'none'
}

/** One data-quality rule's result on a column. */
export interface RuleProfileSpec {
  column: string
  /** The rule's description as the app shows it, e.g. `email matches pattern`. */
  description: string
  passCount: number
  failCount: number
  /** Default: 'pass' when failCount is 0, else 'fail'. 'invalid': the rule could not be checked. */
  status?: 'pass' | 'fail' | 'invalid'
  type?: string
}

/** One output's profile. */
export interface OutputProfileSpec {
  /** The key of /profileResults (inferred: the output's flow node id); default the recipe id. */
  nodeId?: number
  columns: Record<string, ColumnProfileSpec>
  rules?: RuleProfileSpec[]
}

/** What a profiled job group's profile holds: its outputs (the first is what /profile answers). */
export interface ProfileSpec {
  outputs: OutputProfileSpec[]
}

/** Which of the calls this edition has. 'none': both answer 404 (Dataprep Standard). */
export type ProfileCalls = 'both' | 'profile' | 'none'

// inferred: a job group profiled without a profile in its scenario gets three clean columns of 1000 rows.
const DEFAULT_PROFILE: ProfileSpec = {
  outputs: [
    {
      columns: {
        id: { type: 'Integer', valid: 1000 },
        email: { type: 'String', valid: 990, empty: 10 },
        amount: { type: 'Decimal', valid: 1000 }
      }
    }
  ]
}

/** Whether a job group ran with profiling: overrides.profiler, or a 'profile' stage (as profilingEnabled says). */
export function isProfiled(group: JobGroup): boolean {
  return prop(group.overrides, 'profiler') === true || group.stages.some((stage) => stage.jobType === 'profile')
}

/** GET /v4/jobGroups/{id}/profile (`results` false) or /profileResults (`results` true). */
export function profileReply(group: JobGroup, now: number, results: boolean): Reply {
  // inferred: a job group that has not completed has no profile yet, answered as one without profiling.
  if (!isProfiled(group) || statusAt(group, now) !== 'Complete') {
    return exception(
      400,
      'ProfilingDataNotFoundException',
      'Profiling data not found',
      `No profiling data for jobGroup ${group.id}`
    )
  }
  const spec = group.scenario.profile ?? DEFAULT_PROFILE
  if (!results) return json(200, outputProfile(spec.outputs[0]!, group))
  return json(
    200,
    Object.fromEntries(spec.outputs.map((o) => [String(o.nodeId ?? group.recipeId), outputProfile(o, group)]))
  )
}

/** One output's profile in S1's `LJobGroupFlowNodeProfile` shape. */
function outputProfile(spec: OutputProfileSpec, group: JobGroup): object {
  const columns = Object.entries(spec.columns)
  const updatedAt = new Date(group.finishAt).toISOString()
  return {
    columnTypes: Object.fromEntries(columns.map(([name, c]) => [name, [c.type ?? 'String']])),
    profilerTypeCheckHistograms: Object.fromEntries(
      columns.map(([name, c]) => [
        name,
        [
          { key: 'VALID', count: c.valid },
          { key: 'EMPTY', count: c.empty ?? 0 },
          { key: 'INVALID', count: c.invalid ?? 0 }
        ]
      ])
    ),
    profilerRules: rulesByColumn(spec.rules ?? [], updatedAt),
    profilerValidValueHistograms: Object.fromEntries(
      columns.flatMap(([name, c]) => {
        const values = valueHistogram(c)
        return values === undefined ? [] : [[name, values]]
      })
    )
  }
}

function rulesByColumn(rules: RuleProfileSpec[], updatedAt: string): Record<string, object[]> {
  const byColumn: Record<string, object[]> = {}
  rules.forEach((rule, i) => {
    const status = rule.status ?? (rule.failCount === 0 ? 'pass' : 'fail')
    ;(byColumn[rule.column] ??= []).push({
      id: i + 1,
      type: rule.type ?? 'custom',
      comment: '',
      description: rule.description,
      status,
      updatedAt,
      passCount: rule.passCount,
      failCount: rule.failCount,
      totalCount: rule.passCount + rule.failCount
    })
  })
  return byColumn
}

/** The valid values' distribution, in S5's numeric or categorical object, or S1's list form. */
function valueHistogram(column: ColumnProfileSpec): unknown {
  const numericType = column.type === 'Integer' || column.type === 'Decimal'
  const form = column.values ?? (numericType ? 'numeric' : 'categorical')
  const n = column.valid
  if (form === 'none') return undefined
  if (form === 'categorical') {
    // inferred: k distinct keys, c their count, ub whether the list is cut ("unbounded"); topk the commonest.
    return {
      k: Math.min(n, 3),
      c: n,
      ub: false,
      topk: [
        { key: 'a', count: Math.ceil(n / 2) },
        { key: 'b', count: Math.floor(n / 2) }
      ]
    }
  }
  const numeric = {
    min: 0,
    max: n,
    roundMin: 0,
    roundMax: n,
    quartiles: { q1: n / 4, q2: n / 2, q3: (3 * n) / 4 },
    buckets: [
      { pos: 0, b: Math.ceil(n / 2) },
      { pos: 1, b: Math.floor(n / 2) }
    ]
  }
  return form === 'numeric-list' ? [numeric] : numeric
}
