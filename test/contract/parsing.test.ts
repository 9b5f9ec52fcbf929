// The contract, from the action's side: its own API classes and kinds of run talk to the emulator over the
// production transport; every answer they receive validates against the schema of its call (schemas.ts), and what
// the action makes of those very answers is checked here. A change of the emulator's shapes, of the schemas or
// of the action's parsing fails one of these tests.
import { describe, expect, it } from 'vitest'
import { pageVerdict } from '../../src/api/history-pages.ts'
import { errorText } from '../../src/report/summary.ts'
import { FlowRun } from '../../src/targets/flow.ts'
import { PlanRun } from '../../src/targets/plan.ts'
import { RecipeRun } from '../../src/targets/recipe.ts'
import type { RunKind, RunRef } from '../../src/targets/run-kind.ts'
import { startEmulator } from '../support/emulator-client.ts'
import { FLOWS, PLANS } from './answers.ts'
import { callOf, recording, type Recording } from './recording.ts'
import { SCHEMAS, violations, type Call } from './schemas.ts'

const SCENARIO = { durationMs: 300 }
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

async function untilTerminal(kind: RunKind, ref: RunRef, rec: Recording): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const status = await kind.status(ref, rec.budget())
    if (['Complete', 'Failed', 'Canceled'].includes(status)) return status
    await sleep(50)
  }
  throw new Error('never ended')
}

/** Every answer received validates against its call's schema; returns the calls seen. */
function expectContract(rec: Recording): Set<Call> {
  const seen = new Set<Call>()
  for (const received of rec.received) {
    const call = callOf(received)
    expect(call, `${received.method} ${received.target} is a call with a schema`).toBeDefined()
    seen.add(call!)
    if (received.body === '') continue
    expect(violations(call!, JSON.parse(received.body)), `${received.method} ${received.target}`).toEqual([])
  }
  return seen
}

