/**
 * The summary's sections on what each job group logged and published: for a failed job group, its failed stages
 * with their errors and the most telling lines of their logs; the publications of every job group read. Pure;
 * server text is redacted, defused for workflow commands, escaped and cut.
 */
import type { JobGroupReport } from '../results/job-results.ts'
import { neutralise } from '../shared/log.ts'
import { writtenPerJobGroup, type RunReport } from './report.ts'
import { describePart, partName } from './run-parts.ts'
import { errorText, escapeText } from './summary.ts'

const MAX_LINE = 300
const MAX_PUBLICATIONS_SHOWN = 50
const MAX_IN_CELL = 10

/** The sections, as Markdown lines (none when there is nothing to say). Pure. */
export function resultsSections(report: RunReport): string[] {
  const groups = report.jobGroups ?? []
  const lines: string[] = []
  for (const group of groups.filter((g) => g.status === 'Failed')) lines.push(...whyFailed(report, group))
  if (writtenPerJobGroup(report)) {
    const made = madeTable(report, groups)
    if (made) lines.push('#### What each job group made', '', made, '')
    return lines
  }
  const published = publicationsTable(groups)
  if (published) lines.push('#### Published', '', published, '')
  return lines
}

/** For a flow or plan: per job group read, what it wrote and published. */
function madeTable(report: RunReport, groups: JobGroupReport[]): string {
  const rows = groups.flatMap((g) => {
    const wrote = [
      ...(g.written?.files ?? []).map(
        (f) => `${f.kind === 'directory' ? 'folder' : 'file'} <code>${escapeText(f.uri, 200)}</code>`
      ),
      ...(g.written?.tables ?? []).map((t) => `table <code>${escapeText(t.name, 200)}</code>`)
    ]
    const published = (g.publications?.items ?? []).map(
      (p) => `${escapeText(p.target, 60)} <code>${escapeText(p.table, 200)}</code> (${escapeText(p.action, 60)})`
    )
    if (wrote.length === 0 && published.length === 0) return []
    const part = report.composite?.parts.find((p) => p.jobGroupId === g.id)
    const job = `<a href="${escapeText(g.url, 500)}">${g.id}</a>`
    const named = part ? [part.task === undefined ? '' : `task '${part.task}'`, partName(part)] : []
    const cells = [job, escapeText(named.filter(Boolean).join(', '), 200), cell(wrote), cell(published)]
    return [`<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`]
  })
  if (rows.length === 0) return ''
  const head = '<tr><th>Job</th><th>Part</th><th>Wrote</th><th>Published</th></tr>'
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`
}

/** A cell of at most `MAX_IN_CELL` items, one per line. */
function cell(items: string[]): string {
  const more = items.length - MAX_IN_CELL
  return [...items.slice(0, MAX_IN_CELL), ...(more > 0 ? [`… and ${more} more (see the result output)`] : [])].join(
    '<br>'
  )
}

function whyFailed(report: RunReport, group: JobGroupReport): string[] {
  const part = report.composite?.parts.find((p) => p.jobGroupId === group.id)
  const who = escapeText(part ? describePart(part) : `job ${group.id}`, 200)
  const out = [`#### Why ${who} failed`, '']
  const failed = group.stages.filter((s) => s.status === 'Failed')
  for (const stage of failed) {
    const error = errorText(stage.errorMessage)
    const head = `Stage ${stage.id} (${escapeText(String(stage.jobType), 60)}) failed`
    out.push(`<p>${head}${error ? `: ${escapeText(error, 1000)}` : '.'}</p>`, '')
    const log = group.logs?.stages.find((s) => s.stageId === stage.id)
    if (log && log.telling.length > 0) out.push(preBlock(log.telling), '')
  }
  const note = logsNote(group)
  if (note) out.push(`<p>${note}</p>`, '')
  return out
}

/** Log lines in a block that keeps them one per line. */
function preBlock(lines: string[]): string {
  return `<pre>\n${lines.map((line) => escapeText(neutralise(line), MAX_LINE) || ' ').join('\n')}\n</pre>`
}

function logsNote(group: JobGroupReport): string {
  const { logs } = group
  const page = group.url ? ` <a href="${escapeText(group.url, 500)}">The job page</a> has them.` : ''
  if (!logs) return `Logs were not read (<code>logs: never</code>).${page}`
  if (logs.state === 'not-available') return `This edition gives no job logs through the API.${page}`
  if (logs.state === 'failed') return `The logs could not be read: ${escapeText(logs.detail ?? '', 500)}.${page}`
  const notes = logs.notes.map((n) => escapeText(n, 300)).join(' ')
  const where = 'The last lines of each failed stage are in the step log; every job.log is in the report folder.'
  return [where, notes].filter(Boolean).join(' ')
}

function publicationsTable(groups: JobGroupReport[]): string {
  const rows = groups.flatMap((g) => g.publications?.items ?? [])
  if (rows.length === 0) return ''
  const head = '<tr><th>Target</th><th>Table</th><th>Action</th></tr>'
  const body = rows.slice(0, MAX_PUBLICATIONS_SHOWN).map((r) => {
    const cells = [escapeText(r.target, 60), `<code>${escapeText(r.table, 200)}</code>`, escapeText(r.action, 60)]
    return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
  })
  if (rows.length > MAX_PUBLICATIONS_SHOWN) {
    body.push(
      `<tr><td colspan="3">… and ${rows.length - MAX_PUBLICATIONS_SHOWN} more (see the result output)</td></tr>`
    )
  }
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body.join('\n')}\n</tbody>\n</table>`
}
