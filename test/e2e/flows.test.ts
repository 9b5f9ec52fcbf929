// Running a whole flow (flow-id): one job group per output, waited on, cancelled and reported together. Each case
// runs the built action against the emulator's flow runs and checks what a user would see.
import { describe, expect, it } from 'vitest'
import type { EmulatorOptions, FlowSpec } from '../emulator/index.ts'
import type { ActionResult } from '../support/run-action.ts'
import { emulator, errors, inputsFor, run, start, warnings } from '../support/e2e.ts'
import type { Emulator } from '../emulator/index.ts'

const LONG = { durationMs: 120_000, statuses: ['InProgress'] }
const FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Orders clean' },
      { recipeId: 72, name: 'Orders by region' },
      { recipeId: 73, name: 'Returns <b>&amp;</b> refunds' }
    ]
  }
}

function flowEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return emulator({ flows: FLOWS, scenario: { durationMs: 1200 }, ...options })
}

const flowInputs = (e: Emulator, extra: Record<string, string> = {}) =>
  inputsFor(e, { 'recipe-id': '', 'flow-id': '7', ...extra })
const runsSent = (e: Emulator) => e.requestsTo('POST', '/v4/flows/7/run')
const cancels = (e: Emulator) => e.requestsTo('POST', /^\/v4\/jobGroups\/\d+\/cancel$/)

/** The rows of the summary's "Job groups" table. */
function partRows(result: ActionResult): string[] {
  const section = result.summary.split('#### Job groups')[1]?.split('</table>')[0] ?? ''
  return section.split('\n').filter((line) => line.startsWith('<tr><td>'))
}

