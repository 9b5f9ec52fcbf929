// Tests of the emulator's hostile-server hooks and their helpers (TLS with a throwaway CA, the redirect recorder,
// the proxy), driven with plain Node http/https, fetch and @actions/http-client, checking what a client sees.
import { execFile, spawnSync } from 'node:child_process'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import { HttpClient, getProxyUrl } from '@actions/http-client'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Emulator, startAacEmulator } from './emulator/index.ts'
import type { EmulatorOptions, Fault, FlowSpec, PlanSpec } from './emulator/index.ts'
import { EMULATOR_TOKEN } from './support/fake-tokens.ts'
import { PROXIED_HOST, TestProxy, proxiedUrl } from './support/proxy.ts'
import { Recorder } from './support/recorder.ts'
import { WRONG_HOST, caFile, testCertificates } from './support/tls.ts'

interface RawAnswer {
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

interface RawOptions {
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
interface RawFailure extends Error {
  code?: string
  status?: number
  received: Buffer
}

const T0 = Date.UTC(2025, 0, 15, 12, 0, 0)
const closers: Array<{ close(): Promise<void> }> = []

async function start(options?: EmulatorOptions): Promise<Emulator> {
  return keep(await Emulator.start(options))
}

function keep<T extends { close(): Promise<void> }>(server: T): T {
  closers.push(server)
  return server
}

afterEach(async () => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
  await Promise.all(closers.splice(0).map((server) => server.close()))
})

/** One request with Node's own client (no keep-alive, no decompression, no redirect following). */
function request(url: string, options: RawOptions = {}): Promise<RawAnswer> {
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

function trigger(emulator: Emulator, headers?: Record<string, string>): Promise<RawAnswer> {
  return request(`${emulator.url}/v4/jobGroups`, { method: 'POST', json: { wrangledDataset: { id: 7 } }, headers })
}

function failure(promise: Promise<unknown>): Promise<RawFailure> {
  return promise.then(
    () => expect.fail('the request was expected to fail'),
    (error: RawFailure) => error
  )
}

/** Freezes Date (only Date: sockets and timers stay real) so statuses can be read at exact instants. */
function freezeDate(at: number): void {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(at)
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))
const ITEM = /^\/v4\/jobGroups\/\d+$/
const STATUS = /^\/v4\/jobGroups\/\d+\/status$/
const TRIGGER = { method: 'POST', path: '/v4/jobGroups' } satisfies Partial<Fault>
const FLOW_RUN = { method: 'POST', path: '/v4/flows/7/run' } satisfies Partial<Fault>
const PLAN_RUN = { method: 'POST', path: '/v4/plans/5/run' } satisfies Partial<Fault>
const FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'A' },
      { recipeId: 72, name: 'B' }
    ]
  }
}
// Task 'Load' runs flow 7, then 'Report' runs recipe 80.
const PLANS: Record<number, PlanSpec> = {
  5: {
    tasks: [
      { name: 'Load', flowId: 7 },
      { name: 'Report', outputs: [{ recipeId: 80, name: 'R' }] }
    ]
  }
}

function post(emulator: Emulator, path: string, headers?: Record<string, string>): Promise<RawAnswer> {
  return request(`${emulator.url}${path}`, { method: 'POST', json: {}, headers })
}

describe("'status': any answer", () => {
  it('sends raw bytes, repeated, replaced and removed headers, and a body that is not JSON', async () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22])
    const headers = {
      'Set-Cookie': ['a=1', 'b=2'],
      'X-Trifacta-Request-Id': null,
      'Content-Type': 'application/octet-stream'
    }
    const emulator = await start({
      faults: [{ path: '/v4/jobLibrary', action: { kind: 'status', status: 200, raw: bytes, headers } }]
    })
    const answer = await request(`${emulator.url}/v4/jobLibrary`)
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual(bytes)
    expect(answer.headers['set-cookie']).toEqual(['a=1', 'b=2'])
    expect(answer.headers['x-trifacta-request-id']).toBeUndefined()
    expect(answer.headers['content-type']).toBe('application/octet-stream')
    expect(answer.headers['content-length']).toBe('5')
    expect(emulator.requests[0]).toMatchObject({ status: 200, requestId: expect.any(String) })
  })

  it('sends a lying content-length as given: Node closes the connection, the client sees the body cut', async () => {
    const emulator = await start({
      faults: [{ action: { kind: 'status', status: 200, raw: 'short', headers: { 'content-length': '100' } } }]
    })
    const error = await failure(request(`${emulator.url}/v4/jobLibrary`, { timeoutMs: 5000 }))
    expect(error.status).toBe(200)
    expect(error.message).toBe('aborted')
    expect(error.received.toString()).toBe('short')
  })

  it('with act: a 201 with an HTML body, then one with truncated JSON, while both job groups exist', async () => {
    const emulator = await start({
      faults: [
        { ...TRIGGER, action: { kind: 'status', status: 201, raw: '<html><body>Created</body></html>', act: true } },
        {
          ...TRIGGER,
          after: 1,
          action: { kind: 'status', status: 201, raw: '{"id":41', contentType: 'application/json', act: true }
        }
      ]
    })
    const html = await trigger(emulator)
    expect([html.status, html.headers['content-type'], html.text]).toEqual([
      201,
      'text/html',
      '<html><body>Created</body></html>'
    ])
    const truncated = await trigger(emulator)
    expect([truncated.status, truncated.headers['content-type']]).toEqual([201, 'application/json'])
    expect(() => JSON.parse(truncated.text)).toThrow()
    expect(emulator.jobGroups().map((group) => [group.id, group.origin])).toEqual([
      [4100, 'api'],
      [4101, 'api']
    ])
    expect((await trigger(emulator)).status).toBe(201)
  })

  it('answers /status in shapes a client cannot read: empty, an object, a number', async () => {
    const shapes: Fault['action'][] = [
      { kind: 'status', status: 200, raw: '', contentType: 'application/json' },
      { kind: 'status', status: 200, body: { status: 'Complete' } },
      { kind: 'status', status: 200, body: 42 }
    ]
    const emulator = await start({
      faults: shapes.map((action, i) => ({ method: 'GET', path: STATUS, after: i, action }))
    })
    const id = emulator.createJobGroup(7)
    const texts: string[] = []
    for (let i = 0; i < 4; i++) texts.push((await request(`${emulator.url}/v4/jobGroups/${id}/status`)).text)
    expect(texts).toEqual(['', '{"status":"Complete"}', '42', '"Created"'])
  })

  it('forMs: every matching answer is unreadable for a time window, then normal again', async () => {
    const emulator = await start({
      scenario: { durationMs: 60_000 },
      faults: [
        {
          method: 'GET',
          path: STATUS,
          after: 1,
          forMs: 300,
          action: { kind: 'status', status: 200, raw: '<html>maintenance</html>' }
        }
      ]
    })
    const id = emulator.createJobGroup(7)
    const url = `${emulator.url}/v4/jobGroups/${id}/status`
    expect((await request(url)).text).toBe('"Created"')
    // The window opens when the first faulted request arrives: after t0, before the first answer came.
    const t0 = Date.now()
    const seen: Array<{ sent: number; received: number; html: boolean }> = []
    const windowOver = (): boolean => seen.length > 0 && seen.at(-1)!.sent >= seen[0]!.received + 300
    while (!windowOver()) {
      const sent = Date.now() - t0
      const answer = await request(url)
      seen.push({ sent, received: Date.now() - t0, html: answer.text.startsWith('<html>') })
      await sleep(40)
    }
    expect(seen[0]?.html).toBe(true)
    expect(seen.filter((s) => s.received < 250).every((s) => s.html)).toBe(true)
    expect(seen.at(-1)?.html).toBe(false)
    expect(seen.length).toBeGreaterThan(2)
  })
})

