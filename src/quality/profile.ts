/**
 * A job group's profile read into figures: per output the row count, per column how many values are valid,
 * missing (empty) and mismatched, and the results of the data-quality rules. The answer is server text: every
 * count is checked (a count that is no finite, non-negative number is unreadable, never guessed), names are cut
 * to one line, and the work is bounded however wide the table. Pure.
 *
 * Shapes (PROFILE-AND-RESULTS.md, S1 `LJobGroupFlowNodeProfile`, S5): `profilerTypeCheckHistograms` column →
 * `[{key: VALID|EMPTY|INVALID, count}]`; `profilerRules` column → `[{description, status, passCount, failCount}]`;
 * `/profileResults` is a map of output key → one such profile.
 */
import { oneLine } from '../shared/format.ts'

/** Columns read of one output, at most; a wider table is read this far, and says so. */
export const MAX_COLUMNS = 5_000
/** Rules read of one output, at most. */
export const MAX_RULES = 1_000
/** Outputs read of one job group, at most. */
export const MAX_OUTPUTS = 50
/** Names (columns, rules, output keys) are cut to this many characters. */
const MAX_NAME = 120

export interface ColumnFigures {
  name: string
  type?: string
  valid: number
  missing: number
  mismatched: number
  /** valid + missing + mismatched: the rows this column counted. */
  total: number
}

/** A column whose counts could not be read (missing, or not finite non-negative numbers). */
export interface UnreadableColumn {
  name: string
  unreadable: true
}

export type RuleStatus = 'pass' | 'fail' | 'invalid'

export interface RuleFigures {
  column: string
  description: string
  /** Anything but `pass` or `fail` reads as `invalid` (the rule could not be checked). */
  status: RuleStatus
  passCount?: number
  failCount?: number
}

export interface OutputProfile {
  /** The output's key in /profileResults ('' for the answer of /profile). */
  key: string
  /** The largest row count of any readable column; undefined when no column could be read. */
  rows?: number
  columns: ColumnFigures[]
  unreadable: UnreadableColumn[]
  rules: RuleFigures[]
  /** Columns (or rules) left unread beyond the bounds. */
  columnsOmitted: number
  rulesOmitted: number
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** A count as the server sent it: a whole, non-negative number (a safe integer), else undefined. */
export function countOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined
}

/** A name from the server, on one line and cut. */
export const nameOf = (value: unknown): string => oneLine(typeof value === 'string' ? value : String(value), MAX_NAME)

/** Whether a value looks like one output's profile rather than a map of them. */
export function isOutputProfile(value: unknown): boolean {
  return isObject(value) && ('profilerTypeCheckHistograms' in value || 'profilerRules' in value)
}

/**
 * The outputs of an answer of /profileResults (a map of profiles) or /profile (one profile). Entries that are no
 * profile are skipped; at most `MAX_OUTPUTS`.
 */
export function readProfileAnswer(answer: unknown): OutputProfile[] {
  if (isOutputProfile(answer)) return [readOutputProfile('', answer)]
  if (!isObject(answer)) return []
  return Object.entries(answer)
    .filter(([, value]) => isOutputProfile(value))
    .slice(0, MAX_OUTPUTS)
    .map(([key, value]) => readOutputProfile(nameOf(key), value))
}

/** One output's profile. */
export function readOutputProfile(key: string, value: unknown): OutputProfile {
  const profile = isObject(value) ? value : {}
  const histograms = isObject(profile.profilerTypeCheckHistograms) ? profile.profilerTypeCheckHistograms : {}
  const types = isObject(profile.columnTypes) ? profile.columnTypes : {}
  const names = Object.keys(histograms)
  const columns: ColumnFigures[] = []
  const unreadable: UnreadableColumn[] = []
  for (const name of names.slice(0, MAX_COLUMNS)) {
    const figures = columnFigures(nameOf(name), histograms[name], types[name])
    if ('unreadable' in figures) unreadable.push(figures)
    else columns.push(figures)
  }
  const { rules, omitted } = readRules(profile.profilerRules)
  const totals = columns.map((c) => c.total)
  return {
    key,
    rows: totals.length > 0 ? Math.max(...totals) : undefined,
    columns,
    unreadable,
    rules,
    columnsOmitted: Math.max(0, names.length - MAX_COLUMNS),
    rulesOmitted: omitted
  }
}

const KEYS = { VALID: 'valid', EMPTY: 'missing', INVALID: 'mismatched' } as const

function columnFigures(name: string, histogram: unknown, types: unknown): ColumnFigures | UnreadableColumn {
  if (!Array.isArray(histogram)) return { name, unreadable: true }
  const sums = { valid: 0, missing: 0, mismatched: 0 }
  let seen = 0
  for (const entry of histogram.slice(0, 10)) {
    const field = isObject(entry) && typeof entry.key === 'string' ? KEYS[entry.key as keyof typeof KEYS] : undefined
    if (field === undefined) continue
    const count = countOf(entry.count)
    if (count === undefined) return { name, unreadable: true }
    sums[field] += count
    seen += 1
  }
  const total = sums.valid + sums.missing + sums.mismatched
  if (seen === 0 || !Number.isSafeInteger(total)) return { name, unreadable: true }
  const type = Array.isArray(types) && typeof types[0] === 'string' ? nameOf(types[0]) : undefined
  return { name, ...(type !== undefined && { type }), ...sums, total }
}

function readRules(value: unknown): { rules: RuleFigures[]; omitted: number } {
  const rules: RuleFigures[] = []
  let omitted = 0
  if (!isObject(value)) return { rules, omitted }
  for (const [column, list] of Object.entries(value)) {
    for (const rule of Array.isArray(list) ? list : []) {
      if (!isObject(rule)) continue
      if (rules.length >= MAX_RULES) {
        omitted += 1
        continue
      }
      rules.push(ruleFigures(nameOf(column), rule))
    }
  }
  return { rules, omitted }
}

function ruleFigures(column: string, rule: Record<string, unknown>): RuleFigures {
  const status: RuleStatus = rule.status === 'pass' || rule.status === 'fail' ? rule.status : 'invalid'
  const described = [rule.description, rule.comment, rule.type].find((v) => typeof v === 'string' && v.trim())
  const passCount = countOf(rule.passCount)
  const failCount = countOf(rule.failCount)
  return {
    column,
    description: described === undefined ? `rule ${nameOf(rule.id ?? '?')}` : nameOf(described),
    status,
    ...(passCount !== undefined && { passCount }),
    ...(failCount !== undefined && { failCount })
  }
}

/** A share of a count, 0 when there is nothing to share. */
export const shareOf = (count: number, total: number): number => (total > 0 ? count / total : 0)

/** `4.2%`, `0.05%`, `<0.01%`: a share for people. */
export function percent(share: number): string {
  if (share === 0) return '0%'
  const p = share * 100
  if (p < 0.01) return '<0.01%'
  return `${p.toFixed(p >= 10 ? 1 : 2)}%`.replace(/\.?0+%$/, '%')
}
