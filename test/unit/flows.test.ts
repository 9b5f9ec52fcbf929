// The pure parts of flow and plan runs: the inputs that choose them, the flow-run body, the overall status, the
// combined cancel of several job groups, a plan's tasks, and how the report shows and names the parts.
import fc from 'fast-check'
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { flowPlanHint } from '../../src/api/flow-plan-hints.ts'
import { buildRunFlowRequest } from '../../src/api/flow-request.ts'
import { parseFlowOverrides, parseFlowRecipes } from '../../src/inputs/flow-inputs.ts'
import { InputError } from '../../src/inputs/input-values.ts'
import type { CancelOutcome } from '../../src/api/job-groups.ts'
import { reportOutputs, type RunReport } from '../../src/report/report.ts'
import { overallStatus, partsEndedAs, type CompositeRun } from '../../src/report/run-parts.ts'
import { renderSummary } from '../../src/report/summary.ts'
import { combineCancels } from '../../src/targets/job-group-set.ts'
import { planTaskRuns } from '../../src/targets/plan-tasks.ts'
import { API_TOKEN } from '../support/fake-tokens.ts'
import { inputParser } from '../support/parse-inputs.ts'

const { parse, errorsOf } = inputParser({
  'api-url': 'https://api.us1.alteryxcloud.com',
  'api-token': API_TOKEN
})

describe('choosing a flow or a plan', () => {
  it('takes flow-id with flow-recipes, and plan-id', () => {
    expect(parse({ 'flow-id': '7', 'flow-recipes': '71 72,71' }).target).toEqual({
      kind: 'flow',
      flowId: 7,
      recipeIds: [71, 72]
    })
    expect(parse({ 'flow-id': '7' }).target).toEqual({ kind: 'flow', flowId: 7, recipeIds: [] })
    expect(parse({ 'plan-id': '5' }).target).toEqual({ kind: 'plan', planId: 5 })
  })

  it.each([
    [{ 'recipe-id': '1', 'flow-id': '7' }, 'recipe-id', 'got recipe-id, flow-id'],
    [{ 'flow-id': '7', 'plan-id': '5' }, 'flow-id', 'got flow-id, plan-id'],
    [{ 'plan-id': '5', 'job-id': '4100' }, 'plan-id', 'got plan-id, job-id'],
    [
      { 'recipe-id': '1', 'flow-id': '7', 'plan-id': '5', 'job-id': '9' },
      'recipe-id',
      'got recipe-id, flow-id, plan-id, job-id'
    ],
    [{}, 'recipe-id', 'is required (or give flow-id or plan-id']
  ])('accepts exactly one of recipe-id, flow-id, plan-id and job-id: %j', (inputs, input, text) => {
    const [error] = errorsOf(inputs)
    expect(error!.input).toBe(input)
    expect(error!.message).toContain(text)
  })

  it('refuses flow-recipes without flow-id, and bad ids in it', () => {
    expect(errorsOf({ 'recipe-id': '1', 'flow-recipes': '71' }).map((e) => [e.input, e.message])).toEqual([
      [
        'flow-recipes',
        "Input 'flow-recipes': can only be used with flow-id (it selects which of the flow's outputs run)."
      ]
    ])
    expect(errorsOf({ 'flow-id': '7', 'flow-recipes': '71, x' })[0]!.message).toContain(
      "must be a positive integer (got 'x')"
    )
    expect(errorsOf({ 'flow-id': 'abc' })[0]!.input).toBe('flow-id')
  })

  it('refuses run-parameters and overrides with plan-id: plans take no overrides here', () => {
    const errors = errorsOf({ 'plan-id': '5', overrides: '{"execution": "spark"}', 'run-parameters': 'a=b' })
    expect(errors.map((e) => e.input)).toEqual(['overrides', 'run-parameters'])
    for (const e of errors) expect(e.message).toContain('plans take no overrides here')
  })

  it('checks flow overrides by output name, and passes unknown keys on with a warning', () => {
    const config = parse({
      'flow-id': '7',
      overrides: '{"execution": "spark", "Sales": {"profiler": true, "profilerOff": []}}'
    })
    expect(config.overrides).toEqual({ execution: 'spark', Sales: { profiler: true, profilerOff: [] } })
    expect(config.warnings.filter((w) => w.startsWith('overrides'))).toEqual([
      "overrides: unknown key 'Sales.profilerOff' (did you mean 'Sales.profiler'?) passed on as given."
    ])
  })
})

