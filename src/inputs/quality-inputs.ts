/**
 * The `quality-gate` and `baseline` inputs, and what a gate asks of the run: a profile. With `recipe-id` the
 * gate sets `profiler: true` in the overrides unless the user set it; `profiler: false` with a gate is an error.
 * Pure.
 */
import { parseBaseline, type Baseline } from '../quality/baseline.ts'
import { GateError, parseQualityGate, type QualityGate } from '../quality/gate.ts'
import { INPUT } from './action-spec.ts'
import { FLOW_RUN_FIELDS } from './flow-inputs.ts'
import { isPlainObject } from './input-values.ts'

/** What parsing needs of the input collector. */
export interface QualityInputReader {
  get(name: string): string
  fail(input: string, message: string): void
  readonly warnings: string[]
}

export interface QualityInputs {
  qualityGate?: QualityGate
  baseline?: Baseline
  /** The overrides to send: with a gate and a recipe, `profiler: true` added. */
  overrides?: Record<string, unknown>
}

export function parseQualityInputs(
  c: QualityInputReader,
  target: { kind: string } | undefined,
  overrides: Record<string, unknown> | undefined
): QualityInputs {
  const qualityGate = parsed(c, INPUT.qualityGate, parseQualityGate)
  const baseline = parsed(c, INPUT.baseline, parseBaseline)
  const composite = target?.kind === 'flow' || target?.kind === 'plan'
  if (baseline?.kind === 'job' && composite) {
    c.fail(INPUT.baseline, 'a job group id compares one job group; a flow or plan runs several: use scheduled or last.')
  }
  if (qualityGate?.maxRowChange && !c.get(INPUT.baseline)) {
    c.fail(INPUT.qualityGate, "'max-row-change' needs a baseline: give baseline: scheduled, last or a job group id.")
  }
  if (qualityGate && /^false$/i.test(c.get(INPUT.wait))) {
    c.fail(INPUT.qualityGate, 'needs wait: true: the data is checked once the run has completed.')
  }
  if (!qualityGate) return { baseline, overrides }
  return { qualityGate, baseline, overrides: profiled(c, target, overrides) }
}

function parsed<T>(c: QualityInputReader, input: string, parse: (text: string) => T): T | undefined {
  try {
    return parse(c.get(input))
  } catch (error) {
    if (!(error instanceof GateError)) throw error
    c.fail(input, error.message)
    return undefined
  }
}

const PROFILER_OFF = "'profiler' is false, but quality-gate needs a profile: remove it or set it to true."

/** The overrides with profiling on, where the action can set it; an error where the user turned it off. */
function profiled(
  c: QualityInputReader,
  target: { kind: string } | undefined,
  overrides: Record<string, unknown> | undefined
): Record<string, unknown> | undefined {
  if (target?.kind === 'recipe') {
    if (overrides?.profiler === false) c.fail(INPUT.overrides, PROFILER_OFF)
    return overrides?.profiler === true ? overrides : { ...overrides, profiler: true }
  }
  if (target?.kind !== 'flow') return overrides
  const outputs = Object.entries(overrides ?? {}).filter(
    ([name, value]) => !FLOW_RUN_FIELDS.includes(name) && isPlainObject(value)
  )
  for (const [name, value] of outputs) {
    if ((value as Record<string, unknown>).profiler === false)
      c.fail(INPUT.overrides, `'${name}.${PROFILER_OFF.slice(1)}`)
  }
  if (!outputs.some(([, value]) => (value as Record<string, unknown>).profiler === true)) {
    c.warnings.push(
      'quality-gate: with flow-id the action cannot turn profiling on for you (outputs are named per flow); set ' +
        'overrides {"<output name>": {"profiler": true}} or profiling in the outputs\' settings, or the gate fails ' +
        'for want of a profile.'
    )
  }
  return overrides
}
