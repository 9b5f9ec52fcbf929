/**
 * Runs of several job groups (a flow's outputs, a plan's tasks): their parts, the overall status, and how the
 * report names them. Pure.
 */
import { isTerminal, type Job, type JobGroup, type JobStatus } from '../api/job-groups.ts'
import type { Written } from '../api/job-outputs.ts'
import { appLink, type AppLinks } from '../inputs/results-inputs.ts'
import type { EndedJobGroup } from '../results/job-results.ts'
import type { RunRef } from '../runner/state.ts'

export interface Started {
  ref: RunRef
  /** The x-trifacta-request-id of the call that started it ('' when attached). */
  requestId: string
  /** Found in the job history after the start's answer was lost. */
  adopted: boolean
  /** Started elsewhere: this step waits on it but never cancels it. */
  attached: boolean
  /** The run's own id, for a flow run or plan snapshot run (the flow-run-id / plan-run-id outputs). */
  flowRunId?: number
  planRunId?: number
}

/** What the report shows besides the status. */
export interface RunDetails {
  status?: JobStatus
  /** Epoch ms, as the server recorded them. */
  createdAt?: number
  finishedAt?: number
  stages: Job[]
  written?: Written
  /** A flow's or plan's job groups, one part each (a plan task without one is a part too). */
  parts?: RunPart[]
  /** Each job group read, with its own stages (all of them, for the report folder). */
  jobGroups?: EndedJobGroup[]
}

/**
 * The run's times for the report, each pair on one clock: the duration on the runner's (from the start's answer to
 * the end of the wait, `seenAt` to `endedAt`), since the server's may be hours off; the start and end as the server
 * recorded them when it gave both, else as this step saw them. Pure.
 */
export function runTimes(
  details: Pick<RunDetails, 'createdAt' | 'finishedAt'>,
  attached: boolean,
  seenAt: number,
  endedAt: number
): { startedAt: number; finishedAt: number; durationMs: number } {
  const { createdAt, finishedAt } = details
  const onServer = !attached && createdAt !== undefined && finishedAt !== undefined
  return {
    startedAt: onServer ? createdAt : seenAt,
    finishedAt: onServer ? finishedAt : endedAt,
    durationMs: Math.max(0, endedAt - seenAt)
  }
}

/** One job group of a flow or plan run, as the report shows it. */
export interface RunPart {
  /** The plan task it belongs to. */
  task?: string
  /** The output's (recipe's) name, where the server gives it. */
  name?: string
  recipeId?: number
  /** Undefined for a plan task without a job group (not started). */
  jobGroupId?: number
  status?: string
  /** From creation to the terminal status. */
  durationMs?: number
}

/** What the report adds for a flow or plan run. */
export interface CompositeRun {
  /** `flow 7`, `plan 5`: what messages call the run, where a recipe's run is called `job <id>`. */
  subject: string
  /** The flow's or plan's page in the app. */
  url: string
  /** The app's job pages, `<jobsUrl>/<job group id><linkQuery>`. */
  jobsUrl: string
  /** What every link into the app ends with (project-id's `?projectId=…`); none: ''. */
  linkQuery?: string
  flowRunId?: number
  planRunId?: number
  /** One per job group, a plan's in task order. */
  parts: RunPart[]
  /** When the run started and finished, as the server recorded it (epoch ms). */
  startedAt?: number
  finishedAt?: number
}

/**
 * The overall status of the parts: while any part runs, `InProgress` (or the running status they share);
 * then `Complete` only if every part completed, `Failed` if any failed, else `Canceled`.
 */
export function overallStatus(statuses: readonly JobStatus[]): JobStatus {
  const running = statuses.filter((s) => !isTerminal(s))
  if (running.length > 0) return running.every((s) => s === running[0]) ? running[0]! : 'InProgress'
  if (statuses.includes('Failed')) return 'Failed'
  return statuses.includes('Canceled') ? 'Canceled' : 'Complete'
}

/** A job group as a part of a run. */
export function partOf(group: JobGroup, task?: string): RunPart {
  const recipe = group.wrangledDataset
  const ms = Date.parse(group.updatedAt ?? '') - Date.parse(group.createdAt ?? '')
  return {
    task,
    name: typeof recipe?.name === 'string' ? recipe.name : undefined,
    recipeId: typeof recipe?.id === 'number' ? recipe.id : undefined,
    jobGroupId: group.id,
    status: group.status,
    durationMs: isTerminal(group.status) && Number.isFinite(ms) && ms >= 0 ? ms : undefined
  }
}

/** `output 'Sales'`, `recipe 71`: what a part runs, or '' when unknown. */
export function partName(part: RunPart): string {
  return part.name ? `output '${part.name}'` : part.recipeId !== undefined ? `recipe ${part.recipeId}` : ''
}

/** `task 'Load', output 'Sales' (job 4100)`: a part, as messages name it. */
export function describePart(part: RunPart): string {
  const words = [part.task !== undefined ? `task '${part.task}'` : '', partName(part)].filter(Boolean)
  const job = part.jobGroupId !== undefined ? `job ${part.jobGroupId}` : ''
  if (words.length === 0) return job
  return `${words.join(', ')}${job ? ` (${job})` : ''}`
}

/** `: output 'Sales' (job 4101)` — the parts that ended as the whole run did, for the failure message. */
export function partsEndedAs(run: CompositeRun | undefined, status: string | undefined): string {
  const ended = run?.parts.filter((p) => p.status === status) ?? []
  if (ended.length === 0) return ''
  const more = ended.length > 5 ? ` and ${ended.length - 5} more` : ''
  return `: ${ended.slice(0, 5).map(describePart).join('; ')}${more}`
}

/** A flow's or plan's page in the app: `/flows/{id}` as the app shows flows; `/plans/{id}` by analogy. */
export function pageUrl(links: AppLinks, what: 'flows' | 'plans', id: number): string {
  return appLink(links, `/${what}/${id}`)
}

/** `flow run 2001, job groups 4100, 4101`, `plan run 3001`: what a start created, for the log. */
export function describeStart(started: Started): string {
  const ids = started.ref.jobGroupIds
  const run = started.flowRunId
    ? `flow run ${started.flowRunId}`
    : started.planRunId
      ? `plan run ${started.planRunId}`
      : ''
  const groups = ids.length > 0 ? `job group${ids.length > 1 ? 's' : ''} ${listed(ids, 10)}` : ''
  return [run, groups].filter(Boolean).join(', ')
}

/** `a, b, c and 7 more`: at most `max` items named. Pure. */
export function listed(items: (string | number)[], max = 5): string {
  return items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '')
}
