// A profile answer read into figures (whatever the server sent), and a profile compared with its baseline's.
import { describe, expect, it } from 'vitest'
import { compareProfiles, MAX_MOVED } from '../../src/quality/compare.ts'
import { MAX_COLUMNS, percent, readOutputProfile, readProfileAnswer } from '../../src/quality/profile.ts'

const histogram = (valid: unknown, empty: unknown = 0, invalid: unknown = 0): object[] => [
  { key: 'VALID', count: valid },
  { key: 'EMPTY', count: empty },
  { key: 'INVALID', count: invalid }
]

describe('readProfileAnswer', () => {
  it('reads one output of /profile, and every output of /profileResults by key', () => {
    const one = {
      columnTypes: { email: ['String', 'Object'] },
      profilerTypeCheckHistograms: { email: histogram(900, 60, 40) },
      profilerRules: {
        email: [
          { id: 1, description: 'email is valid', status: 'fail', passCount: 960, failCount: 40, totalCount: 1000 }
        ]
      },
      profilerValidValueHistograms: { email: { k: 3, c: 900, ub: false, topk: [] } }
    }
    expect(readProfileAnswer(one)).toEqual([
      {
        key: '',
        rows: 1000,
        columns: [{ name: 'email', type: 'String', valid: 900, missing: 60, mismatched: 40, total: 1000 }],
        unreadable: [],
        rules: [{ column: 'email', description: 'email is valid', status: 'fail', passCount: 960, failCount: 40 }],
        columnsOmitted: 0,
        rulesOmitted: 0
      }
    ])
    const many = readProfileAnswer({ 70: one, 71: { profilerTypeCheckHistograms: { id: histogram(5) } }, junk: 3 })
    expect(many.map((o) => [o.key, o.rows])).toEqual([
      ['70', 1000],
      ['71', 5]
    ])
  })

  it('hostile counts are unreadable, never guessed: strings, negatives, null, Infinity-like, missing', () => {
    const profile = readOutputProfile('', {
      profilerTypeCheckHistograms: {
        a: histogram('12'),
        b: histogram(10, -1),
        c: histogram(null),
        d: histogram(Number.MAX_VALUE * 10),
        e: 'not a list',
        f: [{ key: 'OTHER', count: 3 }],
        g: [{ key: 'VALID', count: 7 }, { key: 'VALID', count: 3 }, null, 'x'],
        h: histogram(12.5),
        i: histogram(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
      },
      profilerRules: { g: [{ status: 'weird', passCount: -5, failCount: 'NaN' }, null, 7] }
    })
    expect(profile.unreadable.map((c) => c.name)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'h', 'i'])
    expect(profile.columns).toEqual([{ name: 'g', valid: 10, missing: 0, mismatched: 0, total: 10 }])
    // An unknown status reads as invalid (not passing); unreadable counts are left out.
    expect(profile.rules).toEqual([{ column: 'g', description: 'rule ?', status: 'invalid' }])
    expect(readProfileAnswer(null)).toEqual([])
    expect(readProfileAnswer('<html>')).toEqual([])
    expect(readOutputProfile('', { profilerTypeCheckHistograms: {} }).rows).toBeUndefined()
  })

  it('names are cut to one line; prototype names are ordinary columns', () => {
    // As JSON.parse makes them: `__proto__` is an own key there (an object literal would set the prototype).
    const histograms = JSON.parse(
      JSON.stringify({ ['::error::forged\n::set-output name=x::y' + 'z'.repeat(500)]: histogram(1) }).slice(0, -1) +
        `,"__proto__":${JSON.stringify(histogram(2))},"constructor":${JSON.stringify(histogram(3))}}`
    ) as object
    const profile = readOutputProfile('', { profilerTypeCheckHistograms: histograms })
    expect(profile.columns.map((c) => c.name)).toEqual([
      expect.stringMatching(/^::error::forged ::set-output name=x::yz+…$/),
      '__proto__',
      'constructor'
    ])
    expect(profile.columns[0]!.name.length).toBe(120)
  })

  it('a table of 20 000 columns is read to a bound and says how many were left', () => {
    const wide = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`c${i}`, histogram(1)]))
    const started = performance.now()
    const profile = readOutputProfile('', { profilerTypeCheckHistograms: wide })
    expect(performance.now() - started).toBeLessThan(2000)
    expect(profile.columns).toHaveLength(MAX_COLUMNS)
    expect(profile.columnsOmitted).toBe(20_000 - MAX_COLUMNS)
  })

  it('percent', () => {
    expect([0, 0.00001, 0.005, 0.0133333, 0.075, 0.5, 1].map(percent)).toEqual([
      '0%',
      '<0.01%',
      '0.5%',
      '1.33%',
      '7.5%',
      '50%',
      '100%'
    ])
  })
})

describe('compareProfiles', () => {
  const out = (columns: Record<string, object[]>, rules: object = {}, key = '') =>
    readOutputProfile(key, { profilerTypeCheckHistograms: columns, profilerRules: rules })

  it('rows now and before, the columns that moved most first, rules whose status changed', () => {
    const before = out(
      { email: histogram(1000), phone: histogram(990, 10), gone: histogram(1000) },
      { email: [{ description: 'valid', status: 'pass' }], phone: [{ description: 'format', status: 'pass' }] }
    )
    const now = out(
      { email: histogram(600, 300, 100), phone: histogram(790, 10), fresh: histogram(800) },
      { email: [{ description: 'valid', status: 'fail' }], id: [{ description: 'unique', status: 'pass' }] }
    )
    const [c] = compareProfiles([now], [before])
    expect(c).toMatchObject({ rowsNow: 1000, rowsBefore: 1000, added: 1, removed: 1, movedOmitted: 0 })
    expect(c!.moved).toEqual([
      { name: 'email', measure: 'missing', before: 0, now: 0.3 },
      { name: 'email', measure: 'mismatched', before: 0, now: 0.1 },
      { name: 'phone', measure: 'missing', before: 0.01, now: 0.0125 }
    ])
    expect(c!.ruleChanges).toEqual([
      { column: 'email', description: 'valid', before: 'pass', now: 'fail' },
      { column: 'id', description: 'unique', before: 'absent', now: 'pass' },
      { column: 'phone', description: 'format', before: 'pass', now: 'absent' }
    ])
  })

  it('outputs pair by key, or one with one; wide tables keep the worst columns', () => {
    const wide = (missing: number) =>
      out(
        Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`c${i}`, histogram(100 - i * missing, i * missing)]))
      )
    const [c] = compareProfiles([wide(1)], [wide(0)])
    expect(c!.moved).toHaveLength(MAX_MOVED)
    expect(c!.moved[0]!.name).toBe('c99')
    expect(c!.movedOmitted).toBe(99 - MAX_MOVED)
    const a = out({ x: histogram(1) }, {}, '70')
    const b = out({ x: histogram(2) }, {}, '71')
    expect(compareProfiles([a, b], [out({ x: histogram(3) }, {}, '71')]).map((p) => [p.key, p.rowsBefore])).toEqual([
      ['71', 3]
    ])
    expect(compareProfiles([a], [out({ x: histogram(3) }, {}, '99')]).map((p) => p.rowsBefore)).toEqual([3])
  })
})
