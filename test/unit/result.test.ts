// The `result` output: one JSON object with the same fields at every ending, cut to size, never a secret's field.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RunReport } from '../../src/report/report.ts'
import { resultJson, stagesDocument } from '../../src/report/result-json.ts'
import { invalidInputResult } from '../../src/report/result-invalid.ts'
import { buildResult, type StepResult } from '../../src/report/result.ts'

const failedStage = {
  id: 41001,
  jobType: 'wrangle',
  status: 'Failed',
  errorMessage: { message: 'Column amount is missing' }
}
const canceledStage = { id: 41002, jobType: 'filewriter', status: 'Canceled', errorMessage: null }

function report(extra: Partial<RunReport> = {}): RunReport {
  return {
    ending: 'failed',
    jobId: 4100,
    recipeId: 7,
    attached: false,
    adopted: false,
    status: 'Failed',
    durationMs: 61_400,
    startedAt: Date.UTC(2026, 0, 1, 0, 0, 0),
    finishedAt: Date.UTC(2026, 0, 1, 0, 1, 1, 400),
    requestId: 'req-1',
    jobUrl: 'https://clouddataprep.com/jobs/4100?projectId=sales-prod',
    runParameters: [],
    stages: [failedStage, canceledStage],
    notes: [],
    runUrl: 'https://github.com/acme/pipelines/actions/runs/1',
    jobGroupIds: [4100],
    jobGroups: [
      {
        id: 4100,
        status: 'Failed',
        stages: [failedStage, canceledStage],
        url: 'https://clouddataprep.com/jobs/4100?projectId=sales-prod',
        publications: { state: 'read', items: [], more: 0 },
        logs: {
          state: 'read',
          stages: [
            {
              stageId: 41001,
              lineCount: 120,
              tail: ['x'],
              telling: ['ERROR x'],
              file: 'logs/job-group-4100/41001/job.log'
            }
          ],
          notes: [],
          archive: 'logs/job-group-4100.zip'
        }
      }
    ],
    ...extra
  }
}

const failure = { title: 'Job 4100 Failed', message: 'Job 4100 ended Failed.' }

/** Every key of a JSON value, as paths (array items by `[]`), sorted. */
function shape(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => shape(item, `${at}[]`))
  if (typeof value !== 'object' || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) => [`${at}.${key}`, ...shape(inner, `${at}.${key}`)])
}

