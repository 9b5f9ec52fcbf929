/**
 * Cancellation: stop the remote job when the workflow is cancelled (SIGINT, then SIGTERM 7.5 s later) or the
 * wait times out, and leave the post step what it needs to cancel as a backstop when the main step was killed.
 * Only a job this step triggered and waited for is ever cancelled: a `wait: false` job or an attached one
 * belongs to someone else.
 */
import { ApiError } from './api-error.ts'
import type { Budget, TrifactaClient } from './trifacta-client.ts'

/** The SIGINT → SIGTERM → kill schedule leaves 7.5 s; the cancel request must be sent well within it. */
export const SIGINT_CLEANUP_MS = 5_000
export const SIGTERM_CLEANUP_MS = 2_000

export type StopSignal = 'SIGINT' | 'SIGTERM'

/**
 * Calls `onStop` once, on the first SIGINT or SIGTERM; later signals are only reported. Returns a function that
 * removes the handlers (so a finished step exits at once).
 */
export function onWorkflowCancel(onStop: (signal: StopSignal) => void, onRepeat: (signal: StopSignal) => void): () => void {
  let stopped = false
  const handler = (signal: StopSignal): void => {
    if (stopped) return onRepeat(signal)
    stopped = true
    onStop(signal)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}

export type CancelOutcome =
  | { kind: 'cancelled'; requestId: string }
  /** This edition has no `/cancel` (legacy Dataprep Standard): the job keeps running. */
  | { kind: 'unsupported'; requestId: string }
  | { kind: 'failed'; error: Error }

/** `POST /v4/jobGroups/{id}/cancel`; a 404 means this edition cannot cancel through the API, and is not retried. */
export async function cancelJobGroup(client: TrifactaClient, jobId: number, budget: Budget): Promise<CancelOutcome> {
  try {
    const response = await client.cancel(jobId, budget)
    return { kind: 'cancelled', requestId: response.requestId }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { kind: 'unsupported', requestId: error.requestId }
    return { kind: 'failed', error: error as Error }
  }
}

/** What the main step saves for the post step (`core.saveState`). */
export interface RunState {
  jobId?: number
  /** This step started the job group (not attached with job-id). */
  triggered: boolean
  /** This step was asked to wait for it. */
  waiting: boolean
  /** The main step saw a terminal status or dealt with the ending itself (cancelled, or chose not to). */
  settled: boolean
}

export const STATE_KEYS = { isPost: 'isPost', jobId: 'jobId', triggered: 'triggered', waiting: 'waiting', settled: 'settled' } as const

export function readRunState(getState: (key: string) => string): RunState {
  const jobId = Number(getState(STATE_KEYS.jobId))
  return {
    jobId: Number.isSafeInteger(jobId) && jobId > 0 ? jobId : undefined,
    triggered: getState(STATE_KEYS.triggered) === 'true',
    waiting: getState(STATE_KEYS.waiting) === 'true',
    settled: getState(STATE_KEYS.settled) === 'true'
  }
}

/**
 * The post step cancels only a job group this step triggered and was waiting for, that it never saw finish, and
 * only when `cancel-on-workflow-cancel` is true: then the main step was killed before it could cancel. Pure.
 */
export function postStepShouldCancel(state: RunState, cancelOnWorkflowCancel: boolean): state is RunState & { jobId: number } {
  return state.jobId !== undefined && state.triggered && state.waiting && !state.settled && cancelOnWorkflowCancel
}
