// A failure explains itself: a log group per failed job group with every stage and the failed stages' log tails,
// the telling lines in the summary, the result as JSON and the report folder. Run on the built dist/ against the
// emulator's self-managed edition (logs as a ZIP) and editions without logs.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import type { Emulator, JobScenario } from '../../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../../support/e2e.ts'
import { expectNoSecretIn, filesUnder, logGroups, runnerTemp } from './report-folder.ts'

const FAILED: JobScenario = {
  durationMs: 1200,
  finalStatus: 'Failed',
  stages: [{ jobType: 'wrangle', errorMessage: 'Column amount is missing' }, { jobType: 'filewriter' }],
  logArchive: { extraLines: 80 }
}
const logsRequests = (e: Emulator) => e.requestsTo('GET', /^\/v4\/jobGroups\/\d+\/logs$/)
const html = (summary: string): string => marked.parse(summary, { async: false })

describe('a failed recipe run on an edition with logs', () => {
  it("prints a group: each stage and the failed stage's last 50 lines; the summary its telling lines", async () => {
    const e = await emulator({ scenario: FAILED })
    const temp = runnerTemp()
    const result = await run(inputsFor(e), { env: { RUNNER_TEMP: temp } })

    expect(result.code).toBe(1)
    expect(logsRequests(e)).toHaveLength(1)
    expect(logsRequests(e)[0]!.headers.accept).toMatch(/application\/zip/)
    const group = logGroups(result).find((g) => g.title.startsWith('Job 4100 failed'))!
    expect(group.title).toBe('Job 4100 failed: 2 stages and their logs')
    expect(group.lines.slice(0, 3)).toEqual([
      'Stage 41001 (wrangle): Failed',
      '  Error: Column amount is missing',
      'Stage 41002 (filewriter): Canceled'
    ])
    expect(group.lines[3]).toBe('Last 50 lines (of 88) of job.log of stage 41001 (wrangle):')
    const tail = group.lines.slice(4, 54)
    expect(tail.every((line) => line.startsWith('  | '))).toBe(true)
    expect(tail.at(-1)).toMatch(/Job 41001 ended Failed$/)
    expect(tail).toContain('  | Caused by: java.io.IOException: Could not write to the output location')
    expect(group.lines.at(-1)).toBe(`Job page: ${e.url}/jobs/4100`)
    // The annotation comes after the group, and still names the stage and quotes its error.
    expect(errors(result)).toEqual([
      expect.stringContaining('Job 4100 ended Failed. Stage wrangle failed: "Column amount is missing".')
    ])
    expect(result.stdout.indexOf('::group::Job 4100 failed')).toBeLessThan(result.stdout.indexOf('::error'))

    const page = html(result.summary)
    expect(page).toContain('<h4>Why job 4100 failed</h4>')
    expect(page).toContain('<p>Stage 41001 (wrangle) failed: Column amount is missing</p>')
    const telling = page.split('<pre>')[1]!.split('</pre>')[0]!.trim().split('\n')
    expect(telling).toHaveLength(3)
    expect(telling[0]).toMatch(/ERROR .*Job 41001 failed: Column amount is missing$/)
    expect(telling[2]).toBe('Caused by: java.io.IOException: Could not write to the output location')

    const dir = result.outputs['report-dir']!
    expect(dir.startsWith(temp)).toBe(true)
    const files = filesUnder(dir)
    expect(Object.keys(files).sort()).toEqual([
      'logs/job-group-4100.zip',
      'logs/job-group-4100.zip!41001/job.log',
      'logs/job-group-4100.zip!41002/job.log',
      'logs/job-group-4100/41001/job.log',
      'logs/job-group-4100/41002/job.log',
      'result.json',
      'stages.json'
    ])
    expect(files['logs/job-group-4100/41001/job.log']!.split('\n')).toHaveLength(89)
    expect(JSON.parse(files['result.json']!)).toEqual(JSON.parse(result.outputs.result!))
    expect(JSON.parse(files['stages.json']!).jobGroups[0].stages[0]).toMatchObject({
      id: 41001,
      error: 'Column amount is missing'
    })
    expectNoSecretIn(files)
  })

  it('says in the result what failed, with the logs read and where they are', async () => {
    const e = await emulator({ scenario: FAILED })
    const result = await run(inputsFor(e, { 'log-lines': '5' }), { env: { RUNNER_TEMP: runnerTemp() } })
    const parsed = JSON.parse(result.outputs.result!)
    expect(parsed).toMatchObject({
      version: 1,
      kind: 'recipe',
      ending: 'failed',
      status: 'Failed',
      failed: true,
      ids: { recipeId: 7, jobGroupId: 4100, jobGroupIds: [4100] },
      error: { title: 'Job 4100 Failed', message: expect.stringContaining('Column amount is missing') },
      reportDir: result.outputs['report-dir']
    })
    expect(parsed.jobGroups[0]).toMatchObject({
      id: 4100,
      status: 'Failed',
      stages: [
        { id: 41001, type: 'wrangle', status: 'Failed', error: 'Column amount is missing' },
        { id: 41002, type: 'filewriter', status: 'Canceled', error: null }
      ],
      logs: { state: 'read', stages: [{ id: 41001, lines: 88, file: 'logs/job-group-4100/41001/job.log' }] }
    })
    const group = logGroups(result).find((g) => g.title.startsWith('Job 4100'))!
    expect(group.lines).toContain('Last 5 lines (of 88) of job.log of stage 41001 (wrangle):')
  })
})

