/**
 * The poll schedule: how long to wait before the next status check, given the time elapsed since the start and,
 * where the recipe's past runs tell it, when the run is expected to end. Pure; tested directly.
 *
 * - `backoff`: about 10% of the elapsed time, within [poll-interval, max-poll-interval], so completion is noticed
 *   within max(poll-interval, 10% of the run time).
 * - `history` with an expected end (centre and spread of past durations): sparse checks before the window where
 *   the run is likely to end (each delay at most 25% of the elapsed time and at most 5 minutes, so a run that
 *   fails early is still noticed in time), dense checks through the window (denser where ending is likelier,
 *   never further apart than max-poll-interval), and the backoff rule past it (the history misled).
 * - `fixed`: every poll-interval.
 *
 * Inside the window, the gap before a check at time t is sqrt(2 · CHECK_COST_MS / hazard(t)): the spacing that
 * minimises lateness plus CHECK_COST_MS per check for a run whose end has that hazard rate. The hazard is a
 * logistic distribution's (a normal-like bell with heavier tails), matched to the centre and spread.
 */
import type { ExpectedEnd } from '../targets/past-runs.ts'

export type ScheduleName = 'history' | 'backoff' | 'fixed'

export interface ScheduleBounds {
  /** poll-interval: no delay is shorter. */
  minMs: number
  /** max-poll-interval: no delay in the window or past it is longer. */
  maxMs: number
}

/** Backoff: share of the elapsed time used as the next delay. */
const BACKOFF_SHARE = 0.1
/** Before the window, no delay is longer than this share of the elapsed time … */
const EARLY_SHARE = 0.25
/** … nor than this. */
const EARLY_CAP_MS = 5 * 60_000
/**
 * The window where the run is likely to end: centre − BEFORE × spread to centre + AFTER × spread. From its start
 * no delay is longer than max-poll-interval; past its centre none longer than the backoff rule's; past its end
 * the backoff rule alone.
 */
const WINDOW_BEFORE = 2
const WINDOW_AFTER = 1.5
/** What one check costs, in ms of lateness; sets how dense the checks in the window are. */
const CHECK_COST_MS = 600
/**
 * The share of runs taken to end unlike the history (much later): past the centre the chance of ending soon
 * falls again, so a history that misled costs few extra checks.
 */
const MISLED_SHARE = 0.05
/** The logistic distribution's scale for a standard deviation of 1: √3 / π. */
const LOGISTIC_SCALE = Math.sqrt(3) / Math.PI
/** Jitter only shortens a delay (by up to this share), so every bound holds. */
const JITTER_SHARE = 0.02
/** Steps of the scan for the next check before it is refined by bisection. */
const SCAN_STEPS = 64

/** The next delay for `schedule`; `expected` is used by `history` only (without it, `history` is `backoff`). */
export function nextDelay(
  schedule: ScheduleName,
  elapsedMs: number,
  bounds: ScheduleBounds,
  expected?: ExpectedEnd,
  random: () => number = Math.random
): number {
  const elapsed = Math.max(0, Number.isFinite(elapsedMs) ? elapsedMs : 0)
  if (schedule === 'fixed') return bounds.minMs
  const base =
    schedule === 'history' && usable(expected) ? historyDelay(elapsed, bounds, expected) : backoff(elapsed, bounds)
  const jittered = base * (1 - JITTER_SHARE * random())
  return Math.max(bounds.minMs, Math.floor(jittered))
}

/** About 10% of the elapsed time, within the bounds. */
export function backoff(elapsedMs: number, bounds: ScheduleBounds): number {
  return clamp(elapsedMs * BACKOFF_SHARE, bounds.minMs, bounds.maxMs)
}

/** The longest delay allowed before the window: max(poll-interval, min(25% of the elapsed time, 5 minutes)). */
export function earlyCap(elapsedMs: number, bounds: ScheduleBounds): number {
  return Math.max(bounds.minMs, Math.min(elapsedMs * EARLY_SHARE, EARLY_CAP_MS))
}

/** Where the run is likely to end: [start, end] in ms since the start. */
export function windowOf(expected: ExpectedEnd): { startMs: number; endMs: number } {
  return {
    startMs: expected.centreMs - WINDOW_BEFORE * expected.spreadMs,
    endMs: expected.centreMs + WINDOW_AFTER * expected.spreadMs
  }
}

function historyDelay(elapsed: number, bounds: ScheduleBounds, expected: ExpectedEnd): number {
  const window = windowOf(expected)
  if (elapsed >= window.endMs) return backoff(elapsed, bounds)
  const wanted = (t: number): number => {
    const gap = hazardGap(t, expected)
    if (t < window.startMs) return gap
    return Math.min(bounds.maxMs, gap, t >= expected.centreMs ? backoff(t, bounds) : Infinity)
  }
  // Past the centre, no delay is longer than the backoff rule's from here: the history may have misled.
  const cap = elapsed >= expected.centreMs ? backoff(elapsed, bounds) : earlyCap(elapsed, bounds)
  return earliestCheck(elapsed, bounds.minMs, cap, wanted)
}

/**
 * The smallest delay d in [min, cap] such that the check at elapsed + d is at least the gap wanted before it;
 * cap when none is. Scanned, then refined by bisection (the wanted gap need not fall monotonically).
 */
function earliestCheck(elapsed: number, min: number, cap: number, wanted: (t: number) => number): number {
  const enough = (d: number): boolean => d >= wanted(elapsed + d)
  if (cap <= min || enough(min)) return min
  let low = min
  for (let i = 1; i <= SCAN_STEPS; i++) {
    const high = min + ((cap - min) * i) / SCAN_STEPS
    if (enough(high)) return bisect(low, high, enough)
    low = high
  }
  return cap
}

function bisect(low: number, high: number, enough: (d: number) => boolean): number {
  while (high - low > 1) {
    const middle = (low + high) / 2
    if (enough(middle)) high = middle
    else low = middle
  }
  return high
}

/**
 * sqrt(2 · cost / hazard(t)): the gap between checks that minimises lateness plus CHECK_COST_MS per check, for an
 * end whose hazard rate at t is hazard(t). The end is taken as logistic around the centre with the spread, except
 * for MISLED_SHARE of runs that end far later.
 */
function hazardGap(t: number, expected: ExpectedEnd): number {
  const scale = expected.spreadMs * LOGISTIC_SCALE
  const ended = 1 / (1 + Math.exp(-(t - expected.centreMs) / scale))
  const density = ((1 - MISLED_SHARE) * ended * (1 - ended)) / scale
  const running = (1 - MISLED_SHARE) * (1 - ended) + MISLED_SHARE
  return Math.sqrt((2 * CHECK_COST_MS * running) / Math.max(density, Number.MIN_VALUE))
}

function usable(expected: ExpectedEnd | undefined): expected is ExpectedEnd {
  return (
    expected !== undefined &&
    Number.isFinite(expected.centreMs) &&
    Number.isFinite(expected.spreadMs) &&
    expected.centreMs > 0 &&
    expected.spreadMs > 0
  )
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value))
}
