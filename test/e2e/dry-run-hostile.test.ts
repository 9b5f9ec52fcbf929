// A dry run against servers that misbehave: an edition that starts a job despite testMode, a test-mode answer that
// names a job group, answers that are lost or unreadable, hostile names. A dry run must never leave a job it caused
// unsupervised or unreported: the job is cancelled (or handed to the post step) and the step fails, naming it.
import { describe, expect, it } from 'vitest'
import type { Emulator, FlowSpec } from '../emulator/index.ts'
import { emulator, errors, inputsFor, run, start } from '../support/e2e.ts'
import { shown } from '../support/shown.ts'
import { expectPromisesKept, timeLapse } from './hostile/promises.ts'

const dryRun = (e: Emulator, extra: Record<string, string> = {}): Record<string, string> =>
  inputsFor(e, { 'dry-run': 'true', ...extra })
const LONG = { durationMs: 600_000, statuses: ['InProgress'] }
const TEST_MODE_ANSWER = { datasetId: 7, datasetName: 'Sales', sessionId: 's-1' }

describe('an edition that starts a job despite testMode', () => {
  it('the job is cancelled at once and reported; the step fails and its outputs name the job', async () => {
    const e = await emulator({ testMode: 'ignored', scenario: LONG })
    const result = await run(dryRun(e))

    expect(result.code).toBe(1)
    const [job] = e.jobGroups()
    expect(job).toMatchObject({ id: 4100, canceled: true, status: 'Canceled' })
    expect(e.requestsTo('POST', '/v4/jobGroups/4100/cancel')).toHaveLength(1)
    expect(result.outputs).toMatchObject({ 'job-id': '4100', status: 'Canceled', 'job-ids': '[4100]' })
    const error = errors(result).join('\n')
    expect(error).toMatch(/^::error title=A dry run started a job::/)
    expect(error).toContain('The server started job 4100 for recipe 7 although the request asked for test mode')
    expect(error).toContain(`${e.url}/jobs/4100`)
    expect(shown(result.summary)).toContain('despite test mode')
    expect(shown(result.summary)).not.toContain('Nothing was started')
    // Dealt with: the post step leaves it alone.
    expect(result.state).toMatchObject({ jobId: '4100', triggered: 'true', settled: 'true' })
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a cancel that fails leaves the job to the post step, which cancels it', async () => {
    const e = await emulator({
      testMode: 'ignored',
      scenario: LONG,
      faults: [{ method: 'POST', path: /\/cancel$/, action: { kind: 'status', status: 403 } }]
    })
    const result = await run(dryRun(e))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('the post step tries again')
    expect(result.state.settled).toBeUndefined()

    expect(e.jobGroups()).toMatchObject([{ id: 4100, canceled: false }])

    const post = await run(dryRun(e), { post: true, state: result.state })
    expect(post.code).toBe(0)
    expect(e.requestsTo('POST', '/v4/jobGroups/4100/cancel')).toHaveLength(2)
    expect(e.jobGroups()).toMatchObject([{ id: 4100, canceled: true }])
  })

  it('a test-mode answer that also names a job group that exists: cancelled, as its own', async () => {
    const e = await emulator({
      testMode: 'ignored',
      scenario: LONG,
      faults: [
        {
          method: 'POST',
          path: '/v4/jobGroups',
          action: { kind: 'status', status: 200, body: { ...TEST_MODE_ANSWER, id: 4100 }, act: true }
        }
      ]
    })
    const result = await run(dryRun(e))
    expect(result.code).toBe(1)
    expect(e.jobGroups()).toMatchObject([{ id: 4100, canceled: true }])
    expect(result.outputs['job-id']).toBe('4100')
  })

  it('a test-mode answer naming a job group that does not exist: reported, nothing cancelled', async () => {
    const e = await emulator({
      faults: [
        {
          method: 'POST',
          path: '/v4/jobGroups',
          action: { kind: 'status', status: 200, body: { ...TEST_MODE_ANSWER, id: 4999 } }
        }
      ]
    })
    const result = await run(dryRun(e))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('named job group 4999, which does not exist')
    expect(e.requests.filter((r) => /\/cancel$/.test(r.path))).toEqual([])
  })

  it('a lost answer: the job history is read, and the job found there is cancelled', async () => {
    const e = await emulator({
      testMode: 'ignored',
      scenario: LONG,
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } }]
    })
    const result = await run(dryRun(e))
    expect(result.code).toBe(1)
    expect(e.requestsTo('POST', '/v4/jobGroups')).toHaveLength(1)
    expect(e.jobGroups()).toMatchObject([{ id: 4100, canceled: true }])
    expect(result.outputs['job-id']).toBe('4100')
  })

  it('a lost answer, no job created: none in the history, so the test-mode request is sent again', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } }]
    })
    const result = await run(dryRun(e), timeLapse(10)) // the history is read three times over 7 s
    expect(result.code).toBe(0)
    expect(e.requestsTo('POST', '/v4/jobGroups')).toHaveLength(2)
    expect(e.jobGroups()).toEqual([])
    expect(result.outputs.status).toBe('DryRun')
  })

  it('an unreadable 2xx: never taken as accepted', async () => {
    const e = await emulator({
      faults: [
        {
          method: 'POST',
          path: '/v4/jobGroups',
          times: Infinity,
          action: { kind: 'status', status: 200, body: { ok: true } }
        }
      ]
    })
    const result = await run(dryRun(e), timeLapse(10))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('neither a test-mode result nor a job group')
    expect(result.outputs.status).toBe('')
  })
})

