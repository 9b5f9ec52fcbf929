import { describe, expect, it } from 'vitest'
import { waitForJobGroup } from '../../src/run/waiter.ts'
import { FakeClock } from '../support/fake-clock.ts'

const MIN = 60_000
const QUEUED = ['Created', 'Pending', 'Queued']

/** A job that is queued (`queuedMs`), then runs until `endMs`. */
function wait(clock: FakeClock, queuedMs: number, endMs: number, queueTimeoutMs?: number) {
  const start = clock.now()
  return waitForJobGroup({
    readStatus: async () => {
      const t = clock.now() - start
      return t >= endMs ? 'Complete' : t < queuedMs ? 'Pending' : 'InProgress'
    },
    clock,
    startedAt: start,
    deadline: start + 6 * 60 * MIN,
    minDelayMs: 2_000,
    maxDelayMs: 60_000,
    random: () => 0,
    queue:
      queueTimeoutMs === undefined
        ? undefined
        : { isQueued: (s) => QUEUED.includes(s), deadline: start + queueTimeoutMs }
  })
}

describe('queue-timeout', () => {
  it('a run still queued at the queue timeout ends the wait then, not a poll later', async () => {
    const clock = new FakeClock()
    const start = clock.now()
    const outcome = await wait(clock, Infinity, Infinity, 10 * MIN)
    expect(outcome).toEqual({ kind: 'queued', status: 'Pending' })
    expect(clock.now() - start).toBe(10 * MIN)
  })

  it('a run that left the queue in time is waited for to its end', async () => {
    const clock = new FakeClock()
    const outcome = await wait(clock, 3 * MIN, 20 * MIN, 5 * MIN)
    expect(outcome).toEqual({ kind: 'terminal', status: 'Complete' })
  })

  it('without a queue timeout, a long queue is waited out', async () => {
    const clock = new FakeClock()
    const outcome = await wait(clock, 30 * MIN, 40 * MIN)
    expect(outcome).toEqual({ kind: 'terminal', status: 'Complete' })
  })
})
