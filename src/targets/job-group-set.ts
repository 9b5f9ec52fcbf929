/**
 * Several job groups run together (a flow run's): their overall status, and their cancel, which cancels each
 * job group not yet seen finished. No call cancels a flow run as a whole. This is also all the post step needs of
 * a saved flow run, whose job group ids it has.
 */
import type { Budget } from '../api/api-client.ts'
import { isTerminal, type CancelOutcome, type JobGroupsApi, type JobStatus } from '../api/job-groups.ts'
import { listed, overallStatus } from '../report/run-parts.ts'
import { NEW_JOB_GROUP_MS } from './job-group-run.ts'
import type { RunRef } from './run-kind.ts'

export class JobGroupSet {
  protected readonly api: JobGroupsApi
  /** The last status read of each job group; a terminal one is final, so that job group needs no cancel. */
  protected readonly seen = new Map<number, JobStatus>()
  /** When this step created the job groups (epoch ms); 0 for ones it did not create (the post step's). */
  protected createdAt = 0
  constructor(api: JobGroupsApi) {
    this.api = api
  }

  /** Every job group's status, read a few at a time, combined; a 404 right after creation is a lagging read. */
  async status(ref: RunRef, budget: Budget): Promise<JobStatus> {
    const newUntil = this.createdAt && this.createdAt + NEW_JOB_GROUP_MS
    const statuses = await inBatches(ref.jobGroupIds, (id) => this.api.status(id, budget, newUntil))
    ref.jobGroupIds.forEach((id, i) => this.seen.set(id, statuses[i]!))
    return overallStatus(statuses)
  }

  /** Cancels, a few at a time, each job group not seen finished (cancelling a finished one would do nothing). */
  async cancel(ref: RunRef, budget: Budget): Promise<CancelOutcome> {
    const running = ref.jobGroupIds.filter((id) => !isTerminal(this.seen.get(id)))
    const outcomes = await inBatches(running, (id) => this.api.cancel(id, budget))
    return combineCancels(running, outcomes)
  }
}

/** Requests under way at once for one run: a run of hundreds of job groups must not flood the API. */
const AT_ONCE = 8

/** `fn` over `items`, at most `AT_ONCE` at a time, results in order. */
export async function inBatches<T, R>(items: T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  for (let i = 0; i < items.length; i += AT_ONCE)
    results.push(...(await Promise.all(items.slice(i, i + AT_ONCE).map(fn))))
  return results
}

/** One outcome for several cancels: failed if any failed, unsupported if none could be, else cancelled. Pure. */
export function combineCancels(ids: number[], outcomes: CancelOutcome[]): CancelOutcome {
  const failed = outcomes.flatMap((o, i) => (o.kind === 'failed' ? [`job ${ids[i]}: ${o.error.message}`] : []))
  if (failed.length > 0) return { kind: 'failed', error: new Error(listed(failed)) }
  const cancelled = outcomes.flatMap((o) => (o.kind === 'cancelled' ? [o] : []))
  const unsupported = ids.filter((_, i) => outcomes[i]!.kind === 'unsupported')
  const requestIds = outcomes.map((o) => ('requestId' in o ? o.requestId : '')).filter(Boolean)
  if (cancelled.length === 0 && unsupported.length > 0) return { kind: 'unsupported', requestId: requestIds[0] ?? '' }
  const partial = unsupported.length
    ? `Job groups ${listed(unsupported)} could not be cancelled through the API (404) and may keep running.`
    : undefined
  return { kind: 'cancelled', requestId: listed(requestIds, 3), ...(partial && { partial }) }
}
