// Tests of the emulator's hostile-server hooks and their helpers (TLS with a throwaway CA, the redirect recorder,
// the proxy), driven with plain Node http/https, fetch and @actions/http-client, checking what a client sees.
import { request as httpRequest } from 'node:http'
import { HttpClient } from '@actions/http-client'
import { describe, expect, it } from 'vitest'
import { EMULATOR_TOKEN } from '../../support/fake-tokens.ts'
import { Recorder } from '../../support/recorder.ts'
import { testCertificates } from '../../support/tls.ts'
import { start, keep, request, trigger, failure, STATUS, TRIGGER } from '../../support/raw-http.ts'

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
