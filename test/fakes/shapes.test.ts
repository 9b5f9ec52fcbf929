// The emulator serves the real API's shapes (REAL-API-SHAPES.md): plan runs on snapshot plans, outputs with the
// spec's fields, flow runs Created until they end, stage errors as objects, history pages capped and sorted or not.
import { describe, expect, it, vi } from 'vitest'
import { EMULATOR_DB_CONNECT_STRING, type Emulator, type EmulatorOptions, type PlanSpec } from '../emulator/index.ts'
import { call, freezeDate, startEmulator, T0 } from '../support/emulator-client.ts'

const at = (ms: number): void => {
  vi.setSystemTime(T0 + ms)
}
/** An answer as JSON.parse gives it: the tests below read into it freely. */
type Parsed = ReturnType<typeof JSON.parse>
const get = async (emulator: Emulator, path: string): Promise<Parsed> => (await call(emulator, 'GET', path)).json
const post = async (emulator: Emulator, path: string, body: unknown = {}): Promise<Parsed> =>
  (await call(emulator, 'POST', path, { body })).json

const PLAN: PlanSpec = {
  name: 'Nightly',
  tasks: [
    { name: 'Load', outputs: [{ recipeId: 80, name: 'Load' }] },
    { name: 'Report', outputs: [{ recipeId: 81, name: 'Report' }] }
  ]
}

async function plans(plan: Partial<PlanSpec> = {}, options: EmulatorOptions = {}): Promise<Emulator> {
  freezeDate(T0)
  return startEmulator({ plans: { 5: { ...PLAN, ...plan } }, scenario: { durationMs: 100 }, ...options })
}

describe('plan runs on snapshots', () => {
  it('makes a snapshot per run; the run names it, and its task runs sit there, every list in {data}', async () => {
    const emulator = await plans()
    const { planSnapshotRunId: first } = await post(emulator, '/v4/plans/5/run')
    at(150)
    const { planSnapshotRunId: second } = await post(emulator, '/v4/plans/5/run')
    const run = await get(emulator, `/v4/planSnapshotRuns/${first}`)
    expect(run).toMatchObject({ id: first, status: 'InProgress', plan: { id: 60001 }, finishedAt: null })
    expect((await get(emulator, `/v4/planSnapshotRuns/${second}`)).plan).toEqual({ id: 60002 })
    const original = await get(emulator, '/v4/plans/5/full')
    expect(original).toMatchObject({
      id: 5,
      snapshotted: false,
      latestPlanSnapshot: { id: 60002 },
      latestPlanSnapshotRun: { id: second },
      planSnapshotRunCount: 2,
      planSnapshots: { data: [{ id: 60002 }, { id: 60001 }] }
    })
    expect(original.planNodes.data.map((n: Parsed) => n.planTaskSnapshotRuns)).toEqual([{ data: [] }, { data: [] }])
    const snapshot = await get(emulator, '/v4/plans/60001/full?ensureOriginal=false')
    expect(snapshot).toMatchObject({ id: 60001, snapshotted: true, originalPlanId: 5 })
    const [load, report] = snapshot.planNodes.data
    expect(load).toMatchObject({ id: 6000101, name: 'Load', taskType: 'flow' })
    expect(load.planTaskSnapshotRuns.data).toEqual([
      {
        id: first * 100 + 1,
        status: 'Complete',
        planSnapshotRun: { id: first },
        planFlowTaskRunResults: { data: [{ id: (first * 100 + 1) * 100 + 1, jobGroup: { id: 4100 } }] }
      }
    ])
    expect(report.planTaskSnapshotRuns.data).toHaveLength(1)
    // inferred from S2's parameter: without ensureOriginal=false a snapshot's id answers its original plan.
    expect((await get(emulator, '/v4/plans/60001/full')).id).toBe(5)
  })

  it("with snapshots: 'reuse', runs share the latest snapshot and its nodes hold every run's task runs", async () => {
    const emulator = await plans({ snapshots: 'reuse' })
    const { planSnapshotRunId: first } = await post(emulator, '/v4/plans/5/run')
    const { planSnapshotRunId: second } = await post(emulator, '/v4/plans/5/run')
    expect((await get(emulator, `/v4/planSnapshotRuns/${second}`)).plan).toEqual({ id: 60001 })
    const snapshot = await get(emulator, '/v4/plans/60001/full?ensureOriginal=false')
    const runs = snapshot.planNodes.data[0].planTaskSnapshotRuns.data.map((r: Parsed) => r.planSnapshotRun.id)
    expect(runs).toEqual([first, second])
  })

  it("with runPlanRef: 'absent', the run does not name its plan", async () => {
    const emulator = await plans({ runPlanRef: 'absent' })
    const { planSnapshotRunId } = await post(emulator, '/v4/plans/5/run')
    const run = await get(emulator, `/v4/planSnapshotRuns/${planSnapshotRunId}`)
    expect(run.plan).toBeUndefined()
    expect(run).toMatchObject({ failedToCancelSomeJobs: false, scheduleHistoryId: null, nextRun: null })
  })
})

