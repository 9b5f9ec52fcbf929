/**
 * The data's figures as JSON for a workflow to read (the `quality` field of the `result` output): the verdict with
 * every failing check,
 * and per job group and output the rows, the worst columns, the rules and the comparison with the baseline.
 * Bounded like the summary. Pure.
 */
import { MAX_MOVED, rowChange } from './compare.ts'
import type { JobQuality, QualityReport } from './job-quality.ts'
import { shareOf, type OutputProfile } from './profile.ts'
import { describeFailure, type QualityStatus } from './verdict.ts'

const MAX_LISTED = 20
const MAX_FAILURES = 100
/** Outputs of one job group listed, at most. */
export const MAX_OUTPUTS_LISTED = 10

export interface QualityFigures {
  quality: QualityStatus
  failures: string[]
  moreFailures: number
  jobs: object[]
}

const round = (share: number): number => Math.round(share * 1e6) / 1e6

function outputFigures(output: OutputProfile): object {
  const dirty = output.columns
    .filter((c) => c.mismatched > 0 || c.missing > 0)
    .map((c) => ({
      name: c.name,
      mismatched: c.mismatched,
      mismatchedShare: round(shareOf(c.mismatched, c.total)),
      missing: c.missing,
      missingShare: round(shareOf(c.missing, c.total))
    }))
    .sort((a, b) => Math.max(b.mismatchedShare, b.missingShare) - Math.max(a.mismatchedShare, a.missingShare))
  return {
    key: output.key,
    rows: output.rows ?? null,
    columnCount: output.columns.length + output.unreadable.length + output.columnsOmitted,
    worstColumns: dirty.slice(0, MAX_LISTED),
    moreColumns: Math.max(0, dirty.length - MAX_LISTED),
    rules: output.rules.slice(0, MAX_LISTED).map((r) => ({
      column: r.column,
      rule: r.description,
      status: r.status,
      passCount: r.passCount ?? null,
      failCount: r.failCount ?? null
    })),
    moreRules: Math.max(0, output.rules.length - MAX_LISTED) + output.rulesOmitted
  }
}

function jobFigures(job: JobQuality): object {
  const profile =
    job.profile.kind === 'profiled'
      ? {
          outputs: job.profile.outputs.slice(0, MAX_OUTPUTS_LISTED).map(outputFigures),
          moreOutputs: Math.max(0, job.profile.outputs.length - MAX_OUTPUTS_LISTED)
        }
      : { outputs: [], none: job.profile.why }
  const b = job.baseline
  const baseline =
    b === undefined
      ? undefined
      : b.kind === 'missing'
        ? { jobId: null, none: b.why }
        : {
            jobId: b.jobGroupId,
            ...(b.profile.kind !== 'profiled' && { none: b.profile.why }),
            outputs: job.comparisons.slice(0, MAX_OUTPUTS_LISTED).map((c) => ({
              key: c.key,
              rowsNow: c.rowsNow ?? null,
              rowsBefore: c.rowsBefore ?? null,
              rowChange: rowChange(c.rowsNow, c.rowsBefore)?.delta ?? null,
              moved: c.moved.slice(0, MAX_MOVED).map((m) => ({ ...m, before: round(m.before), now: round(m.now) })),
              ruleChanges: c.ruleChanges
            }))
          }
  return { jobId: job.jobGroupId, label: job.label, ...profile, ...(baseline && { baseline }) }
}

/** The `quality` field of the `result` output. */
export function qualityFigures(quality: QualityReport): QualityFigures {
  const { verdict } = quality
  return {
    quality: verdict.status,
    failures: verdict.failures.slice(0, MAX_FAILURES).map(describeFailure),
    moreFailures: Math.max(0, verdict.failures.length - MAX_FAILURES),
    jobs: quality.jobs.map(jobFigures)
  }
}
