/**
 * A run that is one job group (a recipe run, or an attached job group): its status, cancel and report reads.
 * The recipe and attach kinds differ only in how the job group comes to be.
 */
import type { Budget } from '../api-client.ts'
import { isStatus, isTerminal, type CancelOutcome, type Job, type JobGroupsApi, type JobStatus } from '../job-groups.ts'
import { quietly } from '../log.ts'
import type { RunDetails, RunRef } from './run-kind.ts'

/** For this long after this step created a job group, a 404 on it is a lagging read, not an answer. */
export const NEW_JOB_GROUP_MS = 60_000

export class JobGroupRun {
  protected readonly api: JobGroupsApi
  /** When this step created the job group (epoch ms); 0 for one it did not create. */
  protected createdAt = 0
  constructor(api: JobGroupsApi) {
    this.api = api
  }

  status(ref: RunRef, budget: Budget): Promise<JobStatus> {
    return this.api.status(ref.id, budget, this.createdAt && this.createdAt + NEW_JOB_GROUP_MS)
  }

  cancel(ref: RunRef, budget: Budget): Promise<CancelOutcome> {
    return this.api.cancel(ref.id, budget)
  }

  stages(ref: RunRef, budget: Budget): Promise<Job[]> {
    return this.api.stages(ref.id, budget)
  }

  async details(ref: RunRef, budget: Budget, status: JobStatus | undefined): Promise<RunDetails> {
    const id = ref.id
    const group = await quietly(`GET /v4/jobGroups/${id} for the report`, () => this.api.get(id, budget))
    const created = Date.parse(group?.createdAt ?? '')
    const updated = Date.parse(group?.updatedAt ?? '')
    const stages = (await quietly(`GET /v4/jobGroups/${id}/jobs`, () => this.api.stages(id, budget))) ?? []
    // A status that is no string (or no status at all) tells nothing: it never reaches the report.
    const recorded = isStatus(group?.status) ? group.status : undefined
    const final = status ?? recorded
    const written =
      final === 'Complete'
        ? await quietly(`GET /v4/jobGroups/${id}/outputs`, () => this.api.outputs(id, budget))
        : undefined
    return {
      status: recorded,
      createdAt: Number.isFinite(created) ? created : undefined,
      finishedAt: isTerminal(recorded) && Number.isFinite(updated) ? updated : undefined,
      stages,
      written
    }
  }
}
