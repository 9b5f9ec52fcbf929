/** Attach: wait on a job group that already runs (`job-id`). Nothing is started, and it is never cancelled here. */
import type { JobGroupsApi } from '../api/job-groups.ts'
import { JobGroupRun } from './job-group-run.ts'
import type { RunKind, Started } from './run-kind.ts'

export class AttachedJobGroup extends JobGroupRun implements RunKind {
  readonly label: string
  private readonly jobId: number
  constructor(api: JobGroupsApi, jobId: number) {
    super(api)
    this.jobId = jobId
    this.label = `job group ${jobId}`
  }

  start(): Promise<Started> {
    return Promise.resolve({
      ref: { kind: 'job-group', id: this.jobId, jobGroupIds: [this.jobId] },
      requestId: '',
      adopted: false,
      attached: true
    })
  }
}
