/** The kind of run the inputs ask for, and the run a saved reference names (for the post step). */
import { buildRunFlowRequest } from '../api/flow-request.ts'
import type { Config } from '../inputs/inputs.ts'
import type { JobGroupsApi } from '../api/job-groups.ts'
import { buildRunJobGroupRequest } from '../api/job-request.ts'
import { FlowRun } from './flow.ts'
import { AttachedJobGroup } from './job-group.ts'
import { JobGroupRun } from './job-group-run.ts'
import { JobGroupSet } from './job-group-set.ts'
import { PlanRun } from './plan.ts'
import { RecipeRun } from './recipe.ts'
import type { RunKind, RunRef } from './run-kind.ts'
import { appLink } from '../inputs/results-inputs.ts'

export function runKindFor(config: Config, api: JobGroupsApi): RunKind {
  const { target } = config
  switch (target.kind) {
    case 'recipe': {
      const body = buildRunJobGroupRequest(target.recipeId, config.overrides, config.runParameters)
      return new RecipeRun(api, target.recipeId, body, appLink(config, '/jobs'))
    }
    case 'job':
      return new AttachedJobGroup(api, target.jobId)
    case 'flow': {
      const body = buildRunFlowRequest(target.recipeIds, config.overrides, config.runParameters)
      return new FlowRun(api, target.flowId, body, config)
    }
    case 'plan':
      return new PlanRun(api, target.planId, config)
    case 'none':
      throw new Error('No run target: a dry run without one only signs in, and runs nothing.')
  }
}

/** What the post step needs of a saved run: its cancel (a flow's: each of its saved job groups). */
export function savedRun(ref: RunRef, api: JobGroupsApi): Pick<RunKind, 'cancel' | 'status'> {
  switch (ref.kind) {
    case 'recipe':
    case 'job-group':
      return new JobGroupRun(api)
    case 'flow':
      return new JobGroupSet(api)
    case 'plan':
      return new PlanRun(api, undefined, { appUrl: '', appQuery: '' })
  }
}