describe('buildResult', () => {
  it('tells a failed recipe run: ids, timings, links, the failure, stages with their error text, logs', () => {
    const result = buildResult(report(), { target: { kind: 'recipe', recipeId: 7 }, failure, reportDir: '/tmp/r' })
    expect(result).toEqual({
      version: 1,
      kind: 'recipe',
      ending: 'failed',
      status: 'Failed',
      failed: true,
      ids: {
        recipeId: 7,
        jobGroupId: 4100,
        jobGroupIds: [4100],
        flowId: null,
        flowRunId: null,
        planId: null,
        planRunId: null
      },
      requestId: 'req-1',
      timings: { startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:01:01.400Z', durationSeconds: 61 },
      urls: {
        job: 'https://clouddataprep.com/jobs/4100?projectId=sales-prod',
        flow: null,
        plan: null,
        workflowRun: 'https://github.com/acme/pipelines/actions/runs/1'
      },
      error: failure,
      notes: [],
      inputErrors: [],
      jobGroups: [
        {
          id: 4100,
          status: 'Failed',
          name: null,
          task: null,
          recipeId: 7,
          url: 'https://clouddataprep.com/jobs/4100?projectId=sales-prod',
          durationSeconds: 61,
          stages: [
            { id: 41001, type: 'wrangle', status: 'Failed', error: 'Column amount is missing' },
            { id: 41002, type: 'filewriter', status: 'Canceled', error: null }
          ],
          stagesOmitted: 0,
          outputs: null,
          publications: [],
          logs: {
            state: 'read',
            stages: [{ id: 41001, lines: 120, file: 'logs/job-group-4100/41001/job.log' }],
            archive: 'logs/job-group-4100.zip',
            notes: []
          }
        }
      ],
      outputs: { files: [], tables: [] },
      publications: [],
      reportDir: '/tmp/r',
      quality: null,
      dryRun: false
    })
  })

  it('has the same fields at every ending, also for invalid inputs', () => {
    const complete = buildResult(report({ ending: 'complete', status: 'Complete' }), {
      target: { kind: 'recipe', recipeId: 7 }
    })
    const bare = buildResult(
      {
        ...report(),
        ending: 'error',
        jobId: undefined,
        jobGroupIds: undefined,
        jobGroups: undefined,
        status: undefined
      },
      { target: { kind: 'flow', flowId: 3, recipeIds: [] } }
    )
    const invalid = invalidInputResult([{ input: 'recipe-id', message: 'must be a positive integer' }])
    const top = (r: StepResult): string[] => Object.keys(r).sort()
    expect(top(bare)).toEqual(top(complete))
    expect(top(invalid)).toEqual(top(complete))
    expect(invalid).toMatchObject({ kind: null, ending: 'invalid-input', failed: true, jobGroups: [] })
    expect(invalid.inputErrors).toEqual([{ input: 'recipe-id', message: 'must be a positive integer' }])
    expect(bare).toMatchObject({ kind: 'flow', ids: { flowId: 3, jobGroupIds: [] }, jobGroups: [], error: null })
    expect(shape(JSON.parse(resultJson(complete))).sort()).toEqual(shape(complete).sort())
  })

  it("names a flow's job groups after their outputs, with their own status and publications", () => {
    const result = buildResult(
      report({
        jobGroupIds: [4100, 4101],
        composite: {
          subject: 'flow 3',
          url: 'https://app/flows/3',
          jobsUrl: 'https://app/jobs',
          flowRunId: 900,
          parts: [
            { name: 'Sales', recipeId: 7, jobGroupId: 4100, status: 'Failed', durationMs: 2000 },
            { name: 'Returns', recipeId: 8, jobGroupId: 4101, status: 'Complete', durationMs: 3000 }
          ]
        },
        jobGroups: [
          {
            id: 4101,
            status: 'Complete',
            stages: [],
            url: 'https://app/jobs/4101',
            publications: {
              state: 'read',
              items: [{ target: 'bigquery', table: 'ds.returns', action: 'load' }],
              more: 0
            }
          }
        ]
      }),
      { target: { kind: 'flow', flowId: 3, recipeIds: [] } }
    )
    expect(result.ids).toMatchObject({ flowId: 3, flowRunId: 900, jobGroupIds: [4100, 4101] })
    expect(result.urls.flow).toBe('https://app/flows/3')
    expect(result.jobGroups.map((g) => [g.id, g.name, g.status, g.durationSeconds, g.logs.state])).toEqual([
      [4100, 'Sales', 'Failed', 2, 'not-requested'],
      [4101, 'Returns', 'Complete', 3, 'not-requested']
    ])
    expect(result.jobGroups[0]!.publications).toBeNull()
    expect(result.publications).toEqual([{ jobGroupId: 4101, target: 'bigquery', table: 'ds.returns', action: 'load' }])
  })

  it('cuts each stage error to 2000 characters', () => {
    const long = { ...failedStage, errorMessage: 'e'.repeat(5000) }
    const result = buildResult(report({ jobGroups: [{ id: 4100, status: 'Failed', stages: [long], url: '' }] }), {
      target: { kind: 'recipe', recipeId: 7 }
    })
    expect(result.jobGroups[0]!.stages[0]!.error).toHaveLength(2000)
  })
})

describe('resultJson', () => {
  it('stays within its bound: errors cut shorter first, then stages left out and counted', () => {
    const stages = Array.from({ length: 200 }, (_, i) => ({ ...failedStage, id: i, errorMessage: 'e'.repeat(1900) }))
    const groups = Array.from({ length: 10 }, (_, i) => ({
      id: 4100 + i,
      status: i ? 'Complete' : 'Failed',
      stages,
      url: ''
    }))
    const big = buildResult(report({ jobGroupIds: groups.map((g) => g.id), jobGroups: groups }), {
      target: { kind: 'recipe', recipeId: 7 }
    })
    const json = resultJson(big, 200_000)
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(200_000)
    const parsed = JSON.parse(json) as StepResult
    expect(parsed.jobGroups[0]!.stages).toHaveLength(200)
    expect(parsed.jobGroups[0]!.stages[0]!.error).toHaveLength(200)
    expect(parsed.jobGroups[1]!.stages).toEqual([])
    expect(parsed.jobGroups[1]!.stagesOmitted).toBe(200)
    expect(Buffer.byteLength(resultJson(big, 20_000))).toBeLessThan(20_000)
  })
})

describe('stagesDocument', () => {
  it('lists every stage of every job group with its whole error text', () => {
    const long = { ...failedStage, errorMessage: 'e'.repeat(5000) }
    const doc = stagesDocument(
      report({ jobGroups: [{ id: 4100, status: 'Failed', stages: [long, canceledStage], url: '' }] })
    )
    expect(doc).toEqual({
      jobGroups: [
        {
          id: 4100,
          status: 'Failed',
          stages: [
            expect.objectContaining({ id: 41001, type: 'wrangle', status: 'Failed', error: 'e'.repeat(5000) }),
            expect.objectContaining({ id: 41002, type: 'filewriter', status: 'Canceled', error: null })
          ]
        }
      ]
    })
  })
})

describe('docs/results.md', () => {
  it("documents an example with exactly the result's fields", () => {
    const docs = readFileSync(resolve(import.meta.dirname, '../../docs/results.md'), 'utf8')
    const example = JSON.parse(docs.split('```json\n')[1]!.split('\n```')[0]!) as unknown
    const written = {
      files: [{ uri: 'gs://b/x.csv', kind: 'file' as const, primary: true }],
      tables: [{ name: 'a.b.c', vendor: 'bigquery', action: 'create' }]
    }
    const publications = {
      state: 'read' as const,
      items: [{ target: 'bigquery', table: 'a.b.c', action: 'load' }],
      more: 0
    }
    const built = buildResult(
      report({
        written,
        jobGroupIds: [4100, 4101],
        composite: { subject: 'flow 10', url: 'u', jobsUrl: 'j', parts: [] },
        jobGroups: [
          ...report().jobGroups!,
          { id: 4101, status: 'Complete', stages: [canceledStage], url: '', written, publications }
        ]
      }),
      { target: { kind: 'flow', flowId: 10, recipeIds: [] }, failure }
    )
    const keys = (value: unknown): string[] => [...new Set(shape(value))].sort()
    expect(keys(example)).toEqual(keys(built))
  })
})
