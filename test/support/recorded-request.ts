// A request as the test servers (the API emulator, the fake GitHub API) record it, for tests to assert on.
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface RecordedRequest {
  method: string
  /** Without the query. */
  path: string
  query: Record<string, string>
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>
  body: string
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown
  /** Date.now() when the request arrived. */
  at: number
  /** The status answered; undefined when the socket was destroyed instead. */
  status?: number
}

/**
 * Reads a request's whole body, then hands it on recorded (with the time it arrived); a request that breaks off
 * is dropped. Every test server receives its requests this way.
 */
export function receiveRecorded(
  req: IncomingMessage,
  res: ServerResponse,
  handle: (request: RecordedRequest, res: ServerResponse) => void
): void {
  const at = Date.now()
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('error', () => res.destroy())
  req.on('end', () => handle(recordRequest(req, Buffer.concat(chunks).toString('utf8'), at), res))
}

export function recordRequest(req: IncomingMessage, body: string, at = Date.now()): RecordedRequest {
  const { path, query } = target(req.url ?? '/')
  return { method: req.method ?? 'GET', path, query, headers: flatHeaders(req), body, json: parseJson(body), at }
}

function target(url: string): { path: string; query: Record<string, string> } {
  try {
    const parsed = new URL(url, 'http://test-server.invalid')
    return { path: parsed.pathname, query: Object.fromEntries(parsed.searchParams) }
  } catch {
    return { path: url, query: {} }
  }
}

/** Lower-case names; repeated headers joined with ', '. */
export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(', ') : value
  }
  return result
}

function parseJson(body: string): unknown {
  if (body.length === 0) return undefined
  try {
    return JSON.parse(body) as unknown
  } catch {
    return undefined
  }
}
