/**
 * A profile against its baseline's: per output the rows now and before, the columns whose mismatched or missing
 * share moved most, and the rules whose status changed. Bounded (the worst `MAX_MOVED` columns, the first
 * `MAX_RULE_CHANGES` rules, with counts of the rest). Pure.
 */
import { shareOf, type ColumnFigures, type OutputProfile, type RuleStatus } from './profile.ts'

export const MAX_MOVED = 20
export const MAX_RULE_CHANGES = 20

export type Measure = 'mismatched' | 'missing'

export interface MovedColumn {
  name: string
  measure: Measure
  /** Shares, 0–1. */
  before: number
  now: number
}

export interface RuleChange {
  column: string
  description: string
  before: RuleStatus | 'absent'
  now: RuleStatus | 'absent'
}

export interface OutputComparison {
  /** The output's key now ('' for a single output). */
  key: string
  rowsNow?: number
  rowsBefore?: number
  moved: MovedColumn[]
  movedOmitted: number
  ruleChanges: RuleChange[]
  ruleChangesOmitted: number
  /** Columns only now, or only before (counts). */
  added: number
  removed: number
}

/**
 * The outputs of both sides paired: by key, or the only output of each side with the other's only output (a
 * recipe's run has one, whatever its key).
 */
export function compareProfiles(now: OutputProfile[], before: OutputProfile[]): OutputComparison[] {
  if (now.length === 1 && before.length === 1) return [compareOutput(now[0]!, before[0]!)]
  const byKey = new Map(before.map((o) => [o.key, o]))
  return now.flatMap((output) => {
    const old = byKey.get(output.key)
    return old ? [compareOutput(output, old)] : []
  })
}

export function compareOutput(now: OutputProfile, before: OutputProfile): OutputComparison {
  const old = new Map(before.columns.map((c) => [c.name, c]))
  const current = new Set(now.columns.map((c) => c.name))
  const moved: MovedColumn[] = []
  for (const column of now.columns) {
    const was = old.get(column.name)
    if (!was) continue
    for (const measure of ['mismatched', 'missing'] as const) {
      const shares = { before: share(was, measure), now: share(column, measure) }
      if (shares.now !== shares.before) moved.push({ name: column.name, measure, ...shares })
    }
  }
  moved.sort((a, b) => Math.abs(b.now - b.before) - Math.abs(a.now - a.before) || a.name.localeCompare(b.name))
  const changes = ruleChanges(now, before)
  return {
    key: now.key,
    rowsNow: now.rows,
    rowsBefore: before.rows,
    moved: moved.slice(0, MAX_MOVED),
    movedOmitted: Math.max(0, moved.length - MAX_MOVED),
    ruleChanges: changes.slice(0, MAX_RULE_CHANGES),
    ruleChangesOmitted: Math.max(0, changes.length - MAX_RULE_CHANGES),
    added: now.columns.filter((c) => !old.has(c.name)).length,
    removed: before.columns.filter((c) => !current.has(c.name)).length
  }
}

const share = (column: ColumnFigures, measure: Measure): number => shareOf(column[measure], column.total)

/** Rules matched by column and description; one only on one side reads as `absent` on the other. */
function ruleChanges(now: OutputProfile, before: OutputProfile): RuleChange[] {
  const id = (r: { column: string; description: string }): string => JSON.stringify([r.column, r.description])
  const old = new Map(before.rules.map((r) => [id(r), r.status]))
  const changes: RuleChange[] = []
  const seen = new Set<string>()
  for (const rule of now.rules) {
    seen.add(id(rule))
    const was = old.get(id(rule)) ?? 'absent'
    if (was !== rule.status)
      changes.push({ column: rule.column, description: rule.description, before: was, now: rule.status })
  }
  for (const rule of before.rules) {
    if (!seen.has(id(rule)))
      changes.push({ column: rule.column, description: rule.description, before: rule.status, now: 'absent' })
  }
  return changes
}

/** The change of rows, as a count and (when there were rows before) a share; undefined when either is unknown. */
export function rowChange(now?: number, before?: number): { delta: number; share?: number } | undefined {
  if (now === undefined || before === undefined) return undefined
  const delta = now - before
  return before > 0 ? { delta, share: delta / before } : { delta }
}
