// Public types of the emulator's flow runs and plan snapshot runs.
// Sources: /work/shared/reference/AAC-AUTH-FLOWS-PLANS.md ("Running a whole flow", "Running a plan", "Editions")
// and the runFlow / flowRuns names and types of aac-v4-jobgroup-derived.json.
import type { JobGroupOrigin, JobGroupView, JobScenario } from './types.ts'

/** One output of a flow: a run of the flow runs one job group per output, on the output's recipe. */
export interface FlowOutputSpec {
  /** The recipe (wrangledDataset) id; runFlow's `wrangledDatasetIds` select outputs by it. */
  recipeId: number
  /** The output's (recipe's) name: the key of runFlow's `overrides`. */
  name: string
  /** This output's job groups; default `scenarios[recipeId]`, then `scenario`. */
  scenario?: JobScenario
}

export interface FlowSpec {
  /** What GET /v4/flows/{id} names it; default `Flow <id>`. */
  name?: string
  outputs: FlowOutputSpec[]
}

/** A task of a plan: it runs the outputs of a flow (`flowId`) or the `outputs` given here. */
export interface PlanTaskSpec {
  name: string
  /** Runs one job group per output of `flows[flowId]`; a flowId missing from `flows` is a missing flow reference. */
  flowId?: number
  /** The outputs this task runs when it names no flow (or instead of the flow's outputs). */
  outputs?: FlowOutputSpec[]
  /** Scenario of every job group of this task; default each output's own scenario. */
  scenario?: JobScenario
}

export type ValidationStatus = 'Valid' | 'MissingFlowReferences'

export interface PlanSpec {
  /** Default `Plan <id>`. */
  name?: string
  /** Run one after the other; a task that does not complete ends the plan run. At least one. */
  tasks: PlanTaskSpec[]
  /** Default 'MissingFlowReferences' when a task's flowId is not in `flows`, else 'Valid'. */
  validationStatus?: ValidationStatus
  /** POST /cancel reports `failedToCancelSomeJobs: true` and leaves the running task's job groups running. */
  failToCancelSomeJobs?: boolean
  /**
   * 'per-run' (default): every run makes a new snapshot of the plan; 'reuse': runs share the plan's latest snapshot,
   * whose nodes then hold the task runs of several runs (inferred: a plan unchanged since its last snapshot).
   */
  snapshots?: 'per-run' | 'reuse'
  /**
   * 'snapshot' (default): GET /v4/planSnapshotRuns/{id} names the snapshot's plan in `plan` (S1 and a third-party
   * toolkit's notes); 'absent': no `plan` field, so a client must find the snapshot as S2 does, through the plan's
   * `planSnapshots.data` (inferred: an edition that leaves it out; S2 never reads it).
   */
  runPlanRef?: 'snapshot' | 'absent'
}

/** 'standard': Trifacta / Dataprep Standard, where every flow-run and plan-run call is refused. */
export type Edition = 'enterprise' | 'standard'

export interface FlowPlanOptions {
  /** Flows by id. Their recipes count as known recipes for POST /v4/jobGroups too. */
  flows?: Record<number, FlowSpec>
  /** Plans by id. */
  plans?: Record<number, PlanSpec>
  /** Default 'standard' with `legacy: true`, else 'enterprise'. */
  edition?: Edition
  /** What the 'standard' edition answers on flow and plan calls; default 403. */
  standardRefusal?: 403 | 404
  /** Per-window quota on POST /v4/flows/{id}/run (429 TooManyRequestsException when spent). */
  flowQuota?: { limit: number; windowMs: number }
  /** Per-window quota on POST /v4/plans/{id}/run. */
  planQuota?: { limit: number; windowMs: number }
}

/** A job group of a flow run or plan task, with the name of the output it runs. */
export type OutputRunView = JobGroupView & { name: string }

/** A flow run as the emulator sees it now (for test assertions). */
export interface FlowRunView {
  id: number
  flowId: number
  /** What GET /v4/flowRuns/{id}/status answers now. */
  status: string
  /** Epoch ms. */
  createdAt: number
  executionId?: string
  /** 'api': the client's (POST /v4/flows/{id}/run); 'foreign': another client's ('foreign-job-group' fault). */
  origin: JobGroupOrigin
  /** Requested with ?runAsync=true. */
  runAsync: boolean
  /** The request body as received, parsed (undefined when empty). */
  body: unknown
  jobGroupIds: number[]
  /** In the flow's output order; `overrides` is what each job group got: the body's overrides[name] + execution. */
  outputs: OutputRunView[]
}

export interface PlanTaskRunView {
  name: string
  /** Derived from its job groups like a flow run's status; 'NotStarted' while they do not exist yet. */
  status: string
  /** Empty until the task starts. */
  jobGroups: OutputRunView[]
}

/** A plan snapshot run as the emulator sees it now (for test assertions). */
export interface PlanRunView {
  id: number
  planId: number
  /** The snapshot plan's id the run was made on. */
  snapshotId: number
  /** What GET /v4/planSnapshotRuns/{id} shows as `status` now. */
  status: string
  validationStatus: ValidationStatus
  /** Epoch ms. */
  startedAt: number
  /** Epoch ms, once terminal. */
  finishedAt?: number
  executionId?: string
  /** 'api': the client's (POST /v4/plans/{id}/run); 'foreign': another client's ('foreign-job-group' fault). */
  origin: JobGroupOrigin
  /** The request body's planNodeOverrides, as received. */
  planNodeOverrides?: unknown
  /** POST /cancel was called while the run was running. */
  canceled: boolean
  failedToCancelSomeJobs: boolean
  tasks: PlanTaskRunView[]
}
