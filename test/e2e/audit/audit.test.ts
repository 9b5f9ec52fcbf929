// Audit of the built action: each test is one promise that an attack on dist/ broke (hostile gateways, lagging
// histories, signals at bad moments, a failing GitHub secrets API), kept so that it stays kept. Each states what a
// user would see and what the README promises.
import { createServer, request as httpRequest, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startAacEmulator, type Fault } from '../../emulator/index.ts'
import { refreshInputs } from '../../support/aac-inputs.ts'
import { emulator, errors, inputsFor, run, start } from '../../support/e2e.ts'
import { FakeGitHub } from '../../support/fake-github.ts'
import { SECRETS_TOKENS } from '../../support/fake-tokens.ts'
import { runAction, startAction } from '../../support/run-action.ts'

const TRIGGER = { method: 'POST', path: '/v4/jobGroups' } as const
const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }
const WRITER = SECRETS_TOKENS.writer
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()))
})

interface Gateway {
  /** Drop x-execution-id, as a server that does not know the header (Trifacta, Dataprep) ignores it. */
  dropExecutionId?: boolean
  /** Answer here instead of forwarding. */
  answer?: (method: string, path: string) => { status: number; body: string } | undefined
  /** Change the forwarded answer's headers. */
  headers?: (path: string, headers: Record<string, unknown>) => void
}

