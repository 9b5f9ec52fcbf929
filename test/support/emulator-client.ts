// The emulator's own tests talk to it over real HTTP with Node's fetch: emulators started here are closed after
// each test, and `call` sends a request the way a client of the API would.
import { afterEach, expect, vi } from 'vitest'
import { Emulator, type EmulatorOptions } from '../emulator/index.ts'

export interface Answer {
  status: number
  headers: Headers
  text: string
  json: unknown
}

export interface CallOptions {
  body?: unknown
  raw?: string
  headers?: Record<string, string>
  /** null: no Authorization header. */
  token?: string | null
  signal?: AbortSignal
}

/** A fixed instant that the tests freeze `Date` at. */
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0)

const emulators: Emulator[] = []

export async function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  const emulator = await Emulator.start(options)
  emulators.push(emulator)
  return emulator
}

afterEach(async () => {
  vi.useRealTimers()
  await Promise.all(emulators.splice(0).map((emulator) => emulator.close()))
})

export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  options: CallOptions = {}
): Promise<Answer> {
  const token = options.token === undefined ? emulator.token : options.token
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
  if (token !== null) headers.authorization = `Bearer ${token}`
  let body = options.raw
  if (options.body !== undefined) {
    body = JSON.stringify(options.body)
    headers['content-type'] ??= 'application/json'
  }
  const response = await fetch(emulator.url + path, { method, headers, body, signal: options.signal })
  const text = await response.text()
  const json = response.headers.get('content-type') === 'application/json' ? (JSON.parse(text) as unknown) : undefined
  return { status: response.status, headers: response.headers, text, json }
}

/** The documented error body, with any message and details. */
export function exceptionBody(name: string): unknown {
  return { exception: { name, message: expect.any(String), details: expect.any(String) } }
}

/** Freezes Date (only Date: sockets and timers stay real) so statuses can be read at exact instants. */
export function freezeDate(at: number): void {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(at)
}
