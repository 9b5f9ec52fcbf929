// dry-run: true, end to end: the built action signs in, checks the target instead of running it, and reports what
// it checked. On every edition of the emulator and for every kind of target, nothing is started: no POST
// /v4/jobGroups without testMode, no flow or plan run, no cancel (checked against the emulator's record).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Emulator, EmulatorOptions, FlowSpec } from '../emulator/index.ts'
import { emulator, errors, inputsFor, run } from '../support/e2e.ts'
import { shown } from '../support/shown.ts'
import { FakeGitHub } from '../support/fake-github.ts'
import { GITHUB_TOKEN, WRONG_API_TOKEN } from '../support/fake-tokens.ts'

const FLOWS: Record<number, FlowSpec> = {
  10: {
    name: 'Sales',
    outputs: [
      { recipeId: 7, name: 'Sales by region' },
      { recipeId: 8, name: 'Sales by month' }
    ]
  },
  12: { name: 'Returns', outputs: [{ recipeId: 9, name: 'Returns' }] }
}
const PLANS = { 5: { name: 'Nightly', tasks: [{ name: 'Refresh sales', flowId: 10 }] } }
const EDITIONS: Record<string, EmulatorOptions> = {
  enterprise: {},
  'enterprise without testMode': { testMode: 'rejected' },
  standard: { edition: 'standard' },
  'legacy Dataprep Standard': { legacy: true }
}
const OVERRIDES = JSON.stringify({
  execution: 'photon',
  writesettings: [{ path: 's3://bucket/sales.csv', action: 'overwrite', format: 'csv' }]
})

const FLOW_OVERRIDES = JSON.stringify({ execution: 'photon', 'Sales by region': JSON.parse(OVERRIDES) as object })

const dryRun = (e: Emulator, extra: Record<string, string> = {}): Record<string, string> =>
  inputsFor(e, { 'dry-run': 'true', ...extra })

/** Nothing a dry run sends may start or stop a job. */
function expectNothingStarted(e: Emulator): void {
  const posts = e.requests.filter((r) => r.method === 'POST')
  for (const post of posts) {
    expect(post.path, 'only test-mode requests are posted').toBe('/v4/jobGroups')
    expect((post.json as { testMode?: unknown }).testMode).toBe(true)
  }
  expect(e.jobGroups().filter((g) => g.origin === 'api')).toEqual([])
  expect(e.jobGroups().filter((g) => g.canceled)).toEqual([])
  expect(e.flowRuns()).toEqual([])
  expect(e.planRuns()).toEqual([])
}

