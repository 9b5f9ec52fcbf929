// Tests of the emulator's hostile-server hooks and their helpers (TLS with a throwaway CA, the redirect recorder,
// the proxy), driven with plain Node http/https, fetch and @actions/http-client, checking what a client sees.
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import type { Fault } from '../../emulator/index.ts'
import { EMULATOR_TOKEN } from '../../support/fake-tokens.ts'
import { start, request, trigger, failure, sleep, ITEM, STATUS, TRIGGER } from '../../support/raw-http.ts'

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
