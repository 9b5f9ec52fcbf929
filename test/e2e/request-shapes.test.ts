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
