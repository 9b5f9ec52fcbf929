// Promise: never guess. A baseline named by id is compared with only when it can be one: not this run's own job
// group (a run compared with itself shows no change, so `max-row-change` would pass whatever the rows), and not a
// job group of another recipe (its outputs and columns are another table's).
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'

describe('a baseline given by id', () => {
  it("this run's own job group is no baseline: the gate that needs one fails, saying why", async () => {
    const e = await emulator({ scenario: { durationMs: 300 } })
    const result = await run(inputsFor(e, { 'quality-gate': 'max-row-change: 10%', baseline: '4100' }))
    expect(result.outputs['job-id']).toBe('4100')
    expect(result.code).toBe(1)
    expect(result.outputs.quality).toBe('failed')
    expect(errors(result)[0]).toContain("job 4100: no baseline; max-row-change: job group 4100 is this run's own")
    expect(result.summary).not.toContain('compared with job 4100')
  })

  it('a job group of another recipe is no baseline of this one', async () => {
    // The past run of recipe 42 is created first (job 4100); this run of recipe 7 is job 4101.
    const e = await emulator({ scenario: { durationMs: 300 }, pastRuns: { 42: [1000] } })
    const result = await run(inputsFor(e, { 'quality-gate': 'max-row-change: 10%', baseline: '4100' }))
    expect(result.outputs['job-id']).toBe('4101')
    expect(result.code).toBe(1)
    expect(errors(result)[0]).toContain('no baseline; max-row-change: job group 4100 ran recipe 42, not recipe 7')
    expect(result.summary).not.toContain('compared with job 4100')
  })
})
