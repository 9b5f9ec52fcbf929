/**
 * Several job groups run together (a flow run's): their overall status, and their cancel, which cancels each
 * job group not yet seen finished. No call cancels a flow run as a whole. This is also all the post step needs of
 * a saved flow run, whose job group ids it has.
 */
import type { Budget } from '../api-client.ts'
import { isTerminal, type CancelOutcome, type JobGroupsApi, type JobStatus } from '../job-groups.ts'
import { overallStatus } from '../run-parts.ts'
import type { RunRef } from './run-kind.ts'

export class JobGroupSet {
  protected readonly api: JobGroupsApi
  /** The last status read of each job group; a terminal one is final, so that job group needs no cancel. */
  protected readonly seen = new Map<number, JobStatus>()
  constructor(api: JobGroupsApi) {
    this.api = api
  }

  /** Every job group's status, read in parallel, combined. */
  async status(ref: RunRef, budget: Budget): Promise<JobStatus> {
    const statuses = await Promise.all(ref.jobGroupIds.map((id) => this.api.status(id, budget)))
    ref.jobGroupIds.forEach((id, i) => this.seen.set(id, statuses[i]!))
    return overallStatus(statuses)
  }

  /** Cancels, in parallel, each job group not seen finished (cancelling a finished one would do nothing). */
  async cancel(ref: RunRef, budget: Budget): Promise<CancelOutcome> {
    const running = ref.jobGroupIds.filter((id) => !isTerminal(this.seen.get(id)))
    const outcomes = await Promise.all(running.map((id) => this.api.cancel(id, budget)))
    return combineCancels(running, outcomes)
  }
}

/** One outcome for several cancels: failed if any failed, unsupported if none could be, else cancelled. Pure. */
export function combineCancels(ids: number[], outcomes: CancelOutcome[]): CancelOutcome {
  const failed = outcomes.flatMap((o, i) => (o.kind === 'failed' ? [`job ${ids[i]}: ${o.error.message}`] : []))
  if (failed.length > 0) return { kind: 'failed', error: new Error(failed.join(' ')) }
  const cancelled = outcomes.flatMap((o) => (o.kind === 'cancelled' ? [o] : []))
  const unsupported = ids.filter((_, i) => outcomes[i]!.kind === 'unsupported')
  const requestIds = outcomes.map((o) => ('requestId' in o ? o.requestId : '')).filter(Boolean)
  if (cancelled.length === 0 && unsupported.length > 0) return { kind: 'unsupported', requestId: requestIds[0] ?? '' }
  const partial = unsupported.length
    ? `Job groups ${unsupported.join(', ')} could not be cancelled through the API (404) and may keep running.`
    : undefined
  return { kind: 'cancelled', requestId: requestIds.join(', '), ...(partial && { partial }) }
}
