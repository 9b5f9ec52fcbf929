// The log group of a failed job group, and the summary's sections: every stage, the failed stages' tails within
// bounds, titles on one line, what the logs state says. Pure renderings, tested directly.
import { describe, expect, it } from 'vitest'
import type { RunReport } from '../../src/report/report.ts'
import { failureLogGroups } from '../../src/report/failure-log.ts'
import { resultsSections } from '../../src/report/results-summary.ts'
import type { JobGroupReport } from '../../src/results/job-results.ts'

const stages = [
  { id: 1, jobType: 'wrangle', status: 'Failed', errorMessage: { message: 'line one\nline two' } },
  { id: 2, jobType: 'filewriter', status: 'Canceled' }
]

function reportWith(group: Partial<JobGroupReport>, extra: Partial<RunReport> = {}): RunReport {
  return {
    ending: 'failed',
    jobId: 4100,
    attached: false,
    adopted: false,
    requestId: '',
    runParameters: [],
    stages: [],
    notes: [],
    jobGroups: [{ id: 4100, status: 'Failed', stages, url: 'https://app/jobs/4100', ...group }],
    ...extra
  }
}

const read = (tail: string[], lineCount = tail.length) => ({
  state: 'read' as const,
  notes: [],
  stages: [{ stageId: 1, lineCount, tail, telling: tail.slice(-2), file: 'logs/job-group-4100/1/job.log' }]
})

describe('failureLogGroups', () => {
  it('lists every stage with its whole error, then the failed stage tail, then the job page', () => {
    const [group] = failureLogGroups(reportWith({ logs: read(['a', 'b'], 10) }))
    expect(group).toEqual({
      title: 'Job 4100 failed: 2 stages and their logs',
      lines: [
        'Stage 1 (wrangle): Failed',
        '  Error: line one',
        '  line two',
        'Stage 2 (filewriter): Canceled',
        'Last 2 lines (of 10) of job.log of stage 1 (wrangle):',
        '  | a',
        '  | b',
        'Job page: https://app/jobs/4100'
      ]
    })
  })

  it('says why there are no lines: never, not available, failed, no job.log in the archive', () => {
    const lines = (group: Partial<JobGroupReport>): string[] => failureLogGroups(reportWith(group))[0]!.lines
    expect(lines({})).toContain('Logs: not read (the logs input is never).')
    expect(lines({ logs: { state: 'not-available', stages: [], notes: [] } })).toContain(
      'Logs: this edition gives no job logs through the API.'
    )
    expect(lines({ logs: { state: 'failed', detail: 'HTTP 500', stages: [], notes: [] } })).toContain(
      'Logs: could not be read: HTTP 500'
    )
    expect(lines({ logs: { state: 'read', stages: [], notes: ['Reading stopped: x.'] } })).toEqual(
      expect.arrayContaining(['Logs: Reading stopped: x.', 'No job.log for stage 1 (wrangle) in the logs archive.'])
    )
  })

  it('cuts long lines and stops at the bound of what the step log takes', () => {
    const long = 'x'.repeat(5000)
    const lines = failureLogGroups(reportWith({ logs: read(Array(1000).fill(long)) }))[0]!.lines
    const tail = lines.filter((l) => l.startsWith('  | '))
    expect(tail[0]).toBe(`  | ${'x'.repeat(1000)} … (cut here)`)
    expect(tail.length).toBeLessThan(300)
    expect(lines).toContain(
      '  … more lines than the step log takes: the whole job.log is in report-dir (logs/job-group-4100/1/job.log).'
    )
  })

  it("keeps a title on one line whatever the output's name holds, and skips job groups that did not fail", () => {
    const report = reportWith(
      {},
      {
        composite: {
          subject: 'flow 3',
          url: '',
          jobsUrl: '',
          parts: [{ name: 'Sales\n::error::forged', jobGroupId: 4100, status: 'Failed' }]
        }
      }
    )
    report.jobGroups!.push({ id: 4101, status: 'Complete', stages: [], url: '' })
    const groups = failureLogGroups(report)
    expect(groups.map((g) => g.title)).toEqual([
      "Output 'Sales ::error::forged' (job 4100) failed: 2 stages and their logs"
    ])
  })
})

describe('resultsSections', () => {
  it('gives the failed stage error and its telling lines, escaped and defused', () => {
    const markdown = resultsSections(reportWith({ logs: read(['INFO ok', '::error::FORGED <b>x</b>']) })).join('\n')
    expect(markdown).toContain('#### Why job 4100 failed')
    expect(markdown).toContain('<p>Stage 1 (wrangle) failed: line one line two</p>')
    expect(markdown).toContain('<pre>\nINFO ok\n: :error::FORGED &#60;b&#62;x&#60;/b&#62;\n</pre>')
  })

  it('lists publications for a single run, and per job group for a flow', () => {
    const publications = {
      state: 'read' as const,
      items: [{ target: 'bigquery', table: 'ds.t', action: 'load' }],
      more: 0
    }
    const single = resultsSections(reportWith({ status: 'Complete', publications })).join('\n')
    expect(single).toContain('<tr><td>bigquery</td><td><code>ds.t</code></td><td>load</td></tr>')
    const flow = resultsSections(
      reportWith(
        { status: 'Complete', publications, written: { files: [{ uri: 'gs://b/x.csv', kind: 'file' }], tables: [] } },
        { composite: { subject: 'flow 3', url: '', jobsUrl: '', parts: [{ name: 'Sales', jobGroupId: 4100 }] } }
      )
    ).join('\n')
    expect(flow).toContain('#### What each job group made')
    expect(flow).toContain(
      '<td>output &#39;Sales&#39;</td><td>file <code>gs://b/x.csv</code></td><td>bigquery <code>ds.t</code> (load)</td>'
    )
  })
})
