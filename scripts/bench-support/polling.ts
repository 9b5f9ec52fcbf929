/**
 * Polling cost and lateness of the real waiter on a fake clock: simulated jobs whose durations vary (normally,
 * with a standard deviation of `spread` × the nominal duration, cut at ±3 standard deviations), waited on by the
 * history-aware schedule (its past runs drawn from the same spread, from one 3 × too short, or none), by today's
 * backoff and by fixed pollers, over many seeds. Counts requests (the lookup included) and lateness.
 */
import type { JobStatus } from '../../src/api/job-groups.ts'
import { nextDelay, type ScheduleName } from '../../src/run/schedule.ts'
import { waitForJobGroup } from '../../src/run/waiter.ts'
import { expectedEnd } from '../../src/targets/past-runs.ts'
import { FakeClock, seeded } from '../../test/support/fake-clock.ts'

const DEADLINE_MS = 12 * 3_600_000
const PAST_RUNS = 10
/** The action's defaults. */
export const BOUNDS = { minMs: 2_000, maxMs: 60_000 }

export interface Job {
  name: string
  runMs: number
}

export interface Poller {
  name: string
  schedule: ScheduleName
  /** For `fixed`: the interval. */
  everyMs?: number
}

/** What the history says: drawn from the job's own spread, 3 × too short, or nothing. */
export type HistoryKind = 'same' | 'short' | 'none'

export interface Case {
  job: Job
  spread: number
  poller: Poller
  history: HistoryKind
  /** The job fails at a seeded point in the first half of its nominal duration instead of completing. */
  failsEarly?: boolean
}

export interface CaseResult {
  meanRequests: number
  maxRequests: number
  medianLatenessMs: number
  p90LatenessMs: number
  maxLatenessMs: number
  /** The largest lateness / bound, where the bound is max(poll-interval, min(25% of the end, 5 min)). */
  worstFailRatio: number
  /** The largest lateness / today's bound, max(poll-interval, 10% of the end) within max-poll-interval. */
  worstBackoffRatio: number
}

/** A standard normal draw, cut at ±3. */
function normal(random: () => number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  return Math.max(-3, Math.min(3, z))
}

function duration(job: Job, spread: number, random: () => number, factor = 1): number {
  return Math.max(1_000, job.runMs * factor * (1 + spread * normal(random)))
}

async function simulate(c: Case, seed: number): Promise<{ requests: number; latenessMs: number; endMs: number }> {
  const clock = new FakeClock(0)
  const random = seeded(seed)
  const factor = c.history === 'short' ? 1 / 3 : 1
  const past = Array.from({ length: PAST_RUNS }, () => duration(c.job, c.spread, random, factor))
  const expected = c.history === 'none' ? undefined : expectedEnd(past)
  const endMs = c.failsEarly ? random() * 0.5 * c.job.runMs : duration(c.job, c.spread, random)
  const final: JobStatus = c.failsEarly ? 'Failed' : 'Complete'
  const bounds = c.poller.everyMs ? { minMs: c.poller.everyMs, maxMs: c.poller.everyMs } : BOUNDS
  let requests = c.poller.schedule === 'history' ? 1 : 0 // the lookup
  const outcome = await waitForJobGroup({
    readStatus: async () => (requests++, clock.now() > endMs ? final : 'InProgress'),
    clock,
    startedAt: 0,
    deadline: DEADLINE_MS,
    minDelayMs: bounds.minMs,
    maxDelayMs: bounds.maxMs,
    nextDelay: (elapsed) => nextDelay(c.poller.schedule, elapsed, bounds, expected, random)
  })
  if (outcome.kind !== 'terminal') throw new Error(`${c.job.name}, ${c.poller.name}: the wait ended ${outcome.kind}`)
  return { requests, latenessMs: clock.now() - endMs, endMs }
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

export async function runCase(c: Case, seeds: number): Promise<CaseResult> {
  const lateness: number[] = []
  let total = 0
  let maxRequests = 0
  let worstFailRatio = 0
  let worstBackoffRatio = 0
  for (let seed = 1; seed <= seeds; seed++) {
    const { requests, latenessMs, endMs } = await simulate(c, seed)
    total += requests
    maxRequests = Math.max(maxRequests, requests)
    lateness.push(latenessMs)
    const bound = Math.max(BOUNDS.minMs, Math.min(0.25 * endMs, 300_000))
    worstFailRatio = Math.max(worstFailRatio, latenessMs / bound)
    const today = Math.min(BOUNDS.maxMs, Math.max(BOUNDS.minMs, 0.1 * endMs))
    worstBackoffRatio = Math.max(worstBackoffRatio, latenessMs / today)
  }
  lateness.sort((a, b) => a - b)
  return {
    meanRequests: total / seeds,
    maxRequests,
    medianLatenessMs: quantile(lateness, 0.5),
    p90LatenessMs: quantile(lateness, 0.9),
    maxLatenessMs: lateness.at(-1)!,
    worstFailRatio,
    worstBackoffRatio
  }
}
