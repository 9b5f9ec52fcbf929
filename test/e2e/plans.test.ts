// Running a plan (plan-id): a plan snapshot run, waited on, cancelled and reported with its tasks and their job
// groups. Each case runs the built action against the emulator's plan runs and checks what a user would see.
import { describe, expect, it } from 'vitest'
import type { Emulator, EmulatorOptions, PlanSpec } from '../emulator/index.ts'
import type { ActionResult } from '../support/run-action.ts'
import { emulator, errors, inputsFor, run, start, warnings } from '../support/e2e.ts'

const LONG = { durationMs: 120_000, statuses: ['InProgress'] }
const PLANS: Record<number, PlanSpec> = {
  5: {
    name: 'Nightly',
    tasks: [
      { name: 'Load', flowId: 7 },
      { name: 'Report', outputs: [{ recipeId: 80, name: 'Report' }] }
    ]
  },
  6: {
    tasks: [
      { name: 'Load', flowId: 7 },
      { name: 'Wait', outputs: [{ recipeId: 81, name: 'Wait' }], scenario: LONG },
      { name: 'Never', outputs: [{ recipeId: 82, name: 'Never' }] }
    ]
  },
  8: { tasks: [{ name: 'Gone', flowId: 404 }] },
  9: {
    tasks: [{ name: 'Hung', outputs: [{ recipeId: 83, name: 'Hung' }], scenario: LONG }],
    failToCancelSomeJobs: true
  },
  10: {
    tasks: [
      {
        name: 'Stopped elsewhere',
        outputs: [{ recipeId: 84, name: 'x' }],
        scenario: { durationMs: 800, finalStatus: 'Canceled' }
      }
    ]
  }
}

function planEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const flows = {
    7: {
      outputs: [
        { recipeId: 71, name: 'Orders clean' },
        { recipeId: 72, name: 'Orders by region' }
      ]
    }
  }
  return emulator({ flows, plans: PLANS, scenario: { durationMs: 800 }, ...options })
}

const planInputs = (e: Emulator, planId = 5, extra: Record<string, string> = {}) =>
  inputsFor(e, { 'recipe-id': '', 'plan-id': String(planId), ...extra })
const runsSent = (e: Emulator, planId = 5) => e.requestsTo('POST', `/v4/plans/${planId}/run`)
const planCancels = (e: Emulator) => e.requestsTo('POST', /^\/v4\/planSnapshotRuns\/\d+\/cancel$/)

/** The rows of the summary's "Tasks" table. */
function taskRows(result: ActionResult): string[] {
  const section = result.summary.split('#### Tasks')[1]?.split('</table>')[0] ?? ''
  return section.split('\n').filter((line) => line.startsWith('<tr><td>'))
}

describe('a plan run', () => {
  it('completes, listing its tasks with their job groups and the run start and finish', async () => {
    const e = await planEmulator()
    const result = await run(planInputs(e))

    expect(result.code).toBe(0)
    expect(runsSent(e)).toHaveLength(1)
    expect(runsSent(e)[0]!.headers['x-execution-id']).toMatch(/^gha-1234-1-/)
    expect(result.outputs).toMatchObject({
      status: 'Complete',
      'plan-run-id': '3001',
      'flow-run-id': '',
      'job-id': '4100',
      'job-ids': '[4100,4101,4102]',
      'job-url': `${e.url}/jobs/4100`
    })
    expect(result.summary).toContain('### Plan 5 ✅ completed')
    const rows = taskRows(result)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toContain(
      `<td>Load</td><td>recipe 71</td><td><a href="${e.url}/jobs/4100">4100</a></td><td>Complete</td>`
    )
    expect(rows[2]).toContain(
      `<td>Report</td><td>recipe 80</td><td><a href="${e.url}/jobs/4102">4102</a></td><td>Complete</td>`
    )
    const [plan] = e.planRuns()
    expect(result.summary).toContain(`<th align="left">Plan run</th><td>3001</td>`)
    expect(result.summary).toContain(`<th align="left">Started</th><td>${new Date(plan!.startedAt).toISOString()}</td>`)
    expect(result.summary).toContain(
      `<th align="left">Finished</th><td>${new Date(plan!.finishedAt!).toISOString()}</td>`
    )
    expect(e.requestsTo('GET', '/v4/planSnapshotRuns/3001').length).toBeGreaterThan(0)
  })

  it('with MissingFlowReferences fails at once, explaining it, and waits for nothing', async () => {
    const e = await planEmulator()
    const result = await run(planInputs(e, 8))
    expect(result.code).toBe(1)
    expect(runsSent(e, 8)).toHaveLength(1)
    expect(e.requestsTo('GET', /^\/v4\/planSnapshotRuns/)).toHaveLength(0)
    const error = errors(result).join('\n')
    expect(error).toContain(
      '::error title=Could not start plan 8::Plan 8 cannot run: ' +
        'the server answered validationStatus MissingFlowReferences'
    )
    expect(error).toContain("refers to a flow that was deleted or is not shared with the token's user")
    expect(error).toContain(`${e.url}/plans/8`)
  })

  it('cancelled by someone else reports Canceled and fails the step', async () => {
    const e = await planEmulator()
    const result = await run(planInputs(e, 10))
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Canceled')
    expect(errors(result).join('\n')).toContain(
      "Plan 10 ended Canceled: task 'Stopped elsewhere', recipe 84 (job 4100)."
    )
    expect(result.summary).toContain('### Plan 10 🚫 was canceled')
  })
})

