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
import { TriggerUnsettledError } from '../targets/start-retries.ts'
import { TransportError } from '../http/transport-failures.ts'
import { appLink } from '../inputs/results-inputs.ts'

export function describeStartFailure(
  report: RunReport,
  error: unknown,
  config: Config,
  stopSignal?: StopSignal
): RunReport {
  if (!(error instanceof Error)) throw error
  if (error instanceof ApiError) report.requestId = error.requestId
  const where = `look in the job history (${appLink(config, '/jobs')}) before running it again`
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
