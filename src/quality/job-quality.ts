/** What is known of one job group's data: its profile, its baseline's, and how they compare. Types and labels. */
import type { OutputComparison } from './compare.ts'
import type { OutputProfile } from './profile.ts'

/** A profile read, or why there is none (ran without profiling, an edition without the call, a failed read). */
export type ProfileState =
  | { kind: 'profiled'; outputs: OutputProfile[] }
  | { kind: 'none'; why: string; reason: 'not-profiled' | 'unsupported' | 'unreadable' | 'not-complete' }

/** The job group compared with, or why there is none. */
export type BaselineState =
  { kind: 'found'; jobGroupId: number; createdAt?: string; profile: ProfileState } | { kind: 'missing'; why: string }

export interface JobQuality {
  jobGroupId: number
  /** `job 4100`, or `output 'Sales' (job 4101)` in a flow or plan. */
  label: string
  profile: ProfileState
  baseline?: BaselineState
  /** One per output found on both sides. */
  comparisons: OutputComparison[]
}

/** What the report holds of the data: every job group's profile and baseline, the gate's verdict, notes. */
export interface QualityReport {
  jobs: JobQuality[]
  verdict: Verdict
  /** How the baseline was chosen (`scheduled`, `last`, `job 4090`), when one was asked for. */
  baselineAsked?: string
  /** Job groups whose profile was not read (beyond the bound). */
  jobsOmitted: number
  notes: string[]
}

/** How messages name an output: the job's label alone when it has one output, else with the output's key. */
export function outputLabel(
  job: Pick<JobQuality, 'label'>,
  output: Pick<OutputProfile, 'key'>,
  outputs: number
): string {
  return outputs <= 1 || output.key === '' ? job.label : `${job.label} output ${output.key}`
}

export type QualityStatus = 'passed' | 'failed' | 'not-checked'

export interface GateFailure {
  /** The output as messages name it, e.g. `job 4100`. */
  output: string
  column?: string
  /** The check, as the gate names it: `missing`, `rules`, `min-rows`, … */
  check: string
  /** What was found, e.g. `60 missing (6%)`. */
  figure: string
  /** The limit it broke, as written, e.g. `5%`; or why it could not be checked. */
  limit: string
}

export interface Verdict {
  status: QualityStatus
  failures: GateFailure[]
  /** Why the data was not checked (no gate, or the run did not complete). */
  why?: string
}
