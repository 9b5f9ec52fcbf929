/**
 * The request body of `POST /v4/jobGroups`, mapped from the inputs. Pure. `ignoreRecipeErrors` given in the
 * `overrides` input goes to the request's top level, where the AAC spec has it (inside `overrides` a server may
 * ignore it without a word).
 */
import type { RunJobGroupRequest } from './job-groups.ts'
import type { RunParameter } from '../inputs/run-parameters.ts'

export function buildRunJobGroupRequest(
  recipeId: number,
  overrides: Record<string, unknown> | undefined,
  runParameters: RunParameter[]
): RunJobGroupRequest {
  const body: RunJobGroupRequest = { wrangledDataset: { id: recipeId } }
  if (overrides !== undefined) {
    const { ignoreRecipeErrors, ...rest } = overrides
    if (typeof ignoreRecipeErrors === 'boolean') body.ignoreRecipeErrors = ignoreRecipeErrors
    if (Object.keys(rest).length > 0 || !('ignoreRecipeErrors' in overrides)) body.overrides = rest
  }
  const parameters = runParametersBody(runParameters)
  if (parameters) body.runParameters = parameters
  return body
}

/** `runParameters` as recipes and flows take it, or undefined when there are none. */
export function runParametersBody(runParameters: RunParameter[]): { overrides: { data: RunParameter[] } } | undefined {
  if (runParameters.length === 0) return undefined
  return { overrides: { data: runParameters.map(({ key, value }) => ({ key, value })) } }
}
