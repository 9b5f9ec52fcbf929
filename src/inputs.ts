/**
 * Inputs: every action input parsed and validated, once, into one typed object before any request is sent.
 * Pure: `parseInputs` reads through a getter, so tests call it without a runner.
 */
import { formatMs } from './format.ts'

export interface RunParameter {
  key: string
  value: string
}

export type Target = { kind: 'recipe'; recipeId: number } | { kind: 'job'; jobId: number }

export interface Config {
  /** Base URL without a trailing slash or `/v4`, e.g. `https://api.clouddataprep.com`. */
  apiUrl: string
  apiToken: string
  target: Target
  overrides?: Record<string, unknown>
  runParameters: RunParameter[]
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  requestTimeoutMs: number
  failOnJobFailure: boolean
  cancelOnTimeout: boolean
  cancelOnWorkflowCancel: boolean
  /** Base URL of the web app, for links. */
  appUrl: string
  commentOnPr: boolean
  githubToken: string
  /** Things worth telling the user that do not stop the run (e.g. unknown override keys). */
  warnings: string[]
}

/** One bad input: names the input and says what is expected. */
export class InputError extends Error {
  readonly input: string
  constructor(input: string, message: string) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
    this.input = input
  }
}

/** Every bad input found, reported together so one run shows them all. */
export class InputErrors extends Error {
  readonly errors: InputError[]
  constructor(errors: InputError[]) {
    super(errors.map((e) => e.message).join('\n'))
    this.name = 'InputErrors'
    this.errors = errors
  }
}

export type InputGetter = (name: string) => string

const MAX_DURATION_MS = 30 * 24 * 3600 * 1000

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
const WRITE_ACTIONS = ['create', 'append', 'overwrite']
const WRITE_FORMATS = ['csv', 'json', 'avro', 'pqt', 'hyper']
const WRITE_COMPRESSIONS = ['none', 'gzip', 'bzip2', 'snappy']
const PUBLICATION_ACTIONS = ['create', 'load', 'createAndLoad', 'truncateAndLoad', 'dropAndLoad', 'upsert']

/** Parse and validate all inputs. Throws `InputErrors` listing every bad input. */
export function parseInputs(get: InputGetter): Config {
  const errors: InputError[] = []
  const warnings: string[] = []
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn()
    } catch (e) {
      if (e instanceof InputError) {
        errors.push(e)
        return undefined
      }
      throw e
    }
  }

  const apiUrl = attempt(() => parseApiUrl(get('api-url')))
  const apiToken = attempt(() => parseToken('api-token', get('api-token'), warnings))
  const target = attempt(() => parseTarget(get('recipe-id'), get('job-id')))
  const overridesText = get('overrides').trim()
  const runParametersText = get('run-parameters').trim()
  if (target?.kind === 'job') {
    if (overridesText) errors.push(new InputError('overrides', 'cannot be used with job-id (the job already runs); remove it or give recipe-id instead.'))
    if (runParametersText) errors.push(new InputError('run-parameters', 'cannot be used with job-id (the job already runs); remove it or give recipe-id instead.'))
  }
  const overrides = attempt(() => (overridesText ? parseOverrides(overridesText, warnings) : undefined))
  const runParameters = attempt(() => parseRunParameters(runParametersText)) ?? []
  const wait = attempt(() => parseBoolean('wait', get('wait'), true))
  const timeoutMs = attempt(() => parseDuration('timeout', get('timeout'), '6h'))
  const pollIntervalMs = attempt(() => parseDuration('poll-interval', get('poll-interval'), '2s'))
  const maxPollIntervalMs = attempt(() => parseDuration('max-poll-interval', get('max-poll-interval'), '60s'))
  const requestTimeoutMs = attempt(() => parseDuration('request-timeout', get('request-timeout'), '30s'))
  if (pollIntervalMs !== undefined && pollIntervalMs < 1000) {
    errors.push(new InputError('poll-interval', `must be at least 1s (got '${get('poll-interval').trim()}').`))
  }
  if (pollIntervalMs !== undefined && maxPollIntervalMs !== undefined && pollIntervalMs > maxPollIntervalMs) {
    errors.push(
      new InputError('poll-interval', `(${formatMs(pollIntervalMs)}) must not be larger than max-poll-interval (${formatMs(maxPollIntervalMs)}).`)
    )
  }
  const failOnJobFailure = attempt(() => parseBoolean('fail-on-job-failure', get('fail-on-job-failure'), true))
  const cancelOnTimeout = attempt(() => parseBoolean('cancel-on-timeout', get('cancel-on-timeout'), true))
  const cancelOnWorkflowCancel = attempt(() => parseBoolean('cancel-on-workflow-cancel', get('cancel-on-workflow-cancel'), true))
  const appUrlText = get('app-url').trim()
  const appUrl = attempt(() => (appUrlText ? parseHttpUrl('app-url', appUrlText) : apiUrl ? deriveAppUrl(apiUrl) : ''))
  const commentOnPr = attempt(() => parseBoolean('comment-on-pr', get('comment-on-pr'), false))
  const githubToken = get('github-token').trim()
  if (commentOnPr && !githubToken) {
    errors.push(new InputError('github-token', 'is empty, but comment-on-pr is true: give a token with pull-requests write permission.'))
  }

  if (errors.length > 0) throw new InputErrors(errors)
  // Every value below is defined: an undefined one would have recorded an error above.
  return {
    apiUrl: apiUrl!,
    apiToken: apiToken!,
    target: target!,
    overrides,
    runParameters,
    wait: wait!,
    timeoutMs: timeoutMs!,
    pollIntervalMs: pollIntervalMs!,
    maxPollIntervalMs: maxPollIntervalMs!,
    requestTimeoutMs: requestTimeoutMs!,
    failOnJobFailure: failOnJobFailure!,
    cancelOnTimeout: cancelOnTimeout!,
    cancelOnWorkflowCancel: cancelOnWorkflowCancel!,
    appUrl: appUrl!,
    commentOnPr: commentOnPr!,
    githubToken,
    warnings
  }
}

