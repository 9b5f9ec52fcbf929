import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { backoff, earlyCap, nextDelay, windowOf, type ScheduleBounds } from '../../src/run/schedule.ts'
import type { ExpectedEnd } from '../../src/targets/past-runs.ts'

const BOUNDS: ScheduleBounds = { minMs: 2_000, maxMs: 60_000 }
const noJitter = (): number => 0
const HOUR = 3_600_000

/** The check times of a schedule from 0 until a run that ends at `endMs` is seen ended, and how late that was. */
function checks(endMs: number, expected?: ExpectedEnd, schedule: 'history' | 'backoff' | 'fixed' = 'history') {
  const times = [0]
  while (times.at(-1)! <= endMs)
    times.push(times.at(-1)! + nextDelay(schedule, times.at(-1)!, BOUNDS, expected, noJitter))
  return { times, requests: times.length, latenessMs: times.at(-1)! - endMs }
}

describe('the backoff schedule (no history)', () => {
  it('is the poll interval early on, about 10% of the elapsed time later, and max-poll-interval at last', () => {
    expect(nextDelay('backoff', 0, BOUNDS, undefined, noJitter)).toBe(2_000)
    expect(nextDelay('backoff', 100_000, BOUNDS, undefined, noJitter)).toBe(10_000)
    expect(nextDelay('backoff', HOUR, BOUNDS, undefined, noJitter)).toBe(60_000)
  })

  it('is what the history schedule does without a history, or with one that cannot be used', () => {
    for (const expected of [undefined, { centreMs: NaN, spreadMs: 1 }, { centreMs: -5, spreadMs: 1_000 }]) {
      for (const elapsed of [0, 30_000, 900_000, HOUR]) {
        expect(nextDelay('history', elapsed, BOUNDS, expected, noJitter)).toBe(backoff(elapsed, BOUNDS))
      }
    }
  })

  it('jitter only shortens a delay, by at most 2%, never below the poll interval', () => {
    expect(nextDelay('backoff', 100_000, BOUNDS, undefined, () => 0.999999)).toBe(9_800)
    expect(nextDelay('backoff', 0, BOUNDS, undefined, () => 0.999999)).toBe(2_000)
  })
})

describe('the fixed schedule', () => {
  it('checks every poll-interval, however long the run', () => {
    for (const elapsed of [0, 90_000, 5 * HOUR]) expect(nextDelay('fixed', elapsed, BOUNDS)).toBe(2_000)
  })
})

describe('the history schedule', () => {
  const hour: ExpectedEnd = { centreMs: HOUR, spreadMs: 180_000 }

  it('sleeps long before the expected end of an hour-long run and checks densely around it', () => {
    const { times, requests, latenessMs } = checks(HOUR + 17_000, hour)
    const gaps = times.slice(1).map((t, i) => t - times[i]!)
    expect(Math.max(...gaps)).toBe(300_000) // five-minute sleeps, long before the end
    const nearEnd = gaps.filter((_, i) => times[i]! > HOUR - 120_000)
    expect(Math.max(...nearEnd)).toBeLessThan(25_000)
    expect(latenessMs).toBeLessThan(25_000)
    expect(requests).toBeLessThan(60)
    expect(checks(HOUR + 17_000, undefined, 'backoff').requests).toBeGreaterThan(90)
  })

  it('notices a run that fails early within max(poll-interval, 25% of its elapsed time, 5 minutes)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 * HOUR }), fc.integer({ min: 60_000, max: 4 * HOUR }), (end, centre) => {
        const expected = { centreMs: centre, spreadMs: centre * 0.05 }
        const { latenessMs } = checks(end, expected)
        expect(latenessMs).toBeLessThanOrEqual(Math.max(2_000, Math.min(end * 0.25, 300_000)) + 1)
      }),
      { numRuns: 200 }
    )
  })

  it('past the window falls back to the backoff rule, so a history that was too short still has its bound', () => {
    const short: ExpectedEnd = { centreMs: 20 * 60_000, spreadMs: 60_000 }
    const past = windowOf(short).endMs + 1
    for (const elapsed of [past, 40 * 60_000, 3 * HOUR]) {
      expect(nextDelay('history', elapsed, BOUNDS, short, noJitter)).toBe(backoff(elapsed, BOUNDS))
    }
    const { latenessMs } = checks(HOUR, short)
    expect(latenessMs).toBeLessThanOrEqual(60_000)
  })

  it('waits at least poll-interval, at most the early cap, and in the window at most max-poll-interval', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 * HOUR }),
        fc.integer({ min: 1, max: 10 * HOUR }),
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (elapsed, centre, share, r) => {
          const expected = { centreMs: centre, spreadMs: Math.max(1_000, centre * share) }
          const d = nextDelay('history', elapsed, BOUNDS, expected, () => r)
          expect(d).toBeGreaterThanOrEqual(2_000)
          expect(d).toBeLessThanOrEqual(Math.ceil(earlyCap(elapsed, BOUNDS)))
          if (elapsed >= windowOf(expected).startMs) expect(d).toBeLessThanOrEqual(60_000)
          if (elapsed >= centre) expect(d).toBeLessThanOrEqual(Math.ceil(backoff(elapsed + d, BOUNDS)))
        }
      ),
      { numRuns: 500 }
    )
  })

  it('an absurd history (a week, or a millisecond) keeps every delay within its bounds', () => {
    for (const expected of [
      { centreMs: 7 * 86_400_000, spreadMs: 1e9 },
      { centreMs: 1, spreadMs: 1_000 }
    ]) {
      for (const elapsed of [0, 1_000, 60_000, HOUR, 30 * HOUR]) {
        const d = nextDelay('history', elapsed, BOUNDS, expected, noJitter)
        expect(d).toBeGreaterThanOrEqual(2_000)
        expect(d).toBeLessThanOrEqual(Math.max(2_000, Math.min(elapsed * 0.25, 300_000)))
      }
    }
  })

  it('a run of about 75 s that ends as its past runs did is seen ended within a few seconds, in few requests', () => {
    const expected = { centreMs: 75_000, spreadMs: 3_750 }
    for (const end of [71_000, 75_000, 79_000]) {
      const { requests, latenessMs } = checks(end, expected)
      expect(latenessMs).toBeLessThanOrEqual(5_000)
      expect(requests).toBeLessThanOrEqual(20)
    }
  })
})
