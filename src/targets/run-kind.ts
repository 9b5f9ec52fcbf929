/**
 * The seam for kinds of runs: a recipe's job group, an existing job group (attach), a flow run, a plan run.
 * Each kind is one module behind `RunKind`; `run.ts` drives any of them the same way. Adding a kind means adding
 * a module here and a case in `index.ts`.
 */
import type { Budget } from '../api/api-client.ts'
import type { Clock } from '../shared/clock.ts'
import type { CancelOutcome, Job, JobStatus } from '../api/job-groups.ts'
import type { RunDetails, Started } from '../report/run-parts.ts'
import type { RunRef } from '../runner/state.ts'
import type { PastRuns } from './past-runs.ts'

export type { RunKindName, RunRef } from '../runner/state.ts'
export type { RunDetails, Started } from '../report/run-parts.ts'

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
  /** When the run is expected to end, from its recipes' past runs; absent: this kind has no such history. */
  pastRuns?(ref: RunRef, budget: Budget): Promise<PastRuns>
  /** Whether its status tells a run still queued from a running one (job groups: `Created`, `Pending`). */
  readonly showsQueue?: boolean
}
