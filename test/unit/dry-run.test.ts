// The pure parts of a dry run: the test-mode request and what its answer means, what overrides would write, the
// headline, the outputs and the summary (hostile names escaped).
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/api-error.ts'
import { buildRunJobGroupRequest } from '../../src/api/job-request.ts'
import { dryRunOutputs, headline, renderDryRunSummary, type DryRunReport } from '../../src/dry-run/dry-run-report.ts'
import {
  buildTestModeRequest,
  describeWrites,
  readTestModeAnswer,
  rejectsTestMode
} from '../../src/dry-run/test-mode.ts'
import { shown } from '../support/shown.ts'

const overrides = {
  execution: 'photon',
  writesettings: [{ path: 's3://bucket/sales.csv', action: 'overwrite', format: 'csv' }],
  publications: [{ path: ['analytics', 'public'], tableName: 'sales', targetType: 'postgres', action: 'createAndLoad' }]
}
const runParameters = [{ key: 'country', value: 'Germany' }]

function report(extra: Partial<DryRunReport> = {}): DryRunReport {
  return {
    subject: 'recipe 7',
    name: 'Sales by region',
    verdict: 'would-run',
    checks: [{ what: 'Credentials', outcome: 'passed', detail: 'the API accepted the token (GET /v4/auth)' }],
    requestId: 'req-1',
    notes: [],
    ...extra
  }
}

describe('the test-mode request', () => {
  it('is the run request with top-level testMode: true, overrides and runParameters unchanged', () => {
    const body = buildTestModeRequest(7, overrides, runParameters)
    expect(body).toEqual({ ...buildRunJobGroupRequest(7, overrides, runParameters), testMode: true })
    expect(body).toMatchObject({
      wrangledDataset: { id: 7 },
      overrides,
      runParameters: { overrides: { data: runParameters } },
      testMode: true
    })
    expect(buildTestModeRequest(7, undefined, [])).toEqual({ wrangledDataset: { id: 7 }, testMode: true })
  })

  it('its answer: accepted; a job group id means a job started, whatever else the answer says', () => {
    const accepted = { datasetId: 7, datasetName: 'Sales by region', sessionId: 'abc' }
    expect(readTestModeAnswer(200, accepted)).toEqual({ kind: 'accepted', name: 'Sales by region', datasetId: 7 })
    expect(readTestModeAnswer(201, { ...accepted, id: 4100 })).toEqual({ kind: 'started', jobGroupId: 4100 })
    expect(readTestModeAnswer(201, { id: 4100, reason: 'JobStarted', sessionId: 'x' })).toMatchObject({
      kind: 'started'
    })
  })

  it('an answer that proves nothing is unreadable, never taken as accepted', () => {
    for (const data of [undefined, 'OK', [], { sessionId: 'x' }, { id: -1, reason: 'JobStarted' }, { id: '4100' }]) {
      expect(readTestModeAnswer(200, data).kind).toBe('unreadable')
    }
    expect(readTestModeAnswer(304, undefined)).toMatchObject({
      kind: 'unreadable',
      why: expect.stringContaining('304')
    })
    expect(readTestModeAnswer(201, { jobs: { data: [] } })).toMatchObject({ why: expect.stringContaining('naming no') })
  })

  it('a 400 naming testMode is an edition without it; any other refusal is the run being refused', () => {
    const refusal = (status: number, details: string): ApiError =>
      new ApiError({
        method: 'POST',
        path: '/v4/jobGroups',
        status,
        headers: {},
        body: JSON.stringify({ exception: { name: 'ValidationFailed', message: 'Input validation failed', details } })
      })
    expect(rejectsTestMode(refusal(400, 'Unknown property testMode in the request body'))).toBe(true)
    expect(rejectsTestMode(refusal(422, 'test_mode is not supported'))).toBe(true)
    expect(rejectsTestMode(refusal(400, 'writesettings[0].path is invalid'))).toBe(false)
    expect(rejectsTestMode(refusal(404, 'testMode'))).toBe(false)
    expect(rejectsTestMode(new Error('testMode'))).toBe(false)
  })
})

describe('what the overrides would write', () => {
  it("a recipe's write settings and publications; a flow's prefixed with the output", () => {
    expect(describeWrites(overrides)).toEqual([
      'overwrite csv file s3://bucket/sales.csv',
      'createAndLoad postgres table analytics.public.sales'
    ])
    expect(describeWrites({ execution: 'spark', 'Sales by region': overrides }, true)).toEqual([
      'Sales by region: overwrite csv file s3://bucket/sales.csv',
      'Sales by region: createAndLoad postgres table analytics.public.sales'
    ])
    expect(describeWrites({ writeSettings: [{}] })).toEqual(['create file (no path)'])
    expect(describeWrites({ execution: 'photon' })).toEqual([])
    expect(describeWrites(undefined)).toEqual([])
  })

  it('at most 20 lines, the last saying how many more', () => {
    const many = { writesettings: Array.from({ length: 30 }, (_, i) => ({ path: `/out/${i}.csv` })) }
    const lines = describeWrites(many)
    expect(lines).toHaveLength(20)
    expect(lines.at(-1)).toBe('… and 11 more')
  })
})