describe("'compress'", () => {
  it("gzips the route's real answer; the job group is created", async () => {
    const emulator = await start({ faults: [{ ...TRIGGER, action: { kind: 'compress' } }] })
    const answer = await trigger(emulator)
    expect(answer.status).toBe(201)
    expect(answer.headers['content-encoding']).toBe('gzip')
    expect(answer.headers['content-length']).toBe(String(answer.body.length))
    expect(() => JSON.parse(answer.text)).toThrow()
    expect(JSON.parse(gunzipSync(answer.body).toString('utf8'))).toMatchObject({ id: 4100, reason: 'JobStarted' })
    expect(emulator.jobGroups()).toEqual([expect.objectContaining({ id: 4100, origin: 'api' })])
  })

  it('deflate, br, and declared encodings that do not match the bytes', async () => {
    const emulator = await start({
      faults: [
        { path: ITEM, action: { kind: 'compress', encoding: 'deflate' } },
        { path: ITEM, after: 1, action: { kind: 'compress', encoding: 'br' } },
        { path: ITEM, after: 2, action: { kind: 'compress', encoding: 'identity', declare: 'gzip' } },
        { path: ITEM, after: 3, action: { kind: 'compress', declare: 'x-bogus' } }
      ]
    })
    const id = emulator.createJobGroup(42)
    const url = `${emulator.url}/v4/jobGroups/${id}`
    const deflated = await request(url)
    expect(deflated.headers['content-encoding']).toBe('deflate')
    expect(JSON.parse(inflateSync(deflated.body).toString())).toMatchObject({ id, wrangledDataset: { id: 42 } })
    const brotli = await request(url)
    expect(brotli.headers['content-encoding']).toBe('br')
    expect(JSON.parse(brotliDecompressSync(brotli.body).toString())).toMatchObject({ id })
    // fetch decompresses what is declared gzip: plain JSON under that label breaks it.
    await expect(
      fetch(url, { headers: { authorization: `Bearer ${EMULATOR_TOKEN}` } }).then((r) => r.text())
    ).rejects.toThrow()
    const bogus = await request(url)
    expect(bogus.headers['content-encoding']).toBe('x-bogus')
    expect(JSON.parse(gunzipSync(bogus.body).toString())).toMatchObject({ id })
  })
})

