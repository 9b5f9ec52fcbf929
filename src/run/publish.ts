/** Publish: the verdict on a run, its outputs, the step summary, the optional PR comment, and the exit code. */
import type { OutputName } from '../inputs/action-spec.ts'
import type { Config } from '../inputs/inputs.ts'
import { formatMs, oneLine } from '../shared/format.ts'
import { log } from '../shared/log.ts'
import { setOutput } from '../runner/outputs.ts'
import { capitalised, linkOf, reportOutputs, subjectOf, type RunReport } from '../report/report.ts'
import { partsEndedAs } from '../report/run-parts.ts'
import { errorText, writeSummary } from '../report/summary.ts'

export async function publish(config: Config, report: RunReport): Promise<void> {
  for (const [name, value] of Object.entries(reportOutputs(report))) setOutput(name as OutputName, value)
  const markdown = await writeSummary(report)
  if (config.commentOnPr) {
    const { commentOnPullRequest } = await import('../report/pr-comment.ts')
    await commentOnPullRequest(config, report, markdown)
  }
  const failure = failureOf(config, report)
  if (!failure && (report.ending === 'failed' || report.ending === 'canceled')) {
    log.warning(
      `${capitalised(subjectOf(report))} ended ${report.status}; ` +
        `the step passes because fail-on-job-failure is false. ${linkOf(report)}`
    )
  }
  if (failure) {
    log.error(failure.message, { title: failure.title })
    process.exitCode = 1
  } else {
    const after = report.durationMs !== undefined ? ` after ${formatMs(report.durationMs)}` : ''
    log.info(`${capitalised(subjectOf(report))}: ${report.status ?? 'status unknown'}${after}.`)
  }
}

/** The step fails on an error, a timeout, a workflow cancel, and on Failed or Canceled when fail-on-job-failure. */
export function failureOf(config: Config, report: RunReport): { title: string; message: string } | undefined {
  const subject = capitalised(subjectOf(report))
  switch (report.ending) {
    case 'complete':
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
          (report.jobId ? `${subject}: API error` : `Could not start ${report.composite?.subject ?? 'the job'}`),
        message: report.error ?? 'Unknown error.'
      }
  }
}

function withLink(message: string, url: string | undefined): string {
  return url && !message.includes(url) ? `${message} ${url}` : message
}
