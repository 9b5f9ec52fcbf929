import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { afterEach, expect, vi } from 'vitest'
import { Emulator } from '../emulator/index.ts'
import type { EmulatorOptions, Fault, FlowSpec, PlanSpec } from '../emulator/index.ts'
import { EMULATOR_TOKEN } from './fake-tokens.ts'
import { TestProxy } from './proxy.ts'

export interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  /** The body exactly as received (not decompressed). */
  body: Buffer
  text: string
  /** From sending the request to the status line and headers. */
  headersAfterMs: number
  /** From sending the request to the end of the body. */
  endAfterMs: number
}

export interface RawOptions {
  method?: string
  headers?: Record<string, string>
  /** Sent as JSON. */
  json?: unknown
  /** Bearer token; null: none. Default the emulator's. */
  token?: string | null
  ca?: string
  /** Give up reading after this long. */
  timeoutMs?: number
}

/** What a client got before the request failed. */
export interface RawFailure extends Error {
  code?: string
  status?: number
  received: Buffer
}

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0)
export const closers: Array<{ close(): Promise<void> }> = []

export async function start(options?: EmulatorOptions): Promise<Emulator> {
  return keep(await Emulator.start(options))
}

export function keep<T extends { close(): Promise<void> }>(server: T): T {
  closers.push(server)
  return server
}

afterEach(async () => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
  await Promise.all(closers.splice(0).map((server) => server.close()))
})

/** One request with Node's own client (no keep-alive, no decompression, no redirect following). */
export function request(url: string, options: RawOptions = {}): Promise<RawAnswer> {
  const token = options.token === undefined ? EMULATOR_TOKEN : options.token
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (token !== null) headers.authorization = `Bearer ${token}`
  const payload = options.json === undefined ? undefined : JSON.stringify(options.json)
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const send = url.startsWith('https:') ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const chunks: Buffer[] = []
    const fail = (error: Error, status?: number): void =>
      reject(Object.assign(error, { status, received: Buffer.concat(chunks) }))
    const req = send(url, { method: options.method ?? 'GET', headers, ca: options.ca, agent: false }, (res) => {
      const headersAfterMs = Date.now() - started
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', (error) => fail(error, res.statusCode))
      res.on('end', () => {
        const body = Buffer.concat(chunks)
        const endAfterMs = Date.now() - started
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body,
          text: body.toString('utf8'),
          headersAfterMs,
          endAfterMs
        })
      })
    })
    if (options.timeoutMs !== undefined)
      req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')))
    req.on('error', (error) => fail(error))
    req.end(payload)
  })
}

export function trigger(emulator: Emulator, headers?: Record<string, string>): Promise<RawAnswer> {
  return request(`${emulator.url}/v4/jobGroups`, { method: 'POST', json: { wrangledDataset: { id: 7 } }, headers })
}

export function failure(promise: Promise<unknown>): Promise<RawFailure> {
  return promise.then(
    () => expect.fail('the request was expected to fail'),
    (error: RawFailure) => error
  )
}

/** Freezes Date (only Date: sockets and timers stay real) so statuses can be read at exact instants. */
export function freezeDate(at: number): void {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(at)
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
export const ITEM = /^\/v4\/jobGroups\/\d+$/
export const STATUS = /^\/v4\/jobGroups\/\d+\/status$/
export const TRIGGER = { method: 'POST', path: '/v4/jobGroups' } satisfies Partial<Fault>
export const FLOW_RUN = { method: 'POST', path: '/v4/flows/7/run' } satisfies Partial<Fault>
export const PLAN_RUN = { method: 'POST', path: '/v4/plans/5/run' } satisfies Partial<Fault>
export const FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'A' },
      { recipeId: 72, name: 'B' }
    ]
  }
}
// Task 'Load' runs flow 7, then 'Report' runs recipe 80.
export const PLANS: Record<number, PlanSpec> = {
  5: {
    tasks: [
      { name: 'Load', flowId: 7 },
      { name: 'Report', outputs: [{ recipeId: 80, name: 'R' }] }
    ]
  }
}

export function post(emulator: Emulator, path: string, headers?: Record<string, string>): Promise<RawAnswer> {
  return request(`${emulator.url}${path}`, { method: 'POST', json: {}, headers })
}

/** One plain-HTTP request through the proxy in absolute form (GET http://host:port/path). */
export function viaProxy(proxy: TestProxy, url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const { port } = new URL(proxy.url)
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: url,
        agent: false,
        headers: { authorization: `Bearer ${EMULATOR_TOKEN}`, ...headers }
      },
      (res) => {
        const headersAfterMs = Date.now() - started
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            text: body.toString(),
            headersAfterMs,
            endAfterMs: Date.now() - started
          })
        })
      }
    )
    req.on('error', reject)
    req.end()
  })
}

export function iso(ms: number): string {
  return new Date(ms).toISOString()
}
