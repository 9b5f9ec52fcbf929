// Never lose control of a run: workflow cancellation (SIGINT / SIGTERM), the post step as backstop, timeouts,
// attaching to a running job group, and legacy editions without /status and /cancel.
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../emulator/index.ts'
import { emulator, errors, inputsFor, run, start, warnings } from '../support/e2e.ts'

const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }
const cancels = (e: Emulator) => e.requestsTo('POST', '/v4/jobGroups/4100/cancel')

/** Start a long job and wait until the action is polling it. */
async function startWaiting(e: Emulator, extra: Record<string, string> = {}) {
  const action = start(inputsFor(e, extra))
  await action.waitForOutput(/Job 4100: InProgress/, 15_000)
  return action
}

describe('workflow cancellation', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)(
    '%s mid-wait: cancels within 5 s, exits within 7.5 s, and says so',
    async (signal) => {
      const e = await emulator({ scenario: LONG_JOB })
      const action = await startWaiting(e)
      const signalledAt = Date.now()
      action.child.kill(signal)
      const result = await action.result
      const exitedAt = Date.now()

      expect(cancels(e)).toHaveLength(1)
      expect(cancels(e)[0]!.at - signalledAt).toBeLessThan(5000)
      expect(exitedAt - signalledAt).toBeLessThan(7500)
      expect(result.code).toBe(1)
      expect(result.outputs['job-id']).toBe('4100')
      expect(result.outputs.status).toBe('Canceled')
      expect(e.jobGroups()[0]!.status).toBe('Canceled')
      expect(errors(result).join('\n')).toContain(
        `::error title=Workflow cancelled::The workflow was cancelled (${signal}) while waiting for job 4100. ` +
          `Job 4100 was cancelled (cancel-on-workflow-cancel). ${e.url}/jobs/4100`
      )
      expect(result.summary).toContain('🛑 stopped: the workflow was cancelled')
      expect(result.summary).toContain('<b>Canceled</b>')
      expect(result.state.settled).toBe('true')
    }
  )

  it('a second SIGINT sends no second cancel', async () => {
    const e = await emulator({
      scenario: LONG_JOB,
      faults: [{ method: 'POST', path: '/v4/jobGroups/4100/cancel', action: { kind: 'delay', ms: 1000 } }]
    })
    const action = await startWaiting(e)
    action.child.kill('SIGINT')
    await action.waitForOutput(/SIGINT received: the workflow is being cancelled/)
    action.child.kill('SIGINT')
    const result = await action.result
    expect(result.stdout).toContain('SIGINT received again; already stopping.')
    expect(cancels(e)).toHaveLength(1)
    expect(result.code).toBe(1)
  })

  it('SIGINT while a status request hangs: the request is abandoned, the cancel still goes out at once', async () => {
    const e = await emulator({
      scenario: LONG_JOB,
      faults: [
        { method: 'GET', path: '/v4/jobGroups/4100/status', after: 2, times: 1, action: { kind: 'delay', ms: 20_000 } }
      ]
    })
    const action = start(inputsFor(e))
    await action.waitForOutput(/Job 4100: InProgress/, 15_000)
    while (e.requestsTo('GET', '/v4/jobGroups/4100/status').length < 3) await new Promise((r) => setTimeout(r, 50))
    const signalledAt = Date.now()
    action.child.kill('SIGINT')
    const result = await action.result
    expect(cancels(e)[0]!.at - signalledAt).toBeLessThan(2000)
    expect(Date.now() - signalledAt).toBeLessThan(7500)
    expect(result.outputs.status).toBe('Canceled')
  })

  it('SIGINT, cancel request hangs: the step exits before the runner kills it, saying the job may run on', async () => {
    const e = await emulator({
      scenario: LONG_JOB,
      faults: [{ method: 'POST', path: '/v4/jobGroups/4100/cancel', action: { kind: 'delay', ms: 30_000 } }]
    })
    const action = await startWaiting(e)
    const signalledAt = Date.now()
    action.child.kill('SIGINT')
    const result = await action.result
    expect(Date.now() - signalledAt).toBeLessThan(7500)
    expect(result.code).toBe(1)
    expect(warnings(result).join('\n')).toContain('Cancelling job 4100 failed')
    expect(errors(result).join('\n')).toContain('The job may keep running')
  })

  it('with cancel-on-workflow-cancel false, stops waiting and leaves the job running', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const action = await startWaiting(e, { 'cancel-on-workflow-cancel': 'false' })
    action.child.kill('SIGINT')
    const result = await action.result
    expect(cancels(e)).toHaveLength(0)
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('Job 4100 keeps running (cancel-on-workflow-cancel is false)')
  })

  it('an attached job is never cancelled: the step stops waiting and says the job keeps running', async () => {
    const e = await emulator()
    const id = e.createJobGroup(7, LONG_JOB)
    const action = start(inputsFor(e, { 'recipe-id': '', 'job-id': String(id) }))
    await action.waitForOutput(new RegExp(`Job ${id}: InProgress`), 15_000)
    action.child.kill('SIGINT')
    const result = await action.result
    expect(e.requestsTo('POST', /cancel$/)).toHaveLength(0)
    expect(errors(result).join('\n')).toContain(`Job ${id} keeps running: it was started elsewhere (job-id)`)
  })
})

