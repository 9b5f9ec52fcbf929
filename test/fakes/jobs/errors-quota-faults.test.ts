// Tests of the Trifacta API emulator itself, over real HTTP with Node's fetch.
import { describe, expect, it } from 'vitest'
import { call, exceptionBody, startEmulator as start } from '../../support/emulator-client.ts'
import { WRONG_API_TOKEN } from '../../support/fake-tokens.ts'
import { trigger } from '../../support/job-emulator.ts'

describe('errors', () => {
  it('answers 401 without or with a wrong token, echoing the header only when asked to', async () => {
    const quiet = await start()
    const missing = await call(quiet, 'GET', '/v4/jobGroups/4100', { token: null })
    expect(missing.status).toBe(401)
    expect(missing.json).toEqual(exceptionBody('AuthenticationFailed'))
    const wrong = await call(quiet, 'GET', '/v4/jobGroups/4100', { token: WRONG_API_TOKEN })
    expect(wrong.status).toBe(401)
    expect(wrong.text).not.toContain(WRONG_API_TOKEN)

    const echoing = await start({ echoTokenOnAuthError: true })
    const echoed = await call(echoing, 'GET', '/v4/jobGroups/4100', { token: WRONG_API_TOKEN })
    expect(echoed.json).toMatchObject({ exception: { details: expect.stringContaining(`Bearer ${WRONG_API_TOKEN}`) } })
  })

  it('answers 404 with an exception body for unknown routes and job groups', async () => {
    const emulator = await start()
    for (const path of ['/v4/nothing', '/v4/jobGroups/4100', '/v4/jobGroups/4100/jobs', '/v4/jobGroups/4100/nothing']) {
      const answer = await call(emulator, 'GET', path)
      expect(answer.status, path).toBe(404)
      expect(answer.json, path).toEqual(exceptionBody('NotFound'))
    }
  })

  it('answers 400 for a job group id that is not a positive integer', async () => {
    const emulator = await start()
    const answer = await call(emulator, 'GET', '/v4/jobGroups/abc')
    expect(answer.status).toBe(400)
    expect(answer.json).toEqual(exceptionBody('ValidationFailed'))
  })

  it('answers 415 for a non-JSON Content-Type or an Accept without JSON', async () => {
    const emulator = await start()
    const text = await call(emulator, 'POST', '/v4/jobGroups', {
      raw: 'wrangledDataset=7',
      headers: { 'content-type': 'text/plain' }
    })
    expect(text.status).toBe(415)
    expect(text.json).toEqual(exceptionBody('UnsupportedMediaType'))
    expect((await call(emulator, 'GET', '/v4/jobGroups/1', { headers: { accept: 'text/html' } })).status).toBe(415)
    const charset = await trigger(emulator, 7, {
      'content-type': 'application/json; charset=utf-8',
      accept: 'text/html, */*;q=0.1'
    })
    expect(charset.status).toBe(201)
  })

  it('puts a distinct x-trifacta-request-id on every answer', async () => {
    const emulator = await start()
    const answers = [
      await call(emulator, 'GET', '/v4/nothing', { token: null }),
      await call(emulator, 'GET', '/v4/nothing'),
      await call(emulator, 'POST', '/v4/jobGroups', { raw: 'x', headers: { 'content-type': 'text/plain' } }),
      await trigger(emulator, 'x'),
      await trigger(emulator)
    ]
    const ids = answers.map((answer) => answer.headers.get('x-trifacta-request-id'))
    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 415, 400, 201])
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true)
    expect(emulator.requests.map((request) => request.requestId)).toEqual(ids)
  })
})

describe('trigger quota', () => {
  it('answers 429 with the documented headers and body once the quota is spent', async () => {
    const emulator = await start({ triggerQuota: { limit: 2, windowMs: 60_000 } })
    const first = await trigger(emulator)
    expect(first.status).toBe(201)
    expect(first.headers.get('x-rate-limit-user-limit')).toBe('2')
    expect(first.headers.get('x-rate-limit-user-remaining')).toBe('1')
    expect((await trigger(emulator)).headers.get('x-rate-limit-user-remaining')).toBe('0')

    const limited = await trigger(emulator)
    expect(limited.status).toBe(429)
    const reset = Number(limited.headers.get('x-rate-limit-user-reset'))
    expect(reset).toBeGreaterThan(Date.now() + 50_000) // epoch milliseconds
    expect(Object.fromEntries([...limited.headers].filter(([name]) => name.startsWith('x-r')))).toEqual({
      'x-rate-limit-user-limit': '2',
      'x-rate-limit-user-remaining': '0',
      'x-rate-limit-user-reset': String(reset),
      'x-rate-limit-workspace-limit': '4',
      'x-rate-limit-workspace-remaining': '2',
      'x-rate-limit-workspace-reset': String(reset),
      'x-retry-after': '60'
    })
    expect(limited.json).toEqual({
      exception: {
        name: 'TooManyRequestsException',
        message: 'Too Many Requests',
        details:
          'API quota reached for "runJobGroup". Wait 60 seconds before making a new request. ' +
          '(Max. 2 requests allowed per minute per user.)'
      }
    })
    expect(emulator.rateLimited).toBe(1)
    expect(emulator.jobGroups()).toHaveLength(2)
  })

  it('opens a new window after windowMs', async () => {
    // A window long enough that the second request falls in it on a loaded machine.
    const emulator = await start({ triggerQuota: { limit: 1, windowMs: 1000 } })
    expect((await trigger(emulator)).status).toBe(201)
    const limited = await trigger(emulator)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('x-retry-after')).toBe('1') // whole seconds, at least 1
    await new Promise((resolve) => setTimeout(resolve, 1050))
    expect((await trigger(emulator)).status).toBe(201)
  })
})

