// A job group stuck in the queue is named: with queue-timeout it fails with "still queued after …" and is
// cancelled as cancel-on-timeout says; without it, the heartbeat says how long it has been queued. The action's
// clock runs faster here (time-lapse.mjs), so minutes pass in seconds.
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run, warnings } from '../support/e2e.ts'
import { timeLapse } from './hostile/promises.ts'

const STUCK = { durationMs: 600_000, statuses: ['Created'] }
const cancels = (e: Awaited<ReturnType<typeof emulator>>) => e.requestsTo('POST', /\/cancel$/)

describe('queue-timeout', () => {
  it('a job group still Created at the queue timeout fails the step and is cancelled (cancel-on-timeout)', async () => {
    const e = await emulator({ scenario: STUCK })
    const result = await run(inputsFor(e, { 'queue-timeout': '40s', timeout: '1h' }), timeLapse(20))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(
      /Job 4100 was still queued after 40s \(queue-timeout; last status Created\)/
    )
    expect(errors(result).join('\n')).toContain('was cancelled (cancel-on-timeout)')
    expect(cancels(e)).toHaveLength(1)
    expect(result.outputs.status).toBe('Canceled')
    expect(result.durationMs).toBeLessThan(15_000)
  })

  it('with cancel-on-timeout false it is left queued, and the step says so', async () => {
    const e = await emulator({ scenario: STUCK })
    const inputs = { 'queue-timeout': '40s', 'cancel-on-timeout': 'false' }
    const result = await run(inputsFor(e, inputs), timeLapse(20))

    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toMatch(/still queued after 40s.*keeps running \(cancel-on-timeout is false\)/)
    expect(cancels(e)).toHaveLength(0)
  })

  it('a job group that leaves the queue in time runs to its end', async () => {
    const e = await emulator({ scenario: { durationMs: 4_000, statuses: ['Created', 'InProgress'] } })
    const result = await run(inputsFor(e, { 'queue-timeout': '60s' }), timeLapse(20))
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
  })

  it('without queue-timeout, the heartbeat says how long it has been queued', async () => {
    const e = await emulator({ scenario: { durationMs: 8_000, statuses: ['Created'] } })
    const result = await run(inputsFor(e, { 'max-poll-interval': '60s' }), timeLapse(50))

    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/Job 4100: Created after 5m\d\ds; queued for 5m\d\ds/)
  })

  it('for a flow it is ignored, with a warning (a running flow run reads Created)', async () => {
    const outputs = [{ recipeId: 7, name: 'Sales', scenario: { durationMs: 2_000 } }]
    const e = await emulator({ flows: { 5: { outputs } } })
    const result = await run({ ...inputsFor(e), 'recipe-id': '', 'flow-id': '5', 'queue-timeout': '1s' })
    expect(result.code).toBe(0)
    expect(warnings(result).join('\n')).toContain('queue-timeout is ignored for flow and plan runs')
  })
})