describe("'drip' and 'huge'", () => {
  it('drip: the head comes at once, the body a few bytes every everyMs', async () => {
    const emulator = await start({
      faults: [{ method: 'GET', path: STATUS, action: { kind: 'drip', chunkBytes: 2, everyMs: 60 } }]
    })
    const id = emulator.createJobGroup(7)
    const answer = await request(`${emulator.url}/v4/jobGroups/${id}/status`)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-length']).toBe('9')
    expect(JSON.parse(answer.text)).toBe('Created')
    // 9 bytes in 5 writes, then the end: 6 steps of 60 ms after the head.
    expect(answer.endAfterMs - answer.headersAfterMs).toBeGreaterThanOrEqual(300)
    expect(answer.headersAfterMs).toBeLessThan(300)
  })

  it('drip: a client whose deadline covers the whole answer gives up after the head came', async () => {
    const emulator = await start({ faults: [{ ...TRIGGER, action: { kind: 'drip', everyMs: 30 } }] })
    const signal = AbortSignal.timeout(1000) // the 201 body would take about 5 s
    const response = await fetch(`${emulator.url}/v4/jobGroups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${EMULATOR_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ wrangledDataset: { id: 7 } }),
      signal
    })
    expect(response.status).toBe(201)
    await expect(response.text()).rejects.toThrow()
    expect(emulator.jobGroups()).toHaveLength(1)
  })

  it('drip with cutAfterBytes: the connection closes mid-answer after that many bytes', async () => {
    const emulator = await start({
      faults: [{ ...TRIGGER, action: { kind: 'drip', chunkBytes: 4, everyMs: 5, cutAfterBytes: 10 } }]
    })
    const error = await failure(trigger(emulator))
    expect(error.status).toBe(201)
    expect(error.received.toString()).toBe('{"id":4100')
    expect(emulator.jobGroups()).toHaveLength(1)
    expect(emulator.requests[0]?.status).toBe(201)
  })

  it('huge: N bytes of valid JSON with a content-length, streamed', async () => {
    const bytes = 8 * 1024 * 1024
    const emulator = await start({ faults: [{ path: '/v4/jobLibrary', action: { kind: 'huge', bytes } }] })
    const answer = await request(`${emulator.url}/v4/jobLibrary`)
    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe('application/json')
    expect(answer.headers['content-length']).toBe(String(bytes))
    expect(answer.body.length).toBe(bytes)
    expect(JSON.parse(answer.text)).toMatchObject({ data: [], count: 0, padding: expect.stringMatching(/^x+$/) })
  })

  it('huge: junk without a content-length; a client hanging up early stops the stream', async () => {
    const emulator = await start({
      faults: [
        {
          path: '/v4/jobLibrary',
          action: { kind: 'huge', bytes: 300_000, content: 'junk', declareLength: false, chunkBytes: 1000 }
        },
        { path: '/v4/jobLibrary', after: 1, action: { kind: 'huge', bytes: 4 * 1024 ** 3, status: 201 } }
      ]
    })
    const junk = await request(`${emulator.url}/v4/jobLibrary`)
    expect(junk.headers['content-length']).toBeUndefined()
    expect(junk.headers['transfer-encoding']).toBe('chunked')
    expect(junk.headers['content-type']).toBe('text/plain')
    expect(junk.body.length).toBe(300_000)
    expect(junk.text).toMatch(/^<[ -~]+$/)
    expect(() => JSON.parse(junk.text)).toThrow()

    // 4 GiB announced: the client reads 1 MiB and hangs up; the emulator goes on serving.
    const received = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${emulator.url}/v4/jobLibrary`,
        { agent: false, headers: { authorization: `Bearer ${EMULATOR_TOKEN}` } },
        (res) => {
          expect(res.headers['content-length']).toBe(String(4 * 1024 ** 3))
          let count = 0
          res.on('data', (chunk: Buffer) => {
            count += chunk.length
            if (count >= 1024 * 1024) {
              req.destroy()
              resolve(count)
            }
          })
        }
      )
      req.on('error', (error) => (error.message === 'socket hang up' ? undefined : reject(error)))
      req.end()
    })
    expect(received).toBeGreaterThanOrEqual(1024 * 1024)
    expect((await trigger(emulator)).status).toBe(201)
  })
})

