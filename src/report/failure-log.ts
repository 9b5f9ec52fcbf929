/**
 * Why a job group failed, for the step log: one collapsed group per failed job group, listing every stage with
 * its type, status and whole error text, then the last lines of each failed stage's job.log. Pure: the lines
 * returned are server text still, which the log seam redacts and defuses line by line when it prints them.
 */
import type { JobGroupReport } from '../results/job-results.ts'
import { oneLine } from '../shared/format.ts'
import { capitalised, MAX_STAGES, type RunReport } from './report.ts'
import { describePart } from './run-parts.ts'
import { errorText } from './summary.ts'

export interface LogGroup {
  /** On one line: the runner reads a group's name as it is. */
  title: string
  lines: string[]
}

/** A stage's whole error text is printed up to this many characters. */
const MAX_ERROR_CHARS = 20_000
/** A log line is printed up to this many characters, and a group's log lines up to this many together. */
const MAX_PRINTED_LINE = 1000
const MAX_PRINTED_CHARS = 256 * 1024

/** One log group per failed job group of the report. Pure. */
export function failureLogGroups(report: RunReport): LogGroup[] {
  return (report.jobGroups ?? []).filter((g) => g.status === 'Failed').map((g) => failureGroup(report, g))
}

function failureGroup(report: RunReport, group: JobGroupReport): LogGroup {
  const part = report.composite?.parts.find((p) => p.jobGroupId === group.id)
  const who = part ? describePart(part) : `job ${group.id}`
  const count = `${group.stages.length} stage${group.stages.length === 1 ? '' : 's'}`
  const lines: string[] = []
  for (const stage of group.stages.slice(0, MAX_STAGES)) {
    lines.push(`Stage ${stage.id} (${stage.jobType}): ${stage.status}`)
    const error = errorText(stage.errorMessage)
    if (error) lines.push(...indent(`Error: ${error.slice(0, MAX_ERROR_CHARS)}`))
  }
  const more = group.stages.length - MAX_STAGES
  if (more > 0) lines.push(`… and ${more} more stages (stages.json in report-dir lists them all).`)
  lines.push(...logLines(group))
  if (group.url) lines.push(`Job page: ${group.url}`)
  return { title: oneLine(`${capitalised(who)} failed: ${count} and their logs`, 200), lines }
}

function logLines(group: JobGroupReport): string[] {
  const { logs } = group
  if (!logs) return ['Logs: not read (the logs input is never).']
  if (logs.state === 'not-available') return ['Logs: this edition gives no job logs through the API.']
  if (logs.state === 'failed') return [`Logs: could not be read: ${logs.detail ?? 'unknown error'}`]
  const lines: string[] = []
  for (const note of logs.notes) lines.push(`Logs: ${note}`)
  const failed = group.stages.filter((s) => s.status === 'Failed')
  const wanted = failed.length > 0 ? failed : group.stages.filter((s) => logs.stages.some((l) => l.stageId === s.id))
  let room = MAX_PRINTED_CHARS
  for (const stage of wanted) {
    const log = logs.stages.find((s) => s.stageId === stage.id)
    if (!log) {
      lines.push(`No job.log for stage ${stage.id} (${stage.jobType}) in the logs archive.`)
      continue
    }
    const of = log.lineCount > log.tail.length ? ` (of ${log.lineCount})` : ''
    lines.push(`Last ${log.tail.length} lines${of} of job.log of stage ${stage.id} (${stage.jobType}):`)
    for (const line of log.tail) {
      const shown = line.length > MAX_PRINTED_LINE ? `${line.slice(0, MAX_PRINTED_LINE)} … (cut here)` : line
      room -= shown.length
      if (room < 0) {
        lines.push(
          `  … more lines than the step log takes: the whole job.log is in report-dir (${log.file ?? 'logs/'}).`
        )
        return lines
      }
      lines.push(`  | ${shown}`)
    }
  }
  return lines
}

/** A multi-line text as lines, each indented. */
function indent(text: string): string[] {
  return text.split(/\r?\n/).map((line) => `  ${line}`)
}
