/** Why a run could not be started, in words a user can act on, with the request id when there is one. */
import { ApiError } from './api-error.ts'
import type { StopSignal } from './cancellation.ts'
import type { Config } from './inputs.ts'
import type { RunReport } from './report.ts'
import { TransportError } from './transport.ts'

export function describeStartFailure(
  report: RunReport,
  error: unknown,
  config: Config,
  stopSignal?: StopSignal
): RunReport {
  if (!(error instanceof Error)) throw error
  report.ending = 'error'
  if (error instanceof TransportError && error.kind === 'aborted') {
    const signal = stopSignal ? ` (${stopSignal})` : ''
    report.error = `The workflow was cancelled${signal} while the trigger was being sent; the job may have started: look in the job history (${config.appUrl}/jobs) for recipe ${report.recipeId}.`
  } else if (error instanceof TransportError) {
    report.error = `Could not reach the API at ${config.apiUrl} (${startCall(config)}): ${error.message}. Check api-url, and the runner's network and proxy settings.`
  } else {
    report.error = error.message
  }
  if (error instanceof ApiError) report.requestId = error.requestId
  return report
}

function startCall({ target }: Config): string {
  if (target.kind === 'flow') return `POST /v4/flows/${target.flowId}/run`
  if (target.kind === 'plan') return `POST /v4/plans/${target.planId}/run`
  return 'POST /v4/jobGroups'
}
