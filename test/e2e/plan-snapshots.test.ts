// A plan run's tasks live on the run's snapshot plan, every list in {data: […]} (REAL-API-SHAPES.md). The built
// action reads them there, reports only this run's task runs (also when earlier runs share the snapshot), names
// the failed task, and finds the snapshot through the plan when the run does not name it. Plain arrays work too.
import { describe, expect, it } from 'vitest'
import type { Emulator, EmulatorOptions, PlanSpec } from '../emulator/index.ts'
import { emulator, errors, inputsFor, run } from '../support/e2e.ts'
import { expectNoForgedCommand, expectSafeSummary } from './hostile/promises.ts'

const PLAN: PlanSpec = {
  name: 'Nightly',
  tasks: [
    { name: 'Load', outputs: [{ recipeId: 71, name: 'Load' }] },
    {
      name: 'Report',
      outputs: [{ recipeId: 80, name: 'Report', scenario: { durationMs: 600, finalStatus: 'Failed' } }]
    }
  ]
}

function planEmulator(plan: Partial<PlanSpec> = {}, options: EmulatorOptions = {}): Promise<Emulator> {
  return emulator({ plans: { 78: { ...PLAN, ...plan } }, scenario: { durationMs: 600 }, ...options })
}
const planInputs = (e: Emulator) => inputsFor(e, { 'recipe-id': '', 'plan-id': '78' })
const fullReads = (e: Emulator) =>
  e
    .requestsTo('GET', /^\/v4\/plans\/\d+\/full$/)
    .map((r) => r.path + (r.query.ensureOriginal ? `?ensureOriginal=${r.query.ensureOriginal}` : ''))

describe('a plan run on its snapshot', () => {
  it.each<[string, Partial<PlanSpec>]>([
    ['a snapshot of its own', {}],
    ['a snapshot shared with an earlier run', { snapshots: 'reuse' }]
  ])('on %s: lists its job groups, a row per task, and the failure names the task', async (_name, plan) => {
    const e = await planEmulator(plan)
    // An earlier run of the same plan, whose task runs must not be reported.
    const earlier = await fetch(`${e.url}/v4/plans/78/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.token}`, 'content-type': 'application/json' },
      body: '{}'
    })
    expect(earlier.status).toBe(201)
    await new Promise((r) => setTimeout(r, 1300))
    const result = await run(planInputs(e))

    expect(result.code).toBe(1)
    const [, own] = e.planRuns()
    const ids = own!.tasks.flatMap((t) => t.jobGroups.map((g) => g.id))
    expect(result.outputs['plan-run-id']).toBe(String(own!.id))
    expect(JSON.parse(result.outputs['job-ids']!)).toEqual(ids)
    expect(ids).toHaveLength(2)
    const section = result.summary.split('#### Tasks')[1]!.split('</table>')[0]!
    expect(section.match(/<tr><td>/g)).toHaveLength(2)
    expect(section).toContain(`<td>Load</td><td>recipe 71</td><td><a href="${e.url}/jobs/${ids[0]}">`)
    expect(section).toContain(`<td>Report</td><td>recipe 80</td><td><a href="${e.url}/jobs/${ids[1]}">`)
    expect(errors(result).join('\n')).toContain(`Plan 78 ended Failed: task 'Report', recipe 80 (job ${ids[1]})`)
    expect(fullReads(e).every((url) => url.includes(`/v4/plans/${own!.snapshotId}/full?ensureOriginal=false`))).toBe(
      true
    )
  })

  it('where the run names no snapshot, finds it through the plan’s planSnapshots', async () => {
    const e = await planEmulator({ runPlanRef: 'absent' })
    const result = await run(planInputs(e))

    expect(result.code).toBe(1)
    const [own] = e.planRuns()
    expect(JSON.parse(result.outputs['job-ids']!)).toEqual(own!.tasks.flatMap((t) => t.jobGroups.map((g) => g.id)))
    expect(errors(result).join('\n')).toContain("Plan 78 ended Failed: task 'Report'")
    expect(fullReads(e)).toContain('/v4/plans/78/full')
  })

  it('reads the tasks from plain arrays too', async () => {
    const e = await planEmulator({ tasks: [{ name: 'Only', outputs: [{ recipeId: 71, name: 'Only' }] }] })
    const bare = {
      id: 60001,
      planNodes: [
        {
          name: 'Only',
          planTaskSnapshotRuns: [
            { planSnapshotRun: { id: 3001 }, planFlowTaskRunResults: [{ jobGroup: { id: 4100 } }] }
          ]
        }
      ]
    }
    e.addFault({
      method: 'GET',
      path: '/v4/plans/60001/full',
      times: Infinity,
      action: { kind: 'status', status: 200, body: bare }
    })
    const result = await run(planInputs(e))

    expect(result.code).toBe(0)
    expect(result.outputs['job-ids']).toBe('[4100]')
    expect(result.summary).toContain(`<td>Only</td><td>recipe 71</td><td><a href="${e.url}/jobs/4100">4100</a>`)
  })

  it("a hostile snapshot: another run's task runs are not reported, a forged task name forges nothing", async () => {
    const e = await planEmulator({ tasks: [{ name: 'Only', outputs: [{ recipeId: 71, name: 'Only' }] }] })
    const evil = 'Load\n::error::forged</td><script>alert(1)</script>'
    const taskRuns = (run: number, group: number) => ({
      planSnapshotRun: { id: run },
      status: 'Failed',
      planFlowTaskRunResults: { data: [{ jobGroup: { id: group } }] }
    })
    const hostile = {
      id: 60001,
      planNodes: {
        data: [
          { name: evil, planTaskSnapshotRuns: { data: [taskRuns(2999, 777), taskRuns(3001, 4100)] } },
          { name: 'Foreign', planTaskSnapshotRuns: { data: [taskRuns(3002, 778)] } }
        ]
      }
    }
    e.addFault({
      method: 'GET',
      path: '/v4/plans/60001/full',
      times: Infinity,
      action: { kind: 'status', status: 200, body: hostile }
    })
    const result = await run(planInputs(e))

    expect(result.outputs['job-ids']).toBe('[4100]')
    expect(result.stdout + result.summary).not.toMatch(/\b77[78]\b/)
    expectNoForgedCommand(result.stdout)
    expectSafeSummary(result.summary, [new URL(e.url).origin])
  })
})