describe('a flow with two failed outputs', () => {
  it('gives each failed job group its own log group and summary section, and reads no logs of the others', async () => {
    const failing = (errorMessage: string): JobScenario => ({
      ...FAILED,
      stages: [{ jobType: 'wrangle' }, { jobType: 'filewriter', errorMessage }]
    })
    const e = await emulator({
      scenario: { durationMs: 1200 },
      flows: {
        3: {
          outputs: [
            { recipeId: 31, name: 'Sales', scenario: failing('Disk quota exceeded') },
            { recipeId: 32, name: 'Returns' },
            { recipeId: 33, name: 'Stock', scenario: failing('Permission denied on gs://stock') }
          ]
        }
      }
    })
    const result = await run(inputsFor(e, { 'recipe-id': '', 'flow-id': '3' }), { env: { RUNNER_TEMP: runnerTemp() } })

    expect(result.code).toBe(1)
    expect(logsRequests(e).map((r) => r.path)).toEqual(['/v4/jobGroups/4100/logs', '/v4/jobGroups/4102/logs'])
    const groups = logGroups(result).filter((g) => / failed: /.test(g.title))
    expect(groups.map((g) => g.title)).toEqual([
      "Output 'Sales' (job 4100) failed: 2 stages and their logs",
      "Output 'Stock' (job 4102) failed: 2 stages and their logs"
    ])
    expect(groups[1]!.lines).toContain('  Error: Permission denied on gs://stock')
    expect(groups[1]!.lines.some((l) => /^Last \d+ lines .* of stage 41006 \(filewriter\):$/.test(l))).toBe(true)
    const page = html(result.summary)
    expect(page).toContain('<h4>Why output &#39;Sales&#39; (job 4100) failed</h4>')
    expect(page).toContain('<h4>Why output &#39;Stock&#39; (job 4102) failed</h4>')
    expect(page).toContain('<h4>What each job group made</h4>')
    const parsed = JSON.parse(result.outputs.result!)
    expect(parsed.jobGroups.map((g: { name: string; status: string }) => [g.name, g.status])).toEqual([
      ['Sales', 'Failed'],
      ['Returns', 'Complete'],
      ['Stock', 'Failed']
    ])
    expect(parsed.jobGroups[1].logs.state).toBe('not-requested')
    expect(parsed.jobGroups[1].outputs.files.length).toBeGreaterThan(0)
  })
})

