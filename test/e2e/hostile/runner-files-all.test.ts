// Promise: a started run is always supervised, whatever fails around it. With every runner file failing at once
// (GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY on a full disk), the step still waits for the run, cancels it
// on a timeout, and the data-quality gate still fails the step with its own title.
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run } from '../../support/e2e.ts'
import { expectPromisesKept } from './promises.ts'

const FULL = '/dev/full'
const ALL_FULL = { GITHUB_OUTPUT: FULL, GITHUB_STATE: FULL, GITHUB_STEP_SUMMARY: FULL }

describe.skipIf(!existsSync(FULL))('every runner file on a full disk', () => {
  it('a timeout: the job is cancelled; the error names the files and never says "could not start"', async () => {
    const e = await emulator({ scenario: { durationMs: 120_000, statuses: ['InProgress'] } })
    const result = await run(inputsFor(e, { timeout: '3s' }), { env: ALL_FULL })

    expect(result.code).toBe(1)
    expect(e.requestsTo('POST', /^\/v4\/jobGroups\/4100\/cancel$/)).toHaveLength(1)
    const said = errors(result).join('\n')
    expect(said).toContain('GITHUB_OUTPUT')
    expect(said).toContain('GITHUB_STEP_SUMMARY')
    expect(said).not.toMatch(/could not start/i)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  }, 60_000)

  it('a gate the data breaks: the step fails as "Data quality gate failed", naming the check', async () => {
    const e = await emulator({ scenario: { durationMs: 1000 } })
    const result = await run(inputsFor(e, { 'quality-gate': 'min-rows: 5000' }), { env: ALL_FULL })

    expect(result.code).toBe(1)
    const said = errors(result).join('\n')
    expect(said).toMatch(/^::error title=Data quality gate failed::job 4100: 1000 rows; min-rows: 5000/m)
    expect(said).toContain('GITHUB_OUTPUT')
    expect(said).not.toMatch(/could not start/i)
    expectPromisesKept(e, result, { ownJobGroups: 1, triggers: 1 })
  }, 60_000)
})
