// The quality gate: its input read from YAML or JSON, and its verdict on profiles (pure functions, called directly).
import { describe, expect, it } from 'vitest'
import { compareProfiles } from '../../src/quality/compare.ts'
import { GateError, parseQualityGate, type QualityGate } from '../../src/quality/gate.ts'
import type { BaselineState, JobQuality } from '../../src/quality/job-quality.ts'
import { readOutputProfile, type OutputProfile } from '../../src/quality/profile.ts'
import { describeFailure, judge } from '../../src/quality/verdict.ts'

const gate = (text: string): QualityGate => parseQualityGate(text)!

/** One output's profile from compact figures: column → [valid, empty, invalid]. */
function output(columns: Record<string, [number, number, number]>, rules: object = {}, key = ''): OutputProfile {
  const histograms = Object.fromEntries(
    Object.entries(columns).map(([name, [valid, empty, invalid]]) => [
      name,
      [
        { key: 'VALID', count: valid },
        { key: 'EMPTY', count: empty },
        { key: 'INVALID', count: invalid }
      ]
    ])
  )
  return readOutputProfile(key, { profilerTypeCheckHistograms: histograms, profilerRules: rules })
}

function job(outputs: OutputProfile[], baseline?: { id: number; outputs?: OutputProfile[]; why?: string }): JobQuality {
  let state: BaselineState | undefined
  if (baseline?.outputs) {
    state = { kind: 'found', jobGroupId: baseline.id, profile: { kind: 'profiled', outputs: baseline.outputs } }
  } else if (baseline) {
    state = { kind: 'missing', why: baseline.why ?? 'none found' }
  }
  const comparisons = baseline?.outputs ? compareProfiles(outputs, baseline.outputs) : []
  return { jobGroupId: 4100, label: 'job 4100', profile: { kind: 'profiled', outputs }, baseline: state, comparisons }
}

const ISSUE_GATE = `
rules: pass            # every data-quality rule passes
mismatched: 0.5%
missing: 5%
min-rows: 1000
max-row-change: 20%
columns:
  email: { missing: 0 }
`

describe('parseQualityGate', () => {
  it("reads the issue's example, in YAML and as JSON", () => {
    const expected = {
      rules: true,
      mismatched: { kind: 'share', percent: 0.5, text: '0.5%' },
      missing: { kind: 'share', percent: 5, text: '5%' },
      minRows: 1000,
      maxRowChange: { kind: 'share', percent: 20, text: '20%' },
      columns: new Map([['email', { missing: { kind: 'count', count: 0, text: '0' } }]])
    }
    expect(gate(ISSUE_GATE)).toEqual(expected)
    const json =
      '{"rules":"pass","mismatched":"0.5%","missing":"5%","min-rows":1000,"max-row-change":"20%",' +
      '"columns":{"email":{"missing":0}}}'
    expect(gate(json)).toEqual(expected)
    expect(parseQualityGate('  \n')).toBeUndefined()
  })

  it.each([
    ['rules: pass\nmismatch: 1%', "unknown check 'mismatch' (did you mean 'mismatched'?)"],
    ['min_rows: 5', "'min_rows' (did you mean 'min-rows'?)"],
    ['columns:\n  email: { empty: 0 }', "unknown check 'columns.email.empty'"],
    ['rules: all', "'rules' can only be 'pass'"],
    ['missing: 0.5', "'missing' must be a share with % (e.g. 0.5%) or a whole count"],
    ['missing: 150%', 'a share over 100%'],
    ['min-rows: -3', "'min-rows' must be a whole number"],
    ['rules: [pass', 'is not valid YAML or JSON'],
    ['- rules', 'must be a mapping of checks'],
    ['{}', 'names no check'],
    ['columns: { email: {} }', "'columns.email' names no limit"],
    ['rules: pass\nrules: pass', 'Map keys must be unique'],
    // A billion laughs: aliases are bounded before they expand.
    [
      'a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n' +
        'd: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'is not valid YAML or JSON'
    ],
    ['::error::forged: 1', "unknown check '::error::forged'"],
    ['x'.repeat(30_000), 'characters long']
  ])('refuses %j: %s', (text, message) => {
    expect(() => parseQualityGate(text)).toThrow(GateError)
    expect(() => parseQualityGate(text)).toThrow(message)
  })
})

