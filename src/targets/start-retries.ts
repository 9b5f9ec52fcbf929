/**
 * What every start shares: the one retry loop set up for a start (the step's deadline, signal and log), and the
 * failure that says a run may have started and where to look, when its outcome cannot be settled. The rules of
 * when to send again differ per kind (a recipe's job group can be looked up, a flow or plan run cannot) and are
 * given as the loop's hooks.
 */
import type { ApiResponse } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'
import { formatMs } from '../shared/format.ts'
import {
  isUnreadableAnswer,
  PERSISTENT_FAILURE_MS,
  reason,
  REFUSED_MS,
  triggerDecision,
  withRetries,
  type RetryOptions
} from '../api/retry-policy.ts'
import { TransportError } from '../http/transport-failures.ts'
import type { StartContext, Started } from './run-kind.ts'

/** The start may have created a run, and it could not be settled whether it did: it is not sent again. */
export class TriggerUnsettledError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TriggerUnsettledError'
  }
}

export interface Unsettled {
  /** `job`, `flow run`, `plan run`. */
  thing: string
  /** Where a user can look, ending before "started after …": `the job history (<url>) for a job of recipe 7`. */
  where: string
  stepStartedAt: number
}

/** `The <thing> may have started: <what>. … Look in <where> started after <time> before re-running.` */
export function mayHaveStarted(unsettled: Unsettled, what: string, requestId: string): TriggerUnsettledError {
  const started = new Date(unsettled.stepStartedAt).toISOString()
  return new TriggerUnsettledError(
    `The ${unsettled.thing} may have started: ${what}. To avoid running it twice, the trigger is not sent again.` +
      `${requestId ? ` Request id: ${requestId}.` : ''}` +
      ` Look in ${unsettled.where} started after ${started} before re-running.`
  )
}

export type StartHooks<T> = Required<Pick<RetryOptions<T>, 'retryable' | 'beforeRetry' | 'describe'>>

/** `attempt` in the one retry loop, within the step's deadline, logging persistent retries as warnings. */
export function startWithRetries<T>(
  ctx: StartContext,
  what: string,
  attempt: () => Promise<T>,
  hooks: StartHooks<T>
): Promise<T> {
  return withRetries(attempt, {
    what,
    clock: ctx.clock,
    deadline: ctx.deadline,
    persistMs: PERSISTENT_FAILURE_MS,
    refusedMs: REFUSED_MS,
    signal: ctx.signal,
    halt: ctx.halt,
    random: ctx.random,
    onRetry: (message, persistent) => (persistent ? ctx.log.warning(message) : ctx.log.debug(message)),
    ...hooks
  })
}

export function requestIdOf(failure: unknown): string {
  return failure instanceof ApiError ? failure.requestId : ''
}

/** A start whose run cannot be looked up afterwards (a flow run, a plan run). */
export interface OneShotStart<T> {
  /** `POST /v4/flows/7/run`. */
  what: string
  unsettled: Unsettled
  send(): Promise<ApiResponse<T>>
  /** The run the answer names; undefined when it names none. May throw a definite failure. */
  read(response: ApiResponse<T>): Started | undefined
}

/**
 * Send a start that no history can settle: again only when the server certainly did nothing (429, connection
 * refused, host not found). A lost, unreadable or 304 answer fails with "may have started" and where to look, and
 * nothing more is sent.
 */
export function startOnce<T>(ctx: StartContext, start: OneShotStart<T>): Promise<Started> {
  const unsettled = (what: string, requestId: string): TriggerUnsettledError =>
    mayHaveStarted(start.unsettled, what, requestId)
  const attempt = async (): Promise<Started> => {
    let response: ApiResponse<T>
    try {
      response = await start.send()
    } catch (error) {
      if (isUnreadableAnswer(error)) {
        const status = (error as ApiError | TransportError).status
        throw unsettled(`the server answered ${status} with an answer that could not be read`, requestIdOf(error))
      }
      if (error instanceof TransportError && error.kind === 'aborted')
        throw unsettled('the workflow was cancelled while the start was being sent', '')
      throw error
    }
    if (response.status === 304) {
      const what = 'the server answered 304 Not Modified (a run with this execution id exists) without naming it'
      throw unsettled(what, response.requestId)
    }
    const started = start.read(response)
    if (!started) throw unsettled(`the server answered ${response.status} without naming the run`, response.requestId)
    return started
  }
  return startWithRetries(ctx, start.what, attempt, {
    retryable: (error) => triggerDecision(error) !== 'fail',
    beforeRetry: (failure) =>
      triggerDecision(failure) === 'reconcile' || triggerDecision(failure) === 'settle'
        ? Promise.reject(unsettled(`its answer was lost (${reason(failure)})`, requestIdOf(failure)))
        : Promise.resolve(undefined),
    describe: (failure, delay) =>
      `${start.what} failed (${reason(failure)}); the server did not act on it, sending again in ${formatMs(delay)}`
  })
}
