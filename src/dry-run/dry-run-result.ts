/**
 * The `result` output of a dry run: the same fields as a run's (`report/result.ts`), with `dryRun: true`, the
 * `DryRun` status when the checks passed, and no job group, unless a server started one despite test mode. Pure.
 */
import type { Target } from '../inputs/inputs.ts'
import { kindOf, RESULT_VERSION, type ResultJobGroup, type StepResult } from '../report/result.ts'
import { DRY_RUN_STATUS, passed, type DryRunReport } from './dry-run-report.ts'

export function dryRunResult(report: DryRunReport, target: Target): StepResult {
  const { stray } = report
  const ok = passed(report)
  const failedChecks = report.checks.filter((c) => c.outcome === 'failed').map((c) => `${c.what}: ${c.detail}`)
  const error = stray
    ? { title: 'A dry run started a job', message: stray.text }
    : ok
      ? null
      : { title: report.errorTitle ?? 'Dry run failed', message: report.error ?? failedChecks.join(' ') }
  return {
    version: RESULT_VERSION,
    kind: kindOf(target),
    ending: ok ? 'dry-run' : 'error',
    status: ok ? DRY_RUN_STATUS : (stray?.status ?? null),
    failed: !ok,
    ids: {
      recipeId: target.kind === 'recipe' ? target.recipeId : null,
      jobGroupId: stray?.id ?? null,
      jobGroupIds: stray ? [stray.id] : [],
      flowId: target.kind === 'flow' ? target.flowId : null,
      flowRunId: null,
      planId: target.kind === 'plan' ? target.planId : null,
      planRunId: null
    },
    requestId: report.requestId || null,
    timings: { startedAt: null, finishedAt: null, durationSeconds: null },
    urls: { job: stray?.url ?? null, flow: null, plan: null, workflowRun: report.runUrl ?? null },
    error,
    notes: [...report.notes],
    inputErrors: [],
    jobGroups: stray ? [strayGroup(report, target)] : [],
    outputs: { files: [], tables: [] },
    publications: [],
    reportDir: null,
    quality: null,
    dryRun: true
  }
}

function strayGroup(report: DryRunReport, target: Target): ResultJobGroup {
  const stray = report.stray!
  return {
    id: stray.id,
    status: stray.status ?? null,
    name: null,
    task: null,
    recipeId: target.kind === 'recipe' ? target.recipeId : null,
    url: stray.url,
    durationSeconds: null,
    stages: [],
    stagesOmitted: 0,
    outputs: null,
    publications: null,
    logs: { state: 'not-requested', stages: [], archive: null, notes: [] }
  }
}
