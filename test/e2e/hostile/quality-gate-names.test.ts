// Promise: text goes everywhere neutralised, the gate's own column names too. A column named in the gate that no
// output has is a failing check naming it: a name with a line break and a workflow command forges no command, and
// the summary stays safe.
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'
import { expectNoForgedCommand, expectSafeSummary } from './promises.ts'

describe('hostile column names in the gate', () => {
  it('a name with a line break and ::error:: forges nothing', async () => {
    const e = await emulator({ scenario: { durationMs: 500 } })
    const gate = JSON.stringify({ columns: { 'x\n::error::forged\r\n<img src=x>': { missing: 0 } } })
    const result = await run(inputsFor(e, { 'quality-gate': gate }))

    expect(result.code).toBe(1)
    expect(errors(result)[0]).toMatch(/^::error title=Data quality gate failed::/)
    expect(errors(result)[0]).toContain('no such column')
    expectNoForgedCommand(result.stdout)
    expectSafeSummary(result.summary, [e.url])
    expect(result.summary).not.toContain('<img')
  }, 60_000)
})
