// A long stage error is cut to size for the result, the summary and the log: a token that straddles the cut must
// go whole, not leave its first half behind.
import { describe, expect, it } from 'vitest'
import { API_TOKEN } from '../../support/fake-tokens.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'

describe('a stage error cut in the middle of a token', () => {
  it.each([1990, 1995, 3990, 195])('token at %i: no piece of it anywhere', async (at) => {
    const errorMessage = `${'x'.repeat(at)}${API_TOKEN} ${'y'.repeat(5000)}`
    const e = await emulator({
      scenario: { durationMs: 900, finalStatus: 'Failed', stages: [{ jobType: 'wrangle', errorMessage }] }
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(() => JSON.parse(result.outputs.result!)).not.toThrow()
    const all = [result.stdout.replace(/^::add-mask::.*$/gm, ''), result.stderr, result.summary, result.files.output]
    for (const text of all) expect(text).not.toContain(API_TOKEN.slice(0, 6))
  })
})
