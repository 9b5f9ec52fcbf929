// A stage's error that quotes the token cut by a line break keeps neither half in anything the step writes.
import { describe, expect, it } from 'vitest'
import { API_TOKEN } from '../../support/fake-tokens.ts'
import { emulator, inputsFor, run } from '../../support/e2e.ts'

describe('a stage error with the token cut by a line break', () => {
  it('neither half reaches the log, the summary or the outputs', async () => {
    const half = Math.floor(API_TOKEN.length / 2)
    const errorMessage = `Bearer ${API_TOKEN.slice(0, half)}\n${API_TOKEN.slice(half)} was refused`
    const e = await emulator({
      scenario: { durationMs: 900, finalStatus: 'Failed', stages: [{ jobType: 'wrangle', errorMessage }] }
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    const all = [result.stdout.replace(/^::add-mask::.*$/gm, ''), result.stderr, result.summary, result.files.output]
    for (const part of [API_TOKEN.slice(0, half), API_TOKEN.slice(half)]) {
      for (const text of all) expect(text).not.toContain(part)
    }
  })
})