describe('judge', () => {
  const clean = output({ id: [1000, 0, 0], email: [1000, 0, 0] })

  it('passes clean data, and does not check without a gate or a completed run', () => {
    expect(judge(gate(ISSUE_GATE), [job([clean], { id: 4090, outputs: [clean] })], true)).toEqual({
      status: 'passed',
      failures: []
    })
    expect(judge(undefined, [job([clean])], true).status).toBe('not-checked')
    expect(judge(gate(ISSUE_GATE), [job([clean])], false)).toMatchObject({
      status: 'not-checked',
      why: 'the run did not complete'
    })
  })

  it('names every failing check: output, column, figure and limit', () => {
    const rules = {
      email: [{ description: 'email is valid', status: 'fail', passCount: 940, failCount: 60 }],
      id: [{ description: 'id is unique', status: 'invalid' }]
    }
    const now = output({ id: [740, 0, 10], email: [690, 60, 0], note: [750, 0, 0] }, rules)
    const before = output({ id: [1000, 0, 0], email: [1000, 0, 0], note: [1000, 0, 0] })
    const verdict = judge(gate(ISSUE_GATE), [job([now], { id: 4090, outputs: [before] })], true)
    expect(verdict.status).toBe('failed')
    expect(verdict.failures.map(describeFailure)).toEqual([
      "job 4100, column 'id': 10 mismatched (1.33%); mismatched: 0.5%",
      "job 4100, column 'email': 60 missing (8%); missing: 0",
      "job 4100, column 'email': rule 'email is valid' is fail (60 of 1000 rows fail); rules: pass",
      "job 4100, column 'id': rule 'id is unique' is invalid; rules: pass",
      'job 4100: 750 rows; min-rows: 1000',
      'job 4100: rows 1000 → 750 against job 4090, a change of -250 (-25%); max-row-change: 20%'
    ])
  })

  it('a column limit replaces the general one of its measure only', () => {
    const g = gate('missing: 5%\nmismatched: 0\ncolumns:\n  email: { missing: 50% }')
    const data = output({ email: [600, 300, 1], other: [900, 100, 0] })
    expect(judge(g, [job([data])], true).failures.map(describeFailure)).toEqual([
      "job 4100, column 'email': 1 mismatched (0.11%); mismatched: 0",
      "job 4100, column 'other': 100 missing (10%); missing: 5%"
    ])
  })

  it('limits are exact at the edge: 0.5% of 1000 is 5 values', () => {
    const g = gate('mismatched: 0.5%')
    expect(judge(g, [job([output({ a: [995, 0, 5] })])], true).status).toBe('passed')
    expect(judge(g, [job([output({ a: [994, 0, 6] })])], true).status).toBe('failed')
    expect(judge(gate('mismatched: 5'), [job([output({ a: [995, 0, 5] })])], true).status).toBe('passed')
  })

  it('a run without a profile fails the gate, saying why', () => {
    const none: JobQuality = {
      jobGroupId: 4100,
      label: 'job 4100',
      profile: { kind: 'none', reason: 'not-profiled', why: 'job 4100 ran without profiling' },
      comparisons: []
    }
    expect(judge(gate('rules: pass'), [none], true).failures.map(describeFailure)).toEqual([
      'job 4100: no profile; profile: job 4100 ran without profiling'
    ])
  })

  it('max-row-change without a baseline, or with one that has no profile, fails', () => {
    const g = gate('max-row-change: 10%')
    expect(
      judge(g, [job([clean], { id: 0, why: 'no scheduled run found' })], true).failures.map(describeFailure)
    ).toEqual(['job 4100: no baseline; max-row-change: no scheduled run found'])
    const noProfile: JobQuality = {
      ...job([clean]),
      baseline: {
        kind: 'found',
        jobGroupId: 4090,
        profile: { kind: 'none', reason: 'not-profiled', why: 'ran without profiling' }
      }
    }
    expect(judge(g, [noProfile], true).failures.map(describeFailure)).toEqual([
      'job 4100: baseline job 4090 has no profile; max-row-change: ran without profiling'
    ])
    const fromZero = job([clean], { id: 4090, outputs: [output({ id: [0, 0, 0] })] })
    expect(judge(g, [fromZero], true).failures.map(describeFailure)).toEqual([
      'job 4100: rows 0 → 1000 against job 4090, a change of 1000; max-row-change: 10%'
    ])
    expect(
      judge(gate('max-row-change: 300'), [job([clean], { id: 1, outputs: [output({ id: [800, 0, 0] })] })], true).status
    ).toBe('passed')
  })

  it('a column the gate names that the profile lacks, and unreadable counts, fail', () => {
    const g = gate('columns:\n  email: { missing: 0 }\n  __proto__: { missing: 0 }')
    const data = readOutputProfile('', {
      profilerTypeCheckHistograms: {
        email: [{ key: 'VALID', count: 'many' }],
        constructor: [{ key: 'VALID', count: 1 }]
      }
    })
    expect(judge(g, [job([data])], true).failures.map(describeFailure)).toEqual([
      "job 4100, column 'email': counts unreadable; missing: the profile gave no valid counts",
      "the profile, column '__proto__': no such column; columns: named in the gate"
    ])
  })

  it('several outputs are named by their keys, and each is checked', () => {
    const a = output({ x: [10, 0, 0] }, {}, '70')
    const b = output({ x: [5, 5, 0] }, {}, '71')
    expect(judge(gate('missing: 0'), [job([a, b])], true).failures.map(describeFailure)).toEqual([
      "job 4100 output 71, column 'x': 5 missing (50%); missing: 0"
    ])
  })
})
