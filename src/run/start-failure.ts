/**
 * Why a run could not be started, in words a user can act on: whether anything was sent, whether the server
 * acted, what may have happened and where to look, with the request id when there is one.
 */
import { ApiError } from '../api/api-error.ts'
import { SignInError } from '../auth/explain.ts'
import type { StopSignal } from './cancellation.ts'
import type { Config } from '../inputs/inputs.ts'
import type { RunReport } from '../report/report.ts'
import { triggerDecision } from '../api/retry-policy.ts'
import { JobGroupNotFoundError } from '../targets/job-group.ts'
import { TriggerUnsettledError } from '../targets/start-retries.ts'
import { TransportError } from '../http/transport-failures.ts'
import { appLink } from '../inputs/results-inputs.ts'

/** The workflow was cancelled before the start was sent: no request at all went out. */
export class CancelledBeforeStartError extends Error {
  constructor() {
    super('the workflow was cancelled before the run was started')
    this.name = 'CancelledBeforeStartError'
  }
}

export function describeStartFailure(
  report: RunReport,
  error: unknown,
  config: Config,
  stopSignal?: StopSignal
): RunReport {
  if (!(error instanceof Error)) throw error
  if (error instanceof ApiError) report.requestId = error.requestId
  const where = `look in the job history (${appLink(config, '/jobs')}) before running it again`
  if (stopSignal && error instanceof CancelledBeforeStartError) {
    report.ending = 'workflow-cancelled'
    report.error = `The workflow was cancelled (${stopSignal}) before the run was started: nothing was sent to the API.`
    return report
  }
  if (stopSignal) {
    report.ending = 'workflow-cancelled'
    const decided = triggerDecision(error)
    const inFlight = error instanceof TransportError && error.kind === 'aborted'
    const fate =
      error instanceof TriggerUnsettledError
        ? error.message
        : inFlight || decided === 'reconcile' || decided === 'settle'
          ? `The run may have started (${inFlight ? 'its start was under way' : error.message}): ${where}.`
          : 'Nothing was started.'
    report.error = `The workflow was cancelled (${stopSignal}) while the run was being started. ${fate}`
    return report
  }
  // An answer whose body was cut or too large is an answer: its status said whether the server acted.
  const unanswered = error instanceof TransportError && !error.notSent && error.status === undefined
  const unknown = error instanceof TriggerUnsettledError || unanswered
  report.ending = unknown ? 'unknown-start' : 'error'
  if (error instanceof SignInError) report.errorTitle = 'Could not sign in'
  else if (config.target.kind === 'job') {
    const id = config.target.jobId
    report.errorTitle =
      error instanceof JobGroupNotFoundError ? `Job group ${id} not found` : `Could not attach to job ${id}`
  }
  if (error instanceof TransportError && error.notSent) {
    report.error = `Nothing was sent to the API at ${config.apiUrl}: ${error.message}.`
  } else if (unanswered) {
    report.error =
      `Could not reach the API at ${config.apiUrl} (${startCall(config)}): ${error.message}. The request may have ` +
      `arrived, so the run may have started: ${where}. Check api-url, and the runner's network and proxy settings.`
  } else {
    report.error = error.message
  }
  return report
}

function startCall({ target }: Config): string {
  if (target.kind === 'flow') return `POST /v4/flows/${target.flowId}/run`
  if (target.kind === 'plan') return `POST /v4/plans/${target.planId}/run`
  return 'POST /v4/jobGroups'
}
