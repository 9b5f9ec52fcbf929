/**
 * The report: what is known about the run's ending, gathered by `run.ts` and told by `publish.ts` (outputs) and
 * `summary.ts` (the step summary). The functions here are pure.
 */
import { OUTPUT, type OutputName } from './action-spec.ts'
import { formatMs } from './format.ts'
import type { Config } from './inputs.ts'
import type { Job, JobGroupOutputs, JobStatus } from './job-groups.ts'
import type { RunParameter } from './overrides.ts'

/** `unknown-start`: the start may have created a run that could not be found; `error`: nothing was started. */
export type Ending =
  | 'complete'
  | 'failed'
  | 'canceled'
  | 'timeout'
  | 'workflow-cancelled'
  | 'not-waited'
  | 'lost-contact'
  | 'unknown-start'
  | 'error'

export interface RunReport {
  ending: Ending
  jobId?: number
  recipeId?: number
  /** Waited on an existing job group (`job-id`) instead of triggering one. */
  attached: boolean
  /** Found in the job history after the trigger's answer was lost. */
  adopted: boolean
  status?: string
  durationMs?: number
  requestId: string
  jobUrl?: string
  engine?: string
  runParameters: RunParameter[]
  /** The first `MAX_STAGES` stages; `stagesOmitted` says how many more there were. */
  stages: Job[]
  stagesOmitted?: number
  written?: JobGroupOutputs
  /** Sentences on what happened around the job (cancel requested, job keeps running, …). */
  notes: string[]
  /** The failure, when the step fails for a reason other than the job's own status. */
  error?: string
  /** Link to this workflow run. */
  runUrl?: string
}

/** Stages kept for the summary and the `jobs` output; a run with more is cut, with a note. */
export const MAX_STAGES = 200

/** Files and tables kept for the `written` output, of each. */
const MAX_WRITTEN = 500

function boundedWritten(written: JobGroupOutputs): JobGroupOutputs {
  return { files: written.files.slice(0, MAX_WRITTEN), tables: written.tables.slice(0, MAX_WRITTEN) }
}

/** An empty report for the configured run. */
export function newReport(config: Config): RunReport {
  return {
    ending: 'error',
    recipeId: config.target.kind === 'recipe' ? config.target.recipeId : undefined,
    attached: false,
    adopted: false,
    requestId: '',
    engine: typeof config.overrides?.execution === 'string' ? config.overrides.execution : undefined,
    runParameters: config.runParameters,
    stages: [],
    notes: [],
    runUrl: workflowRunUrl()
  }
}

export function endingOf(status: JobStatus): Ending {
  return status === 'Complete' ? 'complete' : status === 'Failed' ? 'failed' : 'canceled'
}

function workflowRunUrl(): string | undefined {
  const {
    GITHUB_SERVER_URL: server,
    GITHUB_REPOSITORY: repo,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: attempt
  } = process.env
  if (!server || !repo || !runId) return undefined
  return `${server}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
}

/** The action's outputs for a report. Pure. */
export function reportOutputs(report: RunReport): Record<OutputName, string> {
  return {
    [OUTPUT.jobId]: report.jobId === undefined ? '' : String(report.jobId),
    [OUTPUT.status]: report.status ?? '',
    [OUTPUT.requestId]: report.requestId,
    [OUTPUT.jobUrl]: report.jobUrl ?? '',
    [OUTPUT.durationSeconds]: report.durationMs === undefined ? '' : String(Math.round(report.durationMs / 1000)),
    [OUTPUT.jobs]: JSON.stringify(report.stages.map((s) => ({ id: s.id, type: s.jobType, status: s.status }))),
    [OUTPUT.written]: report.written ? JSON.stringify(boundedWritten(report.written)) : ''
  }
}

/** `Job 4100: InProgress after 1m20s (wrangle InProgress, filewriter Pending)`. Pure. */
export function progressLine(jobId: number, status: string, elapsedMs: number, stages: Job[] = []): string {
  const detail = stages.length > 0 ? ` (${stages.map((s) => `${s.jobType} ${s.status}`).join(', ')})` : ''
  return `Job ${jobId}: ${status} after ${formatMs(elapsedMs)}${detail}`
}
