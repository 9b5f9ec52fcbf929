/**
 * The `quality-gate` input: which checks the data must pass, read from YAML or JSON. Unknown checks, bad limits
 * and invalid YAML are errors (`GateError`, which the inputs turn into an input error before anything is sent).
 * Pure.
 *
 *   rules: pass            every data-quality rule passes (`invalid` counts as not passing)
 *   mismatched: 0.5%       per column, at most this share (with %) or count (without) of mismatched values
 *   missing: 5%            the same for missing (empty) values
 *   min-rows: 1000         per output
 *   max-row-change: 20%    against the baseline, up or down
 *   columns:               per-column limits that replace the general ones
 *     email: { missing: 0 }
 */
import { parse as parseYaml, parseDocument } from 'yaml'
import { oneLine } from '../shared/format.ts'

/** A limit as written: a share in percent (`0.5%` → 0.5) or a count (`12`). `text` is how the user wrote it. */
export type Limit = { kind: 'share'; percent: number; text: string } | { kind: 'count'; count: number; text: string }

export interface ColumnLimits {
  mismatched?: Limit
  missing?: Limit
}

export interface QualityGate {
  rules: boolean
  mismatched?: Limit
  missing?: Limit
  minRows?: number
  maxRowChange?: Limit
  /** Per-column limits by column name (a Map: a column may be called `__proto__`). */
  columns: Map<string, ColumnLimits>
}

export class GateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GateError'
  }
}

export const GATE_CHECKS = ['rules', 'mismatched', 'missing', 'min-rows', 'max-row-change', 'columns'] as const
const COLUMN_CHECKS = ['mismatched', 'missing'] as const
const EXAMPLE = 'e.g. "rules: pass" or {"mismatched": "0.5%", "min-rows": 1000}'
const MAX_TEXT = 20_000
const MAX_GATE_COLUMNS = 500

/** The gate; undefined for empty text. Throws `GateError` naming what is wrong. */
export function parseQualityGate(text: string): QualityGate | undefined {
  if (text.trim() === '') return undefined
  if (text.length > MAX_TEXT) throw new GateError(`is ${text.length} characters long; a gate needs far fewer.`)
  const value = parseText(text)
  if (!isMapping(value)) throw new GateError(`must be a mapping of checks, ${EXAMPLE} (got ${kindOf(value)}).`)
  const unknown = Object.keys(value).filter((key) => !(GATE_CHECKS as readonly string[]).includes(key))
  if (unknown.length > 0) throw new GateError(unknownChecks(unknown, GATE_CHECKS, ''))
  if (Object.keys(value).length === 0) throw new GateError(`names no check; ${EXAMPLE}.`)
  return {
    rules: parseRules(value.rules),
    ...optional('mismatched', value.mismatched, (v) => parseLimit('mismatched', v)),
    ...optional('missing', value.missing, (v) => parseLimit('missing', v)),
    ...optional('minRows', value['min-rows'], (v) => parseWhole('min-rows', v)),
    // Rows may grow more than twofold: a change is no share of a whole, so it may exceed 100%.
    ...optional('maxRowChange', value['max-row-change'], (v) => parseLimit('max-row-change', v, Infinity)),
    columns: parseColumns(value.columns)
  }
}

/** JSON first (exact), else YAML; the YAML error names the line. */
function parseText(text: string): unknown {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // not JSON: YAML below
  }
  // JSON.parse keeps the last of two equal keys; a gate that names a check twice is refused, as in YAML.
  if (json !== undefined) {
    const twice = parseDocument(text, { uniqueKeys: true }).errors.find((e) => e.code === 'DUPLICATE_KEY')
    if (twice) throw new GateError(`names a key twice (${oneLine(twice.message.split('\n')[0]!, 120)}).`)
    return json
  }
  try {
    return parseYaml(text, { maxAliasCount: 20, uniqueKeys: true })
  } catch (e) {
    if (e instanceof RangeError || /Maximum call stack/.test((e as Error).message))
      throw new GateError('is nested too deeply to read.')
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line
    const shown = line ? ` at line ${line}: ${oneLine(text.split(/\r?\n/)[line - 1] ?? '', 80)}` : ''
    throw new GateError(`is not valid YAML or JSON (${oneLine((e as Error).message.split('\n')[0]!, 200)})${shown}.`)
  }
}

