// logs: never sends no logs request, whatever the kind of run: a recipe, a flow, a plan, an attached job-id.
import { describe, expect, it } from 'vitest'
import type { Emulator, JobScenario } from '../../emulator/index.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'

const FAILED: JobScenario = {
  durationMs: 900,
  finalStatus: 'Failed',
  stages: [{ jobType: 'wrangle', errorMessage: 'Boom', log: ['ERROR boom'] }],
  logArchive: { entries: [{ name: 'x.log', text: 'ERROR boom' }] }
}
const logsRequests = (e: Emulator) => e.requestsTo('GET', /\/logs(\?|$)/)

describe('logs: never on every kind of run', () => {
  it('a flow, a plan and an attached job-id, all failing: no logs request', async () => {
    const e = await emulator({
      scenario: FAILED,
      flows: { 7: { outputs: [{ recipeId: 71, name: 'Sales', scenario: FAILED }] } },
      plans: { 5: { tasks: [{ name: 'Load', outputs: [{ recipeId: 72, name: 'Load' }] }] } }
    })
    const id = e.createJobGroup(7, FAILED)
    const targets: Record<string, string>[] = [
      { 'recipe-id': '', 'flow-id': '7' },
      { 'recipe-id': '', 'plan-id': '5' },
      { 'recipe-id': '', 'job-id': String(id) },
      {}
    ]
    for (const target of targets) {
      const result = await run(
        inputsFor(e, {
          ...target,
          logs: 'never'
        })
      )
      expect(result.code, JSON.stringify(target)).toBe(1)
      expect(() => JSON.parse(result.outputs.result!)).not.toThrow()
    }
    expect(logsRequests(e)).toEqual([])
  })
})
