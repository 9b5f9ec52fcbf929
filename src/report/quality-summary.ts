/**
 * The data in the step summary: the gate's verdict with every failing check, and per job group its profile (rows,
 * the columns with the most mismatched and missing values, the data-quality rules) and how it compares with the
 * baseline. `short` is the pull request comment's form. Everything from the server is escaped; every list is
 * bounded and says how many more there were. Pure.
 */
import { rowChange, type OutputComparison } from '../quality/compare.ts'
import { outputLabel, type JobQuality, type QualityReport } from '../quality/job-quality.ts'
import { percent, shareOf, type ColumnFigures, type OutputProfile } from '../quality/profile.ts'
import { describeFailure, NO_GATE } from '../quality/verdict.ts'
import { MAX_OUTPUTS_LISTED } from '../quality/figures.ts'
import { escapeText } from './summary.ts'

/** Rows of each table, at most (the worst first), in the summary and in the comment. */
const MAX_ROWS = { full: 20, short: 5 }
const MAX_FAILURES = { full: 50, short: 10 }
/** Job groups shown in the comment, at most. */
const MAX_SHORT_JOBS = 5

const table = (head: string[], rows: string[][]): string =>
  `<table>\n<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>\n<tbody>\n` +
  `${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}\n</tbody>\n</table>`

const more = (count: number, what: string): string => (count > 0 ? `<p>… and ${count} more ${what}.</p>` : '')

/** The quality sections of the summary (or of the comment, `short`). */
export function renderQuality(quality: QualityReport, short = false): string[] {
  const lines = [...gateSection(quality, short)]
  const jobs = short ? quality.jobs.slice(0, MAX_SHORT_JOBS) : quality.jobs
  const omitted = quality.jobsOmitted + quality.jobs.length - jobs.length
  const against = quality.baselineAsked ? ` against the baseline (${escapeText(quality.baselineAsked, 60)})` : ''
  if (jobs.length > 0) lines.push(`#### Data profile${against}`, '')
  for (const job of jobs) lines.push(...(short ? shortJob(job) : fullJob(job)))
  if (omitted > 0) lines.push(more(omitted, 'job groups, not profiled here'), '')
  for (const note of quality.notes) lines.push(`<p>${escapeText(note, 500)}</p>`, '')
  return lines.filter((line, i) => line !== '' || lines[i - 1] !== '')
}

function gateSection(quality: QualityReport, short: boolean): string[] {
  const { verdict } = quality
  if (verdict.status === 'not-checked')
    return verdict.why && verdict.why !== NO_GATE
      ? [`<p>Data quality gate not checked: ${escapeText(verdict.why)}.</p>`, '']
      : []
  if (verdict.status === 'passed') return ['#### ✅ Data quality gate passed', '']
  const max = short ? MAX_FAILURES.short : MAX_FAILURES.full
  const items = verdict.failures.slice(0, max).map((f) => `<li>${escapeText(describeFailure(f), 500)}</li>`)
  const rest = verdict.failures.length - items.length
  if (rest > 0) items.push(`<li>… and ${rest} more failing checks${short ? ' (see the step summary)' : ''}</li>`)
  return ['#### ❌ Data quality gate failed', '', `<ul>\n${items.join('\n')}\n</ul>`, '']
}

function fullJob(job: JobQuality): string[] {
  const lines = [`<p><b>${escapeText(capital(job.label), 200)}</b>${baselineText(job)}</p>`, '']
  if (job.profile.kind !== 'profiled') return [...lines, `<p>${noProfile(job.profile.why, job.profile.reason)}</p>`, '']
  const all = job.profile.outputs
  const outputs = all.slice(0, MAX_OUTPUTS_LISTED)
  lines.push(rowsTable(job, outputs), more(all.length - outputs.length, 'outputs, not shown'), '')
  for (const output of outputs) {
    const name = outputs.length > 1 ? ` of ${escapeText(outputLabel(job, output, outputs.length), 200)}` : ''
    lines.push(...columnsSection(output, name), ...rulesSection(output, name))
    const pair = job.comparisons.find((c) => c.key === output.key)
    if (pair) lines.push(...movedSection(pair, name))
  }
  return lines
}