describe('faults', () => {
  it("'status' answers a raw HTML body, after `after` requests, `times` times", async () => {
    const emulator = await start({
      faults: [
        {
          method: 'GET',
          path: /^\/v4\/jobGroups\/\d+$/,
          after: 1,
          times: 2,
          action: { kind: 'status', status: 502, raw: '<html><body>Bad Gateway</body></html>' }
        }
      ]
    })
    const id = emulator.createJobGroup(7)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const answer = await call(emulator, 'GET', `/v4/jobGroups/${id}`)
      statuses.push(answer.status)
      if (answer.status === 502) {
        expect(answer.headers.get('content-type')).toBe('text/html')
        expect(answer.text).toContain('Bad Gateway')
        expect(answer.headers.get('x-trifacta-request-id')).toBeTruthy()
      }
    }
    expect(statuses).toEqual([200, 502, 502, 200])
  })

  it("'status' without a body answers an exception body, with extra headers", async () => {
    const emulator = await start({
      faults: [{ action: { kind: 'status', status: 503, headers: { 'retry-after': '1' } } }]
    })
    const answer = await call(emulator, 'GET', '/v4/jobGroups/4100')
    expect(answer.status).toBe(503)
    expect(answer.headers.get('retry-after')).toBe('1')
    expect(answer.json).toEqual(exceptionBody('ServiceUnavailable'))
  })

  it("'reset' destroys the socket without acting", async () => {
    const emulator = await start({ faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'reset' } }] })
    await expect(trigger(emulator)).rejects.toThrow()
    expect(emulator.jobGroups()).toEqual([])
    expect(emulator.requests[0]?.status).toBeUndefined()
    expect((await trigger(emulator)).status).toBe(201)
  })

  it("'act-then-reset' creates the job group while the client sees a socket error", async () => {
    const emulator = await start()
    emulator.addFault({ method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } })
    await expect(trigger(emulator, 7, { 'x-execution-id': 'lost' })).rejects.toThrow()
    expect(emulator.jobGroups()).toEqual([expect.objectContaining({ id: 4100, executionId: 'lost' })])
    expect(emulator.requests[0]?.status).toBeUndefined()
    expect((await trigger(emulator, 7, { 'x-execution-id': 'lost' })).status).toBe(304)
  })

  it("'delay' answers late: a client with a shorter timeout gives up", async () => {
    const emulator = await start({ faults: [{ path: '/v4/jobGroups', times: 2, action: { kind: 'delay', ms: 150 } }] })
    await expect(trigger(emulator)).resolves.toMatchObject({ status: 201 })
    const started = Date.now()
    const impatient = call(emulator, 'POST', '/v4/jobGroups', {
      body: { wrangledDataset: { id: 7 } },
      signal: AbortSignal.timeout(50)
    })
    await expect(impatient).rejects.toThrow()
    expect(Date.now() - started).toBeLessThan(140)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(emulator.jobGroups()).toHaveLength(2) // the abandoned request was still acted on
    expect(emulator.requests[0]?.status).toBe(201)
    expect(emulator.requests[1]?.status).toBeUndefined()
    expect(emulator.requests[0]?.at).toBeLessThanOrEqual(started)
  })

  it("'rate-limit' answers the documented 429", async () => {
    const emulator = await start({
      faults: [{ path: '/v4/jobGroups', action: { kind: 'rate-limit', retryAfterSeconds: 3 } }]
    })
    const answer = await trigger(emulator)
    expect(answer.status).toBe(429)
    expect(answer.headers.get('x-retry-after')).toBe('3')
    expect(answer.headers.get('x-rate-limit-user-limit')).toBe('30')
    expect(answer.json).toMatchObject({
      exception: { name: 'TooManyRequestsException', details: expect.stringContaining('Wait 3 seconds') }
    })
    expect(emulator.rateLimited).toBe(1)
    expect((await trigger(emulator)).status).toBe(201)
  })
})
