/** The `result` output as JSON, within the size GitHub allows an output, and the report folder's stages. Pure. */
import type { RunReport } from './report.ts'
import type { ResultJobGroup, StepResult } from './result.ts'
import { errorText } from './summary.ts'

/** The `result` output stays within this many bytes (GitHub allows 1 MB per output). */
export const MAX_RESULT_BYTES = 512 * 1024

/**
 * The result as JSON within `max` bytes: when larger, stage errors are cut to 200 characters, then the stages
 * of job groups that did not fail are left out (counted in `stagesOmitted`), then every stage list. Pure.
 */
export function resultJson(result: StepResult, max = MAX_RESULT_BYTES): string {
  const steps: ((r: StepResult) => StepResult)[] = [
    (r) => r,
    (r) =>
      mapGroups(r, (g) => ({ ...g, stages: g.stages.map((s) => ({ ...s, error: s.error && s.error.slice(0, 200) })) })),
    (r) => mapGroups(r, (g) => (g.status === 'Failed' ? g : withoutStages(g))),
    (r) => mapGroups(r, withoutStages)
  ]
  let current = result
  for (const step of steps) {
    current = step(current)
    const json = JSON.stringify(current)
    if (Buffer.byteLength(json, 'utf8') <= max) return json
  }
  return JSON.stringify({
    ...current,
    jobGroups: current.jobGroups.map((g) => ({ ...withoutStages(g), logs: { ...g.logs, stages: [], notes: [] } }))
  })
}

function mapGroups(result: StepResult, fn: (group: ResultJobGroup) => ResultJobGroup): StepResult {
  return { ...result, jobGroups: result.jobGroups.map(fn) }
}

function withoutStages(group: ResultJobGroup): ResultJobGroup {
  return { ...group, stages: [], stagesOmitted: group.stagesOmitted + group.stages.length }
}

/** The report folder's stages.json: every stage of every job group read, with its whole error text. Pure. */
export function stagesDocument(report: RunReport): object {
  return {
    jobGroups: (report.jobGroups ?? []).map((group) => ({
      id: group.id,
      status: group.status ?? null,
      stages: group.stages.map((s) => ({
        id: s.id,
        type: s.jobType,
        status: s.status,
        percentComplete: s.percentComplete ?? null,
        executionLanguage: s.executionLanguage ?? null,
        createdAt: s.createdAt ?? null,
        updatedAt: s.updatedAt ?? null,
        error: errorText(s.errorMessage) || null
      }))
    }))
  }
}