/** A gateway on 127.0.0.1 in front of `target`. */
async function gateway(target: string, options: Gateway): Promise<string> {
  const t = new URL(target)
  const server: Server = createServer((req, res) => {
    const own = options.answer?.(req.method ?? '', req.url ?? '')
    if (own) {
      req.resume()
      res.writeHead(own.status, { 'content-type': 'application/json' })
      return void res.end(own.body)
    }
    const headers = { ...req.headers }
    if (options.dropExecutionId) delete headers['x-execution-id']
    const up = httpRequest({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers }, (ans) => {
      const h = { ...ans.headers } as Record<string, unknown>
      options.headers?.(req.url ?? '', h)
      res.writeHead(ans.statusCode ?? 502, h as never)
      ans.pipe(res)
    })
    up.on('error', () => res.destroy())
    req.pipe(up)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  closers.push(
    () =>
      new Promise((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  )
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const isHistory = (path: string): boolean => /^\/v4\/(jobLibrary|jobGroups)\?/.test(path)
/** A read replica: a job group younger than 4 s is missing from the lists. */
const LAGGING_LISTS: Fault = {
  method: 'GET',
  path: /^\/v4\/(jobLibrary|jobGroups)(\?|$)/,
  times: Infinity,
  action: { kind: 'not-found-while-new', ms: 4000 }
}
const ACTED_502: Fault = { ...TRIGGER, action: { kind: 'status', status: 502, act: true } }
const ownGroups = (e: { jobGroups(): { origin: string }[] }) => e.jobGroups().filter((g) => g.origin === 'api')

describe('1. never started twice', () => {
  it('a 502 that acted, a history that lags 4 s, a server that ignores x-execution-id: one job group', async () => {
    const e = await emulator({ scenario: LONG_JOB, faults: [ACTED_502, LAGGING_LISTS] })
    const url = await gateway(e.url, { dropExecutionId: true })
    const result = await run(inputsFor(e, { 'api-url': url, timeout: '5s' }))
    expect(e.requestsTo('POST', '/v4/jobGroups').length, 'triggers sent').toBe(1)
    expect(ownGroups(e), 'job groups this step created').toHaveLength(1)
    expect(result.code).toBe(1)
  }, 60_000)

  it("a gateway's Date header a day ahead on the history after a 502 that acted: one job group", async () => {
    const e = await emulator({ scenario: LONG_JOB, faults: [ACTED_502] })
    const ahead = new Date(Date.now() + 86_400_000).toUTCString()
    const url = await gateway(e.url, {
      dropExecutionId: true,
      headers: (path, h) => void (isHistory(path) && (h.date = ahead))
    })
    await run(inputsFor(e, { 'api-url': url, timeout: '5s' }))
    expect(e.requestsTo('POST', '/v4/jobGroups').length, 'triggers sent').toBe(1)
    expect(ownGroups(e), 'job groups this step created').toHaveLength(1)
  }, 60_000)
})

describe('2. signals at bad moments', () => {
  it('SIGINT during the final reads of a completed job: the step ends before the kill', async () => {
    const slowRecord: Fault = {
      method: 'GET',
      path: /^\/v4\/jobGroups\/\d+$/,
      times: Infinity,
      action: { kind: 'delay', ms: 25_000 }
    }
    const e = await emulator({ scenario: { durationMs: 300 }, faults: [slowRecord] })
    const action = start(inputsFor(e))
    await action.waitForOutput(/Job 4100: Complete after/, 20_000)
    await sleep(300)
    const signalledAt = Date.now()
    action.child.kill('SIGINT')
    const result = await action.result
    // The runner SIGTERMs 7.5 s after SIGINT and then kills: a later exit loses the summary and the status output.
    expect(Date.now() - signalledAt, 'ms from SIGINT to exit').toBeLessThan(7_000)
    expect(result.outputs.status).toBe('Complete')
  }, 60_000)

  it('SIGINT during the first token refresh: nothing was sent, so no "may have started"', async () => {
    const a = await startAacEmulator({ emulator: { scenario: LONG_JOB }, tokenServer: { delayMs: 6000 } })
    closers.push(() => a.close())
    const gh = await FakeGitHub.start({ secrets: { tokens: { [WRITER]: 'secrets' } } })
    closers.push(() => gh.close())
    const action = startAction(refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), {
      env: { GITHUB_API_URL: gh.url }
    })
    await sleep(1500)
    action.child.kill('SIGINT')
    const result = await action.result
    expect(a.emulator.requestsTo('POST', '/v4/jobGroups'), 'triggers sent').toHaveLength(0)
    expect(gh.requestsTo('PUT', /AAC_REFRESH_TOKEN$/), 'the rotated refresh token written back').toHaveLength(1)
    // Nothing reached the API: "may have started … look in the job history" sends the user hunting for nothing.
    expect(`${result.stdout}\n${result.summary}`).not.toMatch(/may have started/)
  }, 60_000)
})

describe('3. bounded in time, and errors that blame the right input', () => {
  it('secret PUTs that keep failing: the step ends near its timeout, blaming no wrong input', async () => {
    const a = await startAacEmulator({
      emulator: { scenario: LONG_JOB },
      tokenServer: { accessTokenLifetimeSeconds: 2 }
    })
    closers.push(() => a.close())
    const gh = await FakeGitHub.start({ secrets: { tokens: { [WRITER]: 'secrets' } } })
    closers.push(() => gh.close())
    const url = await gateway(gh.url, {
      answer: (m) => (m === 'PUT' ? { status: 500, body: '{"message":"boom"}' } : undefined)
    })
    const inputs = { ...refreshInputs(a, a.tokenServer.issueRefreshToken().refreshToken), timeout: '8s' }
    const result = await runAction(inputs, { env: { GITHUB_API_URL: url }, timeoutMs: 90_000 })
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('Refresh token not saved')
    // README: timeout "applies to the trigger's retries too"; the write-back retries ran 30 s per rotation.
    expect(result.durationMs, 'step duration with timeout 8s').toBeLessThan(20_000)
    expect(errors(result).join('\n')).not.toMatch(/A static api-token: create a new access token/)
  }, 120_000)

  it('a flow start that names 3000 job groups: the timeout holds and the log line is cut to size', async () => {
    const data = Array.from({ length: 3000 }, (_, i) => ({ id: 5000 + i }))
    const e = await emulator({
      flows: { 5: { outputs: [{ recipeId: 71, name: 'o' }] } },
      faults: [
        { method: 'POST', path: '/v4/flows/5/run', action: { kind: 'status', status: 201, body: { data }, act: true } }
      ]
    })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'flow-id': '5', timeout: '5s' }), { timeoutMs: 90_000 })
    expect(result.durationMs, 'step duration with timeout 5s').toBeLessThan(15_000)
    const longest = Math.max(...result.stdout.split('\n').map((l) => l.length))
    expect(longest, 'longest log line').toBeLessThan(4_000)
    expect(e.requests.length, 'requests sent within a 5 s timeout').toBeLessThan(3_000)
  }, 120_000)
})