describe("'redirect' and the recorder", () => {
  it('redirects to another port with the path kept; the recorder records what a client sent there', async () => {
    const recorder = keep(await Recorder.start())
    const emulator = await start({
      faults: [
        { ...TRIGGER, action: { kind: 'redirect', status: 307, location: recorder.url, appendPath: true, act: true } }
      ]
    })
    const answer = await request(`${emulator.url}/v4/jobGroups?x=1`, {
      method: 'POST',
      json: { wrangledDataset: { id: 7 } }
    })
    expect(answer.status).toBe(307)
    expect(answer.headers.location).toBe(`${recorder.url}/v4/jobGroups?x=1`)
    expect(answer.body.length).toBe(0)
    expect(emulator.jobGroups()).toHaveLength(1)

    const followed = await request(answer.headers.location!, {
      method: 'POST',
      json: { a: 1 },
      token: null,
      headers: { 'x-probe': 'p' }
    })
    expect([followed.status, followed.text]).toEqual([200, '{}'])
    expect(recorder.requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v4/jobGroups',
        query: { x: '1' },
        json: { a: 1 },
        status: 200
      })
    ])
    expect(recorder.requests[0]?.headers).toMatchObject({ 'x-probe': 'p' })
    expect(recorder.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('shows what a client following redirects by itself carries to another port of the same host', async () => {
    // @actions/http-client strips Authorization only when the host name changes, not the port.
    const recorder = keep(
      await Recorder.start({ status: 404, body: 'nothing here', headers: { 'content-type': 'text/plain' } })
    )
    const emulator = await start({
      faults: [{ method: 'GET', action: { kind: 'redirect', location: recorder.url, appendPath: true } }]
    })
    const client = new HttpClient('test', [], { allowRedirects: true, keepAlive: false })
    const response = await client.get(`${emulator.url}/v4/jobGroups/4100`, {
      authorization: `Bearer ${EMULATOR_TOKEN}`
    })
    expect([response.message.statusCode, await response.readBody()]).toEqual([404, 'nothing here'])
    expect(emulator.requests[0]?.status).toBe(302)
    expect(recorder.requests[0]).toMatchObject({
      path: '/v4/jobGroups/4100',
      headers: { authorization: `Bearer ${EMULATOR_TOKEN}` }
    })
  })

  it('serves https with the test certificate', async () => {
    const recorder = keep(await Recorder.start({ tls: true }))
    expect(recorder.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect((await request(`${recorder.url}/anything`, { ca: testCertificates().ca })).status).toBe(200)
    expect(recorder.requests.map((r) => r.path)).toEqual(['/anything'])
  })
})

describe("'foreign-job-group': another client's job group", () => {
  it('before the own one: a lower id, same recipe, its own execution id', async () => {
    const emulator = await start({
      faults: [{ ...TRIGGER, action: { kind: 'foreign-job-group', when: 'before', executionId: 'other-run' } }]
    })
    const answer = await trigger(emulator, { 'x-execution-id': 'mine' })
    expect(answer.status).toBe(201)
    expect(JSON.parse(answer.text)).toMatchObject({ id: 4101 })
    expect(emulator.jobGroups()).toEqual([
      expect.objectContaining({ id: 4100, recipeId: 7, executionId: 'other-run', origin: 'foreign' }),
      expect.objectContaining({ id: 4101, recipeId: 7, executionId: 'mine', origin: 'api' })
    ])
  })

  it('after the own one, on the 2nd POST only, created earlier, the answer lost: both in the window', async () => {
    freezeDate(T0 - 2000)
    const emulator = await start({
      faults: [
        { ...TRIGGER, after: 1, action: { kind: 'foreign-job-group', createdAtOffsetMs: -500 } },
        { ...TRIGGER, after: 1, action: { kind: 'act-then-reset' } }
      ]
    })
    expect((await trigger(emulator)).status).toBe(201)
    vi.setSystemTime(T0)
    await expect(trigger(emulator, { 'x-execution-id': 'run-2' })).rejects.toThrow()
    expect(emulator.jobGroups().map((g) => [g.id, g.origin, g.createdAt, g.executionId])).toEqual([
      [4100, 'api', T0 - 2000, undefined],
      [4101, 'api', T0, 'run-2'],
      [4102, 'foreign', T0 - 500, undefined]
    ])
    const query = new URLSearchParams({ 'dateFilter[createdAt][gte]': String(T0 - 1000) })
    const listed = JSON.parse((await request(`${emulator.url}/v4/jobLibrary?${query}`)).text) as {
      data: Array<{ id: number }>
    }
    expect(listed.data.map((group) => group.id)).toEqual([4101, 4102])
  })

  it("with the request's execution id, created before: the client's POST answers 304", async () => {
    const emulator = await start({
      faults: [{ ...TRIGGER, action: { kind: 'foreign-job-group', when: 'before', sameExecutionId: true } }]
    })
    const answer = await trigger(emulator, { 'x-execution-id': 'shared' })
    expect(answer.status).toBe(304)
    expect(emulator.jobGroups()).toEqual([expect.objectContaining({ executionId: 'shared', origin: 'foreign' })])
  })

  it('also when the request is not acted on; delayMs creates it later, of another recipe', async () => {
    const emulator = await start({
      faults: [
        { ...TRIGGER, action: { kind: 'foreign-job-group' } },
        { ...TRIGGER, action: { kind: 'foreign-job-group', delayMs: 150, recipeId: 42 } },
        { ...TRIGGER, action: { kind: 'reset' } }
      ]
    })
    await expect(trigger(emulator)).rejects.toThrow()
    expect(emulator.jobGroups().map((g) => [g.recipeId, g.origin])).toEqual([[7, 'foreign']])
    await sleep(250)
    expect(emulator.jobGroups().map((g) => [g.recipeId, g.origin])).toEqual([
      [7, 'foreign'],
      [42, 'foreign']
    ])
  })

  it('createJobGroup() makes one directly, with an execution id and any createdAt', async () => {
    const emulator = await start()
    const id = emulator.createJobGroup(42, { durationMs: 0 }, { executionId: 'x', createdAt: T0 })
    expect(emulator.jobGroups()).toEqual([
      expect.objectContaining({
        id,
        recipeId: 42,
        executionId: 'x',
        createdAt: T0,
        origin: 'direct',
        status: 'Complete'
      })
    ])
  })
})

describe('a lagging read replica', () => {
  it("'stale': GET /v4/jobGroups/{id} shows the job group as it was lagMs ago, /status is current", async () => {
    freezeDate(T0)
    const emulator = await start({
      scenario: { durationMs: 1000 }, // Created 0-500, InProgress 500-1000, then Complete
      faults: [{ method: 'GET', path: ITEM, times: Infinity, action: { kind: 'stale', lagMs: 600 } }]
    })
    const id = emulator.createJobGroup(7)
    const at = async (ms: number): Promise<[unknown, unknown]> => {
      vi.setSystemTime(T0 + ms)
      const record = JSON.parse((await request(`${emulator.url}/v4/jobGroups/${id}`)).text) as {
        status: string
        updatedAt: string
      }
      return [JSON.parse((await request(`${emulator.url}/v4/jobGroups/${id}/status`)).text), record]
    }
    expect(await at(300)).toEqual(['Created', expect.objectContaining({ status: 'Created' })])
    expect(await at(1100)).toEqual([
      'Complete',
      expect.objectContaining({ status: 'InProgress', updatedAt: iso(T0 + 500) })
    ])
    expect(await at(1600)).toEqual([
      'Complete',
      expect.objectContaining({ status: 'Complete', updatedAt: iso(T0 + 1000) })
    ])
  })

  it("'stale' with a status: always that status, on the record and /status alike; POSTs are unaffected", async () => {
    const emulator = await start({
      scenario: { durationMs: 0 },
      faults: [
        {
          path: /^\/v4\/jobGroups\/\d+(\/status|\/cancel)?$/,
          times: Infinity,
          action: { kind: 'stale', status: 'Created' }
        }
      ]
    })
    const id = emulator.createJobGroup(7)
    expect(JSON.parse((await request(`${emulator.url}/v4/jobGroups/${id}`)).text)).toMatchObject({
      id,
      status: 'Created'
    })
    expect((await request(`${emulator.url}/v4/jobGroups/${id}/status`)).text).toBe('"Created"')
    const cancel = await request(`${emulator.url}/v4/jobGroups/${id}/cancel`, { method: 'POST', json: {} })
    expect(cancel.status).toBe(200)
    expect(emulator.jobGroups()[0]).toMatchObject({ status: 'Complete', canceled: false })
  })

  it("'not-found-while-new': 404 on the routes chosen and missing from lists until ms after creation", async () => {
    freezeDate(T0)
    const notYet = { kind: 'not-found-while-new', ms: 2000 } as const
    const emulator = await start({
      scenario: { durationMs: 4000 },
      faults: [
        { method: 'GET', path: /^\/v4\/jobGroups\/\d+(\/status)?$/, times: Infinity, action: notYet },
        { method: 'GET', path: '/v4/jobLibrary', times: Infinity, action: notYet },
        { method: 'GET', path: ITEM, after: 1, times: Infinity, action: { kind: 'stale', lagMs: 1000 } }
      ]
    })
    const id = emulator.createJobGroup(7)
    const get = (path: string): Promise<RawAnswer> => request(`${emulator.url}${path}`)
    vi.setSystemTime(T0 + 1999)
    for (const path of [`/v4/jobGroups/${id}/status`, `/v4/jobGroups/${id}`]) {
      const answer = await get(path)
      expect(answer.status, path).toBe(404)
      expect(JSON.parse(answer.text), path).toMatchObject({ exception: { name: 'NotFound' } })
    }
    expect((await get(`/v4/jobGroups/${id}/jobs`)).status).toBe(200) // not chosen
    expect(JSON.parse((await get('/v4/jobLibrary')).text)).toEqual({ data: [], count: 0 })
    vi.setSystemTime(T0 + 2500)
    expect((await get(`/v4/jobGroups/${id}/status`)).text).toBe('"InProgress"')
    expect(JSON.parse((await get('/v4/jobLibrary')).text)).toMatchObject({ count: 1 })
    // Both modifiers apply together: visible, and as it was 1 s ago.
    expect(JSON.parse((await get(`/v4/jobGroups/${id}`)).text)).toMatchObject({ status: 'Created' })
  })
})

describe('the flow and plan routes', () => {
  it("their job groups carry origin 'api'; 'foreign-job-group' starts another client's run of the flow", async () => {
    const emulator = await start({
      flows: FLOWS,
      faults: [{ ...FLOW_RUN, action: { kind: 'foreign-job-group', when: 'before', executionId: 'other-run' } }]
    })
    const answer = await post(emulator, '/v4/flows/7/run', { 'x-execution-id': 'mine' })
    expect(answer.status).toBe(201)
    expect(JSON.parse(answer.text)).toMatchObject({ flowRunId: 2002 })
    expect(emulator.flowRuns().map((run) => [run.id, run.origin, run.executionId, run.jobGroupIds])).toEqual([
      [2001, 'foreign', 'other-run', [4100, 4101]],
      [2002, 'api', 'mine', [4102, 4103]]
    ])
    expect(emulator.jobGroups().map((group) => [group.id, group.recipeId, group.origin])).toEqual([
      [4100, 71, 'foreign'],
      [4101, 72, 'foreign'],
      [4102, 71, 'api'],
      [4103, 72, 'api']
    ])
  })

  it("'foreign-job-group': a plan run with the request's execution id, or with recipeId a job group", async () => {
    const emulator = await start({
      flows: FLOWS,
      plans: PLANS,
      faults: [
        { ...PLAN_RUN, action: { kind: 'foreign-job-group', when: 'before', sameExecutionId: true } },
        { ...FLOW_RUN, action: { kind: 'foreign-job-group', recipeId: 42 } }
      ]
    })
    expect((await post(emulator, '/v4/plans/5/run', { 'x-execution-id': 'nightly' })).status).toBe(304)
    const [planRun] = emulator.planRuns()
    expect([planRun?.id, planRun?.origin, planRun?.executionId]).toEqual([3001, 'foreign', 'nightly'])
    expect(planRun?.tasks[0]?.jobGroups.map((group) => group.origin)).toEqual(['foreign', 'foreign'])
    expect((await post(emulator, '/v4/flows/7/run')).status).toBe(201)
    expect(emulator.flowRuns().map((run) => run.origin)).toEqual(['api'])
    expect(emulator.jobGroups().map((group) => [group.recipeId, group.origin])).toEqual([
      [71, 'foreign'],
      [72, 'foreign'],
      [71, 'api'],
      [72, 'api'],
      [42, 'foreign']
    ])
  })

  it("'not-found-while-new' and 'stale' make flow runs, plan runs and their task runs lag", async () => {
    freezeDate(T0)
    const notYet = { kind: 'not-found-while-new', ms: 500 } as const
    const lagging = { kind: 'stale', lagMs: 600 } as const
    const emulator = await start({
      flows: FLOWS,
      plans: PLANS,
      scenario: { durationMs: 1000 }, // Created 0-500, InProgress 500-1000, then Complete
      faults: [
        { method: 'GET', path: /^\/v4\/(flowRuns|planSnapshotRuns)\/|\/full$/, times: Infinity, action: notYet },
        { method: 'GET', path: /^\/v4\/flowRuns\/\d+\/status$/, after: 2, forMs: 1000, action: lagging },
        { method: 'GET', path: /^\/v4\/planSnapshotRuns\//, after: 1, action: { kind: 'stale', status: 'InProgress' } }
      ]
    })
    expect((await post(emulator, '/v4/flows/7/run')).status).toBe(201)
    expect((await post(emulator, '/v4/plans/5/run')).status).toBe(201)
    const get = (path: string): Promise<RawAnswer> => request(`${emulator.url}${path}`)
    const runsOfTask = async (task: number): Promise<unknown[] | undefined> => {
      const full = JSON.parse((await get('/v4/plans/5/full')).text) as {
        planNodes: Array<{ planTaskSnapshotRuns: unknown[] }>
      }
      return full.planNodes[task]?.planTaskSnapshotRuns
    }

    vi.setSystemTime(T0 + 499)
    for (const path of ['/v4/flowRuns/2001', '/v4/flowRuns/2001/status', '/v4/planSnapshotRuns/3001']) {
      const answer = await get(path)
      expect(answer.status, path).toBe(404)
      expect(JSON.parse(answer.text), path).toMatchObject({ exception: { name: 'NotFound' } })
    }
    expect(await runsOfTask(0)).toEqual([])
    vi.setSystemTime(T0 + 600)
    expect((await get('/v4/flowRuns/2001/status')).text).toBe('"InProgress"')
    expect(await runsOfTask(0)).toHaveLength(1)
    // 'stale' from now on for 1 s: /status shows the run as it was 600 ms ago.
    vi.setSystemTime(T0 + 1200)
    expect((await get('/v4/flowRuns/2001/status')).text).toBe('"InProgress"')
    expect(emulator.flowRuns()[0]?.status).toBe('Complete')
    // Task 'Report' started at 1000: too young for the replica.
    expect(await runsOfTask(1)).toEqual([])
    vi.setSystemTime(T0 + 2500)
    expect((await get('/v4/flowRuns/2001/status')).text).toBe('"Complete"')
    expect(await runsOfTask(1)).toHaveLength(1)
    expect(emulator.planRuns()[0]?.status).toBe('Complete')
    expect(JSON.parse((await get('/v4/planSnapshotRuns/3001')).text)).toMatchObject({ id: 3001, status: 'InProgress' })
    expect(JSON.parse((await get('/v4/planSnapshotRuns/3001')).text)).toMatchObject({ id: 3001, status: 'Complete' })
  })

  it("'compress', 'drip', 'huge' and 'redirect' reshape their answers; the acting ones start the run", async () => {
    const recorder = keep(await Recorder.start())
    const redirect = { kind: 'redirect', location: recorder.url, appendPath: true } as const
    const emulator = await start({
      flows: FLOWS,
      plans: PLANS,
      scenario: { durationMs: 60_000 },
      faults: [
        { ...FLOW_RUN, action: { kind: 'compress' } },
        { method: 'GET', path: '/v4/flowRuns/2001/status', action: { kind: 'drip', chunkBytes: 2, everyMs: 40 } },
        { ...PLAN_RUN, action: { kind: 'huge', bytes: 100_000, act: true } },
        { method: 'GET', path: /^\/v4\/planSnapshotRuns\//, action: redirect }
      ]
    })
    const compressed = await post(emulator, '/v4/flows/7/run')
    expect([compressed.status, compressed.headers['content-encoding']]).toEqual([201, 'gzip'])
    expect(compressed.headers['content-length']).toBe(String(compressed.body.length))
    expect(JSON.parse(gunzipSync(compressed.body).toString())).toMatchObject({ flowRunId: 2001 })

    const dripped = await request(`${emulator.url}/v4/flowRuns/2001/status`)
    expect(JSON.parse(dripped.text)).toBe('Created')
    // 9 bytes in 5 writes, then the end: 6 steps of 40 ms after the head.
    expect(dripped.endAfterMs - dripped.headersAfterMs).toBeGreaterThanOrEqual(200)

    const huge = await post(emulator, '/v4/plans/5/run')
    expect([huge.status, huge.body.length, huge.headers['content-length']]).toEqual([200, 100_000, '100000'])
    expect(emulator.planRuns().map((run) => [run.id, run.origin])).toEqual([[3001, 'api']])

    const redirected = await request(`${emulator.url}/v4/planSnapshotRuns/3001`)
    expect(redirected.status).toBe(302)
    expect(redirected.headers.location).toBe(`${recorder.url}/v4/planSnapshotRuns/3001`)
  })
})

describe('with OAuth access tokens', () => {
  it('over https; 401s for a revoked or expired token carry their exact length, compressed or not', async () => {
    const aac = keep(
      await startAacEmulator({
        emulator: { tls: true, faults: [{ path: '/v4/jobLibrary', after: 2, action: { kind: 'compress' } }] }
      })
    )
    const { emulator, tokenServer } = aac
    expect(emulator.url).toMatch(/^https:/)
    const get = (token: string): Promise<RawAnswer> =>
      request(`${emulator.url}/v4/jobLibrary`, { token, ca: emulator.ca })
    const revoked = tokenServer.issueRefreshToken().accessToken
    expect((await get(revoked)).status).toBe(200)
    tokenServer.revoke(revoked)
    const refused = await get(revoked)
    expect(refused.status).toBe(401)
    expect(refused.headers['content-length']).toBe(String(refused.body.length))
    expect(refused.headers['x-trifacta-request-id']).toBe(emulator.requests.at(-1)?.requestId)
    expect(JSON.parse(refused.text)).toMatchObject({ exception: { name: 'AuthenticationFailed' } })

    const expiring = tokenServer.issueRefreshToken().accessToken
    freezeDate((tokenServer.claimsOf(expiring)?.exp ?? 0) * 1000)
    const expired = await get(expiring)
    expect([expired.status, expired.headers['content-encoding']]).toEqual([401, 'gzip'])
    expect(expired.headers['content-length']).toBe(String(expired.body.length))
    expect(JSON.parse(gunzipSync(expired.body).toString())).toMatchObject({
      exception: { name: 'AuthenticationFailed', details: 'The access token has expired' }
    })
  })
})

describe('tls', () => {
  it('serves https for 127.0.0.1 with a leaf of a throwaway CA that a client must trust', async () => {
    const emulator = await start({ tls: true })
    expect(emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(emulator.ca).toBe(testCertificates().ca)
    expect(emulator.ca).toMatch(/^-----BEGIN CERTIFICATE-----/)
    const answer = await request(`${emulator.url}/v4/jobGroups/4100`, { ca: emulator.ca })
    expect(answer.status).toBe(404)
    expect(JSON.parse(answer.text)).toMatchObject({ exception: { name: 'NotFound' } })
    const untrusted = await failure(request(`${emulator.url}/v4/jobGroups/4100`))
    expect(untrusted.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
  })

  it("'wrong-host': a client that trusts the CA still rejects the certificate's name", async () => {
    const emulator = await start({ tls: 'wrong-host' })
    const error = await failure(request(`${emulator.url}/v4/jobLibrary`, { ca: emulator.ca }))
    expect(error.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID')
    expect((error as RawFailure & { cert?: { subjectaltname?: string } }).cert?.subjectaltname).toBe(
      `DNS:${WRONG_HOST}`
    )
    expect(emulator.requests).toEqual([])
  })

  it('caFile() trusts the CA in a child process through NODE_EXTRA_CA_CERTS', async () => {
    const emulator = await start({ tls: true })
    const url = JSON.stringify(`${emulator.url}/v4/jobLibrary`)
    const script =
      `const r = await fetch(${url}, { headers: { authorization: 'Bearer ${EMULATOR_TOKEN}' } }); ` +
      'console.log(r.status)'
    const run = (env: Record<string, string>) =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
        env: { PATH: process.env.PATH, ...env }
      })
    expect((await run({ NODE_EXTRA_CA_CERTS: caFile() })).stdout.trim()).toBe('200')
    await expect(run({})).rejects.toThrow(/fetch failed/)
  })

  it('generates the certificates once per process, quickly', () => {
    const started = Date.now()
    const first = testCertificates()
    expect(testCertificates()).toBe(first)
    expect(Date.now() - started).toBeLessThan(5000)
    expect(first.server.key).toMatch(/PRIVATE KEY/)
    expect(first.server.cert).not.toBe(first.wrongHost.cert)
  })
})

describe('proxy', () => {
  it('@actions/http-client bypasses any proxy for loopback hosts; PROXIED_HOST goes through it', () => {
    vi.stubEnv('https_proxy', 'http://127.0.0.1:9')
    vi.stubEnv('http_proxy', 'http://127.0.0.1:9')
    vi.stubEnv('no_proxy', '')
    vi.stubEnv('NO_PROXY', '')
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '[::1]']) {
      expect(getProxyUrl(`https://${host}:8443/v4`), host).toBe('')
    }
    expect(getProxyUrl(`https://${PROXIED_HOST}:8443/v4`)).toBe('http://127.0.0.1:9/')
    expect(proxiedUrl('http://127.0.0.1:4321/v4/x?y=1')).toBe(`http://${PROXIED_HOST}:4321/v4/x?y=1`)
    expect(proxiedUrl('https://127.0.0.1:4321')).toBe(`https://${PROXIED_HOST}:4321`)
  })

  it("'forward' tunnels http through CONNECT to 127.0.0.1 and records it", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start())
    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const client = new HttpClient('test', [], { keepAlive: false })
    const response = await client.get(`${proxiedUrl(emulator.url)}/v4/jobLibrary`, {
      authorization: `Bearer ${EMULATOR_TOKEN}`
    })
    expect([response.message.statusCode, JSON.parse(await response.readBody())]).toEqual([200, { data: [], count: 0 }])
    expect(proxy.requests).toEqual([
      expect.objectContaining({
        method: 'CONNECT',
        target: `${PROXIED_HOST}:${new URL(emulator.url).port}`,
        status: 200
      })
    ])
    expect(emulator.requests[0]?.headers.host).toBe(`${PROXIED_HOST}:${new URL(emulator.url).port}`)
  })

  it("'forward' tunnels https for a child process trusting the test CA", async () => {
    const emulator = await start({ tls: true })
    const proxy = keep(await TestProxy.start())
    const clientModule = fileURLToPath(new URL('../node_modules/@actions/http-client/lib/index.js', import.meta.url))
    const script = `
      const { HttpClient } = await import(${JSON.stringify(clientModule)})
      const url = ${JSON.stringify(`${proxiedUrl(emulator.url)}/v4/jobLibrary`)}
      const response = await new HttpClient('test').get(url, { authorization: 'Bearer ${EMULATOR_TOKEN}' })
      console.log(response.message.statusCode, await response.readBody())
    `
    const env = { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: caFile(), ...proxy.env() }
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env })
    expect(stdout.trim()).toBe('200 {"data":[],"count":0}')
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([['CONNECT', 200]])
    expect(emulator.requests).toHaveLength(1)
  })

  it("'refuse' answers 403 to CONNECT and to plain requests; http-client reports ECONNRESET", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start({ mode: 'refuse' }))
    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const client = new HttpClient('test', [], { keepAlive: false })
    const error = await failure(client.get(`${proxiedUrl(emulator.url)}/v4/jobLibrary`))
    expect(error.code).toBe('ECONNRESET')
    expect(error.message).toContain('statusCode=403')
    const absolute = await viaProxy(proxy, `${proxiedUrl(emulator.url)}/v4/jobLibrary`)
    expect(absolute.status).toBe(403)
    expect(proxy.requests.map((r) => [r.method, r.status])).toEqual([
      ['CONNECT', 403],
      ['GET', 403]
    ])
    expect(emulator.requests).toEqual([])
  })

  it("'auth' answers 407 with Proxy-Authenticate, and forwards with the right credentials", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start({ mode: 'auth', credentials: 'user:p@ss:word' }))
    const url = `${proxiedUrl(emulator.url)}/v4/jobLibrary`
    const denied = await viaProxy(proxy, url)
    expect(denied.status).toBe(407)
    expect(denied.headers['proxy-authenticate']).toBe('Basic realm="test proxy"')

    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const error = await failure(new HttpClient('test', [], { keepAlive: false }).get(url))
    expect(error.message).toContain('statusCode=407')

    for (const [name, value] of Object.entries(proxy.env('user:p@ss:word'))) vi.stubEnv(name, value)
    const response = await new HttpClient('test', [], { keepAlive: false }).get(url, {
      authorization: `Bearer ${EMULATOR_TOKEN}`
    })
    expect(response.message.statusCode).toBe(200)
    await response.readBody()
    const basic = `Basic ${Buffer.from('user:p@ss:word').toString('base64')}`
    expect(proxy.requests.map((r) => [r.method, r.status, r.headers['proxy-authorization']])).toEqual([
      ['GET', 407, undefined],
      ['CONNECT', 407, undefined],
      ['CONNECT', 200, basic]
    ])
  })

  it("'forward' passes plain-HTTP requests in absolute form, without the proxy's own headers", async () => {
    const emulator = await start()
    const proxy = keep(await TestProxy.start())
    const answer = await viaProxy(proxy, `${proxiedUrl(emulator.url)}/v4/jobLibrary?limit=1`, {
      'proxy-authorization': 'Basic eA=='
    })
    expect([answer.status, answer.text]).toEqual([200, '{"data":[],"count":0}'])
    expect(emulator.requests[0]).toMatchObject({
      path: '/v4/jobLibrary',
      query: { limit: '1' },
      headers: { authorization: `Bearer ${EMULATOR_TOKEN}` }
    })
    expect(emulator.requests[0]?.headers['proxy-authorization']).toBeUndefined()
    expect(proxy.requests[0]).toMatchObject({
      method: 'GET',
      target: `${proxiedUrl(emulator.url)}/v4/jobLibrary?limit=1`,
      status: 200
    })
  })

  it('answers 502 when nothing listens at the target port', async () => {
    const proxy = keep(await TestProxy.start())
    const closed = await Emulator.start()
    await closed.close()
    const answer = await viaProxy(proxy, `${proxiedUrl(closed.url)}/v4/jobLibrary`)
    expect(answer.status).toBe(502)
    for (const [name, value] of Object.entries(proxy.env())) vi.stubEnv(name, value)
    const error = await failure(
      new HttpClient('test', [], { keepAlive: false }).get(`${proxiedUrl(closed.url)}/v4/jobLibrary`)
    )
    expect(error.message).toContain('statusCode=502')
  })
})

