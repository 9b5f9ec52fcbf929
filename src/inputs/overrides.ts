/**
 * The run's request options: `overrides` and `run-parameters`, parsed and checked as far as the vendor documents
 * them (the server does not validate overrides). A key that resembles a known one (`writeSetting`) is an input
 * error: the server would ignore it, and the job would write its usual outputs, perhaps the production table.
 * Other unknown keys pass on with a warning. Pure.
 */
import type { parse as ParseYaml } from 'yaml'
import { oneLine } from '../shared/format.ts'
import { closest, resembling } from '../shared/nearest.ts'
import { describe, InputError, isPlainObject } from './input-values.ts'

/** The YAML parser: loaded (`loadYamlFor`) only when an `overrides` is not JSON, since it costs start-up time. */
let parseYaml: typeof ParseYaml | undefined

/** Loads the YAML parser when `text` needs it (it is neither empty nor JSON), before the inputs are parsed. */
export async function loadYamlFor(text: string): Promise<void> {
  if (parseYaml || !text.trim() || isJson(text)) return
  parseYaml = (await import('yaml')).parse
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Known top-level keys of `overrides` (vendor docs and the AAC spec's output-object and flow-run requests). */
const KNOWN_OVERRIDE_KEYS = [
  'execution',
  'profiler',
  'isAdhoc',
  'ignoreRecipeErrors',
  'writesettings',
  'writeSettings',
  'publications',
  'sqlScripts',
  'outputObjectSchemaDriftOptions',
  'schemaDriftOptions',
  'sparkOptions',
  'databricksOptions'
]
/** Unknown override keys named in the warning, at most. */
const MAX_NAMED = 10
/** No documented override nests deeper than a few levels; far deeper is a mistake (or an attack on the parser). */
const MAX_DEPTH = 64
const WRITE_ACTIONS = ['create', 'append', 'overwrite']
const WRITE_FORMATS = ['csv', 'json', 'avro', 'pqt', 'hyper']
const WRITE_COMPRESSIONS = ['none', 'gzip', 'bzip2', 'snappy']
const PUBLICATION_ACTIONS = ['create', 'load', 'createAndLoad', 'truncateAndLoad', 'dropAndLoad', 'upsert']

/**
 * A mapping; known keys type-checked (the server does not validate overrides), unknown ones passed on with a
 * warning.
 */
export function parseOverrides(text: string, warnings: string[] = []): Record<string, unknown> {
  return checkOverrides(parseOverridesObject(text, '{"execution": "photon"} or, as YAML, execution: photon'), warnings)
}

/** The `overrides` input as a mapping, from YAML or JSON (`example` shows one in the error). */
export function parseOverridesObject(text: string, example: string): Record<string, unknown> {
  const value = parseMapping(text)
  if (!isPlainObject(value)) {
    throw new InputError('overrides', `must be a mapping, e.g. ${example} (got ${describe(value)}).`)
  }
  if (tooDeep(value)) {
    throw new InputError('overrides', `is nested deeper than ${MAX_DEPTH} levels; no override needs that.`)
  }
  return value
}

/**
 * The checks of one job group's overrides (a recipe's, or one flow output's); `at` prefixes the key names in
 * messages, e.g. `Sales.` for the flow output named Sales. Returns `o`.
 */
export function checkOverrides(o: Record<string, unknown>, warnings: string[], at = ''): Record<string, unknown> {
  if ('execution' in o && typeof o.execution !== 'string') {
    throw new InputError(
      'overrides',
      `'${at}execution' must be a string such as "photon" or "spark" (got ${describe(o.execution)}).`
    )
  }
  if ('profiler' in o && typeof o.profiler !== 'boolean') {
    throw new InputError('overrides', `'${at}profiler' must be true or false (got ${describe(o.profiler)}).`)
  }
  if ('ignoreRecipeErrors' in o && typeof o.ignoreRecipeErrors !== 'boolean') {
    throw new InputError(
      'overrides',
      `'${at}ignoreRecipeErrors' must be true or false (got ${describe(o.ignoreRecipeErrors)}).`
    )
  }
  for (const key of ['writesettings', 'writeSettings'] as const) {
    if (key in o) checkWriteSettings(`${at}${key}`, o[key], warnings)
  }
  if ('publications' in o) checkPublications(`${at}publications`, o.publications, warnings)
  // S1: testMode is a top-level field of the request; inside overrides the server may ignore it and run for real.
  if ('testMode' in o) {
    throw new InputError(
      'overrides',
      `'${at}testMode' is not an override: inside overrides the server may ignore it and run the job for real. ` +
        'To check a run without starting it, set dry-run: true.'
    )
  }
  const unknown = Object.keys(o).filter((k) => !KNOWN_OVERRIDE_KEYS.includes(k))
  const misspelt = unknown.flatMap((key) => {
    const known = resembling(key, KNOWN_OVERRIDE_KEYS)
    return known ? [`'${at}${oneLine(key, 40)}' (did you mean '${at}${known}'?)`] : []
  })
  if (misspelt.length > 0) throw new InputError('overrides', misspeltKeysMessage(misspelt))
  if (unknown.length > 0) warnings.push(unknownKeysWarning(unknown, at))
  return o
}

/** The error for keys that resemble known ones: the server would ignore them, so nothing is sent. */
function misspeltKeysMessage(named: string[]): string {
  const keys = named.length === 1 ? 'key' : 'keys'
  const more = named.length > MAX_NAMED ? ` and ${named.length - MAX_NAMED} more` : ''
  return (
    `unknown ${keys} ${named.slice(0, MAX_NAMED).join(', ')}${more}: the server ignores a key it does not know, and ` +
    'the job would run without it (with its usual outputs, for a misspelt writesettings). Fix the spelling; ' +
    'nothing was sent.'
  )
}

/**
 * JSON, else YAML, as people write mappings in a workflow file (JSON is YAML too; JSON is tried first since it
 * is exact and fast). The error says what was tried and shows the line YAML stumbled on.
 */
function parseMapping(text: string): unknown {
  let jsonError = ''
  try {
    return JSON.parse(text)
  } catch (e) {
    jsonError = (e as Error).message
  }
  // A programming error, not an input's: every caller loads the parser first (loadYamlFor).
  if (!parseYaml) throw new Error('overrides: the YAML parser was not loaded')
  try {
    return parseYaml(text, { maxAliasCount: 20, uniqueKeys: true })
  } catch (e) {
    // The YAML parser reports its own stack overflow as a parse error.
    if (e instanceof RangeError || /Maximum call stack/.test((e as Error).message)) {
      throw new InputError('overrides', 'is nested too deeply to read.')
    }
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line
    const shown = line ? ` at line ${line}: ${oneLine(text.split(/\r?\n/)[line - 1] ?? '', 80)}` : ''
    const yamlError = oneLine((e as Error).message.split('\n')[0]!, 200)
    const tried = text.startsWith('{') ? `JSON (${oneLine(jsonError, 120)}) nor YAML` : 'YAML'
    throw new InputError('overrides', `is not valid ${tried} (${yamlError})${shown}.`)
  }
}

/** One line naming at most `MAX_NAMED` unknown keys, each with the known key it is nearest to, if any. */
function unknownKeysWarning(unknown: string[], at: string): string {
  const named = unknown.slice(0, MAX_NAMED).map((key) => {
    const near = closest(key, KNOWN_OVERRIDE_KEYS)
    return `'${at}${oneLine(key, 40)}'${near ? ` (did you mean '${at}${near}'?)` : ''}`
  })
  const more = unknown.length > MAX_NAMED ? ` and ${unknown.length - MAX_NAMED} more` : ''
  const keys = unknown.length === 1 ? 'unknown key' : `${unknown.length} unknown keys`
  return `overrides: ${keys} ${named.join(', ')}${more} passed on as given.`
}

/** Nesting deeper than `MAX_DEPTH`, found without recursion (a deep value must not exhaust the stack). */
function tooDeep(value: unknown): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!
    if (typeof item !== 'object' || item === null) continue
    if (depth > MAX_DEPTH) return true
    for (const child of Object.values(item)) stack.push([child, depth + 1])
  }
  return false
}