describe('the headline', () => {
  it('says what would run, or what was found', () => {
    expect(headline(report())).toBe("Dry run: recipe 7 ('Sales by region') would run")
    expect(headline(report({ verdict: 'exists' }))).toBe(
      "Dry run: recipe 7 ('Sales by region') exists (only its existence was checked)"
    )
    expect(headline(report({ subject: 'job 4100', name: undefined, verdict: 'status', status: 'InProgress' }))).toBe(
      'Dry run: job 4100 is InProgress'
    )
    expect(headline(report({ subject: 'the sign-in', name: undefined, verdict: 'signed-in', renewed: true }))).toBe(
      'Dry run: signed in, and the refresh token was renewed'
    )
    expect(headline(report({ subject: 'the sign-in', name: undefined, verdict: 'signed-in' }))).toBe(
      'Dry run: signed in'
    )
    const stray = { id: 4100, url: 'https://x/jobs/4100', text: 'started' }
    expect(headline(report({ verdict: 'started', stray }))).toBe(
      "Dry run: the server started job 4100 for recipe 7 ('Sales by region') despite test mode"
    )
    expect(headline(report({ verdict: 'failed', name: undefined }))).toBe('Dry run failed: recipe 7')
  })

  it('a long name with line breaks is folded and cut', () => {
    const line = headline(report({ name: `a\nb ${'x'.repeat(300)}` }))
    expect(line).not.toContain('\n')
    expect(line.length).toBeLessThan(150)
  })
})

describe('the outputs', () => {
  it('status DryRun and no job when the checks passed; empty status when one failed', () => {
    expect(dryRunOutputs(report())).toMatchObject({
      status: 'DryRun',
      'job-id': '',
      'job-ids': '[]',
      'request-id': 'req-1'
    })
    expect(dryRunOutputs(report({ verdict: 'exists' })).status).toBe('DryRun')
    expect(dryRunOutputs(report({ verdict: 'failed' })).status).toBe('')
  })

  it('a job a server started anyway is named, with its status, as for any run', () => {
    const stray = { id: 4100, url: 'https://x/jobs/4100', status: 'Canceled', text: 'cancelled' }
    expect(dryRunOutputs(report({ verdict: 'started', stray }))).toMatchObject({
      status: 'Canceled',
      'job-id': '4100',
      'job-url': 'https://x/jobs/4100',
      'job-ids': '[4100]'
    })
  })
})

describe('the summary', () => {
  it('lists the checks and the writes, and says nothing was started', () => {
    const markdown = renderDryRunSummary(report({ writes: describeWrites(overrides) }))
    const html = marked.parse(markdown) as string
    expect(shown(html)).toContain("Dry run: recipe 7 ('Sales by region') would run")
    expect(html).toContain('GET /v4/auth')
    expect(shown(html)).toContain('<code>overwrite csv file s3://bucket/sales.csv</code>')
    expect(html).toContain('Nothing was started')
    expect(renderDryRunSummary(report({ writes: [] }))).toContain('The overrides change no output')
  })

  it('a hostile name or detail stays text: no tag, link, image or workflow command gets through', () => {
    const name = '<img src=x onerror=alert(1)> [click](https://evil.example) ![i](https://evil.example/i.png)'
    const detail = '::set-output name=status::Complete <script>alert(1)</script>'
    const markdown = renderDryRunSummary(
      report({ name, checks: [{ what: 'Recipe 7', outcome: 'passed', detail }], writes: [`${name}: x`] })
    )
    const html = marked.parse(markdown) as string
    expect(html).not.toMatch(/<img|<script|<a href="https:\/\/evil/)
    expect(markdown).not.toMatch(/^::/m)
  })

  it('a job started despite test mode comes first, and the summary does not claim nothing was started', () => {
    const stray = { id: 4100, url: 'https://x/jobs/4100', status: 'Canceled', text: 'The server started job 4100' }
    const markdown = renderDryRunSummary(report({ verdict: 'started', stray }))
    expect(markdown.indexOf('The server started job 4100')).toBeLessThan(markdown.indexOf('Checked'))
    expect(markdown).not.toContain('Nothing was started')
  })
})
