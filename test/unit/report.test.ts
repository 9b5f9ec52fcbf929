import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { progressLine, reportOutputs, type RunReport } from '../../src/report/report.ts'
import { escapeText, renderSummary } from '../../src/report/summary.ts'

function report(extra: Partial<RunReport> = {}): RunReport {
  return {
    ending: 'complete',
    jobId: 4100,
    recipeId: 7,
    attached: false,
    adopted: false,
    status: 'Complete',
    durationMs: 80_000,
    requestId: 'req-1',
    jobUrl: 'https://clouddataprep.com/jobs/4100',
    engine: 'photon',
    runParameters: [{ key: 'country', value: 'Germany' }],
    stages: [
      {
        id: 1,
        jobType: 'wrangle',
        status: 'Complete',
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:01:00Z'
      },
      {
        id: 2,
        jobType: 'filewriter',
        status: 'Complete',
        createdAt: '2026-01-01T00:01:00Z',
        updatedAt: '2026-01-01T00:01:20Z'
      }
    ],
    written: {
      files: [
        { uri: 'gs://bucket/out.csv', kind: 'file', primary: true },
        { uri: 'gs://bucket/parts/', kind: 'directory' }
      ],
      tables: [{ name: 'ds.sales', vendor: 'bigquery', action: 'create' }]
    },
    notes: [],
    runUrl: 'https://github.com/acme/pipelines/actions/runs/1',
    ...extra
  }
}

/** The summary as GitHub would show it: Markdown rendered to HTML. */
function render(r: RunReport): string {
  return marked.parse(renderSummary(r), { async: false })
}

describe('renderSummary', () => {
  it('renders a headline, a details table, a stages table and what was written', () => {
    const html = render(report())
    expect(html).toMatch(/<h3>Job 4100 ✅ completed<\/h3>/)
    expect(html).toContain('<a href="https://clouddataprep.com/jobs/4100">4100</a>')
    expect(html).toMatch(/<th align="left">Duration<\/th><td>1m20s<\/td>/)
    expect(html).toMatch(/<th align="left">Run parameters<\/th><td><code>country<\/code> = Germany<\/td>/)
    expect(html).toMatch(/<h4>Stages<\/h4>/)
    expect(html).toMatch(/<tr><td>1<\/td><td>wrangle<\/td><td>Complete<\/td><td>1m00s<\/td><td><\/td><\/tr>/)
    expect(html).toMatch(/<td>filewriter<\/td><td>Complete<\/td><td>20s<\/td>/)
    expect(html).toContain('<li>file <code>gs://bucket/out.csv</code></li>')
    expect(html).toContain('<li>folder <code>gs://bucket/parts/</code></li>')
    expect(html).toContain('<li>table <code>ds.sales</code> (bigquery, create)</li>')
    expect((html.match(/<table>/g) ?? []).length).toBe(2)
  })

  it.each([
    ['failed', '❌ failed'],
    ['canceled', '🚫 was canceled'],
    ['timeout', '⏱️ timed out'],
    ['workflow-cancelled', '🛑 stopped: the workflow was cancelled'],
    ['not-waited', '▶️ is running (not waited for)'],
    ['unknown-start', '⚠️ may have started: its start could not be confirmed'],
    ['error', '⚠️ could not be run']
  ] as const)('has a headline for the %s ending', (ending, text) => {
    expect(renderSummary(report({ ending }))).toContain(`### Job 4100 ${text}`)
  })

  it('escapes hostile server text: no raw HTML, no broken table, no Markdown, long text cut', () => {
    const hostile = '<script>alert(1)</script> | **bold** [link](javascript:x) `code`\n\n# heading ' + 'x'.repeat(2000)
    const html = render(
      report({
        status: 'Failed<img src=x onerror=alert(1)>',
        ending: 'failed',
        stages: [{ id: 1, jobType: 'wrangle|x', status: 'Failed', errorMessage: hostile }],
        written: {
          files: [{ uri: '</code><b>x</b>', kind: 'file' }],
          tables: [{ name: '<b>x</b>', vendor: '</code><b>x</b>', action: '<b>x</b>' }]
        },
        notes: [hostile]
      })
    )
    expect(html).not.toMatch(/<script|<img|<b>x<\/b>|<strong>|<em>|<h1>|href="javascript/)
    expect(html).toContain('&#60;script&#62;')
    const stageRow = html.match(/<tr><td>1<\/td>.*<\/tr>/)![0]
    expect(stageRow.match(/<td>/g)).toHaveLength(5)
    expect(stageRow.length).toBeLessThan(2500)
    expect(stageRow).toContain('…')
  })

  it('lists at most 50 written files and tables, and says how many more there are', () => {
    const files = Array.from({ length: 120 }, (_, i) => ({ uri: `gs://b/${i}.csv`, kind: 'file' as const }))
    const summary = renderSummary(report({ written: { files, tables: [] } }))
    expect(summary.match(/<li>file /g)).toHaveLength(50)
    expect(summary).toContain('<li>… and 70 more (see the <code>written</code> output)</li>')
  })

  it('escapeText folds lines, cuts, and turns Markdown and HTML specials into entities', () => {
    expect(escapeText('a|b\n*c*', 100)).toBe('a&#124;b &#42;c&#42;')
    expect(escapeText('x'.repeat(50), 10)).toBe('xxxxxxxxx…')
  })
})

describe('reportOutputs', () => {
  it('gives every output as a string', () => {
    expect(reportOutputs(report())).toEqual({
      'job-id': '4100',
      status: 'Complete',
      'request-id': 'req-1',
      'job-url': 'https://clouddataprep.com/jobs/4100',
      'duration-seconds': '80',
      jobs: '[{"id":1,"type":"wrangle","status":"Complete"},{"id":2,"type":"filewriter","status":"Complete"}]',
      written:
        '{"files":[{"uri":"gs://bucket/out.csv","kind":"file","primary":true},' +
        '{"uri":"gs://bucket/parts/","kind":"directory"}],' +
        '"tables":[{"name":"ds.sales","vendor":"bigquery","action":"create"}]}',
      'job-ids': '[4100]',
      'flow-run-id': '',
      'plan-run-id': '',
      quality: 'not-checked'
    })
    expect(
      reportOutputs(
        report({ jobId: undefined, status: undefined, durationMs: undefined, written: undefined, stages: [] })
      )
    ).toMatchObject({
      'job-id': '',
      'job-ids': '[]',
      status: '',
      'duration-seconds': '',
      jobs: '[]',
      written: ''
    })
  })
})

describe('progressLine', () => {
  it('names the job, status, elapsed time and stages', () => {
    expect(
      progressLine(4100, 'InProgress', 80_000, [
        { id: 1, jobType: 'wrangle', status: 'InProgress' },
        { id: 2, jobType: 'filewriter', status: 'Pending' }
      ])
    ).toBe('Job 4100: InProgress after 1m20s (wrangle InProgress, filewriter Pending)')
  })
})
