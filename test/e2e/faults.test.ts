// Survive rate limits and flaky networks, never run a job twice, never leak the token. Each case runs the built
// action against the emulator with faults injected, and checks the outcome, the outputs and the job groups created.
import { describe, expect, it } from 'vitest'
import type { Emulator, Fault } from '../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../support/e2e.ts'
import { API_TOKEN, WRONG_API_TOKEN } from '../support/fake-tokens.ts'

const STATUS = '/v4/jobGroups/4100/status'
const triggers = (e: Emulator) => e.requestsTo('POST', '/v4/jobGroups')
/** The start's looks in the job history (the schedule's own lookup of past runs, which has no date filter, aside). */
const startLookups = (e: Emulator) =>
  e.requestsTo('GET', '/v4/jobLibrary').filter((r) => r.query['dateFilter[createdAt][gte]'] !== undefined)

function expectOneCompleteJob(e: Emulator, result: Awaited<ReturnType<typeof run>>): void {
  expect(result.code).toBe(0)
  expect(result.outputs.status).toBe('Complete')
  expect(e.jobGroups()).toHaveLength(1)
  expect(result.outputs['job-id']).toBe(String(e.jobGroups()[0]!.id))
}

describe('rate limits', () => {
  it('429 on the trigger: waits as x-retry-after says, sends again, one job group', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'rate-limit', retryAfterSeconds: 2 } }]
    })
    const result = await run(inputsFor(e))
    expectOneCompleteJob(e, result)
    const [first, second] = triggers(e)
    expect(first!.status).toBe(429)
    expect(second!.status).toBe(201)
    const waitedMs = second!.at - first!.at
    expect(waitedMs).toBeGreaterThanOrEqual(2000)
    expect(waitedMs).toBeLessThan(3500)
    expect(second!.headers['x-execution-id']).toBe(first!.headers['x-execution-id'])
  })

  it('429 on polls: absorbed, the wait goes on', async () => {
    const e = await emulator({
      faults: [
        { method: 'GET', path: STATUS, after: 1, times: 2, action: { kind: 'rate-limit', retryAfterSeconds: 1 } }
      ]
    })
    const result = await run(inputsFor(e))
    expectOneCompleteJob(e, result)
    expect(e.rateLimited).toBe(2)
  })
})

describe('flaky polls', () => {
  const html = '<html><body><h1>502 Bad Gateway</h1><script>x()</script></body></html>'
  it.each<[string, Fault['action']]>([
    ['500 JSON', { kind: 'status', status: 500 }],
    ['502 HTML from a proxy', { kind: 'status', status: 502, raw: html, contentType: 'text/html' }],
    ['503', { kind: 'status', status: 503 }],
    ['504 HTML', { kind: 'status', status: 504, raw: '<html>Gateway Timeout</html>', contentType: 'text/html' }],
    ['connection reset', { kind: 'reset' }]
  ])('%s on polls: retried, the job completes', async (_name, action) => {
    const e = await emulator({ faults: [{ method: 'GET', path: STATUS, after: 1, times: 3, action }] })
    const result = await run(inputsFor(e))
    expectOneCompleteJob(e, result)
    expect(result.stdout).toMatch(/::warning title=API retries::GET \/v4\/jobGroups\/4100\/status failed/)
  })

  it('failures that persist end the wait at the timeout with the last error', async () => {
    const html502 = {
      kind: 'status',
      status: 502,
      raw: '<html><h1>Bad Gateway</h1></html>',
      contentType: 'text/html'
    } as const
    const e = await emulator({
      scenario: { durationMs: 60_000 },
      faults: [{ method: 'GET', path: STATUS, after: 1, times: Infinity, action: html502 }]
    })
    const result = await run(inputsFor(e, { timeout: '5s', 'cancel-on-timeout': 'false' }))
    expect(result.code).toBe(1)
    expect(result.summary).toContain('timed out')
    expect(errors(result).join('\n')).toContain('did not finish within the timeout of 5s')
    expect(result.summary).toContain('Bad Gateway')
  })

  it('a per-request timeout abandons a hung poll and retries it', async () => {
    const e = await emulator({
      faults: [{ method: 'GET', path: STATUS, after: 1, action: { kind: 'delay', ms: 10_000 } }]
    })
    const result = await run(inputsFor(e, { 'request-timeout': '1s' }))
    expectOneCompleteJob(e, result)
    expect(result.durationMs).toBeLessThan(8000)
  })
})

