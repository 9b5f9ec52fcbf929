/**
 * The gate's verdict on the data: every check of the `quality-gate` against every output of every job group, and
 * every check that fails, named (the output, the column, the figure and the limit). Nothing is guessed: a job
 * group without a profile, a column whose counts cannot be read, or a missing baseline fails the checks that need
 * them. Pure.
 */
import { rowChange } from './compare.ts'
import type { ColumnLimits, Limit, QualityGate } from './gate.ts'
import { outputLabel, type GateFailure, type JobQuality, type Verdict } from './job-quality.ts'
import { percent, type ColumnFigures, type OutputProfile } from './profile.ts'

export type { GateFailure, QualityStatus, Verdict } from './job-quality.ts'

/** Why a verdict without a gate is `not-checked`. */
export const NO_GATE = 'no quality-gate was given'

/** `job 4100, column email: 60 missing (6%), more than missing: 5%`: one failure on one line. Pure. */
export function describeFailure(f: GateFailure): string {
  return `${f.output}${f.column !== undefined ? `, column '${f.column}'` : ''}: ${f.figure}; ${f.check}: ${f.limit}`
}

/** The verdict of `gate` on the job groups' data; `completed` false (the run did not complete): not checked. */
export function judge(gate: QualityGate | undefined, jobs: JobQuality[], completed: boolean): Verdict {
  if (!gate) return { status: 'not-checked', failures: [], why: NO_GATE }
  if (!completed) return { status: 'not-checked', failures: [], why: 'the run did not complete' }
  const failures: GateFailure[] = []
  if (jobs.length === 0)
    failures.push({ output: 'the run', check: 'profile', figure: 'no job group', limit: 'nothing to check' })
  const seenColumns = new Set<string>()
  for (const job of jobs) {
    if (job.profile.kind !== 'profiled') {
      failures.push({ output: job.label, check: 'profile', figure: 'no profile', limit: job.profile.why })
      continue
    }
    const { outputs } = job.profile
    if (outputs.length === 0)
      failures.push({ output: job.label, check: 'profile', figure: 'no output', limit: 'the profile holds no output' })
    for (const output of outputs) {
      const label = outputLabel(job, output, outputs.length)
      for (const c of output.columns) seenColumns.add(c.name)
      for (const c of output.unreadable) seenColumns.add(c.name)
      failures.push(...outputFailures(gate, label, output), ...rowChangeFailures(gate, label, job, output))
    }
  }
  for (const name of gate.columns.keys()) {
    if (!seenColumns.has(name) && jobs.some((j) => j.profile.kind === 'profiled'))
      failures.push({
        output: 'the profile',
        column: name,
        check: `columns`,
        figure: 'no such column',
        limit: 'named in the gate'
      })
  }
  return { status: failures.length > 0 ? 'failed' : 'passed', failures }
}

function outputFailures(gate: QualityGate, output: string, profile: OutputProfile): GateFailure[] {
  const failures: GateFailure[] = []
  for (const column of profile.columns) failures.push(...columnFailures(gate, output, column))
  for (const column of profile.unreadable) {
    const limits = limitsFor(gate, column.name)
    if (limits.mismatched || limits.missing) {
      const check = limits.mismatched ? 'mismatched' : 'missing'
      failures.push({
        output,
        column: column.name,
        check,
        figure: 'counts unreadable',
        limit: 'the profile gave no valid counts'
      })
    }
  }
  if (gate.rules) {
    for (const rule of profile.rules.filter((r) => r.status !== 'pass')) {
      const counts =
        rule.failCount !== undefined && rule.passCount !== undefined
          ? ` (${rule.failCount} of ${rule.failCount + rule.passCount} rows fail)`
          : ''
      const figure = `rule '${rule.description}' is ${rule.status}${counts}`
      failures.push({ output, column: rule.column, check: 'rules', figure, limit: 'pass' })
    }
    if (profile.rulesOmitted > 0)
      failures.push({
        output,
        check: 'rules',
        figure: `${profile.rulesOmitted} rules not read`,
        limit: 'too many to check'
      })
  }
  if (gate.minRows !== undefined) {
    const rows = profile.rows
    if (rows === undefined)
      failures.push({ output, check: 'min-rows', figure: 'row count unreadable', limit: String(gate.minRows) })
    else if (rows < gate.minRows)
      failures.push({ output, check: 'min-rows', figure: `${rows} rows`, limit: String(gate.minRows) })
  }
  if (profile.columnsOmitted > 0 && (gate.mismatched || gate.missing))
    failures.push({
      output,
      check: 'columns',
      figure: `${profile.columnsOmitted} columns not read`,
      limit: 'too many to check'
    })
  return failures
}

/** The column's own limits, each replacing the general one of its measure. */
function limitsFor(gate: QualityGate, column: string): ColumnLimits {
  const own = gate.columns.get(column)
  return { mismatched: own?.mismatched ?? gate.mismatched, missing: own?.missing ?? gate.missing }
}

function columnFailures(gate: QualityGate, output: string, column: ColumnFigures): GateFailure[] {
  const limits = limitsFor(gate, column.name)
  const failures: GateFailure[] = []
  for (const measure of ['mismatched', 'missing'] as const) {
    const limit = limits[measure]
    if (!limit || !exceeds(column[measure], column.total, limit)) continue
    const share = column.total > 0 ? ` (${percent(column[measure] / column.total)})` : ''
    failures.push({
      output,
      column: column.name,
      check: measure,
      figure: `${column[measure]} ${measure}${share}`,
      limit: limit.text
    })
  }
  return failures
}

/** Whether `count` of `total` is over the limit: a share compared exactly in percent, a count as it is. */
export function exceeds(count: number, total: number, limit: Limit): boolean {
  if (limit.kind === 'count') return count > limit.count
  return count * 100 > limit.percent * total * (1 + 1e-12)
}

function rowChangeFailures(gate: QualityGate, output: string, job: JobQuality, profile: OutputProfile): GateFailure[] {
  const limit = gate.maxRowChange
  if (!limit) return []
  const check = 'max-row-change'
  const baseline = job.baseline
  if (!baseline || baseline.kind === 'missing')
    return [{ output, check, figure: 'no baseline', limit: baseline?.why ?? 'no baseline was asked for' }]
  if (baseline.profile.kind !== 'profiled')
    return [
      { output, check, figure: `baseline job ${baseline.jobGroupId} has no profile`, limit: baseline.profile.why }
    ]
  const pair = job.comparisons.find((c) => c.key === profile.key)
  const change = rowChange(pair?.rowsNow, pair?.rowsBefore)
  if (!pair || !change)
    return [{ output, check, figure: 'rows not comparable', limit: `no matching output in job ${baseline.jobGroupId}` }]
  const before = pair.rowsBefore!
  if (!exceeds(Math.abs(change.delta), before, limit)) return []
  const by = change.share === undefined ? '' : ` (${change.delta < 0 ? '-' : '+'}${percent(Math.abs(change.share))})`
  const figure = `rows ${before} → ${pair.rowsNow} against job ${baseline.jobGroupId}, a change of ${change.delta}${by}`
  return [{ output, check, figure, limit: limit.text }]
}