describe('close()', () => {
  it('ends drips, streams, TLS sockets, tunnels and timers: a plain Node process using them exits by itself', () => {
    const module = (path: string): string => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)))
    const script = `
      const { Emulator } = await import(${module('./emulator/index.ts')})
      const { TestProxy, proxiedUrl } = await import(${module('./support/proxy.ts')})
      const { Recorder } = await import(${module('./support/recorder.ts')})
      const emulator = await Emulator.start({ tls: true, faults: [
        { path: '/drip', action: { kind: 'drip', everyMs: 50 } },
        { path: '/huge', action: { kind: 'huge', bytes: 1e12, everyMs: 50 } },
        { method: 'POST', action: { kind: 'foreign-job-group', delayMs: 60000 } },
        { method: 'POST', action: { kind: 'delay', ms: 60000 } },
      ] })
      const plain = await Emulator.start()
      const proxy = await TestProxy.start()
      const recorder = await Recorder.start({ tls: true })
      const https = await import('node:https')
      const get = (path, method = 'GET') => new Promise((resolve) => {
        const options = { method, ca: emulator.ca, headers: { authorization: 'Bearer ${EMULATOR_TOKEN}' } }
        const req = https.request(emulator.url + path, options, (res) => {
          res.resume()
          res.on('end', () => resolve('answered'))
          res.on('error', () => resolve('aborted'))
        })
        req.on('error', () => resolve('aborted'))
        req.end()
      })
      const pending = [get('/drip'), get('/huge'), get('/v4/jobGroups', 'POST')]
      const net = await import('node:net')
      const tunnel = net.connect(Number(new URL(proxy.url).port), '127.0.0.1')
      tunnel.on('error', () => {})
      tunnel.write('CONNECT ' + new URL(proxiedUrl(plain.url)).host + ' HTTP/1.1\\r\\n\\r\\n')
      await new Promise((resolve) => setTimeout(resolve, 300))
      await Promise.all([emulator.close(), plain.close(), proxy.close(), recorder.close()])
      console.log((await Promise.all(pending)).join(' '), proxy.requests.map((r) => r.status).join())
    `
    const started = Date.now()
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      encoding: 'utf8',
      timeout: 15_000
    })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe('aborted aborted aborted 200')
    expect(child.status).toBe(0)
    expect(Date.now() - started).toBeLessThan(8000)
  })
})

/** One plain-HTTP request through the proxy in absolute form (GET http://host:port/path). */
function viaProxy(proxy: TestProxy, url: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
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

function iso(ms: number): string {
  return new Date(ms).toISOString()
}
