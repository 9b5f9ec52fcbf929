// Gating on the data end to end: dist/index.js against the emulator's profiles. The profile in the summary, the
// quality gate (every broken check named, the status output still Complete), a baseline to compare with, and
// the inputs refused before anything is sent.
import { marked } from 'marked'
import { describe, expect, it } from 'vitest'
import type { Emulator, ProfileSpec } from '../emulator/index.ts'
import { emulator, errors, inputsFor, run, warnings } from '../support/e2e.ts'

const html = (summary: string): string => marked.parse(summary, { async: false })
/** The error annotations, with the runner's escapes undone (a message of several lines is one command line). */
const errorTexts = (result: Awaited<ReturnType<typeof run>>): string[] =>
  errors(result).map((line) =>
    line.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%')
  )

/** This run's data: 1000 rows, emails partly missing, one rule failing. */
const NOW: ProfileSpec = {
  outputs: [
    {
      columns: {
        id: { type: 'Integer', valid: 1000 },
        email: { type: 'String', valid: 900, empty: 60, invalid: 40 },
        amount: { type: 'Decimal', valid: 997, invalid: 3 }
      },
      rules: [
        { column: 'email', description: 'email is valid', passCount: 940, failCount: 60 },
        { column: 'id', description: 'id is unique', passCount: 1000, failCount: 0 }
      ]
    }
  ]
}

/** Production's data: 1400 rows, clean. */
const PRODUCTION: ProfileSpec = {
  outputs: [
    {
      columns: {
        id: { type: 'Integer', valid: 1400 },
        email: { type: 'String', valid: 1390, empty: 10 },
        amount: { type: 'Decimal', valid: 1400 }
      },
      rules: [
        { column: 'email', description: 'email is valid', passCount: 1400, failCount: 0 },
        { column: 'id', description: 'id is unique', passCount: 1400, failCount: 0 }
      ]
    }
  ]
}

const GATE = `rules: pass
mismatched: 0.5%
missing: 5%
min-rows: 1000
max-row-change: 20%
columns:
  email: { missing: 0 }
`

const DAY = 24 * 3600_000

/** Past runs of recipe 7: a scheduled one (production), then a newer one from the UI. */
function pastRuns(e: Emulator): { scheduled: number; ui: number } {
  const profiled = { overrides: { profiler: true } }
  const scheduled = e.createJobGroup(
    7,
    { durationMs: 0, profile: PRODUCTION },
    {
      ...profiled,
      ranfrom: 'schedule',
      createdAt: Date.now() - DAY
    }
  )
  const ui = e.createJobGroup(
    7,
    { durationMs: 0, profile: NOW },
    { ...profiled, ranfrom: 'ui', createdAt: Date.now() - 3600_000 }
  )
  return { scheduled, ui }
}

