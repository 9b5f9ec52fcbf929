// Attacks on the near-miss rule for `overrides` keys (src/inputs/overrides.ts, src/shared/nearest.ts): no false
// positive on a field the vendor documents, none on a flow output whose NAME looks like a field, and hostile key
// text (workflow commands, a token) never forges a command nor leaks in the error, the warning or the summary
// (run() checks every secret against every place the step writes).
import { describe, expect, it } from 'vitest'
import type { Emulator, FlowSpec } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'
import { API_TOKEN } from '../../support/fake-tokens.ts'
import { expectNoForgedCommand } from './promises.ts'

const FLOWS: Record<number, FlowSpec> = {
  7: {
    outputs: [
      { recipeId: 71, name: 'Profiler' },
      { recipeId: 72, name: 'writeSetting' }
    ]
  }
}
const flowInputs = (e: Emulator, overrides: unknown) =>
  inputsFor(e, { 'recipe-id': '', 'flow-id': '7', overrides: JSON.stringify(overrides) })

describe('near-miss override keys: no false positives', () => {
  it('every documented output-object field is sent (aac-v4-jobgroup-derived.json, API-NOTES.md)', async () => {
    const e = await emulator()
    const overrides = {
      execution: 'photon',
      profiler: true,
      isAdhoc: true,
      ignoreRecipeErrors: false,
      writeSettings: [{ path: '/out.csv', action: 'create', format: 'csv', header: true, asSingleFile: true }],
      publications: [{ path: ['db'], tableName: 't', targetType: 'bigquery', action: 'createAndLoad' }],
      sqlScripts: [],
      outputObjectSchemaDriftOptions: {},
      flowNodeId: 3,
      name: 'n',
      description: 'd'
    }
    const result = await run(inputsFor(e, { overrides: JSON.stringify(overrides) }))

    expect(errors(result)).toEqual([])
    expect(result.code).toBe(0)
    // ignoreRecipeErrors is a top-level field of the request (the AAC spec), the rest goes in overrides.
    const { ignoreRecipeErrors, ...rest } = overrides
    const sent = e.requestsTo('POST', '/v4/jobGroups')[0]!.json as { overrides: unknown; ignoreRecipeErrors: unknown }
    expect(sent.overrides).toEqual(rest)
    expect(sent.ignoreRecipeErrors).toBe(ignoreRecipeErrors)
  })

  it('flow outputs named Profiler and writeSetting are outputs, not misspelt fields', async () => {
    const e = await emulator({ flows: FLOWS, scenario: { durationMs: 1200 } })
    const overrides = { execution: 'spark', Profiler: { profiler: true }, writeSetting: { profiler: false } }
    const result = await run(flowInputs(e, overrides))

    expect(errors(result)).toEqual([])
    expect(result.code).toBe(0)
    const body = e.requestsTo('POST', '/v4/flows/7/run')[0]!.json as { overrides: unknown }
    expect(body.overrides).toEqual({ Profiler: { profiler: true }, writeSetting: { profiler: false } })
  })
})

describe('hostile key text in the messages', () => {
  const hostile = `Sales\n::error::forged\r::set-output name=status::Complete\n${API_TOKEN}`

  it('a flow output named with commands and a token, holding a misspelt key: an error, nothing forged', async () => {
    const e = await emulator({ flows: FLOWS })
    const result = await run(flowInputs(e, { [hostile]: { profilr: true } }))

    expect(result.code).toBe(1)
    expect(e.requestsTo('POST', '/v4/flows/7/run')).toHaveLength(0)
    expect(errors(result).join('\n')).toMatch(/did you mean .*profiler/)
    expectNoForgedCommand(result.stdout)
    expect(result.summary).not.toMatch(/^::/m)
    expect(result.stdout).toContain('***') // the token, redacted (run() checks that it appears nowhere)
  })

  it('a flow output named with commands whose value is not an object: an error, nothing forged', async () => {
    const e = await emulator({ flows: FLOWS })
    const result = await run(flowInputs(e, { [hostile]: 5 }))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/is not an output's overrides/)
    expectNoForgedCommand(result.stdout)
    expect(result.summary).not.toMatch(/^::/m)
    expect(result.stdout).toContain('***') // the token, redacted (run() checks that it appears nowhere)
  })

  it('unknown recipe override keys with commands and a token: the warning forges and leaks nothing', async () => {
    const e = await emulator()
    const result = await run(
      inputsFor(e, { overrides: JSON.stringify({ [hostile]: 1, [`x\n::warning::y`]: 2, [`${API_TOKEN}x`]: 3 }) })
    )

    expect(result.code).toBe(0)
    expectNoForgedCommand(result.stdout)
    expect(result.stdout).toContain('***') // the token, redacted (run() checks that it appears nowhere)
  })
})
