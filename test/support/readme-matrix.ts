// A job's `strategy.matrix`, as the README runner runs it: one leg per combination of the matrix's lists, in the
// order GitHub lists them (the first key varies slowest). `include` and `exclude` are not modelled: an example that
// uses them is reported, not guessed at. A job without a matrix is one leg with no values.
import { asRecord } from './readme-examples.ts'

/** `matrix.<key>` → value, as strings (the runner hands every input over as a string). */
export type MatrixLeg = Record<string, string>

/** The legs of a job, or why the runner cannot run its matrix. */
export function matrixLegs(job: Record<string, unknown>): MatrixLeg[] | string {
  const strategy = asRecord(job.strategy)
  if (!('matrix' in strategy)) return [{}]
  const matrix = asRecord(strategy.matrix)
  const keys = Object.keys(matrix)
  if (keys.length === 0) return 'strategy.matrix must be a mapping of lists'
  let legs: MatrixLeg[] = [{}]
  for (const key of keys) {
    const values = matrix[key]
    if (key === 'include' || key === 'exclude') return `strategy.matrix.${key} is not supported by the README runner`
    if (!Array.isArray(values) || values.length === 0) return `strategy.matrix.${key} must be a non-empty list`
    if (values.some((v) => typeof v === 'object' && v !== null)) return `strategy.matrix.${key} must list scalars`
    legs = legs.flatMap((leg) => values.map((v) => ({ ...leg, [key]: String(v) })))
  }
  return legs
}

/** `refresh`, or `refresh (7, eu1)` for a leg of a matrix job: how GitHub names the leg's job. */
export function legName(job: string, leg: MatrixLeg): string {
  const values = Object.values(leg)
  return values.length ? `${job} (${values.join(', ')})` : job
}