describe('the profile in the report', () => {
  it('a profiled run shows rows, the worst columns and the rules; it passes without a gate', async () => {
    const e = await emulator({ scenario: { durationMs: 1000, profile: NOW } })
    const result = await run(inputsFor(e, { overrides: '{"profiler": true}' }))
    expect(result.code).toBe(0)
    expect(result.outputs.status).toBe('Complete')
    expect(result.outputs.quality).toBe('not-checked')
    expect(warnings(result)).toEqual([])
    const page = html(result.summary)
    expect(page).toContain('<h4>Data profile</h4>')
    expect(page).toMatch(/<td>job 4100<\/td><td>1000<\/td>/)
    // The worst column first: mismatched and missing with count and share.
    expect(page).toMatch(/<td><code>email<\/code><\/td><td>String<\/td><td>40 \(4%\)<\/td><td>60 \(6%\)<\/td>.*amount/s)
    expect(page).toMatch(
      /<td><code>email<\/code><\/td><td>email is valid<\/td><td>❌ fail<\/td><td>940<\/td><td>60<\/td>/
    )
    expect(page).not.toContain('Data quality gate')
    const figures = JSON.parse(result.outputs.result!).quality
    expect(figures).toMatchObject({ quality: 'not-checked', jobs: [{ jobId: 4100, outputs: [{ rows: 1000 }] }] })
  })

  it('a run without profiling says so in one line, with how to turn it on; nothing fails', async () => {
    const e = await emulator({ scenario: { durationMs: 500 } })
    const result = await run(inputsFor(e))
    expect(result.code).toBe(0)
    expect(warnings(result)).toEqual([])
    expect(result.summary).toMatch(/No data profile: job 4100 ran without profiling[^\n]*"profiler": true/)
    expect(e.requestsTo('GET', '/v4/jobGroups/4100/profileResults')).toHaveLength(1)
  })

  it('an edition without the calls: said once, nothing fails', async () => {
    const e = await emulator({ scenario: { durationMs: 500 }, profileCalls: 'none' })
    const result = await run(inputsFor(e, { overrides: '{"profiler": true}' }))
    expect(result.code).toBe(0)
    expect(warnings(result)).toEqual([])
    expect(result.summary).toMatch(/No data profile: this edition serves no job-group profiles/)
  })

  it('an edition with /profile only is read through it', async () => {
    const e = await emulator({ scenario: { durationMs: 500, profile: NOW }, profileCalls: 'profile' })
    const result = await run(inputsFor(e, { overrides: '{"profiler": true}' }))
    expect(result.code).toBe(0)
    expect(html(result.summary)).toMatch(/<td>job 4100<\/td><td>1000<\/td>/)
  })

  it('a failed read is a warning and the report is still written', async () => {
    const e = await emulator({
      scenario: { durationMs: 500, profile: NOW },
      faults: [
        { method: 'GET', path: /\/profile(Results)?$/, times: Infinity, action: { kind: 'status', status: 403 } }
      ]
    })
    const result = await run(inputsFor(e, { overrides: '{"profiler": true}' }))
    expect(result.code).toBe(0)
    expect(warnings(result)).toEqual([
      expect.stringMatching(/^::warning title=Data profile::Could not read the profile of job 4100/)
    ])
    expect(result.summary).toContain('Job 4100 ✅ completed')
  })
})

describe('the quality gate', () => {
  it('a broken gate fails the step naming every broken check; status stays Complete', async () => {
    const e = await emulator({ scenario: { durationMs: 1000, profile: NOW } })
    const result = await run(inputsFor(e, { 'quality-gate': GATE.replace('max-row-change: 20%\n', '') }))
    expect(result.code).toBe(1)
    expect(result.outputs.status).toBe('Complete')
    expect(result.outputs.quality).toBe('failed')
    // The gate asked for the profile.
    expect(e.jobGroups()[0]!.overrides).toEqual({ profiler: true })
    // Every broken check, one per line; amount's 0.3% mismatched is within 0.5%.
    expect(errorTexts(result)).toEqual([
      '::error title=Data quality gate failed::' +
        "job 4100, column 'email': 40 mismatched (4%); mismatched: 0.5%\n" +
        "job 4100, column 'email': 60 missing (6%); missing: 0\n" +
        "job 4100, column 'email': rule 'email is valid' is fail (60 of 1000 rows fail); rules: pass"
    ])
    const page = html(result.summary)
    expect(page).toContain('<h3>Job 4100 ✅ completed · ❌ the data failed its quality gate</h3>')
    expect(page).toContain('<h4>❌ Data quality gate failed</h4>')
    expect(page.match(/<li>job 4100/g)).toHaveLength(3)
  })

  it('a passing gate says so', async () => {
    const e = await emulator({ scenario: { durationMs: 500, profile: PRODUCTION } })
    const result = await run(inputsFor(e, { 'quality-gate': 'rules: pass\nmissing: 1%\nmin-rows: 1000' }))
    expect(result.code).toBe(0)
    expect(result.outputs.quality).toBe('passed')
    expect(result.summary).toContain('#### ✅ Data quality gate passed')
  })

  it('a gate on a run that produced no profile fails, saying why', async () => {
    const e = await emulator({ scenario: { durationMs: 500 } })
    const id = e.createJobGroup(7, { durationMs: 500 })
    const result = await run({
      ...inputsFor(e, { 'quality-gate': 'rules: pass' }),
      'recipe-id': '',
      'job-id': String(id)
    })
    expect(result.code).toBe(1)
    expect(result.outputs.quality).toBe('failed')
    expect(errors(result)).toEqual([
      expect.stringMatching(
        /^::error title=Data quality gate failed::job 4100: no profile; profile: job 4100 ran without profiling/
      )
    ])
  })

  it.each([
    ['rules: [pass', "Input 'quality-gate': is not valid YAML or JSON"],
    ['rules: pass\nmismatch: 1%', "unknown check 'mismatch' (did you mean 'mismatched'?)"],
    ['max-row-change: 20%', "Input 'quality-gate': 'max-row-change' needs a baseline"]
  ])('%j is an input error before anything is sent', async (gate, message) => {
    const e = await emulator()
    const result = await run(inputsFor(e, { 'quality-gate': gate }))
    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(0)
    expect(errors(result).join('\n')).toContain(message)
  })

  it('profiler: false with a gate, and a bad baseline, are input errors', async () => {
    const e = await emulator()
    const result = await run(
      inputsFor(e, { 'quality-gate': 'rules: pass', overrides: '{"profiler": false}', baseline: 'production' })
    )
    expect(result.code).toBe(1)
    expect(e.requests).toHaveLength(0)
    const text = errors(result).join('\n')
    expect(text).toContain("Input 'overrides': 'profiler' is false, but quality-gate needs a profile")
    expect(text).toContain("Input 'baseline': must be 'scheduled'")
  })

  it('a run that did not complete is not checked, and the summary says so', async () => {
    const e = await emulator({ scenario: { durationMs: 500, finalStatus: 'Failed' } })
    const result = await run(inputsFor(e, { 'quality-gate': 'rules: pass' }))
    expect(result.code).toBe(1)
    expect(result.outputs.quality).toBe('not-checked')
    expect(errors(result)).toEqual([expect.stringMatching(/^::error title=Job 4100 Failed::/)])
    expect(result.summary).toContain('<p>Data quality gate not checked: the run did not complete.</p>')
  })
})

