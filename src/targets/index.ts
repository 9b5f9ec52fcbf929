/** The kind of run the inputs ask for, and the run a saved reference names (for the post step). */
import type { Config } from '../inputs.ts'
import type { JobGroupsApi } from '../job-groups.ts'
import { buildRunJobGroupRequest } from '../job-request.ts'
import { AttachedJobGroup } from './job-group.ts'
import { JobGroupRun } from './job-group-run.ts'
import { RecipeRun } from './recipe.ts'
import type { RunKind, RunRef } from './run-kind.ts'

export function runKindFor(config: Config, api: JobGroupsApi): RunKind {
  const { target } = config
  switch (target.kind) {
    case 'recipe': {
      const body = buildRunJobGroupRequest(target.recipeId, config.overrides, config.runParameters)
      return new RecipeRun(api, target.recipeId, body, `${config.appUrl}/jobs`)
    }
    case 'job':
      return new AttachedJobGroup(api, target.jobId)
  }
}

/** What the post step needs of a saved run: its cancel. */
export function savedRun(ref: RunRef, api: JobGroupsApi): Pick<RunKind, 'cancel' | 'status'> {
  switch (ref.kind) {
    case 'recipe':
    case 'job-group':
      return new JobGroupRun(api)
  }
}