/** `https://host[:port][/prefix]`, without a trailing slash or `/v4`. Plain http only for loopback hosts. */
export function parseApiUrl(text: string): string {
  const url = parseHttpUrl('api-url', text)
  return url.replace(/\/v4$/i, '')
}

function parseHttpUrl(input: string, text: string): string {
  const raw = text.trim()
  if (!raw) throw new InputError(input, 'is required, e.g. https://api.clouddataprep.com.')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(input, `'${raw}' is not a URL; expected e.g. https://api.clouddataprep.com.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(input, `must be an https URL (got a '${url.protocol}' URL).`)
  }
  if (url.username || url.password) {
    throw new InputError(input, 'must not contain credentials; put the token in api-token.')
  }
  if (url.search || url.hash) {
    throw new InputError(input, 'must not contain a query or fragment; give the base URL only.')
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(input, `plain http is only allowed for loopback hosts; use https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`)
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  if (host === 'localhost' || host === '[::1]') return true
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * Web app base URL derived from the API URL: `api.clouddataprep.com` → `clouddataprep.com`,
 * `api.<region>.alteryxcloud.com` → `<region>.alteryxcloud.com`, otherwise the API URL itself.
 */
export function deriveAppUrl(apiUrl: string): string {
  const url = new URL(apiUrl)
  const host = url.hostname.toLowerCase()
  if (host === 'api.clouddataprep.com' || /^api\.[a-z0-9-]+\.alteryxcloud\.com$/.test(host)) {
    url.hostname = host.slice('api.'.length)
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

function parseToken(input: string, text: string, warnings: string[]): string {
  let token = text.trim()
  if (!token) throw new InputError(input, 'is empty; pass the access token from a secret, e.g. ${{ secrets.TRIFACTA_TOKEN }}.')
  if (/^bearer\s+/i.test(token)) {
    token = token.replace(/^bearer\s+/i, '')
    warnings.push(`${input} starts with 'Bearer '; the prefix was removed (give the token alone).`)
  }
  if (/\s/.test(token)) throw new InputError(input, 'contains white space or a line break; give the token alone.')
  return token
}

function parseTarget(recipeText: string, jobText: string): Target {
  const recipe = recipeText.trim()
  const job = jobText.trim()
  if (recipe && job) throw new InputError('recipe-id', 'give either recipe-id (to run a recipe) or job-id (to wait on a running job), not both.')
  if (!recipe && !job) throw new InputError('recipe-id', 'is required (or give job-id to wait on a job group that already runs).')
  return recipe
    ? { kind: 'recipe', recipeId: parsePositiveInteger('recipe-id', recipe) }
    : { kind: 'job', jobId: parsePositiveInteger('job-id', job) }
}

export function parsePositiveInteger(input: string, text: string): number {
  const raw = text.trim()
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) {
    const hint = input === 'recipe-id' ? ' In the flow view, /flows/10?recipe=7 means recipe-id 7.' : ''
    throw new InputError(input, `must be a positive integer (got '${raw}').${hint}`)
  }
  return n
}

export function parseBoolean(input: string, text: string, fallback: boolean): boolean {
  const raw = text.trim()
  if (raw === '') return fallback
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(input, `must be true or false (got '${raw}').`)
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `90` (seconds), `90s`, `30m`, `2h`, `1h30m`, `500ms`. Positive, at most 30 days. */
export function parseDuration(input: string, text: string, fallback?: string): number {
  const raw = text.trim() || fallback || ''
  const expected = `must be a positive duration: seconds (90) or with a unit (90s, 30m, 2h, 1h30m) (got '${text.trim()}').`
  let ms: number
  if (/^\d+(\.\d+)?$/.test(raw)) {
    ms = Number(raw) * 1000
  } else if (/^(\d+(\.\d+)?(ms|s|m|h|d))+$/i.test(raw)) {
    ms = 0
    for (const part of raw.toLowerCase().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
      ms += Number(part[1]) * UNIT_MS[part[2]!]!
    }
  } else {
    throw new InputError(input, expected)
  }
  ms = Math.round(ms)
  if (!(ms > 0)) throw new InputError(input, expected)
  if (ms > MAX_DURATION_MS) throw new InputError(input, `must be at most 30 days (got '${raw}').`)
  return ms
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
    if (first !== undefined) throw new InputError('run-parameters', `key '${key}' is given twice (lines ${first} and ${lineNo}).`)
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
    throw new InputError('run-parameters', `is not valid JSON (${(e as Error).message}); give a JSON object of strings or key=value lines.`)
  }
  if (!isPlainObject(value)) throw new InputError('run-parameters', 'must be a JSON object of strings, e.g. {"country": "Germany"}.')
  return Object.entries(value).map(([key, v]) => {
    if (!key.trim()) throw new InputError('run-parameters', 'has an empty key.')
    if (typeof v !== 'string') {
      throw new InputError('run-parameters', `value of '${key}' must be a string (got ${describe(v)}); quote it, e.g. "${key}": "${String(v)}".`)
    }
    return { key, value: v }
  })
}

/** A JSON object; known keys type-checked (the server does not validate overrides), unknown ones passed on with a warning. */
export function parseOverrides(text: string, warnings: string[] = []): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    throw new InputError('overrides', `is not valid JSON (${(e as Error).message}).`)
  }
  if (!isPlainObject(value)) throw new InputError('overrides', `must be a JSON object, e.g. {"execution": "photon"} (got ${describe(value)}).`)
  const o = value
  if ('execution' in o && typeof o.execution !== 'string') {
    throw new InputError('overrides', `'execution' must be a string such as "photon" or "spark" (got ${describe(o.execution)}).`)
  }
  if ('profiler' in o && typeof o.profiler !== 'boolean') {
    throw new InputError('overrides', `'profiler' must be true or false (got ${describe(o.profiler)}).`)
  }
  for (const key of ['writesettings', 'writeSettings'] as const) {
    if (key in o) checkWriteSettings(key, o[key], warnings)
  }
  if ('publications' in o) checkPublications(o.publications, warnings)
  const unknown = Object.keys(o).filter((k) => !KNOWN_OVERRIDE_KEYS.includes(k))
  for (const key of unknown) {
    const near = closest(key, KNOWN_OVERRIDE_KEYS)
    warnings.push(`overrides: unknown key '${key}' is passed on as given${near ? ` (did you mean '${near}'?)` : ''}.`)
  }
  return o
}

function checkWriteSettings(key: string, value: unknown, warnings: string[]): void {
  const items = objectArray('overrides', key, value)
  items.forEach((item, i) => {
    const where = `'${key}[${i}]'`
    if ('path' in item && typeof item.path !== 'string') throw new InputError('overrides', `${where}.path must be a string.`)
    if ('action' in item && !WRITE_ACTIONS.includes(item.action as string)) {
      throw new InputError('overrides', `${where}.action must be one of ${WRITE_ACTIONS.join(', ')} (got ${describe(item.action)}).`)
    }
    if ('format' in item && !WRITE_FORMATS.includes(item.format as string)) {
      warnings.push(`overrides: ${where}.format ${describe(item.format)} is not one of ${WRITE_FORMATS.join(', ')}; passed on as given.`)
    }
    if ('compression' in item && !WRITE_COMPRESSIONS.includes(item.compression as string)) {
      warnings.push(`overrides: ${where}.compression ${describe(item.compression)} is not one of ${WRITE_COMPRESSIONS.join(', ')}; passed on as given.`)
    }
  })
}

function checkPublications(value: unknown, warnings: string[]): void {
  objectArray('overrides', 'publications', value).forEach((item, i) => {
    if ('action' in item && !PUBLICATION_ACTIONS.includes(item.action as string)) {
      warnings.push(`overrides: 'publications[${i}]'.action ${describe(item.action)} is not one of ${PUBLICATION_ACTIONS.join(', ')}; passed on as given.`)
    }
  })
}

function objectArray(input: string, key: string, value: unknown): Record<string, unknown>[] {
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    throw new InputError(input, `'${key}' must be an array of objects (got ${describe(value)}).`)
  }
  return value
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return `${typeof value} ${String(value)}`
}

/** The known key nearest to a typo (edit distance ≤ 3), if any. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = 4
  for (const c of candidates) {
    const d = editDistance(word, c)
    if (d < bestDistance) {
      best = c
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]!
}