describe('the post step', () => {
  it('cancels the job group when the main step was killed (SIGKILL) mid-wait', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const main = await startWaiting(e)
    main.child.kill('SIGKILL')
    const killed = await main.result
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.state).toMatchObject({ kind: 'recipe', jobId: '4100', triggered: 'true', waiting: 'true' })
    expect(killed.state.settled).toBeUndefined()
    expect(cancels(e)).toHaveLength(0)

    const post = await run(inputsFor(e), { post: true, state: killed.state })
    expect(post.code).toBe(0)
    expect(cancels(e)).toHaveLength(1)
    expect(e.jobGroups()[0]!.status).toBe('Canceled')
    expect(warnings(post).join('\n')).toContain('The main step stopped before job 4100 finished')
    expect(post.stdout).toContain('Job 4100 was cancelled by the post step')
    expect(post.summary).toContain('cancelled by the post step')
  })

  it('does nothing when cancel-on-workflow-cancel is false', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const main = await startWaiting(e, { 'cancel-on-workflow-cancel': 'false' })
    main.child.kill('SIGKILL')
    const killed = await main.result
    const post = await run(inputsFor(e, { 'cancel-on-workflow-cancel': 'false' }), { post: true, state: killed.state })
    expect(post.code).toBe(0)
    expect(cancels(e)).toHaveLength(0)
  })

  it.each([
    ['a finished job', {}, { durationMs: 800 }],
    ['wait: false', { wait: 'false' }, LONG_JOB],
    ['a job that was cancelled by the main step', {}, LONG_JOB]
  ])('does nothing after %s, and says nothing alarming', async (what, extra, scenario) => {
    const e = await emulator({ scenario })
    let state: Record<string, string>
    if (what.startsWith('a job that was cancelled')) {
      const main = await startWaiting(e, extra)
      main.child.kill('SIGINT')
      state = (await main.result).state
    } else {
      const main = await run(inputsFor(e, extra))
      expect(main.code).toBe(0)
      state = main.state
    }
    const cancelsBefore = cancels(e).length
    const post = await run(inputsFor(e, extra), { post: true, state })
    expect(post.code).toBe(0)
    expect(cancels(e)).toHaveLength(cancelsBefore)
    expect(warnings(post)).toEqual([])
    expect(errors(post)).toEqual([])
  })

  it('does nothing for an attached job, even when the main step was killed', async () => {
    const e = await emulator()
    const id = e.createJobGroup(7, LONG_JOB)
    const inputs = inputsFor(e, { 'recipe-id': '', 'job-id': String(id) })
    const main = start(inputs)
    await main.waitForOutput(new RegExp(`Job ${id}: InProgress`), 15_000)
    main.child.kill('SIGKILL')
    const killed = await main.result
    expect(killed.state.triggered).toBe('false')
    const post = await run(inputs, { post: true, state: killed.state })
    expect(post.code).toBe(0)
    expect(e.requestsTo('POST', /cancel$/)).toHaveLength(0)
  })
})

