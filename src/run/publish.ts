/** Publish: the verdict on a run, its outputs, the step summary, the optional PR comment, and the exit code. */
import type { OutputName } from '../inputs/action-spec.ts'
import type { Config } from '../inputs/inputs.ts'
import { formatMs, oneLine } from '../shared/format.ts'
import { log } from '../shared/log.ts'
import { describeFileFailure, fileFailures } from '../runner/file-commands.ts'
import { setOutput } from '../runner/outputs.ts'
import { capitalised, linkOf, reportOutputs, subjectOf, type RunReport } from '../report/report.ts'
import { partsEndedAs } from '../report/run-parts.ts'
import { errorText, fitSummary, renderSummary, writeSummary } from '../report/summary.ts'
import { describeFailure } from '../quality/verdict.ts'
import { renderQuality } from '../report/quality-summary.ts'
import { failureLogGroups } from '../report/failure-log.ts'
import { resultsSections } from '../report/results-summary.ts'
import { buildResult } from '../report/result.ts'
import type { ReportDir } from '../results/report-dir.ts'
import { publishResult } from './result-output.ts'

export async function publish(config: Config, report: RunReport, dir?: ReportDir): Promise<void> {
  const failure = failureOf(config, report)
  for (const [name, value] of Object.entries(reportOutputs(report))) setOutput(name as OutputName, value)
  const unwritten = fileFailures().map(describeFileFailure)
  report.notes.push(...unwritten)
  publishResult(buildResult(report, { target: config.target, failure }), dir, report)
  printFailureGroups(report)
  const results = resultsSections(report)
  const quality = (short: boolean): string[] => (report.quality ? renderQuality(report.quality, short) : [])
  const markdown = await summarise(report, [...quality(false), ...results])
  if (config.commentOnPr) {
    const { commentOnPullRequest } = await import('../report/pr-comment.ts')
    // The comment has the data's short form; otherwise it says what the summary says.
    const comment = report.quality ? fitSummary(renderSummary(report, [...quality(true), ...results])) : markdown
    await commentOnPullRequest(config, report, comment)
  }
  if (!failure && (report.ending === 'failed' || report.ending === 'canceled')) {
    log.warning(
      `${capitalised(subjectOf(report))} ended ${report.status}; ` +
        `the step passes because fail-on-job-failure is false. ${linkOf(report)}`
    )
  }
  if (failure) {
    log.error(failure.message, { title: failure.title })
    process.exitCode = 1
  }
  // A runner file that could not be written fails the step, whatever the run did: later steps miss what it held.
  for (const [i, message] of unwritten.entries())
    log.error(message, { title: `${fileFailures()[i]!.file} not written` })
  if (unwritten.length > 0) process.exitCode = 1
  if (!failure) {
    const after = report.durationMs !== undefined ? ` after ${formatMs(report.durationMs)}` : ''
    log.info(`${capitalised(subjectOf(report))}: ${report.status ?? 'status unknown'}${after}.`)
  }
}

/** Why each failed job group failed: its stages and their logs, in a collapsed group of the step log. */
function printFailureGroups(report: RunReport): void {
  for (const group of failureLogGroups(report)) {
    log.startGroup(group.title)
    for (const line of group.lines) log.info(line)
    log.endGroup()
  }
}

/** The summary, written if GITHUB_STEP_SUMMARY can be; its failure is said, and the rest goes on. */
async function summarise(report: RunReport, sections: string[]): Promise<string> {
  try {
    return await writeSummary(report, sections)
  } catch (error) {
    const path = process.env.GITHUB_STEP_SUMMARY ?? ''
    log.error(`Could not write the step summary to GITHUB_STEP_SUMMARY (${path}): ${(error as Error).message}`, {
      title: 'GITHUB_STEP_SUMMARY not written'
    })
    process.exitCode = 1
    return ''
  }
}

/** The step fails on an error, a timeout, a workflow cancel, and on Failed or Canceled when fail-on-job-failure. */
export function failureOf(config: Config, report: RunReport): { title: string; message: string } | undefined {
  const subject = capitalised(subjectOf(report))
  switch (report.ending) {
    case 'complete':
      return qualityFailure(report)
    case 'not-waited':
      return undefined
    case 'failed':
    case 'canceled': {
      if (!config.failOnJobFailure) return undefined
      const failedStage = report.stages.find((s) => s.status === 'Failed' && errorText(s.errorMessage))
      const stageText = failedStage
        ? ` Stage ${failedStage.jobType} failed: "${oneLine(errorText(failedStage.errorMessage), 500)}".`
        : ''
      const parts = partsEndedAs(report.composite, report.status)
      const url = linkOf(report)
      const message = `${subject} ended ${report.status}${parts}.${stageText}${url ? ` ${url}` : ''}`
      return { title: `${subject} ${report.status}`, message }
    }
    case 'timeout':
      return {
        title: `${subject} timed out`,
        message: withLink(report.error ?? 'Timed out.', linkOf(report))
      }
    case 'workflow-cancelled':
      return {
        title: 'Workflow cancelled',
        message: withLink(report.error ?? 'The workflow was cancelled.', linkOf(report))
      }
    case 'unknown-start':
      return { title: 'The job may have started', message: report.error ?? 'The job may have started.' }
    default:
      return {
        title:
          report.errorTitle ??
          (hasStarted(report) ? `${subject}: API error` : `Could not start ${report.composite?.subject ?? 'the job'}`),
        message: report.error ?? 'Unknown error.'
      }
  }
}

/** The run exists (a job group, a flow run or a plan run was named): it is never "could not start". */
function hasStarted(report: RunReport): boolean {
  const { composite } = report
  return Boolean(report.jobId || report.jobGroupIds?.length || composite?.flowRunId || composite?.planRunId)
}

function withLink(message: string, url: string | undefined): string {
  return url && !message.includes(url) ? `${message} ${url}` : message
}

/** Failing checks named in the annotation, at most; the summary lists them too. */
const MAX_NAMED_FAILURES = 50

/** A completed run whose data broke the quality gate: every failing check, one per line. */
function qualityFailure(report: RunReport): { title: string; message: string } | undefined {
  const verdict = report.quality?.verdict
  if (verdict?.status !== 'failed') return undefined
  const named = verdict.failures.slice(0, MAX_NAMED_FAILURES).map(describeFailure)
  const rest = verdict.failures.length - named.length
  if (rest > 0) named.push(`… and ${rest} more failing checks (see the step summary)`)
  return { title: 'Data quality gate failed', message: named.join('\n') }
}
