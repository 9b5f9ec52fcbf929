// Promise: every kind of run reads its status with the same tolerance. For flows and plans as for recipes, a status
// that is no string, empty or null, and a 404 on a job group this step created within 60 s, are transient; a
// route that answered 404 once is asked again later; and a run that started is never titled "could not start".
import { describe, expect, it } from 'vitest'
import type { Emulator, EmulatorOptions, Fault } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { expectPromisesKept, timeLapse } from './promises.ts'

const FLOW_STATUS = /^\/v4\/flowRuns\/\d+\/status$/
const PLAN_RUN = /^\/v4\/planSnapshotRuns\/\d+$/
const LONG = { durationMs: 600_000, statuses: ['InProgress'] }
const FLOWS = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Orders' },
      { recipeId: 72, name: 'Regions' }
    ]
  }
}
const PLANS = { 5: { name: 'Nightly', tasks: [{ name: 'Load', flowId: 7 }] } }

const flowsAndPlans = (options: EmulatorOptions = {}): Promise<Emulator> =>
  emulator({ flows: FLOWS, plans: PLANS, scenario: { durationMs: 2500, statuses: ['InProgress'] }, ...options })
const flowInputs = (e: Emulator, extra: Record<string, string> = {}) =>
  inputsFor(e, { 'recipe-id': '', 'flow-id': '7', ...extra })
const planInputs = (e: Emulator, extra: Record<string, string> = {}) =>
  inputsFor(e, { 'recipe-id': '', 'plan-id': '5', ...extra })
const cancels = (e: Emulator) => e.requestsTo('POST', /\/cancel$/)
/** Job groups a flow or plan run created: all of origin 'api', as many as its outputs. */
const own = (count: number) => ({ ownJobGroups: count })

describe('a status that cannot be read, once', () => {
  it.each<[string, 'flow' | 'plan', RegExp | string, unknown]>([
    ['flow run, {}', 'flow', FLOW_STATUS, {}],
    ['flow run, ""', 'flow', FLOW_STATUS, ''],
    ['flow run, null', 'flow', FLOW_STATUS, null],
    ['flow run, 42', 'flow', FLOW_STATUS, 42],
    ['plan run, status null', 'plan', PLAN_RUN, { id: 3001, status: null }],
    ['plan run, no status', 'plan', PLAN_RUN, { id: 3001 }],
    ['plan run, status ""', 'plan', PLAN_RUN, { id: 3001, status: '' }]
  ])(
    '%s: the wait goes on to Complete, nothing is cancelled',
    async (_name, kind, path, body) => {
      const fault: Fault = { method: 'GET', path, after: 1, action: { kind: 'status', status: 200, body } }
      const e = await flowsAndPlans({ faults: [fault] })
      const result = await run(kind === 'flow' ? flowInputs(e) : planInputs(e))

      expect(result.code).toBe(0)
      expect(result.outputs.status).toBe('Complete')
      expect(errors(result)).toEqual([])
      expect(warnings(result), 'no "unknown status" warning').toEqual([])
      expect(cancels(e)).toHaveLength(0)
      expectPromisesKept(e, result, own(2))
    },
    60_000
  )
})

describe('404 right after creation', () => {
  it('no flow-run status call, and job groups unknown for 2.5 s: the flow is followed to Complete', async () => {
    const e = await flowsAndPlans({
      faults: [
        { method: 'GET', path: FLOW_STATUS, times: Infinity, action: { kind: 'status', status: 404 } },
        {
          method: 'GET',
          path: /^\/v4\/jobGroups\/\d+/,
          times: Infinity,
          action: { kind: 'not-found-while-new', ms: 2500 }
        }
      ]
    })
    const result = await run(flowInputs(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(errors(result)).toEqual([])
    expect(cancels(e)).toHaveLength(0)
    expectPromisesKept(e, result, own(2))
  }, 60_000)

  it('one 404 from the flow-run status call: it is asked again later', async () => {
    const e = await flowsAndPlans({
      scenario: { durationMs: 10_000, statuses: ['InProgress'] },
      faults: [{ method: 'GET', path: FLOW_STATUS, action: { kind: 'status', status: 404 } }]
    })
    const result = await run(flowInputs(e, { 'poll-interval': '1s', 'max-poll-interval': '1s' }))

    expect(result.code).toBe(0)
    const statusReads = e.requestsTo('GET', FLOW_STATUS)
    expect(statusReads[0]!.status).toBe(404)
    expect(statusReads.filter((r) => r.status === 200).length, 'flow-run status reads after the 404').toBeGreaterThan(0)
    expectPromisesKept(e, result, own(2))
  }, 60_000)

  it('a plan snapshot run unknown for 2.5 s after it started: it is followed to Complete', async () => {
    const e = await flowsAndPlans({
      faults: [{ method: 'GET', path: PLAN_RUN, times: Infinity, action: { kind: 'not-found-while-new', ms: 2500 } }]
    })
    const result = await run(planInputs(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(cancels(e)).toHaveLength(0)
    expectPromisesKept(e, result, own(2))
  }, 60_000)
})

describe('a plan that started, whose status reads then fail', () => {
  it('is not titled "could not start": the wait failed, plan-run-id is set, and it is cancelled', async () => {
    const e = await flowsAndPlans({
      scenario: LONG,
      faults: [
        { method: 'GET', path: PLAN_RUN, times: Infinity, action: { kind: 'status', status: 500 } },
        // Its tasks cannot be read either: nothing names a job group of it.
        { method: 'GET', path: /^\/v4\/plans\/\d+\/full$/, times: Infinity, action: { kind: 'status', status: 500 } }
      ]
    })
    // 100 times faster: the 5-minute persistence window passes in 3 s.
    const result = await run(planInputs(e, { timeout: '6h' }), timeLapse(100))

    expect(result.code).toBe(1)
    expect(result.outputs['plan-run-id']).toBe('3001')
    const said = errors(result).join('\n')
    expect(said).not.toMatch(/could not start/i)
    expect(said).toMatch(/::error title=Plan 5%3A API error::/)
    expect(said).toMatch(/Waiting for plan 5 failed/)
    expect(result.summary).not.toMatch(/could not start/i)
    expect(e.requestsTo('POST', '/v4/planSnapshotRuns/3001/cancel')).toHaveLength(1)
    expectPromisesKept(e, result, own(2))
  }, 60_000)
})
