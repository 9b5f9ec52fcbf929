import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { nextPollDelay, waitForJobGroup } from '../../src/run/waiter.ts'
import { FakeClock } from '../support/fake-clock.ts'

describe('nextPollDelay', () => {
  it('is the poll interval early on, about 10% of the elapsed time later, and the maximum at last', () => {
    const noJitter = (): number => 0
    expect(nextPollDelay(0, 2000, 60_000, noJitter)).toBe(2000)
    expect(nextPollDelay(10_000, 2000, 60_000, noJitter)).toBe(2000)
    expect(nextPollDelay(100_000, 2000, 60_000, noJitter)).toBe(10_000)
    expect(nextPollDelay(3_600_000, 2000, 60_000, noJitter)).toBe(60_000)
  })

  it('jitter only shortens the delay, by at most 2%', () => {
    expect(nextPollDelay(100_000, 2000, 60_000, () => 0.999999)).toBe(9800)
  })

  it('property: always within [min, max] and never more than max(min, 10% of elapsed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 48 * 3600_000 }),
        fc.integer({ min: 1000, max: 120_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (elapsed, min, extra, r) => {
          const max = min + extra
          const d = nextPollDelay(elapsed, min, max, () => r)
          expect(d).toBeGreaterThanOrEqual(min)
          expect(d).toBeLessThanOrEqual(max)
          expect(d).toBeLessThanOrEqual(Math.max(min, Math.round(elapsed * 0.1)))
        }
      )
    )
  })
})

describe('waitForJobGroup', () => {
  function job(
    runMs: number,
    clock: FakeClock,
    statuses: (t: number) => string = (t) => (t < 2000 ? 'Created' : 'InProgress')
  ) {
    const start = clock.now()
    let reads = 0
    return {
      get reads() {
        return reads
      },
      readStatus: async () => {
        reads++
        const t = clock.now() - start
        return t >= runMs ? 'Complete' : statuses(t)
      }
    }
  }

  it('returns the terminal status, noticed within max(poll, 10% of the run time)', async () => {
    for (const runMs of [20_000, 120_000, 600_000, 3_600_000]) {
      const clock = new FakeClock()
      const j = job(runMs, clock)
      const start = clock.now()
      const outcome = await waitForJobGroup({
        readStatus: j.readStatus,
        clock,
        startedAt: start,
        deadline: start + 6 * 3600_000,
        minDelayMs: 2000,
        maxDelayMs: 60_000
      })
      expect(outcome).toEqual({ kind: 'terminal', status: 'Complete' })
      expect(clock.now() - start - runMs).toBeLessThanOrEqual(Math.max(2000, runMs * 0.1))
    }
  })

  it('keeps waiting through Created, Pending, Queued and unknown statuses, reporting an unknown one once', async () => {
    const clock = new FakeClock()
    const seq = ['Created', 'Pending', 'Queued', 'Paused', 'Paused', 'InProgress', 'Failed']
    let i = 0
    const unknown: string[] = []
    const changes: string[] = []
    const outcome = await waitForJobGroup({
      readStatus: async () => seq[Math.min(i++, seq.length - 1)]!,
      clock,
      startedAt: clock.now(),
      deadline: clock.now() + 3600_000,
      minDelayMs: 1000,
      maxDelayMs: 5000,
      onStatus: (s, changed) => void (changed && changes.push(s)),
      onUnknownStatus: (s) => unknown.push(s)
    })
    expect(outcome).toEqual({ kind: 'terminal', status: 'Failed' })
    expect(changes).toEqual(['Created', 'Pending', 'Queued', 'Paused', 'InProgress', 'Failed'])
    expect(unknown).toEqual(['Paused'])
  })

  it('times out with the last status, checking once more at the deadline and never after it', async () => {
    const clock = new FakeClock()
    const start = clock.now()
    const j = job(10 * 3600_000, clock)
    const outcome = await waitForJobGroup({
      readStatus: j.readStatus,
      clock,
      startedAt: start,
      deadline: start + 90_000,
      minDelayMs: 2000,
      maxDelayMs: 60_000
    })
    expect(outcome).toEqual({ kind: 'timeout', status: 'InProgress' })
    expect(clock.now()).toBe(start + 90_000)
  })

  it('stops at once when aborted, with the last status', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    let reads = 0
    const outcome = await waitForJobGroup({
      readStatus: async () => {
        if (++reads === 3) controller.abort(new Error('SIGINT'))
        return 'InProgress'
      },
      clock,
      startedAt: clock.now(),
      deadline: clock.now() + 3600_000,
      minDelayMs: 1000,
      maxDelayMs: 5000,
      signal: controller.signal
    })
    expect(outcome).toEqual({ kind: 'aborted', status: 'InProgress' })
    expect(reads).toBe(3)
  })

  it('ends with the error when reading the status fails for good', async () => {
    const clock = new FakeClock()
    await expect(
      waitForJobGroup({
        readStatus: async () => {
          throw new Error('401 Unauthorized')
        },
        clock,
        startedAt: clock.now(),
        deadline: clock.now() + 60_000,
        minDelayMs: 1000,
        maxDelayMs: 5000
      })
    ).rejects.toThrow('401 Unauthorized')
  })
})