describe('a flow run', () => {
  it('with three outputs completes, with one summary row per job group and the run outputs', async () => {
    const e = await flowEmulator()
    const result = await run(flowInputs(e))

    expect(result.code).toBe(0)
    expect(runsSent(e)).toHaveLength(1)
    expect(runsSent(e)[0]!.headers['x-execution-id']).toMatch(/^gha-1234-1-/)
    expect(runsSent(e)[0]!.json).toEqual({})
    expect(result.outputs).toMatchObject({
      status: 'Complete',
      'job-id': '4100',
      'job-ids': '[4100,4101,4102]',
      'flow-run-id': '2001',
      'plan-run-id': ''
    })
    expect(result.summary).toContain('### Flow 7 ✅ completed')
    const rows = partRows(result)
    expect(rows).toHaveLength(3)
    expect(rows[0]).toContain(`<td>Orders clean</td><td><a href="${e.url}/jobs/4100">4100</a></td><td>Complete</td>`)
    // Server text is escaped: the output name's markup does not become markup.
    expect(rows[2]).toContain('Returns &#60;b&#62;&#38;amp;&#60;/b&#62; refunds')
    expect(result.summary).toMatch(/<th align="left">Flow run<\/th><td>2001<\/td>/)
    expect(result.stdout).toContain('Started flow 7 (flow run 2001, job groups 4100, 4101, 4102)')
    expect(result.stdout).toMatch(/Flow 7: Complete after \d+s\./)
  })

  it('sends flow-recipes, run-parameters and overrides as the flow-run body, keyed by output name', async () => {
    const e = await flowEmulator()
    const overrides = {
      execution: 'spark',
      ignoreRecipeErrors: true,
      Returns: { profiler: true },
      'Orders clean': { profilerOff: 1 }
    }
    const result = await run(
      flowInputs(e, { 'flow-recipes': '71, 73', 'run-parameters': 'region=EU', overrides: JSON.stringify(overrides) })
    )
    expect(result.code).toBe(0)
    expect(e.flowRuns()[0]!.body).toEqual({
      wrangledDatasetIds: [71, 73],
      runParameters: { overrides: { data: [{ key: 'region', value: 'EU' }] } },
      execution: 'spark',
      ignoreRecipeErrors: true,
      overrides: { Returns: { profiler: true }, 'Orders clean': { profilerOff: 1 } }
    })
    expect(warnings(result).join('\n')).toContain(
      "unknown key 'Orders clean.profilerOff' (did you mean 'Orders clean.profiler'?) passed on as given"
    )
    expect(partRows(result)).toHaveLength(2)
    expect(result.outputs['job-ids']).toBe('[4100,4101]')
  })

  it('where one output fails, fails the step naming that output and its error', async () => {
    const failing = {
      durationMs: 1200,
      finalStatus: 'Failed' as const,
      stages: [{ jobType: 'wrangle', errorMessage: 'Column "region" not found' }]
    }
    const e = await flowEmulator({ scenarios: { 72: failing } })
    const result = await run(flowInputs(e))

    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Failed')
    const error = errors(result).join('\n')
    expect(error).toContain("::error title=Flow 7 Failed::Flow 7 ended Failed: output 'Orders by region' (job 4101).")
    expect(error).toContain('Stage wrangle failed: "Column "region" not found"')
    expect(error).toContain(`${e.url}/flows/7`)
    expect(partRows(result).map((row) => /<td>(Complete|Failed)<\/td>/.exec(row)?.[1])).toEqual([
      'Complete',
      'Failed',
      'Complete'
    ])
    expect(result.summary).toContain('### Flow 7 ❌ failed')
  })

  it('falls back to the job groups when GET /v4/flowRuns/{id}/status is not available', async () => {
    const e = await flowEmulator({
      faults: [
        { method: 'GET', path: '/v4/flowRuns/2001/status', times: Infinity, action: { kind: 'status', status: 404 } }
      ]
    })
    const result = await run(flowInputs(e))
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(e.requestsTo('GET', '/v4/flowRuns/2001/status')).toHaveLength(1)
    expect(e.requestsTo('GET', '/v4/jobGroups/4102/status').length).toBeGreaterThan(0)
    // Asked again 5 s later (a lagging replica answers 404 too): this flow ends before that.
    expect(result.stdout).toContain('reading the status of each job group, and asking it again in 5s')
  })

  it('with wait: false, reads the status once, sets the outputs and leaves the flow running', async () => {
    const e = await flowEmulator({ scenario: LONG })
    const result = await run(flowInputs(e, { wait: 'false' }))
    expect(result.code).toBe(0)
    expect(result.outputs).toMatchObject({ status: 'InProgress', 'job-ids': '[4100,4101,4102]', 'flow-run-id': '2001' })
    expect(result.summary).toContain('flow 7 keeps running and this action will not cancel it')
    expect(cancels(e)).toHaveLength(0)
  })
})

describe('cancelling a flow run', () => {
  const scenarios = { 71: { durationMs: 300 }, 72: LONG, 73: LONG }

  it('a workflow cancel cancels every job group still running, once each', async () => {
    const e = await flowEmulator({ scenarios })
    const action = start(flowInputs(e))
    await action.waitForOutput(/Flow 7: (Created|InProgress)/, 15_000)
    while (e.jobGroups()[0]!.status !== 'Complete') await new Promise((r) => setTimeout(r, 50))
    action.child.kill('SIGINT')
    const result = await action.result

    expect(result.code).toBe(1)
    expect(
      cancels(e)
        .map((r) => r.path)
        .filter((p) => p !== '/v4/jobGroups/4100/cancel')
        .sort()
    ).toEqual(['/v4/jobGroups/4101/cancel', '/v4/jobGroups/4102/cancel'])
    expect(e.jobGroups().map((g) => g.status)).toEqual(['Complete', 'Canceled', 'Canceled'])
    expect(result.outputs.status).toBe('Canceled')
    expect(errors(result).join('\n')).toContain(
      'The workflow was cancelled (SIGINT) while waiting for flow 7. Flow 7 was cancelled (cancel-on-workflow-cancel).'
    )
    expect(result.state.settled).toBe('true')
  })

  it('the post step cancels every job group after the main step was killed (SIGKILL)', async () => {
    const e = await flowEmulator({ scenario: LONG })
    const main = start(flowInputs(e))
    await main.waitForOutput(/Flow 7: (Created|InProgress)/, 15_000)
    main.child.kill('SIGKILL')
    const killed = await main.result
    expect(killed.state).toMatchObject({ kind: 'flow', runId: '2001', jobIds: '4100,4101,4102', triggered: 'true' })
    expect(cancels(e)).toHaveLength(0)

    const post = await run(flowInputs(e), { post: true, state: killed.state })
    expect(post.code).toBe(0)
    expect(cancels(e)).toHaveLength(3)
    expect(e.jobGroups().map((g) => g.status)).toEqual(['Canceled', 'Canceled', 'Canceled'])
    expect(warnings(post).join('\n')).toContain('The main step stopped before flow 7 finished')
    expect(post.stdout).toContain('Flow 7 was cancelled by the post step')
    expect(post.summary).toContain('### Flow 7 🛑 stopped')
  })

  it('a timeout cancels the running job groups (cancel-on-timeout)', async () => {
    const e = await flowEmulator({ scenario: LONG })
    const result = await run(flowInputs(e, { timeout: '3s' }))
    expect(result.code).toBe(1)
    expect(cancels(e)).toHaveLength(3)
    expect(errors(result)[0]).toContain(
      '::error title=Flow 7 timed out::Flow 7 did not finish within the timeout of 3s'
    )
  })
})

