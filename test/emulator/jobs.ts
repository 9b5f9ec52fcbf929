// The job-group model: a job group's status and its stages' states are computed from the time elapsed since
// creation (Date.now()) and its scenario, so they are deterministic; only POST /cancel changes a job group.
import { randomUUID } from 'node:crypto'
import type { ProfileSpec } from './profiles.ts'
import type { JobGroupOrigin, JobScenario, OutputLists, RanFrom, StageSpec, TerminalStatus } from './types.ts'

const DEFAULT_DURATION_MS = 1500
// Spec enum (Created, InProgress) as a new job group shows them.
const DEFAULT_STATUSES = ['Created', 'InProgress']
const DEFAULT_STAGES: StageSpec[] = [{ jobType: 'wrangle' }, { jobType: 'filewriter' }]
// inferred: no source quotes a stage failure text; this one reads like a Photon failure.
const DEFAULT_ERROR_MESSAGE = 'Job failed: java.lang.RuntimeException: Photon job exited with code 1'

interface Scenario extends Pick<JobScenario, 'logArchive' | 'publications'> {
  durationMs: number
  statuses: string[]
  finalStatus: TerminalStatus
  stages: StageSpec[]
  outputs?: OutputLists
  profile?: ProfileSpec
}

export interface Stage {
  readonly id: number
  readonly jobType: string
  readonly startAt: number
  readonly endAt: number
  /** How the stage ends when nobody cancels the job group. */
  readonly outcome: TerminalStatus
  readonly errorMessage: string | null
  /** Shown as the failing stage's `errorMessage` instead of `{message: errorMessage}`. */
  readonly errorObject?: Record<string, unknown>
}

export interface JobGroup {
  readonly id: number
  readonly recipeId: number
  readonly createdAt: number
  /** createdAt + durationMs: when the scenario's terminal status is reached. */
  readonly finishAt: number
  readonly scenario: Scenario
  readonly stages: Stage[]
  readonly sessionId: string
  readonly executionId?: string
  readonly overrides?: unknown
  readonly runParameters?: unknown
  /** The request's top-level ignoreRecipeErrors (S1), as received. */
  readonly ignoreRecipeErrors?: unknown
  readonly origin: JobGroupOrigin
  readonly ranfrom: RanFrom
  /** The flow run that created this job group (POST /v4/flows/{id}/run). */
  readonly flowRunId?: number
  /** Set by POST /cancel while the job group was running. */
  canceledAt?: number
}

export interface NewJobGroup {
  recipeId: number
  scenario?: JobScenario
  executionId?: string
  overrides?: unknown
  runParameters?: unknown
  ignoreRecipeErrors?: unknown
  /** Default 'api'. */
  origin?: JobGroupOrigin
  /** Default 'api'. */
  ranfrom?: RanFrom
  flowRunId?: number
}

export interface StageState {
  status: string
  createdAt: number
  updatedAt: number
  percentComplete: number
  errorMessage: string | null
}

export class JobStore {
  private readonly groups = new Map<number, JobGroup>()
  private nextGroupId: number
  private nextStageId: number

  constructor(firstJobGroupId: number) {
    this.nextGroupId = firstJobGroupId
    // Stage ids live in another range than job-group ids, so a client mixing them up gets a 404.
    this.nextStageId = firstJobGroupId * 10 + 1
  }

  create(input: NewJobGroup, now: number): JobGroup {
    const scenario = resolveScenario(input.scenario)
    const firstStageId = this.nextStageId
    this.nextStageId += scenario.stages.length
    const group: JobGroup = {
      id: this.nextGroupId++,
      recipeId: input.recipeId,
      createdAt: now,
      finishAt: now + scenario.durationMs,
      scenario,
      stages: planStages(scenario, now, firstStageId),
      sessionId: randomUUID(),
      executionId: input.executionId,
      overrides: input.overrides,
      runParameters: input.runParameters,
      ignoreRecipeErrors: input.ignoreRecipeErrors,
      origin: input.origin ?? 'api',
      ranfrom: input.ranfrom ?? 'api',
      flowRunId: input.flowRunId
    }
    this.groups.set(group.id, group)
    return group
  }

  get(id: number): JobGroup | undefined {
    return this.groups.get(id)
  }

  findByExecutionId(executionId: string): JobGroup | undefined {
    return this.all().find((group) => group.executionId === executionId)
  }

  /** Every job group in creation order. */
  all(): JobGroup[] {
    return [...this.groups.values()]
  }

  /** Cancels a running job group at once; a finished one is left unchanged. */
  cancel(group: JobGroup, now: number): void {
    if (!isTerminal(statusAt(group, now))) group.canceledAt = now
  }
}

/**
 * How a read replica that lags behind shows job groups, flow runs and plan snapshot runs ('stale' and
 * 'not-found-while-new' faults); the `now` it is used with is then the instant it shows.
 */
export interface Replica {
  /** Records created after this instant (epoch ms) are unknown: 404 on their routes, missing from lists. */
  readonly hiddenAfter?: number
  /** Shown instead of the status of a job group, flow run or plan snapshot run asked for by id. */
  readonly status?: string
}

/** Whether a record created at `createdAt` is known to the replica (always, without one). */
export function seenBy(replica: Replica | undefined, createdAt: number): boolean {
  return replica?.hiddenAfter === undefined || createdAt <= replica.hiddenAfter
}

