/**
 * The flow inputs: `flow-recipes` (recipe ids) and `overrides` given with `flow-id`, split into the flow-run
 * request's top-level fields (`execution`, `ignoreRecipeErrors`, `sparkOptions`, …) and per-output overrides. Pure.
 */
import { INPUT } from './action-spec.ts'
import { describe, InputError, isPlainObject, parsePositiveInteger } from './input-values.ts'
import { checkOverrides, parseOverridesObject } from './overrides.ts'

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
