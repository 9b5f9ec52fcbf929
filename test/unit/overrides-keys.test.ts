// A misspelt overrides key would be passed on, ignored by the server, and the job would run without it: with a
// misspelt writesettings, a pull-request run would write the recipe's usual outputs, perhaps the production table.
// So a key that resembles a known one is an input error naming the known key; other unknown keys still pass on
// with a warning. Both spellings the vendor uses, writesettings and writeSettings, stay known.
import { describe, expect, it } from 'vitest'
import { parseFlowOverrides } from '../../src/inputs/flow-inputs.ts'
import { parseOverrides } from '../../src/inputs/overrides.ts'
import { closest, editDistance, resembling } from '../../src/shared/nearest.ts'
import { API_TOKEN } from '../support/fake-tokens.ts'
import { inputParser } from '../support/parse-inputs.ts'

const { errorsOf } = inputParser({ 'api-url': 'https://api.clouddataprep.com', 'api-token': API_TOKEN })

describe('overrides keys that resemble a known one', () => {
  it.each([
    ['{"writeSetting": []}', 'writeSetting', 'writeSettings'],
    ['{"writesetting": []}', 'writesetting', 'writesettings'],
    ['{"profilr": false}', 'profilr', 'profiler'],
    ['{"Publications": []}', 'Publications', 'publications'],
    ['{"Execution": "photon"}', 'Execution', 'execution'],
    ['{"exection": "photon"}', 'exection', 'execution'],
    ['{"isAdHoc": true}', 'isAdHoc', 'isAdhoc'],
    ['write_settings: []', 'write_settings', 'writesettings'],
    ['{"sparkOption": {}}', 'sparkOption', 'sparkOptions']
  ])('%s is an input error naming the key it resembles', (text, key, known) => {
    expect(() => parseOverrides(text)).toThrow(`unknown key '${key}' (did you mean '${known}'?)`)
    expect(() => parseOverrides(text)).toThrow(/nothing was sent\.$/)
  })

  it('an error of the overrides input, reported with the other inputs before anything is sent', () => {
    const errors = errorsOf({ 'recipe-id': '7', overrides: '{"profilr": false, "writeSetting": []}' })
    expect(errors.map((e) => e.input)).toEqual(['overrides'])
    expect(errors[0]!.message).toBe(
      "Input 'overrides': unknown keys 'profilr' (did you mean 'profiler'?), 'writeSetting' (did you mean " +
        "'writeSettings'?): the server ignores a key it does not know, and the job would run without it (with its " +
        'usual outputs, for a misspelt writesettings). Fix the spelling; nothing was sent.'
    )
  })

  it("in a flow output's overrides too, named with the output", () => {
    expect(() => parseFlowOverrides('{"Sales by region": {"writesetting": []}}', [])).toThrow(
      "unknown key 'Sales by region.writesetting' (did you mean 'Sales by region.writesettings'?)"
    )
  })

  it('the known keys, both spellings of writesettings among them, pass without a warning', () => {
    const warnings: string[] = []
    const text = JSON.stringify({
      execution: 'photon',
      profiler: true,
      writesettings: [{ path: 'gs://b/a.csv', action: 'create' }],
      writeSettings: [{ path: 'gs://b/b.csv', action: 'create' }],
      publications: [],
      isAdhoc: true,
      ignoreRecipeErrors: false,
      sqlScripts: [],
      sparkOptions: [],
      schemaDriftOptions: {}
    })
    expect(Object.keys(parseOverrides(text, warnings))).toHaveLength(10)
    expect(warnings).toEqual([])
  })

  it('other unknown keys still pass on with one warning', () => {
    const warnings: string[] = []
    expect(parseOverrides('{"custom": 1, "webhooks": [], "outputs": []}', warnings)).toEqual({
      custom: 1,
      webhooks: [],
      outputs: []
    })
    expect(warnings).toEqual(["overrides: 3 unknown keys 'custom', 'webhooks', 'outputs' passed on as given."])
  })
})

describe('nearest words', () => {
  it('resembling: case ignored, 1 edit under 8 letters, 2 edits from 8 on; never a known word itself', () => {
    const known = ['execution', 'isAdhoc', 'writeSettings', 'writesettings']
    expect(resembling('ISADHOC', known)).toBe('isAdhoc')
    expect(resembling('isAdhc', known)).toBe('isAdhoc')
    expect(resembling('isAdhc2', known)).toBeUndefined()
    expect(resembling('execuion2', known)).toBe('execution')
    expect(resembling('exec', known)).toBeUndefined()
    expect(resembling('writeSettings', known)).toBeUndefined()
    expect(resembling('WriteSettings', known)).toBe('writeSettings')
  })

  it('closest suggests within 3 edits, as typed; editDistance is Levenshtein', () => {
    expect(closest('profile_r', ['profiler'])).toBe('profiler')
    expect(closest('banana', ['profiler'])).toBeUndefined()
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
  })
})