function baselineText(job: JobQuality): string {
  const b = job.baseline
  if (!b) return ''
  if (b.kind === 'missing') return ` · no baseline: ${escapeText(b.why, 300)}`
  const when = b.createdAt ? `, of ${escapeText(b.createdAt, 40)}` : ''
  const without = b.profile.kind === 'profiled' ? '' : ` (it has no profile: ${escapeText(b.profile.why, 300)})`
  return ` · compared with job ${b.jobGroupId}${when}${without}`
}

function noProfile(why: string, reason: string): string {
  const hint =
    reason === 'not-profiled'
      ? ' Turn profiling on with <code>overrides: {"profiler": true}</code> (a <code>quality-gate</code> does so)' +
        ' to see rows, mismatched and missing values and data-quality rules here.'
      : ''
  return `No data profile: ${escapeText(why, 300)}.${hint}`
}

function rowsTable(job: JobQuality, outputs: OutputProfile[]): string {
  const compared = job.comparisons.length > 0
  const rows = outputs.map((output) => {
    const pair = job.comparisons.find((c) => c.key === output.key)
    const cells = [escapeText(outputLabel(job, output, outputs.length), 200), count(output.rows)]
    if (compared) cells.push(count(pair?.rowsBefore), changeText(pair))
    return cells
  })
  return table(['Output', 'Rows', ...(compared ? ['Before', 'Change'] : [])], rows)
}

function changeText(pair: OutputComparison | undefined): string {
  const change = rowChange(pair?.rowsNow, pair?.rowsBefore)
  if (!change) return ''
  const sign = change.delta > 0 ? '+' : ''
  const share =
    change.share === undefined ? '' : ` (${change.delta < 0 ? '-' : sign}${percent(Math.abs(change.share))})`
  return `${sign}${change.delta}${share}`
}

const count = (n: number | undefined): string => (n === undefined ? 'unknown' : String(n))
const figure = (n: number, total: number): string => (n === 0 ? '0' : `${n} (${percent(shareOf(n, total))})`)
const worst = (c: ColumnFigures): number => Math.max(shareOf(c.mismatched, c.total), shareOf(c.missing, c.total))

function columnsSection(output: OutputProfile, of: string): string[] {
  const dirty = output.columns.filter((c) => c.mismatched > 0 || c.missing > 0)
  dirty.sort((a, b) => worst(b) - worst(a) || b.mismatched + b.missing - (a.mismatched + a.missing))
  const lines: string[] = []
  if (dirty.length === 0) {
    lines.push(`<p>${output.columns.length} columns${of}: no mismatched or missing values.</p>`, '')
  } else {
    const rows = dirty
      .slice(0, MAX_ROWS.full)
      .map((c) => [
        `<code>${escapeText(c.name, 120)}</code>`,
        escapeText(c.type ?? '', 40),
        figure(c.mismatched, c.total),
        figure(c.missing, c.total)
      ])
    lines.push(`<p>Columns${of} with the most mismatched and missing values (of ${output.columns.length}):</p>`, '')
    lines.push(
      table(['Column', 'Type', 'Mismatched', 'Missing'], rows),
      more(dirty.length - rows.length, 'such columns'),
      ''
    )
  }
  if (output.unreadable.length > 0) {
    const names = output.unreadable.slice(0, 10).map((c) => `<code>${escapeText(c.name, 60)}</code>`)
    const rest = output.unreadable.length > 10 ? ` and ${output.unreadable.length - 10} more` : ''
    lines.push(
      `<p>Counts that could not be read, of ${output.unreadable.length} columns: ${names.join(', ')}${rest}.</p>`,
      ''
    )
  }
  if (output.columnsOmitted > 0) lines.push(more(output.columnsOmitted, 'columns, not read (too many)'), '')
  return lines
}

const RULE_ORDER = { fail: 0, invalid: 1, pass: 2 }

