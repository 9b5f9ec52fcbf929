/**
 * What a step runs: a recipe, a job group (attach), a flow or a plan; none for a dry run that only signs in, which
 * the `dry-run` input allows only with a refresh token. Pure.
 */
import { INPUT } from './action-spec.ts'
import { InputError } from './input-values.ts'

export type Target =
  | { kind: 'recipe'; recipeId: number }
  | { kind: 'job'; jobId: number }
  /** `recipeIds`: the outputs to run (flow-recipes); empty means all. */
  | { kind: 'flow'; flowId: number; recipeIds: number[] }
  | { kind: 'plan'; planId: number }
  /** No run target: a dry run with a refresh token only signs in (the keep-alive). */
  | { kind: 'none' }

/** `recipe 7`, `job 4100`, `flow 7`, `plan 5`. Pure. */
export function targetLabel(target: Target): string {
  switch (target.kind) {
    case 'recipe':
      return `recipe ${target.recipeId}`
    case 'job':
      return `job ${target.jobId}`
    case 'flow':
      return `flow ${target.flowId}`
    case 'plan':
      return `plan ${target.planId}`
    case 'none':
      return 'the sign-in'
  }
}

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
