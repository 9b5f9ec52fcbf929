/**
 * What a run's job groups logged and published, read once the run has ended: the logs (as the `logs` input
 * says) and the publications of at most `MAX_READ_JOB_GROUPS` job groups. A failure to read is a warning and
 * never changes the run's result; an edition without logs is said once.
 */
import type { ApiClient, Budget } from '../api/api-client.ts'
import type { Job } from '../api/job-groups.ts'
import type { Written } from '../api/job-outputs.ts'
import type { Config } from '../inputs/inputs.ts'
import { appLink, type LogsPolicy } from '../inputs/results-inputs.ts'
import { log } from '../shared/log.ts'
import { redact } from '../shared/secrets.ts'
import type { JobGroupLogs } from './job-logs.ts'
import { readPublications, type Publications } from './publications.ts'
import type { ReportDir } from './report-dir.ts'

export type { LogsPolicy } from '../inputs/results-inputs.ts'

/** Job groups whose logs and publications are read (the first ones of a flow or plan). */
export const MAX_READ_JOB_GROUPS = 10
/** Stages tailed in a failed job group that names no failed stage. */
const MAX_TAILED_STAGES = 5

export interface ResultsOptions {
  logs: LogsPolicy
  /** Lines of each failed stage's job.log kept for the step log. */
  logLines: number
  dir?: ReportDir
  /** The job page, for the notice that an edition gives no logs. */
  jobUrl: (jobGroupId: number) => string
}

/** A job group as the run's final reads found it. */
export interface EndedJobGroup {
  id: number
  status?: string
  stages: Job[]
  /** What it wrote (GET /outputs, read once it completed). */
  written?: Written
}

/** What was read of one job group: undefined where nothing was asked. */
export interface JobGroupResults {
  logs?: JobGroupLogs
  publications?: Publications
}

/** A job group as the report shows it: every stage, its page, what it logged and published. */
export interface JobGroupReport extends EndedJobGroup, JobGroupResults {
  url: string
}

/** The reader of what a configured run's job groups logged and published. */
export function resultsFor(config: Config, client: ApiClient, dir: ReportDir | undefined): JobResults {
  const jobUrl = (id: number): string => appLink(config, `/jobs/${id}`)
  return new JobResults(client, { logs: config.logs, logLines: config.logLines, dir, jobUrl })
}

export class JobResults {
  private readonly client: ApiClient
  private readonly options: ResultsOptions
  private toldNoLogs = false

  constructor(client: ApiClient, options: ResultsOptions) {
    this.client = client
    this.options = options
  }

  /** The job groups for the report, with what was read of them (nothing when the step is being stopped). */
  async report(groups: EndedJobGroup[], budget: Budget, stopping: boolean): Promise<JobGroupReport[]> {
    const found = stopping ? new Map<number, JobGroupResults>() : await this.read(groups, budget)
    return groups.map((group) => ({ ...group, url: this.options.jobUrl(group.id), ...found.get(group.id) }))
  }

  /** Reads, one job group after the other (one archive in memory at a time), within the budget. */
  async read(groups: EndedJobGroup[], budget: Budget): Promise<Map<number, JobGroupResults>> {
    const results = new Map<number, JobGroupResults>()
    for (const group of groups.slice(0, MAX_READ_JOB_GROUPS)) {
      if (budget.signal?.aborted) break
      const found: JobGroupResults = {}
      if (group.status === 'Complete' || group.status === 'Failed') {
        found.publications = await readPublications(this.client, group.id, budget)
        if (found.publications.state === 'failed') {
          log.warning(`Could not read what job ${group.id} published: ${found.publications.detail}`)
        }
      }
      if (this.wantsLogs(group)) found.logs = await this.logs(group, budget)
      results.set(group.id, found)
    }
    return results
  }

  private wantsLogs(group: EndedJobGroup): boolean {
    const { logs } = this.options
    if (logs === 'never') return false
    if (logs === 'always') return ['Complete', 'Failed', 'Canceled'].includes(group.status ?? '')
    return group.status === 'Failed'
  }

  private async logs(group: EndedJobGroup, budget: Budget): Promise<JobGroupLogs> {
    const failed = group.stages.filter((s) => s.status === 'Failed').map((s) => s.id)
    const stageIds = failed.length > 0 || group.status !== 'Failed' ? failed : group.stages.map((s) => s.id)
    // Loaded only when logs are read: the ZIP library is no part of a run that needs none.
    const { readJobGroupLogs } = await import('./job-logs.ts')
    const logs = await readJobGroupLogs(this.client, {
      jobGroupId: group.id,
      stageIds: stageIds.slice(0, MAX_TAILED_STAGES),
      tailLines: this.options.logLines,
      budget,
      clean: redact,
      dir: this.options.dir
    })
    if (logs.state === 'not-available' && !this.toldNoLogs) {
      this.toldNoLogs = true
      log.info(
        `This edition gives no job logs through the API (GET /v4/jobGroups/${group.id}/logs answered ` +
          `${logs.detail}); the job page shows them: ${this.options.jobUrl(group.id)}`
      )
    }
    if (logs.state === 'failed') log.warning(`Could not read the logs of job ${group.id}: ${logs.detail}`)
    for (const note of logs.notes) log.warning(`Logs of job ${group.id}: ${note}`)
    return logs
  }
}