describe('parseFlowOverrides', () => {
  it.each([
    [
      '{"profiler": false}',
      "'profiler' is not an output's overrides (an object; got boolean false): " +
        'with flow-id, overrides are keyed by output name, e.g. {"<output name>": {"profiler": …}}'
    ],
    ['{"execution": 1}', "'execution' must be a string"],
    ['{"ignoreRecipeErrors": "yes"}', "'ignoreRecipeErrors' must be true or false"],
    ['{"sparkOptions": {"spark.executor.memory": "4g"}}', "'sparkOptions' must be an array of"],
    ['{"Sales": {"profiler": "yes"}}', "'Sales.profiler' must be true or false"],
    [
      '{"Sales": {"writesettings": [{"action": "replace"}]}}',
      "'Sales.writesettings[0]'.action must be one of create, append, overwrite"
    ],
    ['[1]', 'must be a mapping, e.g. {"execution": "spark", "Sales by region": {"profiler": true}}']
  ])('rejects %s', (text, message) => {
    expect(() => parseFlowOverrides(text, [])).toThrow(message)
  })
})

describe('parseFlowRecipes', () => {
  it.each([
    ['', []],
    ['71', [71]],
    ['71, 72\n73', [71, 72, 73]],
    ['[71, "72"]', [71, 72]]
  ])('%j is %j', (text, ids) => {
    expect(parseFlowRecipes(text)).toEqual(ids)
  })

  it.each(['[]', '[71', '0', '71;72'])('rejects %j', (text) => {
    expect(() => parseFlowRecipes(text)).toThrow(InputError)
  })
})

describe('buildRunFlowRequest', () => {
  it('sends nothing when nothing is given: the flow runs every output', () => {
    expect(buildRunFlowRequest([], undefined, [])).toEqual({})
  })

  it('maps flow-recipes, run-parameters, top-level fields and overrides by output name', () => {
    const overrides = {
      execution: 'spark',
      ignoreRecipeErrors: true,
      sparkOptions: [{ key: 'spark.executor.memory', value: '4g' }],
      'Orders by region': { profiler: true },
      Returns: { writesettings: [{ path: 'gs://b/r.csv', action: 'overwrite' }] }
    }
    expect(buildRunFlowRequest([71, 73], overrides, [{ key: 'region', value: 'EU' }])).toEqual({
      wrangledDatasetIds: [71, 73],
      runParameters: { overrides: { data: [{ key: 'region', value: 'EU' }] } },
      execution: 'spark',
      ignoreRecipeErrors: true,
      sparkOptions: [{ key: 'spark.executor.memory', value: '4g' }],
      overrides: {
        'Orders by region': { profiler: true },
        Returns: { writesettings: [{ path: 'gs://b/r.csv', action: 'overwrite' }] }
      }
    })
  })
})

describe('overallStatus', () => {
  it.each([
    [['Complete', 'Complete'], 'Complete'],
    [['Complete', 'Failed', 'Canceled'], 'Failed'],
    [['Complete', 'Canceled'], 'Canceled'],
    [['Complete', 'InProgress', 'Failed'], 'InProgress'],
    [['Created', 'Created'], 'Created'],
    [['Created', 'Queued'], 'InProgress']
  ])('%j is %s', (statuses, overall) => {
    expect(overallStatus(statuses)).toBe(overall)
  })

  it('property: Complete only if all parts completed, Failed if any failed, else Canceled, in any order', () => {
    const terminal = fc.constantFrom('Complete', 'Failed', 'Canceled')
    fc.assert(
      fc.property(fc.array(terminal, { minLength: 1, maxLength: 8 }), (statuses) => {
        const overall = overallStatus(statuses)
        expect(overall === 'Complete').toBe(statuses.every((s) => s === 'Complete'))
        expect(overall === 'Failed').toBe(statuses.includes('Failed'))
        expect(overallStatus([...statuses].reverse())).toBe(overall)
      })
    )
  })
})

describe('combineCancels', () => {
  const cancelled = (requestId: string): CancelOutcome => ({ kind: 'cancelled', requestId })
  const unsupported: CancelOutcome = { kind: 'unsupported', requestId: 'r404' }

  it('is cancelled when each was, and failed, naming the job group, when any failed', () => {
    expect(combineCancels([1, 2], [cancelled('a'), cancelled('b')])).toEqual({ kind: 'cancelled', requestId: 'a, b' })
    const failed = combineCancels([1, 2], [cancelled('a'), { kind: 'failed', error: new Error('HTTP 503.') }])
    expect(failed).toMatchObject({ kind: 'failed', error: { message: 'job 2: HTTP 503.' } })
  })

  it('says which job groups this edition could not cancel', () => {
    expect(combineCancels([1, 2], [unsupported, unsupported])).toEqual({ kind: 'unsupported', requestId: 'r404' })
    expect(combineCancels([1, 2], [cancelled('a'), unsupported])).toEqual({
      kind: 'cancelled',
      requestId: 'a, r404',
      partial: 'Job groups 2 could not be cancelled through the API (404) and may keep running.'
    })
  })
})