describe('starting a flow run', () => {
  it.each([403, 404] as const)(
    'on an edition without flow runs (%i), explains that instead of a generic error',
    async (refusal) => {
      const e = await flowEmulator({ edition: 'standard', standardRefusal: refusal })
      const result = await run(flowInputs(e))
      expect(result.code).toBe(1)
      expect(runsSent(e)).toHaveLength(1)
      const error = errors(result).join('\n')
      expect(error).toContain('::error title=Could not start flow 7::')
      expect(error).toContain(
        'If flow 7 exists, this edition does not allow running flows through the API; Enterprise/Premium do'
      )
      expect(result.summary).toContain('### Flow 7 ⚠️ could not be run')
    }
  )

  it('a lost run answer never produces a second run: the step fails saying where to look', async () => {
    const e = await flowEmulator({
      faults: [{ method: 'POST', path: '/v4/flows/7/run', action: { kind: 'act-then-reset' } }]
    })
    const result = await run(flowInputs(e))
    expect(result.code).toBe(1)
    expect(runsSent(e)).toHaveLength(1)
    expect(e.flowRuns()).toHaveLength(1)
    expect(e.requestsTo('GET', /^\/v4\/(flowRuns|jobGroups)/)).toHaveLength(0)
    const error = errors(result).join('\n')
    expect(error).toContain('The flow run may have started: its answer was lost (connection reset')
    expect(error).toContain('To avoid running it twice, the trigger is not sent again.')
    expect(error).toContain(
      `Look in the job history (${e.url}/jobs) and the flow's page (${e.url}/flows/7) for a run of flow 7 started after`
    )
  })

  it('a 502 on the run call is not sent again either: its outcome is unknown', async () => {
    const e = await flowEmulator({
      faults: [{ method: 'POST', path: '/v4/flows/7/run', action: { kind: 'status', status: 502 } }]
    })
    const result = await run(flowInputs(e))
    expect(result.code).toBe(1)
    expect(runsSent(e)).toHaveLength(1)
    expect(errors(result).join('\n')).toContain('The flow run may have started: its answer was lost (HTTP 502')
  })

  it('429 (runFlow quota) is sent again after the wait the server asks for, and runs once', async () => {
    const e = await flowEmulator({
      faults: [{ method: 'POST', path: '/v4/flows/7/run', action: { kind: 'rate-limit', retryAfterSeconds: 1 } }]
    })
    const result = await run(flowInputs(e))
    expect(result.code).toBe(0)
    const [first, second] = runsSent(e)
    expect([first!.status, second!.status]).toEqual([429, 201])
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000)
    expect(second!.headers['x-execution-id']).toBe(first!.headers['x-execution-id'])
    expect(e.flowRuns()).toHaveLength(1)
  })
})
