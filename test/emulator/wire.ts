// How an answer goes on the wire: the emulator's own headers merged with injected ones, and the reshaped answers
// of the hostile-server faults (compressed, redirected, dripped, cut, or a huge body generated piece by piece).
// These are injected faults for client tests, not vendor behaviour: no vendor document describes them.
import type { ServerResponse } from 'node:http'
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib'
import type { Reply } from './replies.ts'
import type { AnswerAction, FaultHeaders, RecordedRequest } from './types.ts'

export type WireHeaders = Record<string, string | string[]>

/** An answer ready to send. */
export interface Wire {
  status: number
  headers: WireHeaders
  /** Undefined: no body at all (e.g. 304). */
  payload?: Buffer
}

/** Runs `run` after `ms`, unless the emulator closes first. */
export type Later = (ms: number, run: () => void) => void

type Compress = Extract<AnswerAction, { kind: 'compress' }>
type Drip = Extract<AnswerAction, { kind: 'drip' }>
type Huge = Extract<AnswerAction, { kind: 'huge' }>
type Redirect = Extract<AnswerAction, { kind: 'redirect' }>

const COMPRESSORS: Record<NonNullable<Compress['encoding']>, (payload: Buffer) => Buffer> = {
  gzip: (payload) => gzipSync(payload),
  deflate: (payload) => deflateSync(payload),
  br: (payload) => brotliCompressSync(payload),
  identity: (payload) => payload
}
const DEFAULT_DRIP_BYTES = 1
const DEFAULT_DRIP_MS = 50
const DEFAULT_HUGE_CHUNK = 64 * 1024

export function toWire(reply: Reply, requestId: string): Wire {
  const payload = payloadOf(reply)
  const own: FaultHeaders = { 'x-trifacta-request-id': requestId, ...contentType(reply) }
  if (payload !== undefined) own['content-length'] = String(payload.length)
  return { status: reply.status, headers: mergeHeaders(own, reply.headers), payload }
}

/** Later sets win; names compared case-insensitively (sent lower-case); null removes a header. */
export function mergeHeaders(...sets: Array<FaultHeaders | undefined>): WireHeaders {
  const merged: FaultHeaders = {}
  for (const set of sets) {
    for (const [name, value] of Object.entries(set ?? {})) merged[name.toLowerCase()] = value
  }
  const result: WireHeaders = {}
  for (const [name, value] of Object.entries(merged)) if (value !== null) result[name] = value
  return result
}

/** The answer compressed as the 'compress' fault says; one without a body is left as it is. */
export function compressed(wire: Wire, action: Compress): Wire {
  if (wire.payload === undefined) return wire
  const encoding = action.encoding ?? 'gzip'
  const payload = COMPRESSORS[encoding](wire.payload)
  const headers = { 'content-encoding': action.declare ?? encoding, 'content-length': String(payload.length) }
  return { ...wire, payload, headers: mergeHeaders(wire.headers, headers) }
}

export function redirectReply(action: Redirect, request: RecordedRequest): Reply {
  let location = action.location
  if (action.appendPath) {
    const query = new URLSearchParams(request.query).toString()
    location = location.replace(/\/$/, '') + request.path + (query ? `?${query}` : '')
  }
  return { status: action.status ?? 302, headers: { location } }
}

/** Sends the body of an answer whose head is written, a few bytes at a time ('drip'). */
export function drip(res: ServerResponse, payload: Buffer, action: Drip, later: Later): void {
  const chunkBytes = Math.max(1, action.chunkBytes ?? DEFAULT_DRIP_BYTES)
  const everyMs = action.everyMs ?? DEFAULT_DRIP_MS
  const cut = action.cutAfterBytes !== undefined && action.cutAfterBytes < payload.length
  const stop = cut ? action.cutAfterBytes! : payload.length
  let sent = 0
  const step = (): void => {
    if (res.destroyed) return
    // A cut comes at least everyMs after the last write, so what was written has left by then.
    if (sent >= stop) return void (cut ? res.destroy() : res.end())
    const piece = payload.subarray(sent, Math.min(stop, sent + chunkBytes))
    res.write(piece)
    sent += piece.length
    later(everyMs, step)
  }
  later(everyMs, step)
}

/** Sends a generated body ('huge') as fast as the client reads it, or a chunk every `everyMs`. */
export function stream(res: ServerResponse, body: GeneratedBody, action: Huge, later: Later): void {
  const chunkBytes = Math.max(1, action.chunkBytes ?? DEFAULT_HUGE_CHUNK)
  let sent = 0
  const step = (): void => {
    while (!res.destroyed) {
      if (sent >= body.length) return void res.end()
      const length = Math.min(chunkBytes, body.length - sent)
      const flushed = res.write(body.piece(sent, length))
      sent += length
      if (action.everyMs !== undefined && action.everyMs > 0) return later(action.everyMs, step)
      if (!flushed) return void res.once('drain', step)
    }
  }
  step()
}

const JSON_HEAD = Buffer.from('{"data":[],"count":0,"padding":"')
const JSON_TAIL = Buffer.from('"}')
const PADDING = 'x'.charCodeAt(0)
/** Printable, and not JSON from its first byte on. */
const JUNK = junkPattern(256)

/** The body of a 'huge' fault: any piece of it is made on demand, so none of it is held in memory. */
export class GeneratedBody {
  readonly length: number
  readonly contentType: string
  private readonly json: boolean

  constructor(bytes: number, content: 'json' | 'junk' = 'json') {
    this.json = content === 'json'
    this.length = this.json ? Math.max(bytes, JSON_HEAD.length + JSON_TAIL.length) : Math.max(0, bytes)
    this.contentType = this.json ? 'application/json' : 'text/plain'
  }

  /** The bytes at [offset, offset + length). */
  piece(offset: number, length: number): Buffer {
    if (!this.json) return repeated(JUNK, offset, length)
    const out = Buffer.alloc(length, PADDING)
    overlay(out, offset, JSON_HEAD, 0)
    overlay(out, offset, JSON_TAIL, this.length - JSON_TAIL.length)
    return out
  }
}

/** Copies the part of `source` (which sits at `at` in the whole body) that falls into `out` (at `offset`). */
function overlay(out: Buffer, offset: number, source: Buffer, at: number): void {
  const start = Math.max(offset, at)
  const end = Math.min(offset + out.length, at + source.length)
  if (start < end) source.copy(out, start - offset, start - at, end - at)
}

function repeated(pattern: Buffer, offset: number, length: number): Buffer {
  const out = Buffer.alloc(length)
  for (let i = 0; i < length;) {
    const at = (offset + i) % pattern.length
    i += pattern.copy(out, i, at, Math.min(pattern.length, at + length - i))
  }
  return out
}

function junkPattern(size: number): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 <>&;#%'
  const out = Buffer.alloc(size)
  out[0] = '<'.charCodeAt(0)
  let seed = 7
  for (let i = 1; i < size; i++) {
    seed = (seed * 48271) % 2147483647
    out[i] = alphabet.charCodeAt(seed % alphabet.length)
  }
  return out
}

function contentType(reply: Reply): FaultHeaders {
  if (reply.raw !== undefined) return { 'content-type': reply.contentType ?? 'text/html' }
  if (reply.body !== undefined) return { 'content-type': reply.contentType ?? 'application/json' }
  return {}
}

function payloadOf(reply: Reply): Buffer | undefined {
  if (reply.raw !== undefined) return typeof reply.raw === 'string' ? Buffer.from(reply.raw) : Buffer.from(reply.raw)
  return reply.body === undefined ? undefined : Buffer.from(JSON.stringify(reply.body))
}