function rulesSection(output: OutputProfile, of: string): string[] {
  if (output.rules.length === 0) return []
  const rules = [...output.rules].sort((a, b) => RULE_ORDER[a.status] - RULE_ORDER[b.status])
  const rows = rules
    .slice(0, MAX_ROWS.full)
    .map((r) => [
      `<code>${escapeText(r.column, 120)}</code>`,
      escapeText(r.description, 200),
      r.status === 'pass' ? '✅ pass' : r.status === 'fail' ? '❌ fail' : '⚠️ invalid',
      count(r.passCount),
      count(r.failCount)
    ])
  const rest = rules.length - rows.length + output.rulesOmitted
  return [
    `<p>Data-quality rules${of}:</p>`,
    '',
    table(['Column', 'Rule', 'Status', 'Pass', 'Fail'], rows),
    more(rest, 'rules'),
    ''
  ]
}

function movedSection(pair: OutputComparison, of: string): string[] {
  const lines: string[] = []
  if (pair.moved.length > 0) {
    const rows = pair.moved.map((m) => [
      `<code>${escapeText(m.name, 120)}</code>`,
      m.measure,
      percent(m.before),
      percent(m.now)
    ])
    lines.push(`<p>Columns${of} whose share moved most since the baseline:</p>`, '')
    lines.push(table(['Column', 'Values', 'Before', 'Now'], rows), more(pair.movedOmitted, 'moved columns'), '')
  }
  if (pair.ruleChanges.length > 0) {
    const rows = pair.ruleChanges.map((r) => [
      `<code>${escapeText(r.column, 120)}</code>`,
      escapeText(r.description, 200),
      r.before,
      r.now
    ])
    lines.push(`<p>Rules${of} whose status changed:</p>`, '')
    lines.push(table(['Column', 'Rule', 'Before', 'Now'], rows), more(pair.ruleChangesOmitted, 'changed rules'), '')
  }
  if (pair.added + pair.removed > 0)
    lines.push(`<p>Columns${of}: ${pair.added} new, ${pair.removed} gone since the baseline.</p>`, '')
  return lines
}

/** The comment's form: one line per output, the worst columns and moved ones named. */
function shortJob(job: JobQuality): string[] {
  const head = `<b>${escapeText(capital(job.label), 200)}</b>${baselineText(job)}`
  if (job.profile.kind !== 'profiled') return fullJob(job)
  const { outputs } = job.profile
  const items = outputs.slice(0, MAX_ROWS.short).map((output) => {
    const pair = job.comparisons.find((c) => c.key === output.key)
    const before = pair && pair.rowsBefore !== undefined ? ` (before ${pair.rowsBefore}, ${changeText(pair)})` : ''
    const dirty = output.columns.filter((c) => c.mismatched > 0 || c.missing > 0).sort((a, b) => worst(b) - worst(a))
    const columns = dirty.slice(0, 3).map((c) => `<code>${escapeText(c.name, 60)}</code> ${percent(worst(c))}`)
    const failing = output.rules.filter((r) => r.status !== 'pass').length
    const rules =
      output.rules.length > 0 ? `; rules: ${output.rules.length - failing} of ${output.rules.length} pass` : ''
    const moved = (pair?.moved ?? [])
      .slice(0, 3)
      .map((m) => `<code>${escapeText(m.name, 60)}</code> ${m.measure} ${percent(m.before)} → ${percent(m.now)}`)
    const parts = [
      `${escapeText(outputLabel(job, output, outputs.length), 200)}: ${count(output.rows)} rows${before}`,
      columns.length > 0 ? `worst columns ${columns.join(', ')}` : 'no mismatched or missing values',
      ...(moved.length > 0 ? [`moved ${moved.join(', ')}`] : [])
    ]
    return `<li>${parts.join('; ')}${rules}</li>`
  })
  if (outputs.length > MAX_ROWS.short) items.push(`<li>… and ${outputs.length - MAX_ROWS.short} more outputs</li>`)
  return [`<p>${head}</p>`, '', `<ul>\n${items.join('\n')}\n</ul>`, '']
}

const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)
