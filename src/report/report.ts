/**
 * The report: what is known about the run's ending, gathered by `run.ts` and told by `publish.ts` (outputs) and
 * `summary.ts` (the step summary). The functions here are pure.
 */
import { OUTPUT, type OutputName } from '../inputs/action-spec.ts'
import { formatMs } from '../shared/format.ts'
import { targetLabel, type Config } from '../inputs/inputs.ts'
import type { Job, JobStatus } from '../api/job-groups.ts'
import type { Written } from '../api/job-outputs.ts'
import type { RunParameter } from '../inputs/run-parameters.ts'
import type { QualityReport } from '../quality/job-quality.ts'
import { appLink, type AppLinks } from '../inputs/results-inputs.ts'
import type { JobGroupReport } from '../results/job-results.ts'
import { pageUrl, type CompositeRun, type RunDetails } from './run-parts.ts'

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
  written?: Written
  /** Sentences on what happened around the job (cancel requested, job keeps running, …). */
  notes: string[]
  /** The failure, when the step fails for a reason other than the job's own status. */
  error?: string
  /** The failure annotation's title, when the generic one would mislead (e.g. `Could not sign in`). */
  errorTitle?: string
  /** Link to this workflow run. */
  runUrl?: string
  /** Every job group of the run (the job-ids output); a recipe's run has one. */
  jobGroupIds?: number[]
  /** A flow or plan run: what messages call it, its own id, and its parts. */
  composite?: CompositeRun
  /** The data: profiles, the baseline, the quality gate's verdict. */
  quality?: QualityReport
  /** When the run started and ended (epoch ms): as the server recorded it, else as this step saw it. */
  startedAt?: number
  finishedAt?: number
  /** The job groups read for the report: their stages, and what they logged and published. */
  jobGroups?: JobGroupReport[]
}

/** Stages kept for the summary and the `jobs` output; a run with more is cut, with a note. */
export const MAX_STAGES = 200

/** Files and tables kept for the `written` output, of each. */
const MAX_WRITTEN = 500

function boundedWritten(written: Written): Written {
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
    runUrl: workflowRunUrl(),
    composite: compositeOf(config)
  }
}

/** A flow's or plan's parts as the final reads found them; the first job group becomes job-id if none was known. */
export function addParts(report: RunReport, details: RunDetails, links: AppLinks): void {
  const { composite } = report
  if (!composite || !details.parts) return
  Object.assign(composite, { parts: details.parts, startedAt: details.createdAt, finishedAt: details.finishedAt })
  const ids = details.parts.flatMap((p) => (p.jobGroupId === undefined ? [] : [p.jobGroupId]))
  if (ids.length === 0) return
  report.jobGroupIds = ids
  report.jobId ??= ids[0]
  report.jobUrl ??= appLink(links, `/jobs/${report.jobId}`)
}

/** For a flow or plan: its subject and page, before anything runs. */
export function compositeOf(config: Config): CompositeRun | undefined {
  const { target, appUrl, appQuery } = config
  if (target.kind !== 'flow' && target.kind !== 'plan') return undefined
  const url = target.kind === 'flow' ? pageUrl(config, 'flows', target.flowId) : pageUrl(config, 'plans', target.planId)
  return { subject: targetLabel(target), url, jobsUrl: `${appUrl}/jobs`, linkQuery: appQuery, parts: [] }
}

/** What messages call the run: `flow 7`, `plan 5`, or `job 4100`. Pure. */
export function subjectOf(report: RunReport): string {
  return report.composite?.subject ?? `job ${report.jobId}`
}

/** The link messages give: the flow's or plan's page, else the job's. */
export function linkOf(report: RunReport): string | undefined {
  return report.composite?.url ?? report.jobUrl
}

/** Whether the summary lists what was written per job group (a flow's or plan's), not all together. Pure. */
export function writtenPerJobGroup(report: RunReport): boolean {
  return report.composite !== undefined && (report.jobGroups?.length ?? 0) > 0
}

/** `Job 4100`, `Flow 7`: a subject at the start of a sentence. */
export const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

export function endingOf(status: JobStatus): Ending {
  return status === 'Complete' ? 'complete' : status === 'Failed' ? 'failed' : 'canceled'
}

export function workflowRunUrl(): string | undefined {
  const {
    GITHUB_SERVER_URL: server,
    GITHUB_REPOSITORY: repo,
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: attempt
  } = process.env
  if (!server || !repo || !runId) return undefined
  return `${server}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
}

/** Set elsewhere: the refresh token by the sign-in (it rotates); `result` and `report-dir` by publish. */
type SetElsewhere = typeof OUTPUT.refreshToken | typeof OUTPUT.result | typeof OUTPUT.reportDir

/** The action's outputs for a report. Pure. */
export function reportOutputs(report: RunReport): Record<Exclude<OutputName, SetElsewhere>, string> {
  return {
    [OUTPUT.jobId]: report.jobId === undefined ? '' : String(report.jobId),
    [OUTPUT.status]: report.status ?? '',
    [OUTPUT.requestId]: report.requestId,
    [OUTPUT.jobUrl]: report.jobUrl ?? '',
    [OUTPUT.durationSeconds]: report.durationMs === undefined ? '' : String(Math.round(report.durationMs / 1000)),
    [OUTPUT.jobs]: JSON.stringify(report.stages.map((s) => ({ id: s.id, type: s.jobType, status: s.status }))),
    [OUTPUT.written]: report.written ? JSON.stringify(boundedWritten(report.written)) : '',
    [OUTPUT.quality]: report.quality?.verdict.status ?? 'not-checked',
    [OUTPUT.jobIds]: JSON.stringify(report.jobGroupIds ?? (report.jobId === undefined ? [] : [report.jobId])),
    [OUTPUT.flowRunId]: String(report.composite?.flowRunId ?? ''),
    [OUTPUT.planRunId]: String(report.composite?.planRunId ?? '')
  }
}

/** `Job 4100: InProgress after 1m20s (wrangle InProgress, filewriter Pending)`; a subject for flows and plans. Pure. */
export function progressLine(jobId: number | string, status: string, elapsedMs: number, stages: Job[] = []): string {
  const detail = stages.length > 0 ? ` (${stages.map((s) => `${s.jobType} ${s.status}`).join(', ')})` : ''
  const who = typeof jobId === 'number' ? `Job ${jobId}` : capitalised(jobId)
  return `${who}: ${status} after ${formatMs(elapsedMs)}${detail}`
}
