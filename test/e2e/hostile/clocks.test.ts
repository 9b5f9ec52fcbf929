// Promise: time is measured on one clock, the runner's, and answers are read whatever their dress. Token lifetimes
// come from expires_in (a JWT's exp only as a fallback, corrected for the server's skew), so refreshes stay at about
// one per lifetime whatever the token server's clock says; durations never mix the server's clock with the
// runner's; a /status answer that cannot be parsed (a byte-order mark, plain text, HTML) is read from the job group
// record instead.
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { refreshInputs } from '../../support/aac-inputs.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { aac, expectAacPromisesKept, github, onGitHub } from './aac-setup.ts'
import { expectPromisesKept } from './promises.ts'

const HOUR_MS = 3_600_000
const ISO = /"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)"/g

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

/** A gateway in front of `target` whose server clock runs `offsetMs` off: every time it serves is shifted. */
async function skewedServer(target: string, offsetMs: number): Promise<string> {
  const t = new URL(target)
  const server = createServer((req, res) => {
    const up = httpRequest(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (c: Buffer) => chunks.push(c))
        answer.on('end', () => {
          const shift = (iso: string): string => new Date(Date.parse(iso) + offsetMs).toISOString()
          const body = Buffer.concat(chunks)
            .toString('utf8')
            .replace(ISO, (_, iso: string) => `"${shift(iso)}"`)
          const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) }
          headers.date = new Date(Date.now() + offsetMs).toUTCString()
          res.writeHead(answer.statusCode ?? 502, headers)
          res.end(body)
        })
      }
    )
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  closers.push(() => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('a token server whose clock is off', () => {
  it.each([
    ['10 minutes behind', -600_000],
    ['10 minutes ahead', 600_000]
  ])(
    '%s: about one refresh per token lifetime',
    async (_name, clockOffsetMs) => {
      const a = await aac({
        tokenServer: { accessTokenLifetimeSeconds: 3, clockOffsetMs },
        emulator: { scenario: { durationMs: 9000, statuses: ['InProgress'] } }
      })
      const gh = await github()
      const result = await run(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), onGitHub(gh))

      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('Complete')
      const { refreshed } = a.tokenServer.counts
      const lifetimes = result.durationMs / 3000
      expect(refreshed, `refreshes in ${result.durationMs} ms of 3 s tokens`).toBeLessThanOrEqual(
        Math.ceil(lifetimes) + 1
      )
      expect(gh.requestsTo('PUT', /secrets\/AAC_REFRESH_TOKEN$/)).toHaveLength(refreshed)
      expectAacPromisesKept(a, gh, result)
    },
    60_000
  )
})

describe('an API server whose clock is an hour behind', () => {
  it('duration-seconds is the wait measured on the runner, not an hour more', async () => {
    const e = await emulator({ scenario: { durationMs: 4000, statuses: ['InProgress'] } })
    const url = await skewedServer(e.url, -HOUR_MS)
    const result = await run(inputsFor(e, { 'api-url': url }))

    expect(result.code).toBe(0)
    const seconds = Number(result.outputs['duration-seconds'])
    expect(seconds).toBeGreaterThanOrEqual(3)
    expect(seconds).toBeLessThanOrEqual(Math.ceil(result.durationMs / 1000))
    expect(result.summary).not.toMatch(/1h/)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1, linkOrigins: [new URL(url).origin] })
  }, 60_000)

  it('the same when the wait ends at the timeout and the job is left running', async () => {
    const e = await emulator({ scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const url = await skewedServer(e.url, -HOUR_MS)
    const result = await run(inputsFor(e, { 'api-url': url, timeout: '3s', 'cancel-on-timeout': 'false' }))

    expect(result.code).toBe(1)
    const seconds = Number(result.outputs['duration-seconds'])
    expect(seconds).toBeGreaterThanOrEqual(2)
    expect(seconds).toBeLessThanOrEqual(Math.ceil(result.durationMs / 1000))
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1, linkOrigins: [new URL(url).origin] })
  }, 60_000)
})

describe('a /status answer that cannot be parsed, on every read', () => {
  it.each(['bom', 'plain-text', 'html'] as const)(
    '%s: the job group record is read instead, and the job is followed to Complete',
    async (as) => {
      const fault: Fault = {
        method: 'GET',
        path: /^\/v4\/jobGroups\/\d+\/status$/,
        times: Infinity,
        action: { kind: 'reshape', as }
      }
      const e = await emulator({ scenario: { durationMs: 2500 }, faults: [fault] })
      const result = await run(inputsFor(e, { timeout: '60s' }))

      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('Complete')
      expect(result.durationMs).toBeLessThan(15_000)
      expect(errors(result)).toEqual([])
      expect(warnings(result)).toEqual([])
      expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
    },
    60_000
  )
})
