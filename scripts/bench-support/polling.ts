/**
 * Polling cost and lateness of the real waiter on a fake clock: simulated jobs of several run times, each waited
 * on for many seeds of the delay jitter, counting status requests and how long after completion it was noticed.
 */
import type { JobStatus } from '../../src/api/job-groups.ts'
import { waitForJobGroup } from '../../src/run/waiter.ts'
import { FakeClock, seeded } from '../../test/support/fake-clock.ts'

/** The job reports 'Created' this long before 'InProgress'. */
const CREATED_MS = 2_000
const DEADLINE_MS = 6 * 3_600_000

export interface Job {
  name: string
  runMs: number
}

export interface Poller {
  name: string
  minDelayMs: number
  maxDelayMs: number
}

export interface CaseResult {
  job: Job
  poller: Poller
  meanRequests: number
  maxRequests: number
  worstLatenessMs: number
  /** The bound for the nominal run time (each seed's own bound, for its slightly later finish, is a little larger). */
  boundMs: number
  /** Every seed noticed completion within the bound for its own run time. */
  withinBound: boolean
}

/**
 * The status a job started at time 0 and finishing at `finishMs` reports at `atMs`. The finish falls a seeded
 * fraction of a second after the nominal run time, so it is not aligned with any poller's schedule.
 */
function statusAt(finishMs: number, atMs: number): JobStatus {
  if (atMs > finishMs) return 'Complete'
  return atMs < CREATED_MS ? 'Created' : 'InProgress'
}

/** One wait on one job: the status requests made and how long after completion 'Complete' was seen. */
async function simulate(
  job: Job,
  poller: Poller,
  seed: number
): Promise<{ requests: number; latenessMs: number; boundMs: number }> {
  const clock = new FakeClock(0)
  const random = seeded(seed)
  const finishMs = job.runMs + Math.floor(random() * 1000)
  let requests = 0
  const outcome = await waitForJobGroup({
    readStatus: async () => {
      requests++
      return statusAt(finishMs, clock.now())
    },
    clock,
    startedAt: 0,
    deadline: DEADLINE_MS,
    minDelayMs: poller.minDelayMs,
    maxDelayMs: poller.maxDelayMs,
    random
  })
  if (outcome.kind !== 'terminal' || outcome.status !== 'Complete') {
    throw new Error(`${job.name} job, ${poller.name}: the wait ended ${outcome.kind} (${outcome.status}), not Complete`)
  }
  return { requests, latenessMs: clock.now() - finishMs, boundMs: latenessBoundMs(finishMs) }
}

/** The lateness the waiter promises: max(2 s, 10% of the run time). */
export function latenessBoundMs(runMs: number): number {
  return Math.max(2_000, runMs * 0.1)
}

export async function runCase(job: Job, poller: Poller, seeds: number): Promise<CaseResult> {
  let totalRequests = 0
  let maxRequests = 0
  let worstLatenessMs = 0
  let withinBound = true
  for (let seed = 1; seed <= seeds; seed++) {
    const { requests, latenessMs, boundMs } = await simulate(job, poller, seed)
    withinBound &&= latenessMs <= boundMs
    totalRequests += requests
    maxRequests = Math.max(maxRequests, requests)
    worstLatenessMs = Math.max(worstLatenessMs, latenessMs)
  }
  return {
    job,
    poller,
    meanRequests: totalRequests / seeds,
    maxRequests,
    worstLatenessMs,
    boundMs: latenessBoundMs(job.runMs),
    withinBound
  }
}
