/**
 * The report of a dry run: what was checked and how it went, told as the headline, the outputs and the step
 * summary. A dry run starts nothing; when a server started a job anyway, the report says so first. Pure.
 */
import { OUTPUT, type OutputName } from '../inputs/action-spec.ts'
import { escapeText } from '../report/summary.ts'
import { redact } from '../shared/secrets.ts'
import { oneLine } from '../shared/format.ts'

/**
 * `would-run`: the server accepted the run in test mode (or a flow or plan was read and found fit); `exists`: the
 * edition takes no test mode, only the recipe's existence was checked; `status`: a job group's status was read;
 * `signed-in`: only the sign-in (the keep-alive); `started`: the server started a job despite test mode;
 * `failed`: a check failed, as the run would have.
 */
export type Verdict = 'would-run' | 'exists' | 'status' | 'signed-in' | 'started' | 'failed'

export interface Check {
  what: string
  outcome: 'passed' | 'limited' | 'failed'
  detail: string
}

/** A job group that a server started although the request asked for test mode, and what became of it. */
export interface StrayJob {
  id: number
  url: string
  status?: string
  /** What was done about it (cancelled, could not be cancelled, …). */
  text: string
}

export interface DryRunReport {
  /** `recipe 7`, `flow 10`, `plan 5`, `job 4100`, or `the sign-in`. */
  subject: string
  /** The target's name as the server gave it (hostile text: escaped wherever it goes). */
  name?: string
  verdict: Verdict
  checks: Check[]
  /** What the overrides would write (recipes and flows). */
  writes?: string[]
  /** A job-id's status, read without waiting. */
  status?: string
  /** The keep-alive: the refresh token rotated (and was written back). */
  renewed?: boolean
  stray?: StrayJob
  /** The x-trifacta-request-id of the check that decided (the test-mode request, or the read). */
  requestId: string
  error?: string
  errorTitle?: string
  notes: string[]
  runUrl?: string
}

export const DRY_RUN_STATUS = 'DryRun'

/** Passed: every check held (a limited one too) and nothing was started. */
export const passed = (report: DryRunReport): boolean => report.verdict !== 'failed' && report.verdict !== 'started'

/** The target's name, quoted, on one line: ` ('Sales by region')`, or '' when unknown. */
function named(report: DryRunReport): string {
  return report.name ? ` ('${oneLine(report.name, 100)}')` : ''
}

/** `Dry run: recipe 7 ('Sales by region') would run`, and the like. Raw text: escape it where it goes. */
export function headline(report: DryRunReport): string {
  const what = `${report.subject}${named(report)}`
  switch (report.verdict) {
    case 'would-run':
      return `Dry run: ${what} would run`
    case 'exists':
      return `Dry run: ${what} exists (only its existence was checked)`
    case 'status':
      return `Dry run: ${what} is ${oneLine(report.status ?? 'of unknown status', 60)}`
    case 'signed-in':
      return `Dry run: signed in${report.renewed ? ', and the refresh token was renewed' : ''}`
    case 'started':
      return `Dry run: the server started job ${report.stray?.id} for ${what} despite test mode`
    case 'failed':
      return `Dry run failed: ${what}`
  }
}

/** The outputs set here; `refresh-token` is the sign-in's, `result` and `report-dir` are set with the result. */
type DryRunOutput = Exclude<OutputName, typeof OUTPUT.refreshToken | typeof OUTPUT.result | typeof OUTPUT.reportDir>

/**
 * The outputs: `status` is DryRun when the checks passed, and `job-id` stays empty, unless a server started a job
 * despite test mode: then they name that job and its status, as they would for any run. No data was made:
 * `quality` is not-checked.
 */
export function dryRunOutputs(report: DryRunReport): Record<DryRunOutput, string> {
  const { stray } = report
  return {
    [OUTPUT.jobId]: stray ? String(stray.id) : '',
    [OUTPUT.status]: passed(report) ? DRY_RUN_STATUS : (stray?.status ?? ''),
    [OUTPUT.requestId]: report.requestId,
    [OUTPUT.jobUrl]: stray?.url ?? '',
    [OUTPUT.durationSeconds]: '',
    [OUTPUT.jobs]: '[]',
    [OUTPUT.written]: '',
    [OUTPUT.quality]: 'not-checked',
    [OUTPUT.jobIds]: JSON.stringify(stray ? [stray.id] : []),
    [OUTPUT.flowRunId]: '',
    [OUTPUT.planRunId]: ''
  }
}

const MARK: Record<Check['outcome'], string> = { passed: '✅', limited: '⚠️', failed: '❌' }

/** The step summary of a dry run, as Markdown with HTML tables; every server text escaped. */
export function renderDryRunSummary(report: DryRunReport): string {
  const icon = report.verdict === 'failed' || report.verdict === 'started' ? '❌' : '🔎'
  // An HTML heading: Markdown would turn a URL in a server-given name into a link.
  const lines = [`<h3>${icon} ${escapeText(headline(report), 400)}</h3>`, '']
  if (report.stray) lines.push(`<p><b>${escapeText(report.stray.text, 1000)}</b></p>`, '')
  if (report.error) lines.push(`<p>${escapeText(report.error, 2000)}</p>`, '')
  for (const note of report.notes) lines.push(`<p>${escapeText(note, 1000)}</p>`, '')
  if (report.checks.length > 0) {
    const rows = report.checks.map(
      (c) =>
        `<tr><td>${escapeText(c.what, 100)}</td><td>${MARK[c.outcome]}</td><td>${escapeText(c.detail, 600)}</td></tr>`
    )
    const head = '<thead><tr><th>Checked</th><th></th><th>Result</th></tr></thead>'
    lines.push('#### Checked', '', `<table>\n${head}\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`, '')
  }
  if (report.writes) lines.push('#### Would write', '', ...writesSection(report.writes), '')
  if (!report.stray) lines.push('<p>Nothing was started: this was a dry run (dry-run: true).</p>', '')
  if (report.runUrl) {
    const url = redact(report.runUrl).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
    lines.push(`<p>Workflow run: <a href="${url}">${escapeText(report.runUrl, 200)}</a></p>`, '')
  }
  return lines.join('\n')
}

function writesSection(writes: string[]): string[] {
  if (writes.length === 0) return ['<p>The overrides change no output: each output writes where it is set up to.</p>']
  return ['<ul>', ...writes.map((w) => `<li><code>${escapeText(w, 400)}</code></li>`), '</ul>']
}
