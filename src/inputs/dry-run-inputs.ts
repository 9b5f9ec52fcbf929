/** The `dry-run` input's rule for the run target: a dry run may have none only with a refresh token. Pure. */
import { INPUT } from './action-spec.ts'
import { InputError } from './input-values.ts'

/** Whether the step is a dry run, and signs in with a refresh token (then it may have no run target). */
export interface DryRunInputs {
  dryRun: boolean
  refreshing: boolean
}

/** The target when none of recipe-id, flow-id, plan-id and job-id is given, for a dry run: none, or an error. */
export function noRunTarget(dry: DryRunInputs): { kind: 'none' } {
  if (dry.refreshing) return { kind: 'none' }
  throw new InputError(
    INPUT.dryRun,
    'needs a run target: give recipe-id, flow-id, plan-id or job-id. Only with refresh-token may it have none: ' +
      'then it only signs in, which renews the refresh token.'
  )
}
