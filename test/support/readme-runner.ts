// Runs a README example the way a runner would run its workflow, against the API emulator: jobs in `needs` order,
// and in each job the steps that use this action, through run-action.ts (dist/ as the runner runs it) with the
// step's `with:` values. `${{ … }}` expressions get test values (secrets → the emulator's token, step and job
// outputs → what earlier steps really set); `api-url` becomes the emulator's URL. Steps of other actions and
// `run:` steps are not run. As in a real job, the first failing step ends the example. A `pull_request` workflow
// runs with a pull_request event and a fake GitHub API, so `comment-on-pr` really comments.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Emulator, type EmulatorOptions } from '../emulator/index.ts'
import { FakeGitHub } from './fake-github.ts'
import { asRecord, isThisAction, strings, type Markers, type Workflow } from './readme-examples.ts'
import { runAction, type ActionResult } from './run-action.ts'

/**
 * The emulator setups an example can ask for with `# readme-test: emulator=<name>`. The recipe ids are those the
 * examples use, listed on purpose: an example with a new id fails until its id is added here.
 */
export const EMULATOR_SETUPS: Record<string, EmulatorOptions> = {
  // Jobs run 1.5 s (the emulator's default scenario) and end Complete.
  default: { recipes: [7, 42] }
}

export interface RunContext {
  /** The emulator's token: what `secrets.TRIFACTA_TOKEN` stands for. */
  token: string
  /** What `github.token` and `secrets.GITHUB_TOKEN` stand for. */
  githubToken: string
}

export interface StepRun {
  job: string
  /** The step's id, or `#<n>` (1-based). */
  step: string
  inputs: Record<string, string>
  result: ActionResult
}

export interface ExampleRun {
  runs: StepRun[]
  problems: string[]
}

const OWNER = 'acme' // run-action.ts sets GITHUB_REPOSITORY=acme/pipelines
const REPO = 'pipelines'
const PR_NUMBER = 12
const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g
const PROPERTY_PATH = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*$/
const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])

interface JobScope {
  steps: Record<string, Record<string, string>>
  needs: Record<string, Record<string, string>>
}