describe('never a job twice', () => {
  it('a 500 on the trigger that created nothing: the history shows none, so it is sent again', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'status', status: 500 } }]
    })
    const result = await run(inputsFor(e))
    expectOneCompleteJob(e, result)
    expect(triggers(e)).toHaveLength(2)
    // Nothing is believed at the first look: the history is asked three times (now, +2 s, +5 s) before the resend.
    expect(startLookups(e)).toHaveLength(3)
    const [lookup] = startLookups(e)
    expect(lookup!.query).toMatchObject({ sort: '-createdAt', ranfor: 'recipe' })
    expect(Number(lookup!.query['dateFilter[createdAt][gte]'])).toBeLessThanOrEqual(triggers(e)[0]!.at)
  })

  it('a trigger whose answer was lost after it created the job group: adopted from history, not resent', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } }]
    })
    const result = await run(inputsFor(e))
    expectOneCompleteJob(e, result)
    expect(triggers(e)).toHaveLength(1)
    expect(warnings(result).join('\n')).toContain('job group 4100 of recipe 7')
    expect(result.summary).toContain('found in the job history')
  })

  it('falls back to GET /v4/jobGroups where /v4/jobLibrary does not exist', async () => {
    const e = await emulator({
      listing: 'jobGroups',
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } }]
    })
    const result = await run(inputsFor(e))
    expectOneCompleteJob(e, result)
    // The page that shows it, then the empty page that proves there is no other.
    expect(e.requestsTo('GET', '/v4/jobGroups').map((r) => r.query.offset)).toEqual(['0', '1'])
  })

  it('a 304 to a repeated x-execution-id: the job group exists, and is found and adopted', async () => {
    const e = await emulator({
      faults: [
        { method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } },
        // The history lags longer than its three looks: the resend is answered 304, and the fourth look finds it.
        {
          method: 'GET',
          path: '/v4/jobLibrary',
          times: 3,
          action: { kind: 'status', status: 200, body: { data: [], count: 0 } }
        }
      ]
    })
    const result = await run(inputsFor(e))
    expectOneCompleteJob(e, result)
    expect(triggers(e).map((r) => r.status)).toEqual([undefined, 304])
    // Three empty looks, then the page that shows it and the empty one after it.
    expect(startLookups(e)).toHaveLength(5)
  })

  it('a trigger that times out while the server still creates the job: one job group', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'delay', ms: 2500 } }]
    })
    const result = await run(inputsFor(e, { 'request-timeout': '1s' }))
    expect(result.code).toBe(0)
    expect(e.jobGroups()).toHaveLength(1)
    expect(new Set(triggers(e).map((r) => r.headers['x-execution-id'])).size).toBe(1)
  })

  it('when the outcome cannot be settled, fails saying the job may have started, and does not send again', async () => {
    const e = await emulator({
      listing: 'none',
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } }]
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(triggers(e)).toHaveLength(1)
    expect(e.jobGroups()).toHaveLength(1)
    const [error] = errors(result)
    expect(error).toContain('The job may have started')
    expect(error).toContain('the trigger is not sent again')
    expect(error).toContain(`${e.url}/jobs`)
  })

  it('connection refused: nothing was sent, so it is sent again', async () => {
    const e = await emulator()
    const closed = await emulator()
    const url = closed.url
    await closed.close()
    const result = await run(inputsFor(e, { 'api-url': url, timeout: '4s' }))
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /POST \/v4\/jobGroups failed \(connection refused.*\); the server did not act on it, sending again in/
    )
    expect(errors(result).join('\n')).toContain('connection refused')
  })
})

describe('errors that are not retried', () => {
  it.each([400, 403, 404, 410, 415])('%d on the trigger: one request, a clear error', async (status) => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'status', status } }]
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(1)
    expect(errors(result).join('\n')).toContain(`answered HTTP ${status}`)
  })

  it('403 says the token user lacks permission', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'status', status: 403 } }]
    })
    const result = await run(inputsFor(e))
    expect(errors(result).join('\n')).toContain("The token's user lacks permission to run recipe 7")
  })
})

describe('secrets', () => {
  it('a 401 whose body echoes the token: the token appears nowhere in what the action prints or writes', async () => {
    const e = await emulator({ echoTokenOnAuthError: true, token: WRONG_API_TOKEN })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(e.requests[0]!.body).toBe(JSON.stringify({ wrangledDataset: { id: 7 } }))
    expect(errors(result).join('\n')).toContain('Bearer ***')
    expect(result.stdout).toContain(`::add-mask::${API_TOKEN}`)
    // Masked before anything else is printed, but for the constant line that the cancel handlers are in place.
    const printed = result.stdout.replace(/^::debug::Workflow-cancel handlers installed\.\n/, '')
    expect(printed.indexOf('::add-mask::')).toBe(0)
  })

  it('a redirect to another host: the token is not sent there, and the step says why', async () => {
    const e = await emulator()
    const other = await emulator()
    const elsewhere = other.url.replace('127.0.0.1', 'localhost')
    e.addFault({
      method: 'POST',
      path: '/v4/jobGroups',
      action: { kind: 'status', status: 307, headers: { location: `${elsewhere}/v4/jobGroups` } }
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(other.requests).toHaveLength(0)
    expect(errors(result).join('\n')).toContain("the token is only sent to api-url's origin")
  })
})
