// The data of flows (per job group) and in the pull request comment (the short form), end to end.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { marked } from 'marked'
import { afterEach, describe, expect, it } from 'vitest'
import type { ProfileSpec } from '../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../support/e2e.ts'
import { FakeGitHub } from '../support/fake-github.ts'

const profile = (rows: number, missing: number): ProfileSpec => ({
  outputs: [
    {
      columns: { id: { type: 'Integer', valid: rows }, email: { valid: rows - missing, empty: missing } },
      rules: [{ column: 'email', description: 'email is valid', passCount: rows - missing, failCount: missing }]
    }
  ]
})

const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0)) await step()
})

describe('flows', () => {
  it('each job group gets its profile; the gate names the output that broke it', async () => {
    const e = await emulator({
      flows: {
        10: {
          outputs: [
            { recipeId: 7, name: 'Sales', scenario: { durationMs: 800, profile: profile(500, 0) } },
            { recipeId: 8, name: 'Returns', scenario: { durationMs: 800, profile: profile(200, 50) } }
          ]
        }
      }
    })
    const overrides = '{"Sales": {"profiler": true}, "Returns": {"profiler": true}}'
    const result = await run({
      ...inputsFor(e, { 'flow-id': '10', overrides, 'quality-gate': 'missing: 10%' }),
      'recipe-id': ''
    })
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Complete')
    expect(warnings(result)).toEqual([])
    expect(errors(result)).toEqual([
      '::error title=Data quality gate failed::' +
        "output 'Returns' (job 4101), column 'email': 50 missing (25%25); missing: 10%25"
    ])
    const page = marked.parse(result.summary, { async: false })
    expect(page).toContain('<td>output &#39;Sales&#39; &#40;job 4100&#41;</td><td>500</td>')
    expect(page).toContain('<td>output &#39;Returns&#39; &#40;job 4101&#41;</td><td>200</td>')
  })
})

describe('plans', () => {
  it("each task's job group gets its profile (profiling from the outputs' own settings)", async () => {
    const profiled = {
      durationMs: 500,
      stages: [{ jobType: 'wrangle' }, { jobType: 'profile' }],
      profile: profile(300, 3)
    }
    const e = await emulator({
      plans: { 5: { tasks: [{ name: 'Load', outputs: [{ recipeId: 11, name: 'Daily', scenario: profiled }] }] } }
    })
    const result = await run({ ...inputsFor(e, { 'plan-id': '5', 'quality-gate': 'missing: 5%' }), 'recipe-id': '' })
    expect(result.code).toBe(0)
    expect(result.outputs.quality).toBe('passed')
    expect(result.summary).toContain('<td>task &#39;Load&#39;, recipe 11 &#40;job 4100&#41;</td><td>300</td>')
  })
})

describe('the pull request comment', () => {
  it('has the short form: rows before and now, the worst columns, the moved ones, the broken checks', async () => {
    const e = await emulator({ scenario: { durationMs: 800, profile: profile(800, 80) } })
    const before = e.createJobGroup(
      7,
      { durationMs: 0, profile: profile(1000, 0) },
      {
        ranfrom: 'schedule',
        overrides: { profiler: true },
        createdAt: Date.now() - 3600_000
      }
    )
    const gh = await FakeGitHub.start()
    cleanup.push(() => gh.close())
    const dir = mkdtempSync(join(tmpdir(), 'quality-comment-'))
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
    const event = join(dir, 'event.json')
    writeFileSync(event, JSON.stringify({ number: 12, pull_request: { number: 12 } }))
    const env = { GITHUB_API_URL: gh.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event }
    const inputs = inputsFor(e, { 'comment-on-pr': 'true', baseline: 'scheduled', 'quality-gate': 'missing: 5%' })
    const result = await run(inputs, { env })
    expect(result.code).toBe(1)
    const [comment] = gh.comments('acme', 'pipelines', 12)
    const body = comment!.body
    expect(body).toContain('#### ❌ Data quality gate failed')
    expect(body).toContain(`<b>Job 4101</b> · compared with job ${before}`)
    expect(body).toContain(
      '<li>job 4101: 800 rows (before 1000, -200 (-20%)); worst columns <code>email</code> 10%; ' +
        'moved <code>email</code> missing 0% → 10%; rules: 0 of 1 pass</li>'
    )
    // The summary has the full tables, the comment does not.
    expect(result.summary).toContain('<th>Column</th><th>Type</th><th>Mismatched</th><th>Missing</th>')
    expect(body).not.toContain('<th>Mismatched</th>')
  })
})
