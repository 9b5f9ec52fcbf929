/**
 * Input values: the parsers for one input each (URLs, tokens, ids, booleans, durations). Each throws an
 * `InputError` naming the input and saying what is expected. Pure.
 */

/** One bad input: names the input and says what is expected. */
export class InputError extends Error {
  readonly input: string
  constructor(input: string, message: string) {
    super(`Input '${input}': ${message}`)
    this.name = 'InputError'
    this.input = input
  }
}

/** Node's timers hold at most 2^31-1 ms (24.8 days); a week is more than any job wait needs. */
export const MAX_DURATION_MS = 7 * 24 * 3600 * 1000

/** `https://host[:port][/prefix]`, without a trailing slash or `/v4`. Plain http only for loopback hosts. */
/**
 * `https://host[:port][/prefix]`, without a trailing slash or `/v4`. A path that goes on into the API (`/v4`,
 * `/v4/jobGroups`, …) is cut off with a warning: which base was meant is clear, and the warning shows it.
 */
export function parseApiUrl(text: string, warnings: string[] = []): string {
  const url = parseHttpUrl('api-url', text)
  const base = url.replace(/\/v4(\/.*)?$/i, '')
  if (/\/v4\/./i.test(url)) {
    warnings.push(
      `api-url ends in an API path (${url.slice(base.length)}); using the base URL ${base}. Set api-url to it.`
    )
  }
  return base
}

export function parseHttpUrl(input: string, text: string): string {
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
    throw new InputError(
      input,
      `plain http is only allowed for loopback hosts; use ` +
        `https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`
    )
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

export function parseToken(input: string, text: string, warnings: string[]): string {
  let token = text.trim()
  if (!token)
    throw new InputError(input, 'is empty; pass the access token from a secret, e.g. ${{ secrets.TRIFACTA_TOKEN }}.')
  if (/^bearer\s+/i.test(token)) {
    token = token.replace(/^bearer\s+/i, '')
    warnings.push(`${input} starts with 'Bearer '; the prefix was removed (give the token alone).`)
  }
  if (/\s/.test(token)) throw new InputError(input, 'contains white space or a line break; give the token alone.')
  return rejectInvisible(input, token, /[^\x21-\x7e]/)
}

/**
 * Control and invisible characters (a zero-width space or byte-order mark picked up by copy and paste) would make
 * the server refuse the value with no visible cause; a header cannot carry non-ASCII ones at all. Say where the
 * character is, never what the value is.
 */
export function rejectInvisible(input: string, text: string, odd = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u): string {
  const found = odd.exec(text)
  if (!found) return text
  const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')
  throw new InputError(
    input,
    `contains a control, invisible or non-ASCII character (U+${code}) at position ${found.index + 1}; ` +
      'copy the value again without it.'
  )
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

export function parseBoolean(input: string, text: string): boolean {
  const raw = text.trim()
  if (['true', 'True', 'TRUE'].includes(raw)) return true
  if (['false', 'False', 'FALSE'].includes(raw)) return false
  throw new InputError(input, `must be true or false (got '${raw}').`)
}

/** One of `choices`, as written (the text is quoted, cut to size, in the error). */
export function parseChoice<T extends string>(input: string, text: string, choices: readonly T[]): T {
  const raw = text.trim()
  if ((choices as readonly string[]).includes(raw)) return raw as T
  throw new InputError(input, `must be one of ${choices.join(', ')} (got '${raw.slice(0, 40)}').`)
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** `90` (seconds), `90s`, `30m`, `2h`, `1h30m`, `500ms`. Positive, at most 7 days. */
export function parseDuration(input: string, text: string): number {
  const raw = text.trim()
  const expected =
    `must be a positive duration: seconds (90) or with a unit (90s, 30m, 2h, 1h30m) (got ` + `'${text.trim()}').`
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
  if (ms > MAX_DURATION_MS)
    throw new InputError(input, `must be at most 7d (got '${raw}'): longer waits than a week are not supported.`)
  return ms
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'object') return 'an object'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  return `${typeof value} ${String(value)}`
}
