/** The request body of `POST /v4/jobGroups`, mapped from the inputs. Pure. */
import type { RunJobGroupRequest } from './job-groups.ts'
import type { RunParameter } from './overrides.ts'

export function buildRunJobGroupRequest(
  recipeId: number,
  overrides: Record<string, unknown> | undefined,
  runParameters: RunParameter[]
): RunJobGroupRequest {
  const body: RunJobGroupRequest = { wrangledDataset: { id: recipeId } }
  if (overrides !== undefined) body.overrides = overrides
  if (runParameters.length > 0)
    body.runParameters = { overrides: { data: runParameters.map(({ key, value }) => ({ key, value })) } }
  return body
}
