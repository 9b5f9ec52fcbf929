// Promise: a baseline is only what the job library's own rows show, never a guess; a profile of many outputs and
// rules stays bounded. Rows of another recipe, of a string id or recipe id, with a date that is no date, and a
// row naming a job group that does not exist: none is taken for what it is not.
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { expectNoForgedCommand, expectSafeSummary } from './promises.ts'

const histogram = (valid: number, empty = 0): object[] => [
  { key: 'VALID', count: valid },
  { key: 'EMPTY', count: empty },
  { key: 'INVALID', count: 0 }
]

describe('hostile baselines', () => {
  it('a job group id that does not exist is named; the gate that needs it fails, saying so', async () => {
    const e = await emulator({ scenario: { durationMs: 300 } })
    const result = await run(inputsFor(e, { 'quality-gate': 'max-row-change: 10%', baseline: '999999' }))
    expect(result.code).toBe(1)
    expect(warnings(result)).toEqual([])
    expect(result.summary).toContain('no baseline: job group 999999 was not found &#40;404&#41;')
    expect(errors(result)[0]).toContain('job 4100: no baseline; max-row-change: job group 999999 was not found (404)')
  })

  it("rows that say too little are not taken; a row's missing job group is no missing edition", async () => {
    const old = '2020-01-01T00:00:00Z'
    const rows = [
      { id: 'x', status: 'Complete', ranfrom: 'schedule', wrangledDataset: { id: 7 }, createdAt: old },
      { id: 5001, status: 'Complete', ranfrom: 'schedule', wrangledDataset: { id: '7' }, createdAt: old },
      { id: 5002, status: 'Complete', ranfrom: 'schedule', wrangledDataset: { id: 7 }, createdAt: '<script>' },
      { id: 5003, status: 'Complete', ranfrom: 'ui', wrangledDataset: { id: 7 }, createdAt: old },
      { id: 5004, status: 'Complete', ranfrom: 'schedule', wrangledDataset: { id: 42 }, createdAt: old },
      { id: 5005, status: 'Complete', ranfrom: 'schedule', wrangledDataset: { id: 7 }, createdAt: old }
    ]
    const e = await emulator({
      scenario: { durationMs: 300 },
      faults: [
        {
          method: 'GET',
          path: '/v4/jobLibrary',
          times: Infinity,
          action: { kind: 'status', status: 200, body: { data: rows } }
        }
      ]
    })
    const result = await run(inputsFor(e, { overrides: '{"profiler": true}', baseline: 'scheduled' }))
    expect(result.code).toBe(0)
    // 5005 is the only row that says all it must; the emulator has no such job group, so its profile is unread.
    expect(result.summary).toContain('compared with job 5005, of 2020-01-01T00:00:00Z (it has no profile: its profile')
    expect(result.summary).not.toContain('this edition serves no job-group profiles')
    expect(warnings(result)).toEqual([
      expect.stringMatching(/^::warning title=Data profile::Could not read the profile of job 5005: .*404/)
    ])
  })

  it('60 outputs of 100 rules each: the summary and the annotation stay bounded, and say how many more', async () => {
    const rules = Array.from({ length: 100 }, (_, k) => ({
      description: `rule ${k}`,
      status: 'fail',
      passCount: 1,
      failCount: 1
    }))
    const outputs = Object.fromEntries(
      Array.from({ length: 60 }, (_, i) => [
        String(i),
        { profilerTypeCheckHistograms: { a: histogram(10, i) }, profilerRules: { a: rules } }
      ])
    )
    const e = await emulator({
      scenario: { durationMs: 300 },
      faults: [
        {
          method: 'GET',
          path: /\/profileResults$/,
          times: Infinity,
          action: { kind: 'status', status: 200, body: outputs }
        }
      ]
    })
    const result = await run(inputsFor(e, { 'quality-gate': 'rules: pass' }))
    expect(result.code).toBe(1)
    expectNoForgedCommand(result.stdout)
    expectSafeSummary(result.summary, [e.url])
    expect(Buffer.byteLength(result.summary)).toBeLessThan(64 * 1024)
    expect(result.summary).toContain('… and 40 more outputs, not shown.')
    expect(result.summary).toContain('… and 4950 more failing checks')
    expect(errors(result)[0]).toContain('… and 4950 more failing checks (see the step summary)')
    expect(result.outputs.result!.length).toBeLessThan(64 * 1024)
    expect(JSON.parse(result.outputs.result!).quality.jobs[0].moreOutputs).toBe(40)
  })
})