describe('a dry run of a recipe', () => {
  it('sends the run request in test mode and says the recipe would run, with what it would write', async () => {
    const e = await emulator({ flows: FLOWS })
    const inputs = { overrides: OVERRIDES, 'run-parameters': 'country=Germany' }
    const result = await run(dryRun(e, inputs))

    expect(result.code).toBe(0)
    expectNothingStarted(e)
    // The very body a real run sends, plus testMode.
    const real = await emulator({ flows: FLOWS })
    await run(inputsFor(real, inputs))
    const [sent] = e.requestsTo('POST', '/v4/jobGroups')
    expect(sent!.json).toEqual({ ...(real.requestsTo('POST', '/v4/jobGroups')[0]!.json as object), testMode: true })
    expect(result.outputs).toMatchObject({ status: 'DryRun', 'job-id': '', 'job-ids': '[]', 'job-url': '' })
    expect(JSON.parse(result.outputs.result!)).toMatchObject({ dryRun: true, status: 'DryRun', jobGroups: [] })
    expect(result.outputs['request-id']).toBe(sent!.requestId)
    expect(shown(result.summary)).toContain("Dry run: recipe 7 ('Sales by region') would run")
    expect(shown(result.summary)).toContain('GET /v4/auth')
    expect(shown(result.summary)).toContain('<code>overwrite csv file s3://bucket/sales.csv</code>')
    expect(result.stdout).toContain("Dry run: recipe 7 ('Sales by region') would run. Nothing was started.")
  })

  it('where the edition refuses testMode, reads the recipe and says only its existence was checked', async () => {
    const e = await emulator({ testMode: 'rejected', recipeNames: { 7: 'Orders' } })
    const result = await run(dryRun(e))

    expect(result.code).toBe(0)
    expectNothingStarted(e)
    expect(e.requestsTo('GET', '/v4/wrangledDatasets/7')).toHaveLength(1)
    expect(result.outputs.status).toBe('DryRun')
    expect(shown(result.summary)).toContain("Dry run: recipe 7 ('Orders') exists (only its existence was checked)")
    expect(shown(result.summary)).toContain('this edition does not take testMode')
  })

  it('on legacy Dataprep Standard (no GET /v4/auth), checks the token with one row of the job list', async () => {
    const e = await emulator({ legacy: true })
    const result = await run(dryRun(e))

    expect(result.code).toBe(0)
    expectNothingStarted(e)
    expect(e.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /v4/auth',
      'GET /v4/jobGroups',
      'POST /v4/jobGroups'
    ])
    expect(e.requestsTo('GET', '/v4/jobGroups')[0]!.query).toEqual({ limit: '1' })
  })

  it('a wrong recipe id fails as the run would, with the same hint, and nothing more is sent', async () => {
    const e = await emulator()
    const result = await run(dryRun(e, { 'recipe-id': '99' }))

    expect(result.code).toBe(1)
    expectNothingStarted(e)
    expect(e.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v4/jobGroups', status: 404 })
    const error = errors(result).join('\n')
    expect(error).toContain('Recipe 99 was not found: check recipe-id')
    expect(result.outputs.status).toBe('')
    expect(shown(result.summary)).toContain('Dry run failed: recipe 99')
  })

  it('a bad token fails at the first call with the 401 hint; nothing else is sent', async () => {
    const e = await emulator()
    const result = await run(dryRun(e, { 'api-token': WRONG_API_TOKEN }))

    expect(result.code).toBe(1)
    expect(e.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /v4/auth 401'])
    expect(errors(result).join('\n')).toContain('The API refused the token as invalid or expired')
  })
})

describe('a dry run of a flow, a plan or a job group', () => {
  it('a flow: its name, and each recipe of flow-recipes found among its outputs', async () => {
    const e = await emulator({ flows: FLOWS })
    const result = await run(dryRun(e, { 'recipe-id': '', 'flow-id': '10', 'flow-recipes': '7, 8' }))

    expect(result.code).toBe(0)
    expectNothingStarted(e)
    expect(shown(result.summary)).toContain("Dry run: flow 10 ('Sales') would run")
    expect(shown(result.summary)).toContain("'Sales by month', an output of this flow, would run")
  })

  it('a flow-recipes id of another flow, or of no recipe, fails the dry run, naming it', async () => {
    const e = await emulator({ flows: FLOWS })
    const result = await run(dryRun(e, { 'recipe-id': '', 'flow-id': '10', 'flow-recipes': '7, 9, 99' }))

    expect(result.code).toBe(1)
    expectNothingStarted(e)
    const error = errors(result).join('\n')
    expect(error).toContain('is not in flow 10 (the server puts it in flow 12)')
    expect(error).toContain('recipe 99 was not found')
  })

  it('a plan: its name; a job group: its status, read without waiting for it', async () => {
    const e = await emulator({ flows: FLOWS, plans: PLANS })
    const plan = await run(dryRun(e, { 'recipe-id': '', 'plan-id': '5' }))
    expect(plan.code).toBe(0)
    expect(shown(plan.summary)).toContain("Dry run: plan 5 ('Nightly') would run")

    const jobId = e.createJobGroup(7, { durationMs: 600_000, statuses: ['InProgress'] })
    const job = await run(dryRun(e, { 'recipe-id': '', 'job-id': String(jobId) }))
    expect(job.code).toBe(0)
    expect(shown(job.summary)).toContain(`Dry run: job ${jobId} is InProgress`)
    expect(job.outputs).toMatchObject({ status: 'DryRun', 'job-id': '' })
    expect(e.jobGroups()).toMatchObject([{ id: jobId, status: 'InProgress', canceled: false }])
    expect(e.requests.filter((r) => r.method === 'POST')).toEqual([])
  })

  it('on the Standard edition, a flow or plan fails, saying the edition runs only recipes', async () => {
    const e = await emulator({ flows: FLOWS, plans: PLANS, edition: 'standard' })
    const targets: Record<string, string>[] = [{ 'flow-id': '10' }, { 'plan-id': '5' }]
    for (const target of targets) {
      const result = await run(dryRun(e, { 'recipe-id': '', ...target }))
      expect(result.code).toBe(1)
      expect(errors(result).join('\n')).toContain('Standard editions run only recipes')
    }
    expectNothingStarted(e)
  })
})

describe('on every edition, no kind of dry run starts anything', () => {
  const targets: Record<string, Record<string, string>> = {
    recipe: {},
    flow: { 'recipe-id': '', 'flow-id': '10' },
    plan: { 'recipe-id': '', 'plan-id': '5' }
  }
  it.each(Object.keys(EDITIONS))('%s', async (edition) => {
    const e = await emulator({ flows: FLOWS, plans: PLANS, ...EDITIONS[edition] })
    const running = e.createJobGroup(7, { durationMs: 600_000, statuses: ['InProgress'] })
    targets.job = { 'recipe-id': '', 'job-id': String(running) }
    for (const [kind, inputs] of Object.entries(targets)) {
      const overrides: string = { recipe: OVERRIDES, flow: FLOW_OVERRIDES }[kind] ?? ''
      const result = await run(dryRun(e, { overrides, ...inputs }))
      expect(result.outputs['job-id'], `${edition}, ${kind}`).toBe('')
    }
    expectNothingStarted(e)
    expect(e.requests.filter((r) => /\/cancel$/.test(r.path))).toEqual([])
  })
})

describe('on a pull request', () => {
  it('comment-on-pr comments the dry run, saying nothing was started', async () => {
    const gh = await FakeGitHub.start()
    const dir = mkdtempSync(join(tmpdir(), 'dry-run-pr-'))
    try {
      const event = join(dir, 'event.json')
      const repository = { name: 'pipelines', full_name: 'acme/pipelines', owner: { login: 'acme' } }
      writeFileSync(event, JSON.stringify({ number: 12, pull_request: { number: 12, state: 'open' }, repository }))
      const e = await emulator()
      const env = { GITHUB_API_URL: gh.url, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: event }
      const result = await run(dryRun(e, { 'comment-on-pr': 'true', 'github-token': GITHUB_TOKEN }), { env })
      expect(result.code).toBe(0)
      const [comment] = gh.comments('acme', 'pipelines', 12)
      expect(shown(comment!.body)).toContain("Dry run: recipe 7 ('Recipe 7') would run")
      expect(comment!.body).toContain('Nothing was started')
    } finally {
      await gh.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('inputs', () => {
  it('dry-run without a target needs a refresh token: an input error, nothing sent', async () => {
    const e = await emulator()
    const result = await run(dryRun(e, { 'recipe-id': '' }))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('title=Invalid input%3A dry-run::')
    expect(e.requests).toEqual([])
  })

  it('every input check runs as for a real run: bad overrides fail before anything is sent', async () => {
    const e = await emulator()
    const result = await run(dryRun(e, { overrides: '{"writesettings": "nope"}' }))
    expect(result.code).toBe(1)
    expect(errors(result).join('\n')).toContain('title=Invalid input%3A overrides::')
    expect(e.requests).toEqual([])
  })
})
