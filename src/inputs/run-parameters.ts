/**
 * The `run-parameters` input: values for the dataset's variables, as `key=value` lines or a JSON object of
 * strings. Pure.
 */
import { describe, InputError, isPlainObject } from './input-values.ts'

export interface RunParameter {
  key: string
  value: string
}

/** `key=value` lines (blank lines and `#` comments ignored, `=` allowed in the value) or a JSON object of strings. */
export function parseRunParameters(text: string): RunParameter[] {
  const raw = text.trim()
  if (!raw) return []
  if (raw.startsWith('{') || raw.startsWith('[')) return parseRunParametersJson(raw)
  const params: RunParameter[] = []
  const seen = new Map<string, number>()
  raw.split(/\r?\n/).forEach((line, index) => {
    const lineNo = index + 1
    const trimmed = line.trim()
    if (!trimmed || trimmed.startsWith('#')) return
    const eq = trimmed.indexOf('=')
    if (eq < 0) throw new InputError('run-parameters', `line ${lineNo} has no '=': expected key=value.`)
    const key = trimmed.slice(0, eq).trim()
    if (!key) throw new InputError('run-parameters', `line ${lineNo} has an empty key: expected key=value.`)
    const first = seen.get(key)
    if (first !== undefined)
      throw new InputError('run-parameters', `key '${key}' is given twice (lines ${first} and ${lineNo}).`)
    seen.set(key, lineNo)
    params.push({ key, value: trimmed.slice(eq + 1).trim() })
  })
  return params
}

function parseRunParametersJson(raw: string): RunParameter[] {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (e) {
    throw new InputError(
      'run-parameters',
      `is not valid JSON (${(e as Error).message}); give a JSON object of strings or key=value lines.`
    )
  }
  if (!isPlainObject(value))
    throw new InputError('run-parameters', 'must be a JSON object of strings, e.g. {"country": "Germany"}.')
  return Object.entries(value).map(([key, v]) => {
    if (!key.trim()) throw new InputError('run-parameters', 'has an empty key.')
    if (typeof v !== 'string') {
      throw new InputError(
        'run-parameters',
        `value of '${key}' must be a string (got ${describe(v)}); quote it, e.g. "${key}": "${String(v)}".`
      )
    }
    return { key, value: v }
  })
}
