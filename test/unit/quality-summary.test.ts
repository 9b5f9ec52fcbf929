// The data's sections of the summary and of the pull request comment (pure rendering).
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { compareProfiles } from '../../src/quality/compare.ts'
import { parseQualityGate } from '../../src/quality/gate.ts'
import type { JobQuality, QualityReport } from '../../src/quality/job-quality.ts'
import { readOutputProfile } from '../../src/quality/profile.ts'
import { judge } from '../../src/quality/verdict.ts'
import { renderQuality } from '../../src/report/quality-summary.ts'

const histogram = (valid: number, empty = 0, invalid = 0): object[] => [
  { key: 'VALID', count: valid },
  { key: 'EMPTY', count: empty },
  { key: 'INVALID', count: invalid }
]

function report(jobs: JobQuality[], gate = ''): QualityReport {
  return { jobs, verdict: judge(parseQualityGate(gate), jobs, true), jobsOmitted: 0, notes: [] }
}

const wide = (missing: number) =>
  readOutputProfile('', {
    profilerTypeCheckHistograms: Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`c${i}`, histogram(100 - i * missing, i * missing)])
    ),
    profilerRules: { c1: [{ description: 'c1 is set', status: 'fail', passCount: 99, failCount: 1 }] }
  })

describe('renderQuality', () => {
  const now = wide(2)
  const before = wide(0)
  const job: JobQuality = {
    jobGroupId: 4100,
    label: 'job 4100',
    profile: { kind: 'profiled', outputs: [now] },
    baseline: { kind: 'found', jobGroupId: 4090, profile: { kind: 'profiled', outputs: [before] } },
    comparisons: compareProfiles([now], [before])
  }

  it('the summary: the worst 20 columns of 29 with some missing, then how many more; moved columns; rules', () => {
    const html = marked.parse(renderQuality(report([job], 'missing: 10%')).join('\n'), { async: false })
    expect(html).toContain('<h4>❌ Data quality gate failed</h4>')
    expect(html).toMatch(/<tr><td><code>c29<\/code><\/td><td><\/td><td>0<\/td><td>58 \(58%\)<\/td><\/tr>/)
    expect(html.match(/<tr><td><code>c\d+<\/code><\/td><td><\/td><td>0<\/td>/g)).toHaveLength(20)
    expect(html).toContain('… and 9 more such columns.')
    expect(html).toContain('… and 9 more moved columns.')
    expect(html).toContain('<td><code>c1</code></td><td>c1 is set</td><td>❌ fail</td><td>99</td><td>1</td>')
    expect(html).toContain('compared with job 4090')
  })

  it('the comment: one line per output, no tables of columns; a job without profile reads as in the summary', () => {
    const short = renderQuality(report([job])).join('\n')
    const comment = renderQuality(report([job]), true).join('\n')
    expect(comment).toContain(
      '<li>job 4100: 100 rows (before 100, 0 (0%)); worst columns <code>c29</code> 58%, <code>c28</code> 56%, ' +
        '<code>c27</code> 54%; moved <code>c29</code> missing 0% → 58%, <code>c28</code> missing 0% → 56%, ' +
        '<code>c27</code> missing 0% → 54%; rules: 0 of 1 pass</li>'
    )
    expect(comment).not.toContain('<th>Mismatched</th>')
    expect(short).toContain('<th>Mismatched</th>')
    const none: JobQuality = {
      jobGroupId: 4101,
      label: 'job 4101',
      profile: { kind: 'none', reason: 'not-profiled', why: 'job 4101 ran without profiling' },
      comparisons: []
    }
    expect(renderQuality(report([none]), true)).toEqual(renderQuality(report([none])))
    expect(renderQuality(report([none])).join('\n')).toContain(
      'No data profile: job 4101 ran without profiling. ' +
        'Turn profiling on with <code>overrides: {"profiler": true}</code>'
    )
  })

  it('no blank line twice, whatever is left out', () => {
    const lines = renderQuality(report([job], 'rules: pass'))
    expect(lines.some((line, i) => line === '' && lines[i - 1] === '')).toBe(false)
  })
})
