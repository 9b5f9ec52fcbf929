// The `result` output of a dry run: the fields of a run's result, with dryRun: true, and a job group only when a
// server started one despite test mode.
import { describe, expect, it } from 'vitest'
import type { DryRunReport } from '../../src/dry-run/dry-run-report.ts'
import { dryRunResult } from '../../src/dry-run/dry-run-result.ts'
import { invalidInputResult } from '../../src/report/result-invalid.ts'

const report = (extra: Partial<DryRunReport> = {}): DryRunReport => ({
  subject: 'recipe 7',
  name: 'Sales by region',
  verdict: 'would-run',
  checks: [{ what: 'Recipe 7', outcome: 'passed', detail: 'accepted in test mode' }],
  requestId: 'req-1',
  notes: [],
  ...extra
})
const recipe = { kind: 'recipe' as const, recipeId: 7 }

describe('the result of a dry run', () => {
  it('has the fields of every result, says dryRun: true and DryRun, and names no job group', () => {
    const result = dryRunResult(report(), recipe)
    expect(Object.keys(result).sort()).toEqual(Object.keys(invalidInputResult([])).sort())
    expect(result).toMatchObject({
      dryRun: true,
      kind: 'recipe',
      ending: 'dry-run',
      status: 'DryRun',
      failed: false,
      ids: { recipeId: 7, jobGroupId: null, jobGroupIds: [] },
      requestId: 'req-1',
      error: null,
      jobGroups: []
    })
    expect(invalidInputResult([]).dryRun).toBe(false)
  })

  it('a failed check fails it, saying why; the keep-alive has no kind', () => {
    const checks = [{ what: 'flow-recipes: 9', outcome: 'failed' as const, detail: 'recipe 9 was not found' }]
    expect(dryRunResult(report({ verdict: 'failed', checks }), recipe)).toMatchObject({
      failed: true,
      ending: 'error',
      status: null,
      error: { title: 'Dry run failed', message: 'flow-recipes: 9: recipe 9 was not found' }
    })
    expect(dryRunResult(report({ verdict: 'signed-in', subject: 'the sign-in' }), { kind: 'none' }).kind).toBe(null)
  })

  it('a job a server started anyway is in it, with its status and link', () => {
    const stray = { id: 4100, url: 'https://app/jobs/4100', status: 'Canceled', text: 'The server started job 4100' }
    expect(dryRunResult(report({ verdict: 'started', stray }), recipe)).toMatchObject({
      failed: true,
      status: 'Canceled',
      ids: { jobGroupId: 4100, jobGroupIds: [4100] },
      urls: { job: 'https://app/jobs/4100' },
      error: { title: 'A dry run started a job', message: 'The server started job 4100' },
      jobGroups: [{ id: 4100, status: 'Canceled', recipeId: 7 }]
    })
  })
})