describe('the action reads what the emulator answers, and every answer fits its schema', () => {
  it('a recipe run: start, status, stages, outputs, cancel and the history lists', async () => {
    const emulator = await startEmulator({
      scenario: SCENARIO,
      scenarios: { 42: { ...SCENARIO, finalStatus: 'Failed' }, 1001: { durationMs: 60_000 } }
    })
    const rec = recording(emulator)
    const run = new RecipeRun(rec.api, 7, { wrangledDataset: { id: 7 } }, `${emulator.url}/jobs`)
    const started = await run.start(rec.ctx())
    expect(started.ref.id).toBe(emulator.jobGroups()[0]!.id)
    expect(await untilTerminal(run, started.ref, rec)).toBe('Complete')
    const details = await run.details(started.ref, rec.budget(), 'Complete')
    const id = started.ref.id
    expect(details.written).toEqual({
      files: [{ uri: `s3://emulator-bucket/queryResults/recipe_7/${id}/output.csv`, kind: 'file', primary: true }],
      tables: [{ name: 'analytics.public.recipe_7', vendor: 'postgres', action: 'create' }]
    })
    expect(details.stages.map((s) => [s.jobType, s.status])).toEqual([
      ['wrangle', 'Complete'],
      ['filewriter', 'Complete']
    ])

    const failing = new RecipeRun(rec.api, 42, { wrangledDataset: { id: 42 } }, `${emulator.url}/jobs`)
    const failed = await failing.start(rec.ctx())
    expect(await untilTerminal(failing, failed.ref, rec)).toBe('Failed')
    const stages = (await failing.details(failed.ref, rec.budget(), 'Failed')).stages
    expect(errorText(stages.find((s) => s.status === 'Failed')!.errorMessage)).toMatch(/Photon job exited/)

    const long = new RecipeRun(rec.api, 1001, { wrangledDataset: { id: 1001 } }, `${emulator.url}/jobs`)
    const running = await long.start(rec.ctx())
    expect((await long.cancel(running.ref, rec.budget())).kind).toBe('cancelled')

    const since = String(Date.now() - 60_000)
    const query = { limit: '100', sort: '-createdAt', ranfor: 'recipe', offset: '0' }
    const library = await rec.api.list(
      '/v4/jobLibrary',
      { ...query, 'dateFilter[createdAt][gte]': since },
      rec.budget()
    )
    const listed = await rec.api.list('/v4/jobGroups', query, rec.budget())
    const ids = emulator.jobGroups().map((g) => g.id)
    for (const page of [library, listed]) {
      expect(page.groups.map((g) => g.id)).toEqual([...ids].reverse())
      expect(page.serverNow).toBeGreaterThan(0)
      expect(pageVerdict({ rows: page.groups }, 0)).toEqual({ kind: 'more' })
    }
    const seen = expectContract(rec)
    expect([...seen].filter((c) => c.startsWith('GET /v4/job') || c.startsWith('POST /v4/job')).sort()).toEqual(
      (Object.keys(SCHEMAS) as Call[]).filter((c) => /^(GET|POST) \/v4\/job/.test(c)).sort()
    )
  })

  it('a flow run: start, status, its job groups with their names, what they wrote', async () => {
    const emulator = await startEmulator({ flows: FLOWS, scenario: SCENARIO })
    const rec = recording(emulator)
    const run = new FlowRun(rec.api, 7, {}, { appUrl: emulator.url, appQuery: '' })
    const started = await run.start(rec.ctx())
    const [flowRun] = emulator.flowRuns()
    expect(started).toMatchObject({
      flowRunId: flowRun!.id,
      ref: { id: flowRun!.id, jobGroupIds: flowRun!.jobGroupIds }
    })
    expect(await untilTerminal(run, started.ref, rec)).toBe('Complete')
    const details = await run.details(started.ref, rec.budget())
    expect(details.parts?.map((p) => [p.name, p.jobGroupId, p.status])).toEqual([
      ['Sales', flowRun!.jobGroupIds[0], 'Complete'],
      ['Returns', flowRun!.jobGroupIds[1], 'Complete']
    ])
    expect(details.written?.tables.map((t) => t.name)).toEqual([
      'analytics.public.recipe_71',
      'analytics.public.recipe_72'
    ])
    const seen = expectContract(rec)
    for (const call of [
      'POST /v4/flows/{id}/run',
      'GET /v4/flowRuns/{id}/status',
      'GET /v4/flowRuns/{id}/jobGroups'
    ] as const) {
      expect(seen).toContain(call)
    }
  })

  it("a plan run: start, status, its tasks on the run's snapshot, the failed task, cancel", async () => {
    const emulator = await startEmulator({ flows: FLOWS, plans: PLANS, scenario: SCENARIO })
    const rec = recording(emulator)
    const run = new PlanRun(rec.api, 5, { appUrl: emulator.url, appQuery: '' })
    const started = await run.start(rec.ctx())
    expect(started.planRunId).toBe(emulator.planRuns()[0]!.id)
    expect(await untilTerminal(run, started.ref, rec)).toBe('Failed')
    const details = await run.details(started.ref, rec.budget())
    const [planRun] = emulator.planRuns()
    const groups = planRun!.tasks.flatMap((t) => t.jobGroups.map((g) => [t.name, g.id]))
    expect(details.parts?.map((p) => [p.task, p.jobGroupId])).toEqual(groups)
    expect(details.parts?.find((p) => p.status === 'Failed')?.task).toBe('Report')
    expect(rec.received.map((r) => r.target)).toContain(`/v4/plans/${planRun!.snapshotId}/full?ensureOriginal=false`)

    const again = await run.start(rec.ctx())
    expect((await run.cancel(again.ref, rec.budget())).kind).toBe('cancelled')
    const seen = expectContract(rec)
    for (const call of [
      'POST /v4/plans/{id}/run',
      'GET /v4/planSnapshotRuns/{id}',
      'POST /v4/planSnapshotRuns/{id}/cancel',
      'GET /v4/plans/{id}/full'
    ] as const) {
      expect(seen).toContain(call)
    }
  })
})