describe('planTaskRuns, on plain arrays at every level', () => {
  it("takes this run's job groups of each task, in task order; a task not reached is a part without one", () => {
    const nodes = [
      {
        name: 'Load',
        planTaskSnapshotRuns: [
          { planSnapshotRun: { id: 3000 }, planFlowTaskRunResults: [{ jobGroup: { id: 4000, status: 'Complete' } }] },
          {
            planSnapshotRun: { id: 3001 },
            planFlowTaskRunResults: [
              { jobGroup: { id: 4100, status: 'Complete' } },
              { jobGroup: { id: 4101, status: 'Failed' } }
            ]
          }
        ]
      },
      {
        name: 'Report',
        planTaskSnapshotRuns: [{ planSnapshotRun: { id: 3000 }, planFlowTaskRunResults: [{ jobGroup: { id: 4001 } }] }]
      },
      {}
    ]
    expect(planTaskRuns({ planNodes: nodes }, 3001).parts).toEqual([
      { task: 'Load', jobGroupId: 4100, status: 'Complete' },
      { task: 'Load', jobGroupId: 4101, status: 'Failed' },
      { task: 'Report' },
      { task: 'task 3' }
    ])
  })
})

function flowReport(parts: CompositeRun['parts'], extra: Partial<RunReport> = {}): RunReport {
  return {
    ending: 'failed',
    jobId: 4100,
    attached: false,
    adopted: false,
    status: 'Failed',
    requestId: '',
    jobUrl: 'https://us1.alteryxcloud.com/jobs/4100',
    runParameters: [],
    stages: [],
    notes: [],
    jobGroupIds: parts.flatMap((p) => (p.jobGroupId === undefined ? [] : [p.jobGroupId])),
    composite: {
      subject: 'flow 7',
      url: 'https://us1.alteryxcloud.com/flows/7',
      jobsUrl: 'https://us1.alteryxcloud.com/jobs',
      flowRunId: 2001,
      parts
    },
    ...extra
  }
}

describe('the report of a flow or plan run', () => {
  const parts = [
    { name: 'Orders clean', recipeId: 71, jobGroupId: 4100, status: 'Complete', durationMs: 61_000 },
    {
      name: '<img src=x onerror=alert(1)> | *bold*',
      recipeId: 72,
      jobGroupId: 4101,
      status: 'Failed',
      durationMs: 5_000
    },
    { recipeId: 73, jobGroupId: 4102, status: 'Failed' }
  ]

  it('has the run ids and all job group ids as outputs', () => {
    expect(reportOutputs(flowReport(parts))).toMatchObject({
      'job-id': '4100',
      'job-ids': '[4100,4101,4102]',
      'flow-run-id': '2001',
      'plan-run-id': ''
    })
  })

  it('names the parts that ended as the run did', () => {
    expect(partsEndedAs(flowReport(parts).composite, 'Failed')).toBe(
      ": output '<img src=x onerror=alert(1)> | *bold*' (job 4101); recipe 73 (job 4102)"
    )
    expect(partsEndedAs(flowReport(parts).composite, 'Canceled')).toBe('')
  })

  it('shows one escaped row per job group, with its link, status and duration', () => {
    const html = marked.parse(renderSummary(flowReport(parts)), { async: false })
    expect(html).toContain('<h3>Flow 7 ❌ failed</h3>')
    expect(html).toContain('<h4>Job groups</h4>')
    expect(html).toContain(
      '<tr><td>Orders clean</td><td><a href="https://us1.alteryxcloud.com/jobs/4100">4100</a></td>' +
        '<td>Complete</td><td>1m01s</td></tr>'
    )
    expect(html).not.toContain('<img')
    expect(html).toContain('<td>recipe 73</td>')
  })

  it('keeps the table bounded: at most 50 rows and a pointer to job-ids', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ recipeId: i + 1, jobGroupId: 5000 + i, status: 'Complete' }))
    const summary = renderSummary(flowReport(many, { ending: 'complete', status: 'Complete' }))
    expect(summary.match(/<tr><td>recipe \d+<\/td>/g)).toHaveLength(50)
    expect(summary).toContain('… and 70 more (see the job-ids output)')
  })
})

describe('flowPlanHint', () => {
  it.each([403, 404])('explains a %i on the run call as an edition that does not run flows or plans', (status) => {
    expect(flowPlanHint(status, 'POST', '/v4/flows/7/run')).toContain(
      'If flow 7 exists, this edition does not allow running flows through the API; Enterprise/Premium do'
    )
    expect(flowPlanHint(status, 'POST', '/v4/plans/5/run')).toContain(
      'If plan 5 exists, this edition does not allow running plans through the API; Enterprise/Premium do'
    )
  })

  it('names the flow run or plan run that was not found, and leaves other calls to the general hints', () => {
    expect(flowPlanHint(404, 'GET', '/v4/flowRuns/2001/status')).toContain('Flow run 2001 was not found')
    expect(flowPlanHint(404, 'GET', '/v4/planSnapshotRuns/3001')).toContain('Plan run 3001 was not found')
    expect(flowPlanHint(404, 'GET', '/v4/jobGroups/4100')).toBeUndefined()
    expect(flowPlanHint(503, 'POST', '/v4/flows/7/run')).toBeUndefined()
  })
})