describe('job groups', () => {
  it("answers outputs with the spec's fields: a file by uri, a table with its connection string", async () => {
    freezeDate(T0)
    const emulator = await startEmulator({ scenario: { durationMs: 10 } })
    const { id } = await post(emulator, '/v4/jobGroups', { wrangledDataset: { id: 7 } })
    at(20)
    expect(await get(emulator, `/v4/jobGroups/${id}/outputs`)).toEqual({
      files: [
        { uri: `s3://emulator-bucket/queryResults/recipe_7/${id}/output.csv`, fileType: 'FILE', isPrimaryOutput: true }
      ],
      tables: [
        {
          vendor: 'postgres',
          databaseConnectString: EMULATOR_DB_CONNECT_STRING,
          relationalPath: ['analytics', 'public'],
          table: 'recipe_7',
          action: 'create',
          query: [expect.stringContaining('CREATE TABLE')]
        }
      ]
    })
  })

  it("shows a failing stage's error as an object, {message} or the scenario's own", async () => {
    freezeDate(T0)
    const errorObject = { code: 'E42', details: { line: 3 } }
    const emulator = await startEmulator({
      scenarios: {
        7: { durationMs: 10, finalStatus: 'Failed', stages: [{ jobType: 'wrangle', errorMessage: 'Bad column' }] },
        42: { durationMs: 10, finalStatus: 'Failed', stages: [{ jobType: 'wrangle', errorObject }] }
      }
    })
    const a = await post(emulator, '/v4/jobGroups', { wrangledDataset: { id: 7 } })
    const b = await post(emulator, '/v4/jobGroups', { wrangledDataset: { id: 42 } })
    at(20)
    expect((await get(emulator, `/v4/jobGroups/${a.id}/jobs`)).data[0].errorMessage).toEqual({ message: 'Bad column' })
    expect((await get(emulator, `/v4/jobGroups/${b.id}/jobs`)).data[0].errorMessage).toEqual(errorObject)
  })

  it('shows the status "undefined" when asked to, and takes ignoreRecipeErrors at the top level', async () => {
    freezeDate(T0)
    const emulator = await startEmulator({ scenario: { durationMs: 100, statuses: ['undefined', 'InProgress'] } })
    const { id } = await post(emulator, '/v4/jobGroups', { wrangledDataset: { id: 7 }, ignoreRecipeErrors: true })
    expect(await get(emulator, `/v4/jobGroups/${id}/status`)).toBe('undefined')
    expect(emulator.jobGroups()[0]).toMatchObject({ ignoreRecipeErrors: true })
    const bad = await call(emulator, 'POST', '/v4/jobGroups', {
      body: { wrangledDataset: { id: 7 }, ignoreRecipeErrors: 'yes' }
    })
    expect(bad.status).toBe(400)
  })
})

describe('flow runs', () => {
  it('read Created until every job group ended', async () => {
    freezeDate(T0)
    const emulator = await startEmulator({
      flows: {
        7: {
          outputs: [
            { recipeId: 71, name: 'A' },
            { recipeId: 72, name: 'B', scenario: { durationMs: 300 } }
          ]
        }
      },
      scenario: { durationMs: 100 }
    })
    const { flowRunId } = await post(emulator, '/v4/flows/7/run')
    for (const ms of [0, 60, 150, 299]) {
      at(ms)
      expect(await get(emulator, `/v4/flowRuns/${flowRunId}/status`), `${ms} ms`).toBe('Created')
    }
    at(300)
    expect(await get(emulator, `/v4/flowRuns/${flowRunId}/status`)).toBe('Complete')
  })
})

describe('the history', () => {
  async function history(options: EmulatorOptions = {}): Promise<Emulator> {
    freezeDate(T0)
    const emulator = await startEmulator(options)
    for (let i = 0; i < 120; i++) emulator.createJobGroup(7, undefined, { createdAt: T0 - 120_000 + i * 1000 })
    return emulator
  }

  it('answers 25 rows by default and at most 100, newest first', async () => {
    const emulator = await history()
    expect((await get(emulator, '/v4/jobLibrary')).data).toHaveLength(25)
    const page = await get(emulator, '/v4/jobLibrary?limit=500&sort=-createdAt')
    expect(page.data).toHaveLength(100)
    expect(page.count).toBe(120)
    expect(page.data[0].id).toBe(4219)
    const capped = await history({ history: { maxPageSize: 25 } })
    expect((await get(capped, '/v4/jobLibrary?limit=100')).data).toHaveLength(25)
  })

  it("with sort: 'ignored', answers oldest first; the deprecated list has no date filter", async () => {
    const emulator = await history({ history: { sort: 'ignored' } })
    const since = `dateFilter[createdAt][gte]=${T0 - 10_000}`
    const page = await get(emulator, `/v4/jobLibrary?limit=3&sort=-createdAt&${since}`)
    expect(page.data.map((g: Parsed) => g.id)).toEqual([4210, 4211, 4212])
    const old = await get(emulator, `/v4/jobGroups?limit=3&${since}`)
    expect(old.count).toBe(120)
  })
})
