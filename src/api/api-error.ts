/**
 * API errors a user can act on: the call, the HTTP status, the server's own `exception` words, the
 * `x-trifacta-request-id` that support asks for, and a sentence on the likely cause and fix.
 */
import { flowPlanHint } from './flow-plan-hints.ts'
import { oneLine } from '../shared/format.ts'

export interface ServerException {
  name?: string
  message?: string
  details?: string
}

export interface ApiErrorInit {
  method: string
  path: string
  status: number
  headers: Record<string, string>
  body: string
  /** What the call was about, for the hint. */
  subject?: { recipeId?: number; jobId?: number }
}

const STATUS_TEXT: Record<number, string> = {
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  410: 'Gone',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout'
}

export class ApiError extends Error {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly headers: Record<string, string>
  readonly requestId: string
  readonly exception?: ServerException
  /** A short, cleaned extract of a body that was not a JSON exception (an HTML page from a proxy, say). */
  readonly snippet?: string
  readonly hint?: string

  constructor(init: ApiErrorInit) {
    const exception = parseException(init.body)
    const snippet = exception ? undefined : cleanSnippet(init.body)
    const requestId = init.headers['x-trifacta-request-id'] ?? ''
    const hint =
      addressHint(init.status, init.body, exception) ?? hintFor(init.status, init.method, init.path, init.subject)
    super(describeError(init, exception, snippet, requestId, hint))
    this.name = 'ApiError'
    this.method = init.method
    this.path = init.path
    this.status = init.status
    this.headers = init.headers
    this.requestId = requestId
    this.exception = exception
    this.snippet = snippet
    this.hint = hint
  }
}

function describeError(
  init: ApiErrorInit,
  exception: ServerException | undefined,
  snippet: string | undefined,
  requestId: string,
  hint?: string
): string {
  const parts = [
    `${init.method} ${init.path} answered HTTP ` +
      `${init.status}${STATUS_TEXT[init.status] ? ` ${STATUS_TEXT[init.status]}` : ''}`
  ]
  if (exception) {
    const said = [exception.name, exception.message ? `"${exception.message}"` : undefined].filter(Boolean).join(': ')
    if (said) parts[0] += `: ${said}`
    if (exception.details) parts.push(`Details: ${oneLine(exception.details, 500)}`)
  } else if (snippet) {
    parts[0] += ` with a non-JSON answer: "${snippet}"`
  }
  parts[0] += '.'
  parts.push(
    requestId
      ? `Request id: ${requestId}.`
      : 'No x-trifacta-request-id came back (the answer may come from a proxy, not the API).'
  )
  if (hint) parts.push(hint)
  return parts.join(' ')
}

/** The `{exception:{name,message,details}}` body, if that is what came back. */
export function parseException(body: string): ServerException | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    const exception = (parsed as { exception?: unknown } | null)?.exception
    if (typeof exception !== 'object' || exception === null) return undefined
    const e = exception as Record<string, unknown>
    const text = (v: unknown): string | undefined =>
      v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v)
    return { name: text(e.name), message: text(e.message), details: text(e.details) }
  } catch {
    return undefined
  }
}

/** Tags, scripts and styles removed, white space folded, cut to `max` characters. */
export function cleanSnippet(body: string, max = 200): string | undefined {
  const text = body
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
  const folded = oneLine(text, max)
  return folded || undefined
}

const KNOWN_API_HOSTS =
  'the API is at https://api.clouddataprep.com for Dataprep, https://<region>.alteryxcloud.com (us1, eu1, au1, …) ' +
  "for Alteryx Analytics Cloud, and the instance's base URL (e.g. https://trifacta.example.com:3005) when self-managed"

/** Why an answer that is not the API's own went wrong: a web page, or a path the API does not have. */
function addressHint(status: number, body: string, exception: ServerException | undefined): string | undefined {
  if (status >= 500 || exception) return undefined
  if (/^\s*(<!doctype html|<html)/i.test(body)) {
    return `The answer is an HTML page, so api-url looks like the web app's address, not the API's: ${KNOWN_API_HOSTS}.`
  }
  if (status === 404) {
    return (
      `Nothing answers at this path (a 404 without the API's error body): check that api-url is the API's base ` +
      `URL; ${KNOWN_API_HOSTS}.`
    )
  }
  return undefined
}

const UNAUTHORIZED_HINT =
  'The API refused the token as invalid or expired. If api-token is a static token, create a new access token in ' +
  'the app (User menu → Preferences/Settings → API access tokens) and update the secret. With refresh-token or ' +
  'client-secret, the action already renewed it once: look for an earlier sign-in or write-back error above, and ' +
  'check that api-url is the region the OAuth client belongs to.'

function hintFor(
  status: number,
  method: string,
  path: string,
  subject: ApiErrorInit['subject'] = {}
): string | undefined {
  const flowOrPlan = flowPlanHint(status, method, path)
  if (flowOrPlan !== undefined) return flowOrPlan
  const isTrigger = method === 'POST' && /\/v4\/jobGroups$/.test(path)
  switch (status) {
    case 401:
      return UNAUTHORIZED_HINT
    case 403:
      return isTrigger
        ? `The token's user lacks permission to run recipe ${subject.recipeId ?? ''} or to use its workspace: share ` +
            `the flow with that user, or use a token of a user who can run it.`
        : "The token's user lacks permission on this job group or its workspace: use a token of a user who can see it."
    case 404:
      if (isTrigger) {
        return (
          `Recipe ${subject.recipeId ?? ''} was not found: check recipe-id (in the flow view, ` +
          `/flows/10?recipe=7 means recipe-id 7) and that api-url points at the instance and region that hold the flow.`
        )
      }
      return (
        `Job group ${subject.jobId ?? ''} was not found: check job-id and that api-url points at the instance ` +
        `and region that ran it.`
      )
    case 410:
      return 'The resource has been deleted.'
    case 415:
      return (
        'The server rejected the Content-Type or Accept header. If api-url goes through a proxy, check that it ' +
        'passes JSON requests on unchanged.'
      )
    case 400:
      return isTrigger
        ? 'The server rejected the request: check recipe-id, overrides and run-parameters against the recipe.'
        : undefined
    case 429:
      return 'The API rate limit stayed exhausted; try again later or spread out the runs.'
    default:
      return status >= 500
        ? 'The server had an error; it usually goes away on retry. If it persists, contact support with the request id.'
        : undefined
  }
}