function checkWriteSettings(key: string, value: unknown, warnings: string[]): void {
  const items = objectArray('overrides', key, value)
  items.forEach((item, i) => {
    const where = `'${key}[${i}]'`
    if ('path' in item && typeof item.path !== 'string')
      throw new InputError('overrides', `${where}.path must be a string.`)
    if ('action' in item && !WRITE_ACTIONS.includes(item.action as string)) {
      throw new InputError(
        'overrides',
        `${where}.action must be one of ${WRITE_ACTIONS.join(', ')} (got ${describe(item.action)}).`
      )
    }
    if ('format' in item && !WRITE_FORMATS.includes(item.format as string)) {
      warnings.push(
        `overrides: ${where}.format ${describe(item.format)} is not one of ${WRITE_FORMATS.join(', ')}; passed on ` +
          `as given.`
      )
    }
    if ('compression' in item && !WRITE_COMPRESSIONS.includes(item.compression as string)) {
      warnings.push(
        `overrides: ${where}.compression ${describe(item.compression)} is not one of ` +
          `${WRITE_COMPRESSIONS.join(', ')}; passed on as given.`
      )
    }
  })
}

function checkPublications(key: string, value: unknown, warnings: string[]): void {
  objectArray('overrides', key, value).forEach((item, i) => {
    if ('action' in item && !PUBLICATION_ACTIONS.includes(item.action as string)) {
      warnings.push(
        `overrides: '${key}[${i}]'.action ${describe(item.action)} is not one of ${PUBLICATION_ACTIONS.join(', ')}; ` +
          `passed on as given.`
      )
    }
  })
}

function objectArray(input: string, key: string, value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new InputError(input, `'${key}' must be an array of objects (got ${describe(value)}).`)
  }
  return value
}
