/**
 * Cancellation: the workflow-cancel signals (SIGINT, then SIGTERM 7.5 s later), and the one decision to cancel
 * a run or leave it running, with its wording, used by the main step (timeout, workflow cancel) and by the post
 * step (the backstop when the main step was killed). Only a run this step started is ever cancelled.
 */
import type { Budget } from '../api/api-client.ts'
import type { CancelOutcome } from '../api/job-groups.ts'
import { log } from '../shared/log.ts'
import { listenForSignals, type StopSignal } from '../shared/signals.ts'
import type { RunKind, RunRef } from '../targets/run-kind.ts'

/** The SIGINT → SIGTERM → kill schedule leaves 7.5 s; the cancel request must be sent well within it. */
export const SIGINT_CLEANUP_MS = 5_000
export const SIGTERM_CLEANUP_MS = 2_000
/** After a cancel, the status is read once more for the report, within this long: it only adds a detail. */
export const STATUS_AFTER_CANCEL_MS = 5_000

export type { StopSignal }

/**
 * Calls `onStop` once, on the first SIGINT or SIGTERM (also one caught before this was called: the handlers are
 * installed as the step starts, see shared/signals.ts); later signals are only reported. Returns a function that
 * removes the handlers (so a finished step exits at once).
 */
export function onWorkflowCancel(onStop: (signal: StopSignal) => void): () => void {
  let stopped = false
  return listenForSignals((signal) => {
    if (stopped) return log.info(`${signal} received again; already stopping.`)
    stopped = true
    onStop(signal)
  })
}

/** Why a run is being ended early, and the input that allows cancelling it. */
export type EndReason = 'timeout' | 'workflow-cancel' | 'post-step'

const ALLOWED_BY: Record<EndReason, string> = {
  timeout: 'cancel-on-timeout',
  'workflow-cancel': 'cancel-on-workflow-cancel',
  'post-step': 'cancel-on-workflow-cancel'
}

export interface EndOptions {
  reason: EndReason
  /** Started elsewhere (job-id): never cancelled. */
  attached: boolean
  /** The input named by the reason is true. */
  allowed: boolean
  /** `job 4100`, for the wording. */
  subject: string
  url: string
  budget: Budget
}

/** The run's fate, in one sentence, and whether it was cancelled. */
export interface Fate {
  cancelled: boolean
  /** The cancel was tried and failed: the run may go on, and the post step may try again. */
  failed: boolean
  text: string
}

/** Cancel the run or leave it running, as the options say; the sentence tells which, and why. */
export async function endRun(kind: Pick<RunKind, 'cancel'>, ref: RunRef, options: EndOptions): Promise<Fate> {
  const { subject, url } = options
  const input = ALLOWED_BY[options.reason]
  if (options.attached) {
    return {
      cancelled: false,
      failed: false,
      text: `${cap(subject)} keeps running: it was started elsewhere (job-id), so this step does not cancel it.`
    }
  }
  if (!options.allowed)
    return { cancelled: false, failed: false, text: `${cap(subject)} keeps running (${input} is false): ${url}` }
  return describeCancel(await kind.cancel(ref, options.budget), options.reason, subject)
}

function describeCancel(outcome: CancelOutcome, reason: EndReason, subject: string): Fate {
  switch (outcome.kind) {
    case 'cancelled': {
      const by =
        reason === 'post-step'
          ? ' by the post step: the main step was stopped before it could cancel it'
          : ` (${ALLOWED_BY[reason]})`
      const text = `${cap(subject)} was cancelled${by}.${outcome.partial ? ` ${outcome.partial}` : ''}`
      if (outcome.partial) log.warning(text, { title: 'Cancel incomplete' })
      else log.info(`${text}${outcome.requestId ? ` Request id ${outcome.requestId}.` : ''}`)
      return { cancelled: true, failed: false, text }
    }
    case 'unsupported': {
      const text =
        `This edition cannot cancel jobs through the API (the cancel call answered 404): ${subject} ` +
        `keeps running. Cancel it in the app if needed.`
      log.warning(text, { title: 'Cancel not supported' })
      return { cancelled: false, failed: false, text }
    }
    case 'failed': {
      const text =
        `Cancelling ${subject} failed: ${outcome.error.message} The job may keep running; cancel it in ` +
        `the app if needed.`
      log.warning(text, { title: 'Cancel failed' })
      return { cancelled: false, failed: true, text }
    }
  }
}

const cap = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)