describe('answers that hide a started job', () => {
  it.each([
    ['a 500 after acting', { kind: 'status', status: 500, act: true }],
    ['an HTML 201 after acting', { kind: 'status', status: 201, raw: '<html>ok</html>', act: true }]
  ] as const)('%s: the job history shows the job, and it is cancelled', async (_what, action) => {
    const e = await emulator({
      testMode: 'ignored',
      scenario: LONG,
      faults: [{ method: 'POST', path: '/v4/jobGroups', action }]
    })
    const result = await run(dryRun(e))
    expect(result.code).toBe(1)
    expect(e.requestsTo('POST', '/v4/jobGroups')).toHaveLength(1)
    expect(e.jobGroups()).toMatchObject([{ id: 4100, canceled: true }])
    expect(result.outputs['job-id']).toBe('4100')
    expectPromisesKept(e, result, { ownJobGroups: 1 })
  })

  it('a lost answer as another run starts the recipe: nothing guessed, no job cancelled', async () => {
    const e = await emulator({
      testMode: 'ignored',
      scenario: LONG,
      faults: [
        { method: 'POST', path: '/v4/jobGroups', action: { kind: 'foreign-job-group', when: 'before' } },
        { method: 'POST', path: '/v4/jobGroups', action: { kind: 'act-then-reset' } }
      ]
    })
    const result = await run(dryRun(e))
    expect(result.code).toBe(1)
    expect(e.requests.filter((r) => /\/cancel$/.test(r.path))).toEqual([])
    expect(errors(result).join('\n')).toContain('may have started')
    expect(result.outputs['job-id']).toBe('')
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  })

  it('a workflow cancel while the test-mode request hangs: the step ends promptly, saying so', async () => {
    const e = await emulator({
      faults: [{ method: 'POST', path: '/v4/jobGroups', action: { kind: 'delay', ms: 60_000 } }]
    })
    const action = start(dryRun(e))
    await action.waitForOutput(/Credentials: ok/)
    await new Promise((resolve) => setTimeout(resolve, 300))
    action.child.kill('SIGINT')
    const result = await action.result
    expect(result.durationMs).toBeLessThan(15_000)
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('')
    expect(shown(result.summary)).toContain('The workflow was cancelled while the dry run checked recipe 7.')
  })

  it('an api-url that serves a web page: the error says so instead of blaming the flow', async () => {
    const e = await emulator({
      faults: [
        { path: /^\/v4\//, times: Infinity, action: { kind: 'status', status: 404, raw: '<!doctype html><p>App</p>' } }
      ]
    })
    const result = await run(dryRun(e, { 'recipe-id': '', 'flow-id': '10' }))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain("api-url looks like the web app's address")
  })

  it('a job-id that does not exist fails with the hint of a run', async () => {
    const e = await emulator()
    const result = await run(dryRun(e, { 'recipe-id': '', 'job-id': '999' }))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('Job group 999 was not found: check job-id')
  })
})

describe('hostile names', () => {
  it("a recipe's or flow's name with markup and workflow commands stays text everywhere", async () => {
    const evil = '::error::forged\n<img src=x onerror=alert(1)> [x](https://evil.example)'
    const flows: Record<number, FlowSpec> = { 10: { name: evil, outputs: [{ recipeId: 7, name: evil }] } }
    const e = await emulator({ flows })
    const targets: Record<string, string>[] = [{}, { 'recipe-id': '', 'flow-id': '10', 'flow-recipes': '7' }]
    for (const target of targets) {
      const result = await run(dryRun(e, target))
      expect(result.code).toBe(0)
      expectPromisesKept(e, result, { ownJobGroups: 0 })
      expect(result.stdout).not.toMatch(/^::error::forged/m)
    }
  })
})
