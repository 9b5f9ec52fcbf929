// The `result` output parses as JSON, with every documented field, at every ending: complete, failed, canceled,
// timed out, workflow cancelled, invalid input; and report-dir holds the same result.json.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { emulator, inputsFor, run, start } from '../../support/e2e.ts'
import type { ActionResult } from '../../support/run-action.ts'
import { runnerTemp } from './report-folder.ts'

const TOP_FIELDS = [
  'dryRun',
  'error',
  'ending',
  'failed',
  'ids',
  'inputErrors',
  'jobGroups',
  'kind',
  'notes',
  'outputs',
  'publications',
  'quality',
  'reportDir',
  'requestId',
  'status',
  'timings',
  'urls',
  'version'
]

/** The result, checked to have every field and to be what report-dir's result.json holds. */
function resultOf(action: ActionResult): Record<string, unknown> {
  const parsed = JSON.parse(action.outputs.result!) as Record<string, unknown>
  expect(Object.keys(parsed).sort()).toEqual([...TOP_FIELDS].sort())
  const dir = action.outputs['report-dir']!
  expect(dir).not.toBe('')
  expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'))).toEqual(parsed)
  return parsed
}

describe('the result at every ending', () => {
  it('complete', async () => {
    const e = await emulator({ scenario: { durationMs: 1000 } })
    const result = resultOf(await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } }))
    expect(result).toMatchObject({ ending: 'complete', status: 'Complete', failed: false, error: null, kind: 'recipe' })
    expect(result.outputs).toMatchObject({ files: [expect.objectContaining({ uri: expect.any(String) })] })
  })

  it('failed, with fail-on-job-failure false: the step passes and says so', async () => {
    const e = await emulator({ scenario: { durationMs: 1000, finalStatus: 'Failed' } })
    const action = await run(inputsFor(e, { 'fail-on-job-failure': 'false' }), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(action.code).toBe(0)
    expect(resultOf(action)).toMatchObject({ ending: 'failed', status: 'Failed', failed: false, error: null })
  })

  it('canceled elsewhere', async () => {
    const e = await emulator({ scenario: { durationMs: 1000, finalStatus: 'Canceled' } })
    const result = resultOf(await run(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } }))
    expect(result).toMatchObject({
      ending: 'canceled',
      status: 'Canceled',
      failed: true,
      error: { title: 'Job 4100 Canceled' }
    })
  })

  it('timed out: cancelled by the step, the error says so', async () => {
    const e = await emulator({ scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const action = await run(inputsFor(e, { timeout: '2s' }), { env: { RUNNER_TEMP: runnerTemp() } })
    const result = resultOf(action)
    expect(result).toMatchObject({ ending: 'timeout', failed: true, error: { title: 'Job 4100 timed out' } })
    expect(result.ids).toMatchObject({ jobGroupId: 4100, jobGroupIds: [4100] })
  })

  it('workflow cancelled', async () => {
    const e = await emulator({ scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const action = start(inputsFor(e), { env: { RUNNER_TEMP: runnerTemp() } })
    await action.waitForOutput(/Job 4100: InProgress/)
    action.child.kill('SIGINT')
    const result = resultOf(await action.result)
    expect(result).toMatchObject({ ending: 'workflow-cancelled', failed: true, error: { title: 'Workflow cancelled' } })
  })

  it('invalid input: nothing was sent, the errors are listed', async () => {
    const e = await emulator()
    const action = await run(inputsFor(e, { 'recipe-id': 'seven', logs: 'sometimes' }), {
      env: { RUNNER_TEMP: runnerTemp() }
    })
    expect(action.code).toBe(1)
    expect(e.requests).toEqual([])
    const result = resultOf(action)
    expect(result).toMatchObject({ kind: null, ending: 'invalid-input', status: null, failed: true, jobGroups: [] })
    expect(result.inputErrors).toEqual([
      { input: 'recipe-id', message: expect.stringContaining("must be a positive integer (got 'seven')") },
      { input: 'logs', message: "Input 'logs': must be one of on-failure, always, never (got 'sometimes')." }
    ])
  })

  it('could not start (a 404 for the recipe)', async () => {
    const e = await emulator({ recipes: [7] })
    const result = resultOf(await run(inputsFor(e, { 'recipe-id': '99' }), { env: { RUNNER_TEMP: runnerTemp() } }))
    expect(result).toMatchObject({ ending: 'error', failed: true, ids: { jobGroupId: null, jobGroupIds: [] } })
    expect((result.error as { message: string }).message).toContain('404')
  })
})
