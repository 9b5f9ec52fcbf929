import { describe, expect, it } from 'vitest'
import { expectedEnd } from '../../src/targets/past-runs.ts'

const MIN = 60_000

describe('expectedEnd', () => {
  it('needs at least three usable past runs', () => {
    expect(expectedEnd([])).toBeUndefined()
    expect(expectedEnd([5 * MIN, 5 * MIN])).toBeUndefined()
    expect(expectedEnd([5 * MIN, 5 * MIN, NaN, -1, 0, Infinity])).toBeUndefined()
    expect(expectedEnd([5 * MIN, 5 * MIN, 5 * MIN])).toBeDefined()
  })

  it('takes the median, so that one run three times as long does not move the window', () => {
    const runs = [10, 10.5, 9.5, 30, 10.2, 9.8].map((m) => m * MIN)
    const end = expectedEnd(runs)!
    expect(end.centreMs).toBeGreaterThan(9.8 * MIN)
    expect(end.centreMs).toBeLessThan(10.5 * MIN)
    expect(end.spreadMs).toBeLessThan(MIN)
  })

  it('uses the ten most recent runs only (they come most recent first)', () => {
    const recent = Array.from({ length: 10 }, () => 2 * MIN)
    const older = Array.from({ length: 20 }, () => 50 * MIN)
    expect(expectedEnd([...recent, ...older])!.centreMs).toBe(2 * MIN)
  })

  it('keeps a spread of at least 5% of the centre and a second, even for identical runs', () => {
    expect(expectedEnd([MIN, MIN, MIN])!.spreadMs).toBe(3_000)
    expect(expectedEnd([5_000, 5_000, 5_000])!.spreadMs).toBe(1_000)
  })
})