describe('logs: never and editions without logs', () => {
  it('logs: never sends no logs request, and says so in the group', async () => {
    const e = await emulator({ scenario: FAILED })
    const result = await run(inputsFor(e, { logs: 'never' }))
    expect(result.code).toBe(1)
    expect(logsRequests(e)).toEqual([])
    const group = logGroups(result).find((g) => g.title.startsWith('Job 4100'))!
    expect(group.lines).toContain('Logs: not read (the logs input is never).')
    expect(JSON.parse(result.outputs.result!).jobGroups[0].logs.state).toBe('not-requested')
  })

  it.each([[404], [403]] as const)(
    'an edition answering %i says once that it gives no logs; the result is unchanged',
    async (status) => {
      const e = await emulator({ scenario: FAILED, jobLogs: status })
      const result = await run(inputsFor(e, { logs: 'always' }))
      expect(result.code).toBe(1)
      expect(logsRequests(e)).toHaveLength(1)
      const said = result.stdout.split('\n').filter((l) => l.includes('gives no job logs through the API ('))
      expect(said).toEqual([
        `This edition gives no job logs through the API (GET /v4/jobGroups/4100/logs answered HTTP ${status}); ` +
          `the job page shows them: ${e.url}/jobs/4100`
      ])
      expect(warnings(result).filter((w) => /logs/i.test(w))).toEqual([])
      expect(html(result.summary)).toContain('This edition gives no job logs through the API.')
      expect(JSON.parse(result.outputs.result!)).toMatchObject({
        status: 'Failed',
        jobGroups: [{ logs: { state: 'not-available' } }]
      })
    }
  )

  it('logs: always reads the logs of a job that completed into the report folder, and prints no group', async () => {
    const e = await emulator({ scenario: { durationMs: 1000 } })
    const result = await run(inputsFor(e, { logs: 'always' }), { env: { RUNNER_TEMP: runnerTemp() } })
    expect(result.code).toBe(0)
    expect(logsRequests(e)).toHaveLength(1)
    expect(logGroups(result).filter((g) => / failed: /.test(g.title))).toEqual([])
    expect(existsSync(join(result.outputs['report-dir']!, 'logs/job-group-4100/41001/job.log'))).toBe(true)
  })

  it('reads no logs of a job that completed by default', async () => {
    const e = await emulator({ scenario: { durationMs: 1000 } })
    await run(inputsFor(e))
    expect(logsRequests(e)).toEqual([])
  })
})

describe('what the job made, and links that land', () => {
  it('shows the publications in the summary and the result; project-id goes into every app link', async () => {
    const e = await emulator({
      scenario: {
        durationMs: 1000,
        publications: [
          { path: ['analytics', 'public'], tableName: 'sales', targetType: 'postgres', action: 'createAndLoad' }
        ]
      }
    })
    const result = await run(inputsFor(e, { 'project-id': 'sales-prod' }))
    expect(result.code).toBe(0)
    expect(result.outputs['job-url']).toBe(`${e.url}/jobs/4100?projectId=sales-prod`)
    expect(result.stdout).toContain(`${e.url}/jobs/4100?projectId=sales-prod`)
    const page = html(result.summary)
    expect(page).toContain(`<a href="${e.url}/jobs/4100?projectId=sales-prod">4100</a>`)
    const published = page.split('<h4>Published</h4>')[1]!
    expect(published).toContain('<td>postgres</td><td><code>analytics.public.sales</code></td><td>createAndLoad</td>')
    const parsed = JSON.parse(result.outputs.result!)
    expect(parsed.urls.job).toBe(`${e.url}/jobs/4100?projectId=sales-prod`)
    expect(parsed.publications).toEqual([
      { jobGroupId: 4100, target: 'postgres', table: 'analytics.public.sales', action: 'createAndLoad' }
    ])
  })
})