describe('a baseline', () => {
  it('scheduled: compares with production, and max-row-change bounds the change of rows', async () => {
    const e = await emulator({ scenario: { durationMs: 1000, profile: NOW } })
    const { scheduled } = pastRuns(e)
    const result = await run(inputsFor(e, { 'quality-gate': 'max-row-change: 20%', baseline: 'scheduled' }))
    expect(result.code).toBe(1)
    expect(errorTexts(result)).toEqual([
      '::error title=Data quality gate failed::' +
        `job 4102: rows 1400 → 1000 against job ${scheduled}, a change of -400 (-28.6%); max-row-change: 20%`
    ])
    const library = e.requestsTo('GET', '/v4/jobLibrary')
    // The baseline's look-up (other reads of the job library may come before it).
    expect(library.find((r) => r.query.ranfrom !== undefined)?.query).toMatchObject({
      ranfrom: 'schedule',
      status: 'Complete'
    })
    const page = html(result.summary)
    expect(page).toContain(`compared with job ${scheduled}`)
    expect(page).toMatch(/<td>job 4102<\/td><td>1000<\/td><td>1400<\/td><td>-400 \(-28.6%\)<\/td>/)
    expect(page).toMatch(/<td><code>email<\/code><\/td><td>missing<\/td><td>0.71%<\/td><td>6%<\/td>/)
    expect(page).toMatch(/<td><code>email<\/code><\/td><td>email is valid<\/td><td>pass<\/td><td>fail<\/td>/)
  })

  it('last and a job group id; a baseline without a profile is named as such, nothing fails', async () => {
    const e = await emulator({ scenario: { durationMs: 500, profile: NOW } })
    const { ui } = pastRuns(e)
    const last = await run(inputsFor(e, { overrides: '{"profiler": true}', baseline: 'last' }))
    expect(last.code).toBe(0)
    expect(last.summary).toContain(`compared with job ${ui}`)
    const plain = e.createJobGroup(7, { durationMs: 0 }, { createdAt: Date.now() - 1000 })
    const byId = await run(inputsFor(e, { overrides: '{"profiler": true}', baseline: String(plain) }))
    expect(byId.code).toBe(0)
    expect(byId.summary).toMatch(
      new RegExp(`compared with job ${plain}[^\\n]*it has no profile: job ${plain} ran without profiling`)
    )
  })

  it('no scheduled run: named, and the gate that asks fails', async () => {
    const e = await emulator({ scenario: { durationMs: 500, profile: NOW } })
    const result = await run(inputsFor(e, { 'quality-gate': 'max-row-change: 20%', baseline: 'scheduled' }))
    expect(result.code).toBe(1)
    expect(result.summary).toContain('no baseline: no earlier scheduled run of recipe 7 was found')
    expect(errorTexts(result)[0]).toContain(
      'job 4100: no baseline; max-row-change: no earlier scheduled run of recipe 7'
    )
  })
})
