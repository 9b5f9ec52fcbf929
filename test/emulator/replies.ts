// What a handler answers, before the transport adds x-trifacta-request-id and writes it.
import { STATUS_CODES } from 'node:http'
import type { AnswerAction, FaultHeaders } from './types.ts'

export interface Reply {
  status: number
  /** A JSON body (Content-Type: application/json). */
  body?: unknown
  /** A raw body instead, text (sent as UTF-8) or bytes (Content-Type: `contentType`, default text/html). */
  raw?: string | Uint8Array
  contentType?: string
  headers?: FaultHeaders
}

export function json(status: number, body: unknown): Reply {
  return { status, body }
}

/** The documented error body: {"exception": {"name", "message", "details"}}. */
export function exception(status: number, name: string, message: string, details: string): Reply {
  return { status, body: { exception: { name, message, details } } }
}

/** 400, with the documented name and message. */
export function validationFailed(details: string): Reply {
  return exception(400, 'ValidationFailed', 'Input validation failed', details)
}

export function notFound(details: string): Reply {
  // inferred: the docs show no 404 body; the exception shape and a 'NotFound' name are assumed.
  return exception(404, 'NotFound', 'Not Found', details)
}

/** A 'status' fault's answer; without a body or raw text, an exception body named after the status. */
export function faultReply(action: Extract<AnswerAction, { kind: 'status' }>): Reply {
  const { status, body, raw, contentType, headers } = action
  if (body !== undefined || raw !== undefined) return { status, body, raw, contentType, headers }
  // inferred: a generic exception body for injected faults that give none.
  const reason = STATUS_CODES[status] ?? 'Error'
  return { ...exception(status, reason.replace(/\W/g, ''), reason, 'Injected fault'), headers }
}

/** A 'reshape' fault's answer: the route's JSON with a byte-order mark, a bare string unquoted, or in an HTML page. */
export function reshaped(reply: Reply, as: 'bom' | 'plain-text' | 'html'): Reply {
  if (reply.body === undefined) return reply
  const text = JSON.stringify(reply.body)
  if (as === 'bom') return { ...reply, body: undefined, raw: `\uFEFF${text}`, contentType: 'application/json' }
  const bare = typeof reply.body === 'string' ? reply.body : text
  if (as === 'plain-text') return { ...reply, body: undefined, raw: bare, contentType: 'text/plain' }
  return { ...reply, body: undefined, raw: `<html><body><p>${bare}</p></body></html>`, contentType: 'text/html' }
}
