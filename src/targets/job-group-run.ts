/**
 * A run that is one job group (a recipe run, or an attached job group): its status, cancel and report reads.
 * The recipe and attach kinds differ only in how the job group comes to be.
 */
import type { Budget } from '../api/api-client.ts'
import {
  isStatus,
  isTerminal,
  type CancelOutcome,
  type Job,
  type JobGroup,
  type JobGroupsApi,
  type JobStatus
} from '../api/job-groups.ts'
import type { Written } from '../api/job-outputs.ts'
import { log, quietly } from '../shared/log.ts'
import type { RunDetails, RunRef } from './run-kind.ts'

/** For this long after this step created a job group, a 404 on it is a lagging read, not an answer. */
export const NEW_JOB_GROUP_MS = 60_000

export class JobGroupRun {
  protected readonly api: JobGroupsApi
  /** When this step created the job group (epoch ms); 0 for one it did not create. */
  protected createdAt = 0
  /** A job group reads `Created` or `Pending` while it waits in the queue. */
  readonly showsQueue = true
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
    const { group, stages, written } = await readJobGroup(this.api, ref.id, budget, status)
    const created = Date.parse(group?.createdAt ?? '')
    const updated = Date.parse(group?.updatedAt ?? '')
    return {
      status: group?.status,
      createdAt: Number.isFinite(created) ? created : undefined,
      finishedAt: isTerminal(group?.status) && Number.isFinite(updated) ? updated : undefined,
      stages,
      written,
      jobGroups: [{ id: ref.id, status: group?.status ?? status, stages, written }]
    }
  }
}

/** A job group's reads for the report: itself, its stages, and what it wrote once complete. Failures shorten it. */
export async function readJobGroup(
  api: JobGroupsApi,
  id: number,
  budget: Budget,
  status?: JobStatus
): Promise<{ group?: JobGroup; stages: Job[]; written?: Written }> {
  const read = await quietly(`GET /v4/jobGroups/${id} for the report`, () => api.get(id, budget))
  // A status that is no string (or no status at all) tells nothing: it never reaches the report.
  const group = read && { ...read, status: isStatus(read.status) ? read.status : undefined }
  const stages = (await quietly(`GET /v4/jobGroups/${id}/jobs`, () => api.stages(id, budget))) ?? []
  // A failed job group may have written some of its outputs; a read that fails is said, and changes nothing else.
  const ended = status ?? group?.status
  const written =
    ended === 'Complete' || ended === 'Failed'
      ? await api.outputs(id, budget).catch((error: unknown) => {
          log.warning(
            `Could not read what job ${id} wrote (GET /v4/jobGroups/${id}/outputs): ${(error as Error).message}`
          )
          return undefined
        })
      : undefined
  return { group, stages, written }
}
