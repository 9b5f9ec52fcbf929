/**
 * The `result` output: one JSON object with everything the step knows of its run, built purely from the report.
 * Its shape is a promise to workflows that parse it: fields are added, never renamed or removed, and every field
 * is present at every ending (null or empty where nothing is known). `docs/result.md` documents each field; a
 * test checks that the documentation's example has exactly the fields built here.
 */
import type { Job } from '../api/job-groups.ts'
import type { Written } from '../api/job-outputs.ts'
import type { Target } from '../inputs/inputs.ts'
import type { JobGroupLogs } from '../results/job-logs.ts'
import type { Publication } from '../results/publications.ts'
import { qualityFigures, type QualityFigures } from '../quality/figures.ts'
import { MAX_STAGES, type Ending, type RunReport } from './report.ts'
import { errorText } from './summary.ts'

/** Raised only if a field ever had to change its meaning; adding fields keeps it. */
export const RESULT_VERSION = 1
/** A stage's error text is cut to this many characters (the report folder's stages.json has it whole). */
export const RESULT_ERROR_CHARS = 2000

export type ResultKind = 'recipe' | 'job-group' | 'flow' | 'plan'

export interface StepResult {
  version: typeof RESULT_VERSION
  /** What ran; null when the inputs were invalid. */
  kind: ResultKind | null
  ending: Ending | 'invalid-input' | 'dry-run'
  /** The `status` output: the last status seen. */
  status: string | null
  /** Whether the step failed. */
  failed: boolean
  ids: ResultIds
  requestId: string | null
  timings: { startedAt: string | null; finishedAt: string | null; durationSeconds: number | null }
  urls: { job: string | null; flow: string | null; plan: string | null; workflowRun: string | null }
  /** Why the step failed, or what went wrong around the job; null when nothing did. */
  error: { title: string; message: string } | null
  notes: string[]
  inputErrors: { input: string; message: string }[]
  jobGroups: ResultJobGroup[]
  /** What every job group wrote together (the `written` output): files by uri, tables by name. */
  outputs: Written
  /** Every job group's publications together. */
  publications: ResultPublication[]
  /** The report folder (the `report-dir` output), or null. */
  reportDir: string | null
  /** The data: the quality gate's verdict and each job group's profile (docs/data-quality.md); null if none read. */
  quality: QualityFigures | null
  /** A dry run (`dry-run: true`, built by dry-run/dry-run-result.ts): checked, nothing was to start. */
  dryRun: boolean
}

export interface ResultIds {
  recipeId: number | null
  jobGroupId: number | null
  jobGroupIds: number[]
  flowId: number | null
  flowRunId: number | null
  planId: number | null
  planRunId: number | null
}

export interface ResultJobGroup {
  id: number
  status: string | null
  /** The flow output's (recipe's) name, the plan task, where known. */
  name: string | null
  task: string | null
  recipeId: number | null
  url: string | null
  durationSeconds: number | null
  stages: ResultStage[]
  /** Stages not listed (the report folder's stages.json lists them). */
  stagesOmitted: number
  /** What it wrote; null when not read (it did not end Complete or Failed, the read failed, or beyond the first 10). */
  outputs: Written | null
  /** Null when not read (not ended, or beyond the job groups read). */
  publications: ResultPublication[] | null
  logs: ResultLogs
}

export interface ResultStage {
  id: number
  type: string
  status: string
  error: string | null
}

export type ResultPublication = Publication & { jobGroupId: number }

export interface ResultLogs {
  /** `not-requested`: the `logs` input did not ask for this job group's logs. */
  state: 'read' | 'not-available' | 'failed' | 'not-requested'
  /** The stages whose job.log was read for the report, and where each was unpacked. */
  stages: { id: number; lines: number; file: string | null }[]
  /** The cleaned archive in the report folder, relative to it. */
  archive: string | null
  notes: string[]
}

/** What the result is built from besides the report. */
export interface ResultContext {
  target: Target
  /** Why the step fails (its annotation), when it does. */
  failure?: { title: string; message: string }
  reportDir?: string
}

