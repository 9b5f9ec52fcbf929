import { describe, expect, it } from 'vitest'
import { commentMarker, fitComment } from '../../src/report/pr-comment.ts'

describe('commentMarker', () => {
  it('is a hidden HTML comment naming the workflow, job and target, with unsafe characters replaced', () => {
    expect(commentMarker('Data checks', 'dataprep', 'recipe 7')).toBe(
      '<!-- trifacta-run-job-action workflow="Data checks" job="dataprep" target="recipe 7" -->'
    )
    expect(commentMarker('a"-->b', 'j', 'recipe 7')).not.toContain('-->b')
  })
})

describe('fitComment', () => {
  const marker = commentMarker('ci', 'run', 'recipe 7')
  it('keeps a short summary whole', () => {
    expect(fitComment(marker, 'short', undefined)).toBe(`${marker}\nshort`)
  })

  it("cuts a long summary at a line end to GitHub's 65,536 characters, marker first, with a pointer to the run", () => {
    const summary = Array.from(
      { length: 3000 },
      (_, i) => `<li>file <code>gs://bucket/path/${i}/part-${'x'.repeat(20)}.csv</code></li>`
    ).join('\n')
    const body = fitComment(marker, summary, 'https://github.com/acme/p/actions/runs/1')
    expect(body.length).toBeLessThanOrEqual(65_536)
    expect(body.startsWith(`${marker}\n<li>`)).toBe(true)
    const note =
      "<p>… cut to fit GitHub's comment limit; the full report is in the step summary of " +
      '<a href="https://github.com/acme/p/actions/runs/1">the workflow run</a>.</p>\n'
    expect(body.slice(body.lastIndexOf('</li>'))).toBe(`</li>\n\n${note}`)
  })
})
