/**
 * The `baseline` input, and the choice of the baseline among past job groups: the last `Complete` one of the same
 * recipe that ran from a schedule (`scheduled`: production), or the last `Complete` one before this run (`last`),
 * or a job group named by id. Nothing is guessed: a row is taken only if its own fields say so (the server may
 * not have honoured the filters), and a full page that is not sorted newest first settles nothing. Pure.
 */
import { GateError } from './gate.ts'

export type Baseline = { kind: 'scheduled' } | { kind: 'last' } | { kind: 'job'; jobId: number }

/** `scheduled`, `last` or a job group id; empty text: none. Throws `GateError`. */
export function parseBaseline(text: string): Baseline | undefined {
  const raw = text.trim()
  if (raw === '') return undefined
  if (raw === 'scheduled' || raw === 'last') return { kind: raw }
  const id = /^\d+$/.test(raw) ? Number(raw) : NaN
  if (Number.isSafeInteger(id) && id > 0) return { kind: 'job', jobId: id }
  throw new GateError(
    `must be 'scheduled' (the last scheduled run of the recipe), 'last' (the last completed one) or a job group id ` +
      `(got '${raw.slice(0, 40)}').`
  )
}

/** `scheduled`, `last`, `job 4090`: how the summary names the choice. */
export function describeBaseline(baseline: Baseline): string {
  return baseline.kind === 'job' ? `job ${baseline.jobId}` : baseline.kind
}

/** What the choice needs of a row of the job library. */
export interface PastRun {
  id: number
  status?: unknown
  ranfrom?: unknown
  createdAt?: unknown
  wrangledDataset?: { id?: unknown }
}

export interface BaselineWanted {
  kind: 'scheduled' | 'last'
  recipeId: number
  /** This run's job groups: never their own baseline. */
  exclude: ReadonlySet<number>
  /** Epoch ms: only runs created before this (this run's creation), when known. */
  before?: number
}

/** The baseline, or why there is none; `readMore`: a full page without one, so the next page may hold it. */
export type Choice<T> = { found: T } | { none: string; readMore: boolean }

const createdMs = (run: PastRun): number => (typeof run.createdAt === 'string' ? Date.parse(run.createdAt) : NaN)

/**
 * The baseline among the rows of one page, or why there is none. `full`: the page was full, so older rows may
 * follow; then the rows must be newest first for the newest match to be the last one.
 */
export function pickBaseline<T extends PastRun>(rows: T[], wanted: BaselineWanted, full: boolean): Choice<T> {
  const matching = rows.filter(
    (run) =>
      run.wrangledDataset?.id === wanted.recipeId &&
      run.status === 'Complete' &&
      (wanted.kind === 'last' || run.ranfrom === 'schedule') &&
      !wanted.exclude.has(run.id) &&
      Number.isFinite(createdMs(run)) &&
      (wanted.before === undefined || createdMs(run) < wanted.before)
  )
  const what = wanted.kind === 'scheduled' ? 'scheduled run' : 'completed run'
  const times = rows.map(createdMs)
  const sorted = times.every((t, i) => i === 0 || !(t > times[i - 1]!))
  if (full && !sorted)
    return { none: `the job library answered unsorted, so the last ${what} cannot be told`, readMore: false }
  if (matching.length === 0)
    return { none: `no earlier ${what} of recipe ${wanted.recipeId} was found`, readMore: full }
  const newest = matching.reduce((a, b) => (createdMs(b) > createdMs(a) ? b : a))
  return { found: newest }
}
