// Promise: the post step cannot start anything, and cancels only what its main step started and left unsettled.
// Run through its own entry (runs.post) with crafted state: missing, malformed or unexpected state means it does
// nothing, sends no request and writes one debug line. Only well-formed state of an unsettled run it started and
// waited for makes it cancel, and that run only.
import { describe, expect, it } from 'vitest'
import type { Emulator } from '../../emulator/index.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'
import type { ActionResult } from '../../support/run-action.ts'
import { expectPromisesKept } from './promises.ts'

const LONG_JOB = { durationMs: 120_000, statuses: ['InProgress'] }

/** What a main step killed while waiting for job group 4100 leaves behind. */
const UNSETTLED: Record<string, string> = {
  kind: 'recipe',
  runId: '4100',
  jobId: '4100',
  jobIds: '4100',
  triggered: 'true',
  waiting: 'true',
  requestId: 'req-1'
}

/** An emulator with job group 4100 running (as the main step left it). */
async function runningJob(): Promise<Emulator> {
  const e = await emulator({ scenario: LONG_JOB })
  expect(e.createJobGroup(7)).toBe(4100)
  return e
}

function expectDidNothing(e: Emulator, result: ActionResult, why: RegExp): void {
  expect(result.code).toBe(0)
  expect(e.requests).toHaveLength(0)
  const debug = result.stdout.split('\n').filter((l) => l.startsWith('::debug::'))
  expect(debug).toHaveLength(1)
  expect(debug[0]).toMatch(why)
  expect(result.stdout).not.toMatch(/^::(warning|error)/m)
  expect(result.summary).toBe('')
  expect(e.jobGroups()[0]!.status).toBe('InProgress')
  expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
}

describe('the post step with well-formed state of an unsettled run', () => {
  it('cancels that run, and only it (the control case of this file)', async () => {
    const e = await runningJob()
    const other = e.createJobGroup(7)
    const result = await run(inputsFor(e), { post: true, state: UNSETTLED })

    expect(result.code).toBe(0)
    expect(e.requestsTo('POST', /\/cancel$/).map((r) => r.path)).toEqual(['/v4/jobGroups/4100/cancel'])
    expect(e.jobGroups().find((g) => g.id === other)!.status).toBe('InProgress')
    expect(result.stdout).toContain('Job 4100 was cancelled by the post step')
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
  })
})

describe('the post step does nothing, sends nothing, and writes one debug line', () => {
  it('without any state, even with inputs that would start a recipe', async () => {
    const e = await runningJob()
    const result = await run(inputsFor(e), { post: true, state: {} })
    expectDidNothing(e, result, /^::debug::Post step: nothing to clean up \(no run was saved\)\.$/)
  })

  it.each<[string, Record<string, string>]>([
    ["runId '1e3'", { runId: '1e3' }],
    ["runId '-1'", { runId: '-1' }],
    ["runId '0'", { runId: '0' }],
    ["runId '9007199254740993'", { runId: '9007199254740993' }],
    ["runId '4100.0'", { runId: '4100.0' }],
    ["runId '0x1004'", { runId: '0x1004' }],
    ["runId ' 4100'", { runId: ' 4100' }],
    ["jobIds '4100,abc'", { jobIds: '4100,abc' }],
    ["jobIds '4100,,4101'", { jobIds: '4100,,4101' }],
    ["jobIds '4100,-5'", { jobIds: '4100,-5' }]
  ])('malformed ids: %s', async (_name, change) => {
    const e = await runningJob()
    const result = await run(inputsFor(e), { post: true, state: { ...UNSETTLED, ...change } })
    expectDidNothing(e, result, /^::debug::Post step: nothing to clean up \(the saved ids are malformed\)\.$/)
  })

  it.each<[string, Record<string, string>, RegExp]>([
    ["kind 'flow?'", { kind: 'flow?' }, /the saved kind 'flow\?' is unknown/],
    ['no kind', { kind: '' }, /the saved kind '' is unknown/],
    ['a kind with a command', { kind: 'x\n::error::forged' }, /the saved kind 'x%0A: :error::forged' is unknown/],
    ["triggered 'yes'", { triggered: 'yes' }, /the saved flags are malformed/],
    ["waiting 'TRUE'", { waiting: 'TRUE' }, /the saved flags are malformed/],
    ['no waiting flag', { waiting: '' }, /the saved flags are malformed/],
    ['settled', { settled: 'true' }, /nothing to clean up for job 4100/],
    ['attached, not triggered', { triggered: 'false' }, /nothing to clean up for job 4100/],
    ['not waited for', { waiting: 'false' }, /nothing to clean up for job 4100/]
  ])('odd state: %s', async (_name, change, why) => {
    const e = await runningJob()
    const result = await run(inputsFor(e), { post: true, state: { ...UNSETTLED, ...change } })
    expectDidNothing(e, result, why)
  })

  it('cancel-on-workflow-cancel false', async () => {
    const e = await runningJob()
    const result = await run(inputsFor(e, { 'cancel-on-workflow-cancel': 'false' }), { post: true, state: UNSETTLED })
    expectDidNothing(e, result, /nothing to clean up for job 4100/)
  })

  it('inputs that are invalid', async () => {
    const e = await runningJob()
    const result = await run(inputsFor(e, { timeout: 'forever' }), { post: true, state: UNSETTLED })
    expectDidNothing(e, result, /the inputs are invalid; nothing to clean up/)
  })
})

describe('hostile text in the saved state', () => {
  it('a request id with HTML and a command: escaped in the summary, no command forged', async () => {
    const e = await runningJob()
    const requestId = '<img src=x onerror=alert(1)>\n::error::forged\n##[error]legacy'
    const result = await run(inputsFor(e), { post: true, state: { ...UNSETTLED, requestId } })

    expect(result.code).toBe(0)
    expect(e.jobGroups()[0]!.status).toBe('Canceled')
    expect(result.summary).toContain('&#60;img src=x onerror=alert&#40;1&#41;&#62;')
    expectPromisesKept(e, result, { ownJobGroups: 0, triggers: 0 })
  })
})
