// A dry run with job-id only reads the job group: it does not wait, cancel or start anything, also when a
// workflow cancel comes while it reads, and its result parses.
import { describe, expect, it } from 'vitest'
import { emulator, inputsFor, run } from '../support/e2e.ts'

describe('a dry run of a job-id', () => {
  it('a running job: read, not waited for, not cancelled, nothing started, no post-step claim', async () => {
    const e = await emulator()
    const id = e.createJobGroup(7, { durationMs: 600_000 })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'job-id': String(id), 'dry-run': 'true' }))
    expect(result.code).toBe(0)
    expect(result.durationMs).toBeLessThan(15_000)
    expect(e.requestsTo('POST', /./)).toEqual([])
    expect(e.requestsTo('PUT', /./)).toEqual([])
    expect(JSON.parse(result.outputs.result!).dryRun).toBe(true)
    expect(result.files.state).not.toMatch(/4100|job/i)
  })
})
