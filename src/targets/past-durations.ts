/**
 * What a recipe's past runs say about when this run will end: a robust centre and spread of their durations.
 * The median and the median absolute deviation, not the mean and standard deviation, so that one run that took
 * three times as long does not move the window; the spread has a floor, so that ten identical durations still
 * leave a window. Pure.
 */
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
