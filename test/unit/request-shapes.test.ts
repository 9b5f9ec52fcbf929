// The request's fields where the AAC spec has them, and a stage error given as an object, told in words.
import { describe, expect, it } from 'vitest'
import { buildRunJobGroupRequest } from '../../src/api/job-request.ts'
import { checkOverrides } from '../../src/inputs/overrides.ts'
import { errorText } from '../../src/report/summary.ts'

describe('ignoreRecipeErrors of a recipe run', () => {
  it("goes to the request's top level, not into overrides", () => {
    expect(buildRunJobGroupRequest(7, { ignoreRecipeErrors: true, execution: 'photon' }, [])).toEqual({
      wrangledDataset: { id: 7 },
      ignoreRecipeErrors: true,
      overrides: { execution: 'photon' }
    })
    expect(buildRunJobGroupRequest(7, { ignoreRecipeErrors: false }, [])).toEqual({
      wrangledDataset: { id: 7 },
      ignoreRecipeErrors: false
    })
  })

  it('must be true or false', () => {
    expect(() => checkOverrides({ ignoreRecipeErrors: 'yes' }, [])).toThrow(
      "'ignoreRecipeErrors' must be true or false"
    )
  })
})

describe('errorText', () => {
  it('tells a stage error object by its message, else by its plain fields, never as JSON', () => {
    expect(errorText({ message: 'Bad column' })).toBe('Bad column')
    expect(errorText({ details: 'Disk full', code: 7 })).toBe('Disk full')
    expect(errorText({ code: 'E42', line: 3, nested: { a: 1 } })).toBe('code: E42, line: 3')
    expect(errorText({ nested: { a: 1 } })).toBe('an error without a message')
    expect(errorText('plain')).toBe('plain')
    expect(errorText(null)).toBe('')
  })
})
