// The built action sends ignoreRecipeErrors where the AAC spec has it, and tells a failed stage whose
// errorMessage is an object (the spec's type) in words: its message, else its plain fields, never raw JSON.
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run } from '../support/e2e.ts'

describe('a recipe run', () => {
  it("sends ignoreRecipeErrors at the request's top level", async () => {
    const e = await emulator({ scenario: { durationMs: 800 } })
    const result = await run(inputsFor(e, { overrides: 'ignoreRecipeErrors: true\nexecution: photon' }))

    expect(result.code).toBe(0)
    const [group] = e.jobGroups()
    expect(group).toMatchObject({ ignoreRecipeErrors: true, overrides: { execution: 'photon' } })
    expect(group!.overrides).not.toHaveProperty('ignoreRecipeErrors')
  })

  it.each([
    [{ message: 'Column "price" is not numeric' }, 'Stage wrangle failed: "Column "price" is not numeric"'],
    [{ code: 'E42', nested: { line: 3 } }, 'Stage wrangle failed: "code: E42"']
  ])('fails naming the stage error %j in words', async (errorObject, expected) => {
    const stages = [{ jobType: 'wrangle', errorObject }, { jobType: 'filewriter' }]
    const e = await emulator({ scenario: { durationMs: 800, finalStatus: 'Failed', stages } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain(expected)
    expect(result.summary + result.stdout).not.toMatch(/\[object Object\]|\{"(code|message)"/)
  })
})

describe('answers in other shapes the references show', () => {
  it('a job group whose status reads "undefined" for a while is waited on until it completes', async () => {
    const e = await emulator({ scenario: { durationMs: 2500, statuses: ['Created', 'undefined', 'InProgress'] } })
    const result = await run(inputsFor(e))

    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
  })

  it('a runFlow answer given as a plain list of job groups: the action follows those job groups', async () => {
    const flows = { 7: { outputs: [{ recipeId: 71, name: 'Sales' }] } }
    const e = await emulator({ flows, scenario: { durationMs: 800 } })
    e.addFault({
      method: 'POST',
      path: '/v4/flows/7/run',
      action: { kind: 'status', status: 201, body: [{ id: 4100, reason: 'JobStarted' }], act: true }
    })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'flow-id': '7' }))

    expect(result.code).toBe(0)
    expect(result.outputs['job-ids']).toBe('[4100]')
  })
})
