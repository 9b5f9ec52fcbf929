/**
 * The flow-run request (`POST /v4/flows/{id}/run`) from the inputs: `flow-recipes` → `wrangledDatasetIds`,
 * `run-parameters` → `runParameters`, and `overrides` split into the request's top-level fields (`execution`,
 * `ignoreRecipeErrors`, `sparkOptions`, …) and its `overrides`, which a flow run keys by output name. Pure.
 */
import { INPUT } from './action-spec.ts'
import { InputError, parsePositiveInteger } from './input-values.ts'
import { runParametersBody } from './job-request.ts'
import { describe, isPlainObject } from './input-values.ts'
import { checkOverrides, parseOverridesObject } from './overrides.ts'
import type { RunParameter } from './run-parameters.ts'

/**
 * Top-level fields of the flow-run request: the first three are documented for runFlow, the other two are in the
 * AAC spec's LFlowRunRequest. Every other key of the `overrides` input names an output.
 */
export const FLOW_RUN_FIELDS: readonly string[] = [
  'execution',
  'ignoreRecipeErrors',
  'sparkOptions',
  'schemaDriftOptions',
  'databricksOptions'
]

export interface RunFlowRequest {
  wrangledDatasetIds?: number[]
  runParameters?: { overrides: { data: RunParameter[] } }
  /** Keyed by output (recipe) name. */
  overrides?: Record<string, unknown>
  [field: string]: unknown
}

/**
 * `flow-recipes`: recipe ids separated by commas, spaces or new lines, or a JSON array; duplicates are dropped.
 * Empty text means every output (`[]`).
 */
export function parseFlowRecipes(text: string): number[] {
  const raw = text.trim()
  if (!raw) return []
  let items: unknown[] = raw.split(/[\s,]+/).filter(Boolean)
  if (raw.startsWith('[')) {
    try {
      items = JSON.parse(raw) as unknown[]
    } catch (e) {
      throw new InputError(INPUT.flowRecipes, `is not a valid JSON array (${(e as Error).message}).`)
    }
    if (!Array.isArray(items) || items.length === 0)
      throw new InputError(INPUT.flowRecipes, 'must list at least one recipe id, or be left empty to run every output.')
  }
  return [...new Set(items.map((item) => parsePositiveInteger(INPUT.flowRecipes, String(item))))]
}

/**
 * The `overrides` input given with `flow-id`: the known top-level fields checked, and every other key taken as an
 * output name whose object is checked as a recipe's overrides are (unknown keys pass with a warning).
 */
export function parseFlowOverrides(text: string, warnings: string[]): Record<string, unknown> {
  const o = parseOverridesObject(text, '{"execution": "spark", "Sales by region": {"profiler": true}}')
  if ('execution' in o && typeof o.execution !== 'string')
    throw new InputError(INPUT.overrides, `'execution' must be a string such as "photon" or "spark".`)
  if ('ignoreRecipeErrors' in o && typeof o.ignoreRecipeErrors !== 'boolean')
    throw new InputError(
      INPUT.overrides,
      `'ignoreRecipeErrors' must be true or false (got ${describe(o.ignoreRecipeErrors)}).`
    )
  if ('sparkOptions' in o) checkSparkOptions(o.sparkOptions)
  for (const [name, value] of Object.entries(o)) {
    if (FLOW_RUN_FIELDS.includes(name)) continue
    if (!isPlainObject(value)) {
      throw new InputError(
        INPUT.overrides,
        `'${name}' is not an output's overrides (an object; got ${describe(value)}): with flow-id, overrides are ` +
          `keyed by output name, e.g. {"<output name>": {"${name}": …}}, beside the top-level fields ` +
          `${FLOW_RUN_FIELDS.join(', ')}.`
      )
    }
    checkOverrides(value, warnings, `${name}.`)
  }
  return o
}

function checkSparkOptions(value: unknown): void {
  const ok = Array.isArray(value) && value.every((item) => isPlainObject(item) && typeof item.key === 'string')
  if (!ok) {
    throw new InputError(
      INPUT.overrides,
      `'sparkOptions' must be an array of {"key": …, "value": …} objects (got ${describe(value)}).`
    )
  }
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