describe('timeout', () => {
  it('cancels the job group with cancel-on-timeout (the default) and says so', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const result = await run(inputsFor(e, { timeout: '3s' }))
    expect(result.code).toBe(1)
    expect(cancels(e)).toHaveLength(1)
    expect(result.outputs.status).toBe('Canceled')
    expect(errors(result).join('\n')).toContain(
      'Job 4100 did not finish within the timeout of 3s (last status InProgress). ' +
        'Job 4100 was cancelled (cancel-on-timeout).'
    )
    expect(errors(result)[0]).toMatch(/^::error title=Job 4100 timed out::.*\/jobs\/4100$/)
  })

  it('leaves the job running without cancel-on-timeout, naming it', async () => {
    const e = await emulator({ scenario: LONG_JOB })
    const result = await run(inputsFor(e, { timeout: '3s', 'cancel-on-timeout': 'false' }))
    expect(result.code).toBe(1)
    expect(cancels(e)).toHaveLength(0)
    expect(result.outputs.status).toBe('InProgress')
    expect(errors(result).join('\n')).toContain(
      `Job 4100 keeps running (cancel-on-timeout is false): ${e.url}/jobs/4100`
    )
  })
})

describe('attach with job-id', () => {
  it('waits on a running job group without sending a trigger; request-id is empty', async () => {
    const e = await emulator()
    const id = e.createJobGroup(42, { durationMs: 2000, statuses: ['InProgress'] })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'job-id': String(id) }))
    expect(result.code).toBe(0)
    expect(e.requestsTo('POST', '/v4/jobGroups')).toHaveLength(0)
    expect(result.outputs).toMatchObject({ 'job-id': String(id), status: 'Complete', 'request-id': '' })
    expect(result.summary).toContain('attached with job-id')
  })

  it('fails clearly for an unknown job group', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'recipe-id': '', 'job-id': '999999' }))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('Job group 999999 was not found: check job-id')
  })
})

describe('legacy editions without /status and /cancel', () => {
  it('completes by reading GET /v4/jobGroups/{id}, saying so once', async () => {
    const e = await emulator({ legacy: true, scenario: { durationMs: 2500, statuses: ['Created', 'InProgress'] } })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(e.requestsTo('GET', '/v4/jobGroups/4100/status')).toHaveLength(1)
    expect(e.requestsTo('GET', '/v4/jobGroups/4100').length).toBeGreaterThan(2)
    expect(result.stdout.match(/is not available on this edition/g)).toHaveLength(1)
  })

  it('a cancel on a legacy edition warns that the job keeps running and is not retried', async () => {
    const e = await emulator({ legacy: true, scenario: LONG_JOB })
    const result = await run(inputsFor(e, { timeout: '3s' }))
    expect(result.code).toBe(1)
    expect(cancels(e)).toHaveLength(1)
    expect(warnings(result).join('\n')).toContain('This edition cannot cancel jobs through the API')
    expect(errors(result).join('\n')).toContain('job 4100 keeps running')
  })
})

describe('wait: false', () => {
  it('never leads to a cancel request, whatever happens later (signal, post step)', async () => {
    const e = await emulator({
      scenario: LONG_JOB,
      faults: [{ method: 'GET', path: '/v4/jobGroups/4100/status', action: { kind: 'delay', ms: 3000 } }]
    })
    const action = start(inputsFor(e, { wait: 'false' }))
    await action.waitForOutput(/Started job 4100/)
    action.child.kill('SIGINT')
    const main = await action.result
    const post = await run(inputsFor(e, { wait: 'false' }), { post: true, state: main.state })
    expect(post.code).toBe(0)
    expect(e.requestsTo('POST', /cancel$/)).toHaveLength(0)
  })
})