describe('cancelling a plan run', () => {
  it('a workflow cancel in the middle of the plan cancels its run; the plan reports Canceled', async () => {
    const e = await planEmulator()
    const action = start(planInputs(e, 6))
    await action.waitForOutput(/Plan 6: InProgress .*Wait InProgress/, 15_000)
    action.child.kill('SIGINT')
    const result = await action.result

    expect(result.code).toBe(1)
    expect(planCancels(e).map((r) => r.path)).toEqual(['/v4/planSnapshotRuns/3001/cancel'])
    expect(e.planRuns()[0]!.status).toBe('Canceled')
    expect(result.outputs.status).toBe('Canceled')
    expect(errors(result).join('\n')).toContain(
      'The workflow was cancelled (SIGINT) while waiting for plan 6. Plan 6 was cancelled (cancel-on-workflow-cancel).'
    )
    expect(
      taskRows(result).map((row) =>
        /<td>(\w+)<\/td><td>(?:[^<]*)<\/td><td>(?:<a[^>]*>\d+<\/a>)?<\/td><td>([\w ]+)<\/td>/.exec(row)?.slice(1)
      )
    ).toEqual([
      ['Load', 'Complete'],
      ['Load', 'Complete'],
      ['Wait', 'Canceled'],
      ['Never', 'not started']
    ])
  })

  it('reports jobs the server failed to cancel (failedToCancelSomeJobs)', async () => {
    const e = await planEmulator()
    const action = start(planInputs(e, 9))
    await action.waitForOutput(/Plan 9: InProgress/, 15_000)
    action.child.kill('SIGINT')
    const result = await action.result
    expect(planCancels(e)).toHaveLength(1)
    expect(warnings(result).join('\n')).toContain(
      'Plan 9 was cancelled (cancel-on-workflow-cancel). ' +
        'The server could not cancel some of its jobs (failedToCancelSomeJobs): they may keep running'
    )
    expect(result.summary).toContain('failedToCancelSomeJobs')
  })

  it('the post step cancels the plan run after the main step was killed (SIGKILL)', async () => {
    const e = await planEmulator()
    const main = start(planInputs(e, 6))
    await main.waitForOutput(/Plan 6: InProgress/, 15_000)
    main.child.kill('SIGKILL')
    const killed = await main.result
    expect(killed.state).toMatchObject({ kind: 'plan', runId: '3001', jobIds: '', triggered: 'true' })

    const post = await run(planInputs(e, 6), { post: true, state: killed.state })
    expect(post.code).toBe(0)
    expect(planCancels(e)).toHaveLength(1)
    expect(e.planRuns()[0]!.status).toBe('Canceled')
    expect(post.stdout).toContain('Plan 6 was cancelled by the post step')
  })
})

describe('starting a plan run', () => {
  it('on an edition without plan runs, explains that instead of a generic error', async () => {
    const e = await planEmulator({ edition: 'standard' })
    const result = await run(planInputs(e))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain(
      'If plan 5 exists, this edition does not allow running plans through the API; Enterprise/Premium do'
    )
  })

  it('a lost run answer never produces a second run', async () => {
    const e = await planEmulator({
      faults: [{ method: 'POST', path: '/v4/plans/5/run', action: { kind: 'act-then-reset' } }]
    })
    const result = await run(planInputs(e))
    expect(result.code).toBe(1)
    expect(runsSent(e)).toHaveLength(1)
    expect(e.planRuns()).toHaveLength(1)
    expect(errors(result).join('\n')).toContain(`The plan run may have started: its answer was lost (connection reset`)
    expect(errors(result).join('\n')).toContain(`Look in the runs of plan 5 (${e.url}/plans/5) for a run started after`)
  })

  it('refuses overrides and run-parameters before sending anything: plans take no overrides here', async () => {
    const e = await planEmulator()
    const result = await run(planInputs(e, 5, { overrides: '{"execution": "spark"}', 'run-parameters': 'a=b' }))
    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(0)
    expect(errors(result).join('\n')).toContain(
      "Input 'overrides': cannot be used with plan-id: plans take no overrides here"
    )
    expect(errors(result).join('\n')).toContain('plans take no overrides here')
  })
})