/** The result of a run. Pure. */
export function buildResult(report: RunReport, context: ResultContext): StepResult {
  const { target } = context
  const composite = report.composite
  return {
    version: RESULT_VERSION,
    kind: kindOf(target),
    ending: report.ending,
    status: report.status ?? null,
    failed: context.failure !== undefined,
    ids: {
      recipeId: report.recipeId ?? null,
      jobGroupId: report.jobId ?? null,
      jobGroupIds: report.jobGroupIds ?? (report.jobId === undefined ? [] : [report.jobId]),
      flowId: target.kind === 'flow' ? target.flowId : null,
      flowRunId: composite?.flowRunId ?? null,
      planId: target.kind === 'plan' ? target.planId : null,
      planRunId: composite?.planRunId ?? null
    },
    requestId: report.requestId || null,
    timings: {
      startedAt: iso(report.startedAt),
      finishedAt: iso(report.finishedAt),
      durationSeconds: seconds(report.durationMs)
    },
    urls: {
      job: report.jobUrl ?? null,
      flow: target.kind === 'flow' ? (composite?.url ?? null) : null,
      plan: target.kind === 'plan' ? (composite?.url ?? null) : null,
      workflowRun: report.runUrl ?? null
    },
    error: context.failure ?? (report.error ? { title: report.errorTitle ?? '', message: report.error } : null),
    notes: [...report.notes],
    inputErrors: [],
    jobGroups: jobGroupsOf(report),
    outputs: bounded(report.written),
    publications: (report.jobGroups ?? []).flatMap((g) => publicationsOf(g.id, g.publications?.items) ?? []),
    reportDir: context.reportDir ?? null,
    quality: report.quality ? qualityFigures(report.quality) : null,
    dryRun: false
  }
}

/** What ran; null for none (a dry run that only signs in). */
export function kindOf(target: Target): ResultKind | null {
  return target.kind === 'none' ? null : target.kind === 'job' ? 'job-group' : target.kind
}

/** One entry per job group: the detailed ones with stages, the others (of a large flow) with their status. */
function jobGroupsOf(report: RunReport): ResultJobGroup[] {
  const parts = report.composite?.parts ?? []
  const detailed = new Map((report.jobGroups ?? []).map((g) => [g.id, g]))
  const ids = report.jobGroupIds ?? (report.jobId === undefined ? [] : [report.jobId])
  return ids.map((id) => {
    const part = parts.find((p) => p.jobGroupId === id)
    const group = detailed.get(id)
    const stages = group?.stages ?? []
    const shown = stages.slice(0, MAX_STAGES)
    return {
      id,
      status:
        group?.status ?? part?.status ?? (id === report.jobId && !report.composite ? report.status : undefined) ?? null,
      name: part?.name ?? null,
      task: part?.task ?? null,
      recipeId: part?.recipeId ?? (report.composite ? null : (report.recipeId ?? null)),
      url: group?.url ?? null,
      durationSeconds: seconds(part?.durationMs ?? (report.composite ? undefined : report.durationMs)),
      stages: shown.map(stageOf),
      stagesOmitted: stages.length - shown.length,
      outputs: group?.written ? bounded(group.written) : null,
      publications: publicationsOf(id, group?.publications?.items) ?? null,
      logs: logsOf(group?.logs)
    }
  })
}

function stageOf(stage: Job): ResultStage {
  const error = errorText(stage.errorMessage)
  return {
    id: stage.id,
    type: String(stage.jobType ?? ''),
    status: String(stage.status ?? ''),
    error: error ? cut(error, RESULT_ERROR_CHARS) : null
  }
}

function publicationsOf(jobGroupId: number, items: Publication[] | undefined): ResultPublication[] | undefined {
  return items?.map((p) => ({ jobGroupId, target: p.target, table: p.table, action: p.action }))
}

function logsOf(logs: JobGroupLogs | undefined): ResultLogs {
  if (!logs) return { state: 'not-requested', stages: [], archive: null, notes: [] }
  return {
    state: logs.state,
    stages: logs.stages.map((s) => ({ id: s.stageId, lines: s.lineCount, file: s.file ?? null })),
    archive: logs.archive ?? null,
    notes: [...logs.notes, ...(logs.detail ? [logs.detail] : [])]
  }
}

/** Files and tables kept, of each. */
const MAX_OUTPUTS = 500

function bounded(written: Written | undefined): Written {
  return { files: written?.files.slice(0, MAX_OUTPUTS) ?? [], tables: written?.tables.slice(0, MAX_OUTPUTS) ?? [] }
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function iso(ms: number | undefined): string | null {
  return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString()
}

function seconds(ms: number | undefined): number | null {
  return ms === undefined ? null : Math.round(ms / 1000)
}