function optional<K extends string, T>(key: K, value: unknown, parse: (v: unknown) => T): Partial<Record<K, T>> {
  return value === undefined || value === null ? {} : ({ [key]: parse(value) } as Record<K, T>)
}

function parseRules(value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (value === 'pass') return true
  throw new GateError(`'rules' can only be 'pass' (every data-quality rule passes; got ${kindOf(value)}).`)
}

/** `0.5%` (a share, 0–`maxPercent`%) or `12` (a count of values). */
export function parseLimit(check: string, value: unknown, maxPercent = 100): Limit {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined
  const share = text === undefined ? null : /^(\d+(?:\.\d+)?)\s*%$/.exec(text)
  if (share) {
    const p = Number(share[1])
    if (p > maxPercent) throw new GateError(`'${check}' is a share over 100% (got '${text}').`)
    if (!Number.isFinite(p)) throw new GateError(`'${check}' is no finite share (got '${oneLine(text!, 40)}').`)
    return { kind: 'share', percent: p, text: `${share[1]}%` }
  }
  const count = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined
  if (count !== undefined && Number.isSafeInteger(count)) return { kind: 'count', count, text: String(count) }
  throw new GateError(
    `'${check}' must be a share with % (e.g. 0.5%) or a whole count of values (e.g. 0) (got ${kindOf(value)}).`
  )
}

function parseWhole(check: string, value: unknown): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN
  if (!Number.isSafeInteger(n) || n < 0)
    throw new GateError(`'${check}' must be a whole number (got ${kindOf(value)}).`)
  return n
}

function parseColumns(value: unknown): Map<string, ColumnLimits> {
  const columns = new Map<string, ColumnLimits>()
  if (value === undefined || value === null) return columns
  if (!isMapping(value))
    throw new GateError(
      `'columns' must map column names to limits, e.g. {"email": {"missing": 0}} (got ${kindOf(value)}).`
    )
  const entries = Object.entries(value)
  if (entries.length > MAX_GATE_COLUMNS)
    throw new GateError(`'columns' names ${entries.length} columns; at most ${MAX_GATE_COLUMNS}.`)
  for (const [name, limits] of entries) {
    const at = `columns.${oneLine(name, 60)}`
    if (!isMapping(limits))
      throw new GateError(`'${at}' must be a mapping such as {missing: 0} (got ${kindOf(limits)}).`)
    const unknown = Object.keys(limits).filter((key) => !(COLUMN_CHECKS as readonly string[]).includes(key))
    if (unknown.length > 0) throw new GateError(unknownChecks(unknown, COLUMN_CHECKS, `${at}.`))
    if (Object.keys(limits).length === 0) throw new GateError(`'${at}' names no limit; give mismatched or missing.`)
    columns.set(name, {
      ...optional('mismatched', limits.mismatched, (v) => parseLimit(`${at}.mismatched`, v)),
      ...optional('missing', limits.missing, (v) => parseLimit(`${at}.missing`, v))
    })
  }
  return columns
}

function unknownChecks(unknown: string[], known: readonly string[], at: string): string {
  const named = unknown.slice(0, 5).map((key) => {
    const bare = key.toLowerCase().replace(/[-_ ]/g, '')
    const near = known.find((k) => {
      const name = k.replace(/-/g, '')
      return name === bare || (bare.length >= 4 && (name.startsWith(bare) || bare.startsWith(name)))
    })
    return `'${at}${oneLine(key, 40)}'${near ? ` (did you mean '${at}${near}'?)` : ''}`
  })
  const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''
  return `has unknown check${unknown.length > 1 ? 's' : ''} ${named.join(', ')}${more}; known: ${known.join(', ')}.`
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function kindOf(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a mapping'
  if (typeof value === 'string') return `'${oneLine(value, 40)}'`
  return `${typeof value} ${String(value)}`
}
