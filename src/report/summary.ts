/**
 * The step summary: Markdown with HTML tables, rendered purely from the report. Everything that came from the
 * server is escaped (and cut when long) before it is written, and every secret is removed.
 */
import * as core from '@actions/core'
import { formatMs, oneLine } from '../shared/format.ts'
import type { Job } from '../api/job-groups.ts'
import type { Written } from '../api/job-outputs.ts'
import { capitalised, writtenPerJobGroup, type Ending, type RunReport } from './report.ts'
import type { CompositeRun } from './run-parts.ts'
import { redact } from '../shared/secrets.ts'

const MAX_CELL = 300
const MAX_WRITTEN = 50
const MAX_PARTS = 50

/** Server text made safe for the summary's Markdown and HTML: escaped, on one line, cut to `max` characters. */
export function escapeText(text: string, max = MAX_CELL): string {
  return oneLine(redact(text), max).replace(/[&<>"'`|*_[\]\\#~!()$]/g, (c) => `&#${c.charCodeAt(0)};`)
}

function escapeAttr(url: string): string {
  return redact(url).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const HEADLINE: Record<Ending, string> = {
  complete: '✅ completed',
  failed: '❌ failed',
  canceled: '🚫 was canceled',
  timeout: '⏱️ timed out',
  'workflow-cancelled': '🛑 stopped: the workflow was cancelled',
  'not-waited': '▶️ is running (not waited for)',
  'lost-contact': '⚠️ lost contact with the API',
  'unknown-start': '⚠️ may have started: its start could not be confirmed',
  error: '⚠️ could not be run'
}

/** The step summary, as Markdown with HTML tables; `sections` (Markdown lines) follow the details. Pure. */
export function renderSummary(report: RunReport, sections: string[] = []): string {
  const lines: string[] = []
  const subject = report.composite
    ? capitalised(report.composite.subject)
    : report.jobId !== undefined
      ? `Job ${report.jobId}`
      : report.recipeId !== undefined
        ? `Recipe ${report.recipeId}`
        : 'Job'
  const gate = report.quality?.verdict.status === 'failed' ? ' · ❌ the data failed its quality gate' : ''
  lines.push(`### ${subject} ${HEADLINE[report.ending]}${gate}`, '')
  if (report.error) lines.push(`<p>${escapeText(report.error, 2000)}</p>`, '')
  for (const note of report.notes) lines.push(`<p>${escapeText(note, 1000)}</p>`, '')
  lines.push(detailsTable(report), '', ...sections)
  if (report.composite?.parts.length) lines.push(...partsSection(report.composite))
  if (report.stages.length > 0) lines.push('#### Stages', '', stagesTable(report.stages), '')
  if (report.stagesOmitted) lines.push(`<p>… and ${report.stagesOmitted} more stages, not shown.</p>`, '')
  const written = report.written && !writtenPerJobGroup(report) ? writtenList(report.written) : ''
  if (written) lines.push('#### Written', '', written, '')
  return lines.join('\n')
}

function detailsTable(report: RunReport): string {
  const rows: [string, string][] = []
  if (report.jobId !== undefined) {
    const id = escapeText(String(report.jobId), 30)
    rows.push(['Job', report.jobUrl ? `<a href="${escapeAttr(report.jobUrl)}">${id}</a>` : id])
  }
  if (report.recipeId !== undefined) rows.push(['Recipe', escapeText(String(report.recipeId), 30)])
  if (report.composite) rows.push(...compositeRows(report.composite))
  if (report.status) rows.push(['Status', `<b>${escapeText(report.status, 60)}</b>`])
  if (report.durationMs !== undefined) rows.push(['Duration', formatMs(report.durationMs)])
  if (report.engine) rows.push(['Engine', escapeText(report.engine, 60)])
  if (report.runParameters.length > 0) {
    rows.push([
      'Run parameters',
      report.runParameters
        .map((p) => `<code>${escapeText(p.key, 100)}</code> = ${escapeText(p.value, 200)}`)
        .join('<br>')
    ])
  }
  if (report.attached) rows.push(['Started by', 'another run (attached with job-id)'])
  if (report.adopted)
    rows.push(['Started by', 'this step (found in the job history after the trigger answer was lost)'])
  if (report.requestId) rows.push(['Request id', `<code>${escapeText(report.requestId, 100)}</code>`])
  if (report.runUrl)
    rows.push(['Workflow run', `<a href="${escapeAttr(report.runUrl)}">${escapeText(report.runUrl, 200)}</a>`])
  return `<table>\n${rows.map(([k, v]) => `<tr><th align="left">${k}</th><td>${v}</td></tr>`).join('\n')}\n</table>`
}

function compositeRows(run: CompositeRun): [string, string][] {
  const rows: [string, string][] = []
  if (run.flowRunId !== undefined) rows.push(['Flow run', String(run.flowRunId)])
  if (run.planRunId !== undefined) rows.push(['Plan run', String(run.planRunId)])
  for (const [name, ms] of [
    ['Started', run.startedAt],
    ['Finished', run.finishedAt]
  ] as const)
    if (ms !== undefined) rows.push([name, new Date(ms).toISOString()])
  return rows
}

/** One row per job group (a plan's under their tasks), at most `MAX_PARTS` of them. */
function partsSection(run: CompositeRun): string[] {
  const tasks = run.parts.some((p) => p.task !== undefined)
  const head = `<tr>${tasks ? '<th>Task</th>' : ''}<th>Output</th><th>Job</th><th>Status</th><th>Duration</th></tr>`
  const rows = run.parts.slice(0, MAX_PARTS).map((p) => {
    const id = p.jobGroupId
    const cells = [
      ...(tasks ? [escapeText(p.task ?? '', 100)] : []),
      escapeText(p.name ?? (p.recipeId === undefined ? '' : `recipe ${p.recipeId}`), 200),
      id === undefined ? '' : `<a href="${escapeAttr(`${run.jobsUrl}/${id}${run.linkQuery ?? ''}`)}">${id}</a>`,
      escapeText(p.status ?? (id === undefined ? 'not started' : ''), 60),
      p.durationMs === undefined ? '' : formatMs(p.durationMs)
    ]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  const more = run.parts.length - MAX_PARTS
  if (more > 0) rows.push(`<tr><td colspan="${tasks ? 5 : 4}">… and ${more} more (see the job-ids output)</td></tr>`)
  const table = `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
  return [`#### ${tasks ? 'Tasks' : 'Job groups'}`, '', table, '']
}

function stagesTable(stages: Job[]): string {
  const head = '<tr><th>Stage</th><th>Type</th><th>Status</th><th>Duration</th><th>Error</th></tr>'
  const rows = stages.map((s) => {
    const cells = [
      escapeText(String(s.id), 30),
      escapeText(String(s.jobType ?? ''), 60),
      escapeText(String(s.status ?? ''), 60),
      stageDuration(s),
      escapeText(errorText(s.errorMessage))
    ]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
}

function stageDuration(stage: Job): string {
  if (!['Complete', 'Failed', 'Canceled'].includes(stage.status)) return ''
  const ms = Date.parse(stage.updatedAt ?? '') - Date.parse(stage.createdAt ?? '')
  return Number.isFinite(ms) && ms >= 0 ? formatMs(ms) : ''
}

/** Fields of a stage's `errorMessage` object that carry its text, in the order they are looked for. */
const ERROR_TEXT_FIELDS = ['message', 'errorMessage', 'details', 'description', 'reason', 'error']

/**
 * A stage's `errorMessage`: a string, or an object (the AAC spec's type) carrying one; an object without a text
 * field is told by its plain fields, `code: E42`, never as raw JSON.
 */
export function errorText(value: unknown): string {
  if (value === undefined || value === null || value === '') return ''
  if (typeof value !== 'object') return String(value)
  const o = value as Record<string, unknown>
  const text = ERROR_TEXT_FIELDS.map((key) => o[key]).find((v) => typeof v === 'string' && v.trim() !== '')
  if (typeof text === 'string') return text
  const plain = Object.entries(o).filter(([, v]) => typeof v === 'string' || typeof v === 'number')
  if (plain.length === 0) return 'an error without a message'
  return plain
    .slice(0, 5)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ')
}

/** The files and tables written, at most `MAX_WRITTEN` of them (the `written` output has them all). */
function writtenList(written: Written): string {
  const items = [
    ...written.files.map((f) => `${f.kind === 'directory' ? 'folder' : 'file'} <code>${escapeText(f.uri, 300)}</code>`),
    ...written.tables.map((t) => {
      const how = [t.vendor, t.action].filter((w) => w !== undefined).join(', ')
      return `table <code>${escapeText(t.name, 300)}</code>${how ? ` (${escapeText(how, 120)})` : ''}`
    })
  ]
  if (items.length === 0) return ''
  const shown = items.slice(0, MAX_WRITTEN).map((i) => `<li>${i}</li>`)
  if (items.length > MAX_WRITTEN)
    shown.push(`<li>… and ${items.length - MAX_WRITTEN} more (see the <code>written</code> output)</li>`)
  return `<ul>\n${shown.join('\n')}\n</ul>`
}

/** The summary of a step whose inputs are invalid: what is wrong with each, and that nothing was sent. Pure. */
export function renderInputErrors(errors: { input: string; message: string }[]): string {
  const rows = errors.map(
    (e) => `<tr><td><code>${escapeText(e.input, 60)}</code></td><td>${escapeText(e.message, 500)}</td></tr>`
  )
  return [
    `### ⚠️ Invalid input${errors.length === 1 ? '' : 's'}: nothing was sent`,
    '',
    `<table>\n<thead><tr><th>Input</th><th>Problem</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
    ''
  ].join('\n')
}

/** Appends `markdown` to the step summary, when the runner gives one. */
export async function appendSummary(markdown: string): Promise<void> {
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(fitSummary(markdown), true).write()
}

/** GitHub refuses a step summary over 1 MiB; this leaves room for what other steps write. */
export const MAX_SUMMARY_BYTES = 512 * 1024

/** The summary within `max` bytes: cut at a line end, with a note. Pure. */
export function fitSummary(markdown: string, max = MAX_SUMMARY_BYTES): string {
  if (Buffer.byteLength(markdown, 'utf8') <= max) return markdown
  const note = "\n\n<p>… the rest of this summary was cut to keep it within GitHub's size limit.</p>\n"
  let cut = markdown.slice(0, max - note.length * 2)
  while (Buffer.byteLength(cut, 'utf8') > max - note.length * 2) cut = cut.slice(0, Math.floor(cut.length * 0.9))
  const end = cut.lastIndexOf('\n')
  return `${end > 0 ? cut.slice(0, end) : cut}${note}`
}

/** The summary appended to the step summary file (when the runner gives one); returns it. */
export async function writeSummary(report: RunReport, sections: string[] = []): Promise<string> {
  const markdown = fitSummary(renderSummary(report, sections))
  await appendSummary(markdown)
  return markdown
}
