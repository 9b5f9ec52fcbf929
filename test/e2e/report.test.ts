// Reports people want to read: the step summary and the outputs for every ending, with hostile server text
// escaped or cut, never raw; annotations with a title and the job link; progress lines in a log group.
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import { emulator, errors, inputsFor, run, start } from '../support/e2e.ts'

const html = (summary: string): string => marked.parse(summary, { async: false })

describe('the summary and outputs for each ending', () => {
  it('complete: links, duration, engine, parameters, stages with durations, what was written', async () => {
    const e = await emulator({ scenario: { durationMs: 2000, statuses: ['InProgress'] } })
    const result = await run(inputsFor(e, { overrides: '{"execution": "spark"}', 'run-parameters': 'country=Germany' }))
    expect(result.code).toBe(0)
    const out = result.outputs
    expect(out['job-url']).toBe(`${e.url}/jobs/4100`)
    expect(Number(out['duration-seconds'])).toBeGreaterThanOrEqual(2)
    expect(Number(out['duration-seconds'])).toBeLessThanOrEqual(4)
    expect(JSON.parse(out.jobs!).map((j: { type: string }) => j.type)).toEqual(['wrangle', 'filewriter'])
    const written = JSON.parse(out.written!)
    expect(written.files.length + written.tables.length).toBeGreaterThan(0)
    const page = html(result.summary)
    expect(page).toMatch(/<h3>Job 4100 ✅ completed<\/h3>/)
    expect(page).toContain(`<a href="${e.url}/jobs/4100">4100</a>`)
    expect(page).toMatch(/<th align="left">Engine<\/th><td>spark<\/td>/)
    expect(page).toMatch(/<code>country<\/code> = Germany/)
    expect(page).toMatch(/<td>wrangle<\/td><td>Complete<\/td><td>\d+s<\/td>/)
    expect(page).toMatch(/<h4>Written<\/h4>/)
    expect(page).toContain('<a href="https://github.com/acme/pipelines/actions/runs/1234">')
  })

  it('canceled elsewhere: fails with fail-on-job-failure, stages Canceled, nothing written', async () => {
    const e = await emulator({ scenario: { durationMs: 1500, finalStatus: 'Canceled' } })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Canceled')
    expect(result.outputs.written).toBe('')
    expect(result.summary).toContain('Job 4100 🚫 was canceled')
    expect(errors(result)[0]).toMatch(/^::error title=Job 4100 Canceled::Job 4100 ended Canceled\. .*\/jobs\/4100$/)
  })

  it('failed: an annotation with a title, the job link and the stage message, shown in the stage row too', async () => {
    const e = await emulator({
      scenario: {
        durationMs: 1500,
        finalStatus: 'Failed',
        stages: [{ jobType: 'wrangle' }, { jobType: 'publish', errorMessage: 'Table "sales" is locked' }]
      }
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    const [error] = errors(result)
    expect(error).toMatch(/^::error title=Job 4100 Failed::/)
    expect(error).toContain('Stage publish failed: "Table "sales" is locked"')
    expect(error).toContain(`${e.url}/jobs/4100`)
    expect(html(result.summary)).toMatch(
      /<td>publish<\/td><td>Failed<\/td><td>[^<]*<\/td><td>Table &#34;sales&#34; is locked<\/td>/
    )
    expect(JSON.parse(result.outputs.jobs!)).toEqual([
      { id: expect.any(Number), type: 'wrangle', status: 'Complete' },
      { id: expect.any(Number), type: 'publish', status: 'Failed' }
    ])
  })

  it('timed out and not waited for: the summary says so and the outputs hold the running state', async () => {
    const e = await emulator({ scenario: { durationMs: 60_000, statuses: ['InProgress'] } })
    const timedOut = await run(inputsFor(e, { timeout: '2s', 'cancel-on-timeout': 'false' }))
    expect(timedOut.summary).toContain('Job 4100 ⏱️ timed out')
    expect(timedOut.outputs.status).toBe('InProgress')
    expect(Number(timedOut.outputs['duration-seconds'])).toBeGreaterThanOrEqual(2)
    const notWaited = await run(inputsFor(e, { wait: 'false' }))
    expect(notWaited.summary).toContain('Job 4101 ▶️ is running (not waited for)')
    expect(notWaited.outputs.status).toBe('InProgress')
  })

  it('progress: one line per status change with the stages, inside a log group', async () => {
    const e = await emulator({ scenario: { durationMs: 3000, statuses: ['Created', 'InProgress'] } })
    const result = await run(inputsFor(e))
    const group = result.stdout.slice(
      result.stdout.indexOf('::group::Waiting for job 4100'),
      result.stdout.indexOf('::endgroup::')
    )
    expect(group).toMatch(/Job 4100: Created after \d+ms \(wrangle Created, filewriter Created\)/)
    expect(group).toMatch(/Job 4100: InProgress after \d+s \(wrangle InProgress, filewriter Created\)/)
    // The stages are read on a change of status and once at the end, for the report: not again for the last line.
    expect(group).toMatch(/Job 4100: Complete after \d+s\s*$/m)
    expect(e.requestsTo('GET', '/v4/jobGroups/4100/jobs')).toHaveLength(3)
    expect(group.match(/Job 4100: InProgress/g)).toHaveLength(1)
  })

  it('links to the workflow run use GITHUB_SERVER_URL (GitHub Enterprise Server)', async () => {
    const e = await emulator()
    const result = await run(inputsFor(e), {
      env: { GITHUB_SERVER_URL: 'https://ghes.example.com', GITHUB_RUN_ATTEMPT: '2' }
    })
    expect(result.summary).toContain('href="https://ghes.example.com/acme/pipelines/actions/runs/1234/attempts/2"')
  })
})

describe('hostile server text', () => {
  const hostile =
    '<script>alert(1)</script><img src=x onerror=alert(2)> | col | ' +
    '**bold** [x](javascript:alert(3)) `tick`\n\n# Heading\n' +
    'long '.repeat(400)

  it('a stage message with HTML, table breakers and 2 KB of text is escaped and cut in summary and error', async () => {
    const e = await emulator({
      scenario: { durationMs: 1200, finalStatus: 'Failed', stages: [{ jobType: 'wrangle', errorMessage: hostile }] }
    })
    const result = await run(inputsFor(e))
    const page = html(result.summary)
    expect(page).not.toMatch(/<script|<img|<strong>|<em>|<h1>|javascript:alert\(3\)"/)
    const row = page.match(/<tr><td>\d+<\/td><td>wrangle<\/td>.*<\/tr>/)![0]
    expect(row.match(/<td>/g)).toHaveLength(5)
    expect(row).toContain('…')
    expect(row.length).toBeLessThan(3000)
    const [error] = errors(result)
    expect(error!.length).toBeLessThan(1200)
    expect(error).not.toContain('\n')
  })

  it('a server exception with Markdown and HTML is quoted in the error and escaped in the summary', async () => {
    const e = await emulator({
      faults: [
        {
          method: 'POST',
          path: '/v4/jobGroups',
          action: {
            kind: 'status',
            status: 400,
            body: { exception: { name: 'ValidationFailed', message: hostile, details: '| a | b |' } }
          }
        }
      ]
    })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(1)
    expect(errors(result)[0]).toContain('answered HTTP 400 Bad Request: ValidationFailed')
    const page = html(result.summary)
    expect(page).toContain('Recipe 7 ⚠️ could not be run')
    expect(page).not.toMatch(/<script|<img|<strong>|<h1>|<table>\s*<thead>\s*<tr>\s*<th>a<\/th>/)
    expect(page).toContain('&#60;script&#62;')
  })

  it('an unknown status with markup is warned once and escaped', async () => {
    const e = await emulator({ scenario: { durationMs: 60_000, statuses: ['<b>Paused</b>'] } })
    const action = start(inputsFor(e, { timeout: '2s', 'cancel-on-timeout': 'false' }))
    const result = await action.result
    expect(result.stdout.match(/reports status '<b>Paused<\/b>', which this action does not know/g)).toHaveLength(1)
    expect(html(result.summary)).not.toContain('<b>Paused</b>')
    expect(result.outputs.status).toBe('<b>Paused</b>')
  })
})
