/**
 * Attach: wait on a job group that already runs (`job-id`). Nothing is started, and it is never cancelled here.
 * The job group is read once before the wait: one that does not exist fails the step at once, saying so, instead
 * of a wait that loses contact with a job that was never there.
 */
import { ApiError } from '../api/api-error.ts'
import type { JobGroupsApi } from '../api/job-groups.ts'
import { JobGroupRun } from './job-group-run.ts'
import type { RunKind, StartContext, Started } from './run-kind.ts'

/** The job group named by job-id does not exist (or the token's user cannot see it). */
export class JobGroupNotFoundError extends Error {
  readonly jobId: number
  constructor(jobId: number, error: ApiError) {
    const rid = error.requestId ? ` (request id ${error.requestId})` : ''
    super(
      `Job group ${jobId} was not found: check job-id, the id of a job group that the token's user can see (in the ` +
        `app, the number in /jobs/<id>). GET /v4/jobGroups/${jobId} answered ${error.status}${rid}.`
    )
    this.name = 'JobGroupNotFoundError'
    this.jobId = jobId
  }
}

export class AttachedJobGroup extends JobGroupRun implements RunKind {
  readonly label: string
  private readonly jobId: number
  constructor(api: JobGroupsApi, jobId: number) {
    super(api)
    this.jobId = jobId
    this.label = `job group ${jobId}`
  }

  async start(ctx: StartContext): Promise<Started> {
    try {
      await this.api.get(this.jobId, { deadline: ctx.deadline, signal: ctx.signal })
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) throw new JobGroupNotFoundError(this.jobId, error)
      throw error
    }
    return {
      ref: { kind: 'job-group', id: this.jobId, jobGroupIds: [this.jobId] },
      requestId: '',
      adopted: false,
      attached: true
    }
  }
}
