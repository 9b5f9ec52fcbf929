// The baseline input, and which past job group is the baseline (pure).
import { describe, expect, it } from 'vitest'
import { parseBaseline, pickBaseline, type BaselineWanted, type PastRun } from '../../src/quality/baseline.ts'

const run = (id: number, minutesAgo: number, extra: Partial<PastRun> = {}): PastRun => ({
  id,
  status: 'Complete',
  ranfrom: 'schedule',
  createdAt: new Date(Date.UTC(2026, 11, 1, 12) - minutesAgo * 60_000).toISOString(),
  wrangledDataset: { id: 7 },
  ...extra
})
const scheduled: BaselineWanted = { kind: 'scheduled', recipeId: 7, exclude: new Set([4100]) }

describe('parseBaseline', () => {
  it('scheduled, last, a job group id; anything else is refused', () => {
    expect(parseBaseline('scheduled')).toEqual({ kind: 'scheduled' })
    expect(parseBaseline(' last ')).toEqual({ kind: 'last' })
    expect(parseBaseline('4090')).toEqual({ kind: 'job', jobId: 4090 })
    expect(parseBaseline('')).toBeUndefined()
    for (const bad of ['production', '0', '-1', '1e3', '99999999999999999999'])
      expect(() => parseBaseline(bad), bad).toThrow(/must be 'scheduled'/)
  })
})

describe('pickBaseline', () => {
  it('the newest Complete scheduled run of the recipe, not this run, whatever the filters did', () => {
    const rows = [
      run(4100, 0),
      run(4099, 5, { ranfrom: 'api' }),
      run(4098, 10, { status: 'Failed' }),
      run(4097, 15, { wrangledDataset: { id: 42 } }),
      run(4096, 20, { ranfrom: undefined }),
      run(4095, 25),
      run(4094, 30)
    ]
    expect(pickBaseline(rows, scheduled, false)).toEqual({ found: rows[5] })
    expect(pickBaseline(rows, { ...scheduled, kind: 'last' }, false)).toEqual({ found: rows[1] })
    const before = Date.parse(rows[5]!.createdAt as string)
    expect(pickBaseline(rows, { ...scheduled, before }, false)).toEqual({ found: rows[6] })
  })

  it('none found: why, and whether the next page may hold one; an unsorted full page settles nothing', () => {
    expect(pickBaseline([run(1, 5, { ranfrom: 'ui' })], scheduled, false)).toEqual({
      none: 'no earlier scheduled run of recipe 7 was found',
      readMore: false
    })
    expect(pickBaseline([run(1, 5, { ranfrom: 'ui' })], scheduled, true)).toMatchObject({ readMore: true })
    expect(pickBaseline([run(1, 10), run(2, 5)], scheduled, true)).toEqual({
      none: 'the job library answered unsorted, so the last scheduled run cannot be told',
      readMore: false
    })
    // Unsorted but complete: every match was seen, the newest is certain.
    expect(pickBaseline([run(1, 10), run(2, 5)], scheduled, false)).toEqual({ found: run(2, 5) })
    expect(pickBaseline([run(1, 10, { createdAt: 'yesterday' })], scheduled, false)).toMatchObject({ readMore: false })
  })
})
