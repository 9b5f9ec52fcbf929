/** Publish a dry run: its outputs, its step summary, the optional PR comment, the log lines and the exit code. */
import type { OutputName } from '../inputs/action-spec.ts'
import type { Config } from '../inputs/inputs.ts'
import { appendSummary, fitSummary } from '../report/summary.ts'
import { setOutput } from '../runner/outputs.ts'
import { log } from '../shared/log.ts'
import { publishResult } from '../run/result-output.ts'
import { dryRunResult } from './dry-run-result.ts'
import { dryRunOutputs, headline, passed, renderDryRunSummary, type DryRunReport } from './dry-run-report.ts'

export async function publishDryRun(config: Config, report: DryRunReport): Promise<void> {
  for (const [name, value] of Object.entries(dryRunOutputs(report))) setOutput(name as OutputName, value)
  publishResult(dryRunResult(report, config.target), undefined)
  for (const write of report.writes ?? []) log.info(`Would write: ${write}`)
  for (const note of report.notes) log.info(note)
  const markdown = fitSummary(renderDryRunSummary(report))
  await appendSummary(markdown)
  if (config.commentOnPr) {
    const { commentOnPullRequest } = await import('../report/pr-comment.ts')
    await commentOnPullRequest(config, report, markdown)
  }
  if (passed(report)) {
    log.info(`${headline(report)}. Nothing was started.`)
    return
  }
  const title = report.stray ? 'A dry run started a job' : (report.errorTitle ?? 'Dry run failed')
  const why = report.checks.filter((c) => c.outcome === 'failed').map((c) => `${c.what}: ${c.detail}`)
  log.error(report.stray?.text ?? report.error ?? `${headline(report)}. ${why.join(' ')}`, { title })
  process.exitCode = 1
}
