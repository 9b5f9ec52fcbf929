// The orchestration in process, on a fake clock and a fake transport: hours of waiting run in milliseconds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { run } from '../../src/main.ts'
import type { HttpRequest, HttpResponse, Transport } from '../../src/http/transport.ts'
import { FakeClock } from '../support/fake-clock.ts'
import { API_TOKEN } from '../support/fake-tokens.ts'
import { actionDefaults } from '../support/run-action.ts'

const INPUTS: Record<string, string> = {
  ...actionDefaults(),
  'api-url': 'https://api.clouddataprep.com',
  'api-token': API_TOKEN,
  'recipe-id': '7'
}

// One folder for the file: @actions/core caches the step summary path on first use.
const dir = mkdtempSync(join(tmpdir(), 'main-test-'))
let stdout: string[]
afterAll(() => rmSync(dir, { recursive: true, force: true }))
beforeEach(() => {
  for (const f of ['output', 'state', 'summary']) writeFileSync(join(dir, f), '')
  vi.stubEnv('GITHUB_OUTPUT', join(dir, 'output'))
  vi.stubEnv('GITHUB_STATE', join(dir, 'state'))
  vi.stubEnv('GITHUB_STEP_SUMMARY', join(dir, 'summary'))
  for (const [name, value] of Object.entries(INPUTS)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value)
  stdout = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk))
    return true
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  process.exitCode = undefined
})

/** A job that runs `runMs` on `clock`, InProgress all along. */
function fakeApi(clock: FakeClock, runMs: number): { transport: Transport; statusReads: () => number } {
  const created = clock.now()
  let reads = 0
  const json = (status: number, body: unknown): HttpResponse => ({
    status,
    headers: { 'x-trifacta-request-id': 'rid' },
    body: JSON.stringify(body)
  })
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    const path = new URL(request.url).pathname
    const done = clock.now() - created >= runMs
    const status = done ? 'Complete' : 'InProgress'
    if (request.method === 'POST' && path === '/v4/jobGroups') return json(201, { id: 4100, reason: 'JobStarted' })
    if (path === '/v4/jobGroups/4100/status') {
      reads++
      return json(200, status)
    }
    if (path === '/v4/jobGroups/4100') {
      return json(200, {
        id: 4100,
        status,
        createdAt: new Date(created).toISOString(),
        updatedAt: new Date(done ? created + runMs : clock.now()).toISOString()
      })
    }
    if (path === '/v4/jobGroups/4100/jobs') return json(200, { data: [{ id: 1, jobType: 'wrangle', status }] })
    if (path === '/v4/jobGroups/4100/outputs') return json(200, { files: [], tables: [] })
    return json(404, { exception: { name: 'NotFound', message: 'no route' } })
  }
  return { transport, statusReads: () => reads }
}

describe('run, on a fake clock', () => {
  it('logs a heartbeat at least every 5 minutes while nothing changes, and finishes a 20 minute job', async () => {
    const clock = new FakeClock()
    const api = fakeApi(clock, 20 * 60_000)
    await run(api.transport, clock)

    const lines = stdout
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('Job 4100: InProgress after'))
    const minutes = lines.map((l) => {
      const m = l.match(/after (?:(\d+)m)?(\d+)s/)
      return m ? Number(m[1] ?? 0) + Number(m[2]) / 60 : 0 // 'after 3ms'
    })
    expect(minutes.length).toBeGreaterThanOrEqual(4)
    for (let i = 1; i < minutes.length; i++) {
      expect(minutes[i]! - minutes[i - 1]!).toBeGreaterThanOrEqual(5)
      expect(minutes[i]! - minutes[i - 1]!).toBeLessThanOrEqual(6)
    }
    expect(stdout.join('')).toMatch(/Job 4100: Complete after 20m\d\ds/)
    expect(process.exitCode).toBeUndefined()
    expect(readFileSync(join(dir, 'output'), 'utf8')).toContain('Complete')
    expect(api.statusReads()).toBeLessThan(60)
  })

  it('times out after 6 hours by default, cancelling the job it started', async () => {
    const clock = new FakeClock()
    const api = fakeApi(clock, 24 * 3600_000)
    const cancels: string[] = []
    const transport: Transport = async (request) => {
      if (request.url.endsWith('/cancel')) cancels.push(request.url)
      return api.transport(request)
    }
    const start = clock.now()
    await run(transport, clock)
    expect(clock.now() - start).toBeGreaterThanOrEqual(6 * 3600_000)
    expect(clock.now() - start).toBeLessThan(6 * 3600_000 + 60_000)
    expect(cancels).toEqual(['https://api.clouddataprep.com/v4/jobGroups/4100/cancel'])
    expect(process.exitCode).toBe(1)
    expect(stdout.join('')).toContain('did not finish within the timeout of 6h00m00s')
  })
})