export function isTerminal(status: string): boolean {
  return status === 'Complete' || status === 'Failed' || status === 'Canceled'
}

export function statusAt(group: JobGroup, t: number): string {
  const cancelAt = cancelTime(group)
  if (cancelAt !== undefined && t >= cancelAt) return 'Canceled'
  if (t >= group.finishAt) return group.scenario.finalStatus
  return group.scenario.statuses[statusIndex(group, t)] ?? 'Created'
}

/** The time of the last status change (once terminal: the finish time). */
export function updatedAtOf(group: JobGroup, t: number): number {
  const cancelAt = cancelTime(group)
  if (cancelAt !== undefined && t >= cancelAt) return cancelAt
  if (t >= group.finishAt) return group.finishAt
  return group.createdAt + Math.round(statusIndex(group, t) * slotMs(group.scenario))
}

/** A stage's state at time t; createdAt/updatedAt are the stage's own start and last change. */
export function stageAt(group: JobGroup, stage: Stage, t: number): StageState {
  const stoppedAt = interruptedAt(group, stage, t)
  const clock = stoppedAt ?? t
  const createdAt = clock >= stage.startAt ? stage.startAt : group.createdAt
  const state = { createdAt, errorMessage: null, percentComplete: 0 }
  if (stoppedAt !== undefined) return { ...state, status: 'Canceled', updatedAt: stoppedAt }
  if (t < stage.startAt) return { ...state, status: 'Created', updatedAt: createdAt }
  if (t < stage.endAt)
    return { ...state, status: 'InProgress', updatedAt: stage.startAt, percentComplete: progress(stage, t) }
  // inferred: percentComplete of a stage that did not complete is not documented; 0 is shown.
  const percentComplete = stage.outcome === 'Complete' ? 100 : 0
  return { ...state, status: stage.outcome, updatedAt: stage.endAt, percentComplete, errorMessage: stage.errorMessage }
}

/** Reads a property of a parsed JSON value without trusting its shape. */
export function prop(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
}

/** A positive integer given as a number or a numeric string. */
export function positiveInteger(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined
}

function resolveScenario(scenario: JobScenario = {}): Scenario {
  return {
    ...scenario,
    durationMs: Math.max(0, scenario.durationMs ?? DEFAULT_DURATION_MS),
    statuses: scenario.statuses?.length ? scenario.statuses : DEFAULT_STATUSES,
    finalStatus: scenario.finalStatus ?? 'Complete',
    stages: scenario.stages ?? DEFAULT_STAGES,
    outputs: scenario.outputs,
    profile: scenario.profile
  }
}

function slotMs(scenario: Scenario): number {
  return scenario.durationMs / scenario.statuses.length
}

function statusIndex(group: JobGroup, t: number): number {
  const index = Math.floor(Math.max(0, t - group.createdAt) / slotMs(group.scenario))
  return Math.min(group.scenario.statuses.length - 1, index)
}

/** A cancel through the API, or the scenario's own cancel at the finish time. */
function cancelTime(group: JobGroup): number | undefined {
  return group.canceledAt ?? (group.scenario.finalStatus === 'Canceled' ? group.finishAt : undefined)
}

/** When a cancel interrupted this stage (it had not finished by then), if it did by time t. */
function interruptedAt(group: JobGroup, stage: Stage, t: number): number | undefined {
  const cancelAt = cancelTime(group)
  return cancelAt !== undefined && t >= cancelAt && stage.endAt >= cancelAt ? cancelAt : undefined
}

function progress(stage: Stage, t: number): number {
  return Math.floor((100 * (t - stage.startAt)) / (stage.endAt - stage.startAt))
}

/**
 * Stages run one after the other from the start of the 'InProgress' status (or creation, when the scenario has
 * none) to the finish time. On a Failed scenario the failing stage ends the run; later stages end Canceled.
 */
function planStages(scenario: Scenario, createdAt: number, firstId: number): Stage[] {
  const finishAt = createdAt + scenario.durationMs
  const inProgress = Math.max(0, scenario.statuses.indexOf('InProgress'))
  const runStart = createdAt + inProgress * slotMs(scenario)
  const failing = scenario.finalStatus === 'Failed' ? failingStage(scenario.stages) : -1
  const running = failing >= 0 ? failing + 1 : scenario.stages.length
  const stageMs = (finishAt - runStart) / running
  return scenario.stages.map((spec, i) => ({
    id: firstId + i,
    jobType: spec.jobType,
    startAt: i < running ? Math.round(runStart + i * stageMs) : finishAt,
    endAt: i < running ? Math.round(runStart + (i + 1) * stageMs) : finishAt,
    outcome: stageOutcome(i, failing),
    errorMessage: i === failing ? (spec.errorMessage ?? DEFAULT_ERROR_MESSAGE) : null,
    errorObject: i === failing ? spec.errorObject : undefined
  }))
}

function failingStage(stages: StageSpec[]): number {
  const marked = stages.findIndex((stage) => stage.errorMessage !== undefined || stage.errorObject !== undefined)
  return marked >= 0 ? marked : stages.length - 1
}

function stageOutcome(index: number, failing: number): TerminalStatus {
  if (failing < 0 || index < failing) return 'Complete'
  return index === failing ? 'Failed' : 'Canceled'
}