/** Runs `workflow` (a checked, wrapped example) and says what did not go as its markers say. */
export async function runExample(
  where: string,
  workflow: Workflow,
  markers: Markers,
  context: RunContext
): Promise<ExampleRun> {
  const setup = EMULATOR_SETUPS[markers.emulator]
  if (!setup) {
    const known = Object.keys(EMULATOR_SETUPS).join(', ')
    return { runs: [], problems: [`${where}: unknown emulator setup '${markers.emulator}' (known: ${known})`] }
  }
  const order = jobOrder(workflow)
  if (typeof order === 'string') return { runs: [], problems: [`${where}: ${order}`] }

  const event = eventName(workflow)
  const emulator = await Emulator.start({ token: context.token, ...setup })
  let github: FakeGitHub | undefined
  let dir: string | undefined
  const runs: StepRun[] = []
  const problems: string[] = []
  try {
    github = PR_EVENTS.has(event) ? await FakeGitHub.start() : undefined
    dir = mkdtempSync(join(tmpdir(), 'readme-example-'))
    const eventPath = join(dir, 'event.json')
    writeFileSync(eventPath, JSON.stringify(github ? pullRequestPayload() : {}))
    const env: Record<string, string> = {
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKFLOW: typeof workflow.name === 'string' ? workflow.name : '.github/workflows/example.yml',
      ...(github ? { GITHUB_API_URL: github.url } : {})
    }
    const jobOutputs: Record<string, Record<string, string>> = {}
    jobs: for (const job of order) {
      const spec = asRecord(asRecord(workflow.jobs)[job])
      const scope: JobScope = {
        steps: {},
        needs: Object.fromEntries(needsOf(spec).map((n) => [n, jobOutputs[n] ?? {}]))
      }
      const steps = Array.isArray(spec.steps) ? spec.steps : []
      for (const [index, value] of steps.entries()) {
        const step = asRecord(value)
        if (typeof step.uses !== 'string' || !isThisAction(step.uses)) continue
        const name = typeof step.id === 'string' ? step.id : `#${index + 1}`
        const label = `${where}: job ${job}, step ${name}`
        const inputs = stepInputs(asRecord(step.with), scope, context, label, problems)
        if (problems.length) break jobs
        inputs['api-url'] = emulator.url
        const result = await runAction(inputs, { env: { ...env, GITHUB_JOB: job } })
        runs.push({ job, step: name, inputs, result })
        if (typeof step.id === 'string') scope.steps[step.id] = result.outputs
        if (result.code !== 0) break jobs
      }
      const outputs: Record<string, string> = {}
      for (const [key, value] of Object.entries(asRecord(spec.outputs))) {
        outputs[key] = substitute(String(value), scope, context, `${where}: outputs of job ${job}`, problems)
      }
      jobOutputs[job] = outputs
      problems.push(...unsetOutputs(where, job, spec, runs))
    }
    if (problems.length === 0) problems.push(...outcomeProblems(where, runs, markers))
    if (github && problems.length === 0) problems.push(...commentProblems(where, runs, github))
    return { runs, problems }
  } finally {
    await emulator.close()
    await github?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

/** The `::error` annotations a run printed. */
export function errorLines(result: ActionResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::error'))
}

export function warningLines(result: ActionResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('::warning'))
}

/** Did the example pass, or fail exactly as its markers say? Warnings must all be expected, and all appear. */
function outcomeProblems(where: string, runs: StepRun[], markers: Markers): string[] {
  const problems: string[] = []
  const failed = runs.find((r) => r.result.code !== 0)
  const describe = (r: StepRun): string =>
    `job ${r.job}, step ${r.step} (exit ${r.result.code}): ` +
    (errorLines(r.result).join(' | ') || r.result.stderr.slice(-500))
  if (runs.length === 0) problems.push(`${where}: no step of this action ran`)
  if (markers.expectFailure !== undefined) {
    const text = markers.expectFailure
    if (!failed) problems.push(`${where}: the example says it fails with '${text}', but every step passed`)
    else if (!errorLines(failed.result).some((l) => l.includes(text))) {
      problems.push(`${where}: expected an error containing '${text}'; ${describe(failed)}`)
    }
  } else if (failed) problems.push(`${where}: ${describe(failed)}`)
  for (const r of runs) {
    if (r !== failed && errorLines(r.result).length)
      problems.push(`${where}: errors from a passing step: ${describe(r)}`)
  }
  const warnings = runs.flatMap((r) => warningLines(r.result))
  for (const w of warnings) {
    if (!markers.expectWarnings.some((text) => w.includes(text))) problems.push(`${where}: unexpected warning: ${w}`)
  }
  for (const text of markers.expectWarnings) {
    if (!warnings.some((w) => w.includes(text))) problems.push(`${where}: expected a warning containing '${text}'`)
  }
  return problems
}

/** Outputs of a passing step that the job reads must have been set: the example relies on them. */
function unsetOutputs(where: string, job: string, spec: Record<string, unknown>, runs: StepRun[]): string[] {
  const problems: string[] = []
  const passed = new Map(
    runs.filter((r) => r.job === job && r.result.code === 0).map((r) => [r.step, r.result.outputs])
  )
  for (const text of strings(spec)) {
    for (const [, id, output] of text.matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const outputs = passed.get(id!)
      if (outputs && !outputs[output!])
        problems.push(`${where}: job ${job} reads steps.${id}.outputs.${output}, which was not set`)
    }
  }
  return problems
}

/** With comment-on-pr on a pull_request event, the passing step left a comment on the pull request. */
function commentProblems(where: string, runs: StepRun[], github: FakeGitHub): string[] {
  const commenting = runs.filter((r) => r.inputs['comment-on-pr'] === 'true' && r.result.code === 0)
  if (commenting.length === 0) return []
  const comments = github.comments(OWNER, REPO, PR_NUMBER)
  return comments.length > 0
    ? []
    : [`${where}: comment-on-pr is true on a pull_request event, but no comment was written`]
}

function stepInputs(
  spec: Record<string, unknown>,
  scope: JobScope,
  context: RunContext,
  label: string,
  problems: string[]
): Record<string, string> {
  const inputs: Record<string, string> = {}
  for (const [key, value] of Object.entries(spec)) {
    if (typeof value === 'object' && value !== null) {
      problems.push(`${label}: input '${key}' is not a scalar`)
      continue
    }
    // The runner hands every input over as a string: numbers and booleans as written, null as ''.
    inputs[key] = substitute(value === null ? '' : String(value), scope, context, `${label}, input '${key}'`, problems)
  }
  return inputs
}

/** Replaces each `${{ <property path> }}` by its test value; anything else is a problem (no guessing). */
function substitute(text: string, scope: JobScope, context: RunContext, label: string, problems: string[]): string {
  return text.replace(EXPRESSION, (whole, expression: string) => {
    const value = PROPERTY_PATH.test(expression) ? testValue(expression, scope, context) : undefined
    if (value === undefined) problems.push(`${label}: no test value for ${whole}; give it one in readme-runner.ts`)
    return value ?? ''
  })
}

function testValue(path: string, scope: JobScope, context: RunContext): string | undefined {
  const fixed: Record<string, string> = {
    'secrets.TRIFACTA_TOKEN': context.token,
    'secrets.GITHUB_TOKEN': context.githubToken,
    'github.token': context.githubToken,
    'github.event.pull_request.number': String(PR_NUMBER),
    'github.ref': 'refs/heads/main'
  }
  if (path in fixed) return fixed[path]
  const step = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(path)
  if (step) return scope.steps[step[1]!]?.[step[2]!] || undefined
  const need = /^needs\.([\w-]+)\.outputs\.([\w-]+)$/.exec(path)
  if (need) return scope.needs[need[1]!]?.[need[2]!] || undefined
  return undefined
}

function needsOf(job: Record<string, unknown>): string[] {
  const needs = job.needs
  return typeof needs === 'string' ? [needs] : Array.isArray(needs) ? needs.map(String) : []
}

/** The jobs in an order where each comes after those it needs (Kahn's algorithm), or why there is none. */
function jobOrder(workflow: Workflow): string[] | string {
  const jobs = asRecord(workflow.jobs)
  const pending = new Map(Object.entries(jobs).map(([name, spec]) => [name, needsOf(asRecord(spec))]))
  for (const [name, needs] of pending) {
    const missing = needs.filter((n) => !pending.has(n))
    if (missing.length) return `job ${name} needs unknown job(s) ${missing.join(', ')}`
  }
  const order: string[] = []
  while (pending.size) {
    const ready = [...pending].filter(([, needs]) => needs.every((n) => order.includes(n))).map(([name]) => name)
    if (ready.length === 0) return `the needs of jobs ${[...pending.keys()].join(', ')} form a cycle`
    for (const name of ready) {
      order.push(name)
      pending.delete(name)
    }
  }
  return order
}

/** The event the example runs on: the first one its `on:` lists. */
function eventName(workflow: Workflow): string {
  const on = workflow.on
  if (typeof on === 'string') return on
  if (Array.isArray(on)) return String(on[0])
  return Object.keys(asRecord(on))[0] ?? 'workflow_dispatch'
}

function pullRequestPayload(): object {
  const repository = { name: REPO, full_name: `${OWNER}/${REPO}`, owner: { login: OWNER } }
  const pullRequest = { number: PR_NUMBER, state: 'open', head: { ref: 'feature' } }
  return { action: 'synchronize', number: PR_NUMBER, pull_request: pullRequest, repository }
}
