/**
 * What a recipe's past runs say about when this run will end. One lookup in the job library (a second only when
 * the first page was full and still short of runs) of the last `Complete` job groups, kept to those of the
 * recipes asked about and not this step's own; their durations (`updatedAt` − `createdAt`, PROFILE-AND-RESULTS.md
 * "Past runs of the same recipe") give a robust centre and spread: the median and the median absolute deviation,
 * not the mean and standard deviation, so that one run that took three times as long does not move the window;
 * the spread has a floor, so that ten identical durations still leave a window. The server's sort and filters
 * are checked, not trusted (REAL-API-SHAPES.md "GET /v4/jobLibrary").
 */
import { DEFAULT_PAGE_ROWS, HISTORY_PAGE_ROWS } from '../api/history-pages.ts'
import type { Budget } from '../api/api-client.ts'
import { isId, type JobGroup, type JobGroupsApi } from '../api/job-groups.ts'
/** When a run is expected to end, in ms since its start: the centre and spread of its recipe's past durations. */
export interface ExpectedEnd {
  centreMs: number
  spreadMs: number
}

/** At most this many past runs (the most recent) are used; fewer than MIN_RUNS mean no history. */
export const MAX_RUNS = 10
export const MIN_RUNS = 3
/** The spread is at least this share of the centre, and at least SPREAD_FLOOR_MS. */
const SPREAD_FLOOR_SHARE = 0.05
const SPREAD_FLOOR_MS = 1_000
/** The median absolute deviation times this estimates the standard deviation of normally spread durations. */
const MAD_TO_SD = 1.4826

/** Lookups at most (pages of HISTORY_PAGE_ROWS). */
const MAX_LOOKUPS = 2
/** A past duration longer than this (the longest timeout) is a broken record, not a run. */
const MAX_DURATION_MS = 7 * 86_400_000

export interface PastRuns {
  /** Undefined when some recipe has fewer than MIN_RUNS usable past runs. */
  expected?: ExpectedEnd
  /** Usable past runs of the recipe with the fewest, at most MAX_RUNS. */
  runs: number
}

/**
 * The expected end of a run of `recipeIds` (a flow's job groups run side by side, so the latest of its recipes'),
 * from their last Complete job groups, leaving out `ownIds`. Each lookup is one attempt (`budget.persistMs` 0);
 * a failure throws, for the caller to treat as no history.
 */
export async function pastRuns(
  api: JobGroupsApi,
  recipeIds: readonly number[],
  ownIds: readonly number[],
  budget: Budget
): Promise<PastRuns> {
  if (recipeIds.length === 0) return { runs: 0 }
  const durations = new Map(recipeIds.map((id) => [id, [] as { at: number; ms: number }[]]))
  const seen = new Set(ownIds)
  let read = 0
  for (let page = 0; page < MAX_LOOKUPS; page++) {
    const query = { ranfor: 'recipe', status: 'Complete', sort: '-createdAt', limit: String(HISTORY_PAGE_ROWS) }
    // The next page starts after the rows received, not after the rows asked for (the server may cap pages).
    const offset: Record<string, string> = page === 0 ? {} : { offset: String(read) }
    const { groups, rows } = await api.list('/v4/jobLibrary', { ...query, ...offset }, { ...budget, persistMs: 0 })
    read += rows
    for (const group of groups) {
      const run = durationOf(group)
      const mine = durations.get(group.wrangledDataset?.id as number)
      if (run && mine && !seen.has(group.id)) mine.push(run)
      seen.add(group.id)
    }
    if (rows < DEFAULT_PAGE_ROWS || [...durations.values()].every((d) => d.length >= MAX_RUNS)) break
  }
  const ends = [...durations.values()].map((runs) => expectedEnd(runs.sort((a, b) => b.at - a.at).map((r) => r.ms)))
  const runs = Math.min(...[...durations.values()].map((d) => Math.min(d.length, MAX_RUNS)))
  if (ends.some((e) => e === undefined)) return { runs }
  return { expected: ends.reduce((a, b) => (b!.centreMs > a!.centreMs ? b : a)), runs }
}

/** A Complete job group's creation time and duration, when both are believable. */
function durationOf(group: JobGroup): { at: number; ms: number } | undefined {
  if (!isId(group.id) || group.status !== 'Complete') return undefined
  if (typeof group.createdAt !== 'string' || typeof group.updatedAt !== 'string') return undefined
  const at = Date.parse(group.createdAt)
  const ms = Date.parse(group.updatedAt) - at
  return Number.isFinite(ms) && ms > 0 && ms <= MAX_DURATION_MS ? { at, ms } : undefined
}

/** From durations in ms, most recent first; undefined when fewer than MIN_RUNS are usable. */
export function expectedEnd(durationsMs: readonly number[]): ExpectedEnd | undefined {
  const recent = durationsMs.filter((d) => Number.isFinite(d) && d > 0).slice(0, MAX_RUNS)
  if (recent.length < MIN_RUNS) return undefined
  const centreMs = median(recent)
  const mad = median(recent.map((d) => Math.abs(d - centreMs)))
  const spreadMs = Math.max(mad * MAD_TO_SD, centreMs * SPREAD_FLOOR_SHARE, SPREAD_FLOOR_MS)
  return { centreMs, spreadMs }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
