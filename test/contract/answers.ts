// The emulator's answers to every call the action makes, gathered over real HTTP at chosen instants: a recipe's
// job group (running, failed, complete, cancelled), the history lists, a flow run and a plan run on its snapshot.
// Each answer is kept by its call, for the schema check and for the action's own parsing of it.
import { vi } from 'vitest'
import type { EmulatorOptions, FlowSpec, PlanSpec } from '../emulator/index.ts'
import { call, freezeDate, startEmulator, T0 } from '../support/emulator-client.ts'
import type { Call } from './schemas.ts'

export const FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Sales' },
      { recipeId: 72, name: 'Returns' }
    ]
  }
}
export const PLANS: Record<number, PlanSpec> = {
  5: {
    name: 'Nightly',
    tasks: [
      { name: 'Load', flowId: 7 },
      {
        name: 'Report',
        outputs: [{ recipeId: 80, name: 'Report', scenario: { durationMs: 100, finalStatus: 'Failed' } }]
      }
    ]
  }
}

export interface Answers {
  /** Every answer of each call, in the order they were asked. */
  byCall: Map<Call, unknown[]>
  /** Ids the answers name. */
  ids: { jobGroup: number; failed: number; canceled: number; flowRun: number; planRun: number; snapshot: number }
}

const SCENARIO = { durationMs: 100, stages: [{ jobType: 'wrangle' }, { jobType: 'filewriter' }] }

export async function gatherAnswers(options: EmulatorOptions = {}): Promise<Answers> {
  freezeDate(T0)
  const emulator = await startEmulator({
    flows: FLOWS,
    plans: PLANS,
    scenario: SCENARIO,
    scenarios: { 42: { ...SCENARIO, finalStatus: 'Failed' }, 1001: { durationMs: 60_000 } },
    ...options
  })
  const byCall = new Map<Call, unknown[]>()
  const ask = async (name: Call, method: string, path: string, body?: unknown): Promise<unknown> => {
    const answer = await call(emulator, method, path, { body })
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${answer.text}`)
    byCall.set(name, [...(byCall.get(name) ?? []), answer.json])
    return answer.json
  }
  const ids = await recipeCalls(ask)
  const at = (ms: number): void => {
    vi.setSystemTime(T0 + ms)
  }
  const flowRun = (await ask('POST /v4/flows/{id}/run', 'POST', '/v4/flows/7/run', {})) as { flowRunId: number }
  await ask('POST /v4/flows/{id}/run?runAsync=true', 'POST', '/v4/flows/7/run?runAsync=true', {})
  await ask('GET /v4/flowRuns/{id}/status', 'GET', `/v4/flowRuns/${flowRun.flowRunId}/status`)
  at(60)
  await ask('GET /v4/flowRuns/{id}/status', 'GET', `/v4/flowRuns/${flowRun.flowRunId}/status`)
  await ask(
    'GET /v4/flowRuns/{id}/jobGroups',
    'GET',
    `/v4/flowRuns/${flowRun.flowRunId}/jobGroups?embed=wrangledDataset`
  )
  const planRun = await planCalls(ask, at)
  return { byCall, ids: { ...ids, flowRun: flowRun.flowRunId, ...planRun } }
}

type Ask = (name: Call, method: string, path: string, body?: unknown) => Promise<unknown>

async function recipeCalls(ask: Ask): Promise<{ jobGroup: number; failed: number; canceled: number }> {
  const started = (await ask('POST /v4/jobGroups', 'POST', '/v4/jobGroups', { wrangledDataset: { id: 7 } })) as {
    id: number
  }
  const failed = (await ask('POST /v4/jobGroups', 'POST', '/v4/jobGroups', { wrangledDataset: { id: 42 } })) as {
    id: number
  }
  const long = (await ask('POST /v4/jobGroups', 'POST', '/v4/jobGroups', { wrangledDataset: { id: 1001 } })) as {
    id: number
  }
  await ask('GET /v4/jobGroups/{id}/status', 'GET', `/v4/jobGroups/${started.id}/status`)
  await ask('GET /v4/jobGroups/{id}/jobs', 'GET', `/v4/jobGroups/${started.id}/jobs`)
  vi.setSystemTime(T0 + 200)
  for (const id of [started.id, failed.id]) {
    await ask('GET /v4/jobGroups/{id}', 'GET', `/v4/jobGroups/${id}`)
    await ask('GET /v4/jobGroups/{id}/status', 'GET', `/v4/jobGroups/${id}/status`)
    await ask('GET /v4/jobGroups/{id}/jobs', 'GET', `/v4/jobGroups/${id}/jobs`)
  }
  await ask('GET /v4/jobGroups/{id}/outputs', 'GET', `/v4/jobGroups/${started.id}/outputs`)
  await ask('POST /v4/jobGroups/{id}/cancel', 'POST', `/v4/jobGroups/${long.id}/cancel`, {})
  const query = 'limit=100&sort=-createdAt&ranfor=recipe'
  await ask('GET /v4/jobLibrary', 'GET', `/v4/jobLibrary?${query}&dateFilter[createdAt][gte]=${T0 - 60_000}`)
  await ask('GET /v4/jobGroups', 'GET', `/v4/jobGroups?${query}`)
  return { jobGroup: started.id, failed: failed.id, canceled: long.id }
}

async function planCalls(ask: Ask, at: (ms: number) => void): Promise<{ planRun: number; snapshot: number }> {
  at(1000)
  const run = (await ask('POST /v4/plans/{id}/run', 'POST', '/v4/plans/5/run', {})) as { planSnapshotRunId: number }
  const id = run.planSnapshotRunId
  await ask('GET /v4/planSnapshotRuns/{id}', 'GET', `/v4/planSnapshotRuns/${id}`)
  at(1300)
  const ended = (await ask('GET /v4/planSnapshotRuns/{id}', 'GET', `/v4/planSnapshotRuns/${id}`)) as {
    plan: { id: number }
  }
  await ask('GET /v4/plans/{id}/full', 'GET', '/v4/plans/5/full')
  await ask('GET /v4/plans/{id}/full', 'GET', `/v4/plans/${ended.plan.id}/full?ensureOriginal=false`)
  const again = (await ask('POST /v4/plans/{id}/run', 'POST', '/v4/plans/5/run', {})) as { planSnapshotRunId: number }
  await ask(
    'POST /v4/planSnapshotRuns/{id}/cancel',
    'POST',
    `/v4/planSnapshotRuns/${again.planSnapshotRunId}/cancel`,
    {}
  )
  return { planRun: id, snapshot: ended.plan.id }
}
