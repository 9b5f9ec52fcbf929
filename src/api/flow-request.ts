/**
 * The flow-run request (`POST /v4/flows/{id}/run`) from the inputs: `flow-recipes` → `wrangledDatasetIds`,
 * `run-parameters` → `runParameters`, and `overrides` split into the request's top-level fields and its
 * `overrides`, which a flow run keys by output name. Pure.
 */
import { FLOW_RUN_FIELDS } from '../inputs/flow-inputs.ts'
import { runParametersBody } from './job-request.ts'
import type { RunParameter } from '../inputs/run-parameters.ts'

export interface RunFlowRequest {
  wrangledDatasetIds?: number[]
  runParameters?: { overrides: { data: RunParameter[] } }
  /** Keyed by output (recipe) name. */
  overrides?: Record<string, unknown>
  [field: string]: unknown
}

/** The request body; empty parts are left out (every field is optional: an empty body runs every output). */
export function buildRunFlowRequest(
  recipeIds: number[],
  overrides: Record<string, unknown> | undefined,
  runParameters: RunParameter[]
): RunFlowRequest {
  const body: RunFlowRequest = {}
  if (recipeIds.length > 0) body.wrangledDatasetIds = recipeIds
  const parameters = runParametersBody(runParameters)
  if (parameters) body.runParameters = parameters
  const byOutput: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (FLOW_RUN_FIELDS.includes(key)) body[key] = value
    else byOutput[key] = value
  }
  if (Object.keys(byOutput).length > 0) body.overrides = byOutput
  return body
}
