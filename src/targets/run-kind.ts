/**
 * The seam for kinds of runs: a recipe's job group, an existing job group (attach), a flow run, a plan run.
 * Each kind is one module behind `RunKind`; `run.ts` drives any of them the same way. Adding a kind means adding
 * a module here and a case in `index.ts`.
 */
import type { Budget } from '../api-client.ts'
import type { Clock } from '../clock.ts'
import type { CancelOutcome, Job, JobGroupOutputs, JobStatus } from '../job-groups.ts'
import type { RunPart } from '../run-parts.ts'

export type RunKindName = 'recipe' | 'job-group' | 'flow' | 'plan'

/** What identifies a run, saved for the post step. */
export interface RunRef {
  kind: RunKindName
  /** The run's own id: the job group id, the flow run id, or the plan snapshot run id. */
  id: number
  /** Its job groups, where known (a plan's are not known when it starts). */
  jobGroupIds: number[]
}

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
  written?: JobGroupOutputs
  /** A flow's or plan's job groups, one part each (a plan task without one is a part too). */
  parts?: RunPart[]
}

export interface StartContext {
  /** Unique to this step execution, the same on every re-send. */
  executionId: string
  stepStartedAt: number
  deadline: number
  clock: Clock
  /** Aborts a request under way (a moment after the workflow is cancelled, so that its answer can still come). */
  signal?: AbortSignal
  /** Aborts at once when the workflow is cancelled: nothing more is sent. */
  halt?: AbortSignal
  random?: () => number
  log: { debug(message: string): void; warning(message: string): void }
}

export interface RunKind {
  /** For messages: `recipe 7`, `job group 4100`. */
  readonly label: string
  start(ctx: StartContext): Promise<Started>
  /** The run's overall status; throws what the API threw. */
  status(ref: RunRef, budget: Budget): Promise<JobStatus>
  cancel(ref: RunRef, budget: Budget): Promise<CancelOutcome>
  /** The stages running now, for progress lines. */
  stages(ref: RunRef, budget: Budget): Promise<Job[]>
  /** Reads for the report; a failure only shortens the report. */
  details(ref: RunRef, budget: Budget, status: JobStatus | undefined): Promise<RunDetails>
}
