// Runs a README example the way a runner would run its workflow, against the API emulator: jobs in `needs` order,
// and in each job the steps that use this action, through run-action.ts (dist/ as the runner runs it) with the
// step's `with:` values. `${{ … }}` expressions get test values (secrets → the emulator's token, step and job
// outputs → what earlier steps really set); `api-url` becomes the emulator's URL and `token-endpoint` the token
// server's. Steps of other actions and `run:` steps are not run. As in a real job, the first failing step ends the
// example. A fake GitHub API serves every run (GITHUB_API_URL): a `pull_request` workflow runs with a
// pull_request event, so `comment-on-pr` really comments, and a rotated refresh token is really written back.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { v4ApiUrl } from '../../src/inputs/aac-host.ts'
import { parseApiUrl } from '../../src/inputs/input-values.ts'
import { parseTokenEndpoint } from '../../src/inputs/sign-in-inputs.ts'
import { Emulator, startAacEmulator, type TokenServer } from '../emulator/index.ts'
import { EMULATOR_SETUPS, type EmulatorSetup } from './emulator-setups.ts'
import { FakeGitHub } from './fake-github.ts'
import { GITHUB_TOKEN, SECRETS_ACCESS, SECRETS_TOKENS, SERVICE_PRINCIPAL } from './fake-tokens.ts'
import { asRecord, isThisAction, strings, type Markers, type Workflow } from './readme-examples.ts'
import { legName, matrixLegs, type MatrixLeg } from './readme-matrix.ts'
import { runAction, type ActionResult } from './run-action.ts'
import { isUploadArtifact, runsAfterFailure, uploadProblems } from './readme-upload.ts'

/** What `secrets.AAC_SECRETS_TOKEN` stands for: the fake GitHub lets it read public keys and write secrets. */
const SECRETS_TOKEN = SECRETS_TOKENS.writer
/** Environments the fake GitHub knows (the AAC page names production/AAC_REFRESH_TOKEN). */
const ENVIRONMENTS = ['production']

/** The test values only a setup with `oauthClients` gives; the refresh token is issued by its token server. */
function aacValues(refreshToken: string): Record<string, string> {
  return {
    'secrets.AAC_REFRESH_TOKEN': refreshToken,
    'secrets.AAC_SECRETS_TOKEN': SECRETS_TOKEN,
    'vars.AAC_CLIENT_ID': SERVICE_PRINCIPAL.id,
    'secrets.AAC_CLIENT_SECRET': SERVICE_PRINCIPAL.secret
  }
}
const AAC_VALUES = Object.keys(aacValues(''))

export interface RunContext {
  /**
   * The emulator's token: what `secrets.TRIFACTA_TOKEN` stands for. (`github.token` and `secrets.GITHUB_TOKEN` are
   * always GITHUB_TOKEN, which run-action.ts also gives for github-token's default.)
   */
  token: string
}

export interface StepRun {
  job: string
  /** The step's id, or `#<n>` (1-based). */
  step: string
  /** As the action got them: test values in, the test servers' URLs for api-url and token-endpoint. */
  inputs: Record<string, string>
  /** Warnings the action gives for api-url and token-endpoint as written, which the run replaces. */
  writtenWarnings: string[]
  result: ActionResult
}

export interface ExampleRun {
  runs: StepRun[]
  problems: string[]
  /** The test values of the secrets the example could read: none may appear in what the action printed. */
  secrets: string[]
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
  /** The values of this leg of a matrix job (`matrix.<key>`); empty without a matrix. */
  matrix: MatrixLeg
}

/** The servers of one example's run, and the test values that go with them. */
interface Servers {
  emulator: Emulator
  tokenServer?: TokenServer
  github: FakeGitHub
  /** Expression → test value, for everything but step and job outputs. */
  values: Record<string, string>
  /** The setup's name, for messages. */
  setup: string
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
    return {
      runs: [],
      problems: [`${where}: unknown emulator setup '${markers.emulator}' (known: ${known})`],
      secrets: []
    }
  }
  const order = jobOrder(workflow)
  if (typeof order === 'string') return { runs: [], problems: [`${where}: ${order}`], secrets: [] }

  const event = eventName(workflow)
  const closers: (() => Promise<void>)[] = []
  let dir: string | undefined
  const runs: StepRun[] = []
  const problems: string[] = []
  try {
    const servers = await startServers(markers.emulator, setup, context, closers)
    const { github, values } = servers
    const secrets = [
      ...new Set(Object.entries(values).flatMap(([k, v]) => (/^secrets\.|^github\.token$/.test(k) ? [v] : [])))
    ]
    dir = mkdtempSync(join(tmpdir(), 'readme-example-'))
    mkdirSync(join(dir, 'temp'))
    const eventPath = join(dir, 'event.json')
    const pullRequest = PR_EVENTS.has(event)
    writeFileSync(eventPath, JSON.stringify(pullRequest ? pullRequestPayload() : {}))
    const env: Record<string, string> = {
      GITHUB_EVENT_NAME: event,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_WORKFLOW: typeof workflow.name === 'string' ? workflow.name : '.github/workflows/example.yml',
      GITHUB_API_URL: github.url
    }
    const jobOutputs: Record<string, Record<string, string>> = {}
    jobs: for (const job of order) {
      const spec = asRecord(asRecord(workflow.jobs)[job])
      const legs = matrixLegs(spec)
      if (typeof legs === 'string') {
        problems.push(`${where}: job ${job}: ${legs}`)
        break
      }
      // Each leg of a matrix is a job of its own; the job's outputs are the last leg's (GitHub keeps one leg's).
      for (const matrix of legs) {
        const leg = legName(job, matrix)
        const scope: JobScope = {
          steps: {},
          needs: Object.fromEntries(needsOf(spec).map((n) => [n, jobOutputs[n] ?? {}])),
          matrix
        }
        const steps = Array.isArray(spec.steps) ? spec.steps : []
        let failedStep = false
        for (const [index, value] of steps.entries()) {
          const step = asRecord(value)
          const name = typeof step.id === 'string' ? step.id : `#${index + 1}`
          const label = `${where}: job ${leg}, step ${name}`
          if (isUploadArtifact(step.uses)) {
            problems.push(...uploadProblems(step, (text) => substitute(text, scope, servers, label, problems), label))
            continue
          }
          if (failedStep && !runsAfterFailure(step)) continue
          if (typeof step.uses !== 'string' || !isThisAction(step.uses)) continue
          const inputs = stepInputs(asRecord(step.with), scope, servers, label, problems)
          const writtenWarnings = serverInputs(inputs, servers, label, problems)
          if (problems.length) break jobs
          // The example's own RUNNER_TEMP, kept until it ends: a later step may upload the report folder.
          const temp = { RUNNER_TEMP: join(dir, 'temp') }
          const result = await runAction(inputs, { env: { ...env, GITHUB_JOB: job, ...temp } })
          runs.push({ job: leg, step: name, inputs, writtenWarnings, result })
          if (typeof step.id === 'string') scope.steps[step.id] = result.outputs
          failedStep ||= result.code !== 0
        }
        if (failedStep) break jobs
        const outputs: Record<string, string> = {}
        for (const [key, value] of Object.entries(asRecord(spec.outputs))) {
          outputs[key] = substitute(String(value), scope, servers, `${where}: outputs of job ${leg}`, problems)
        }
        jobOutputs[job] = outputs
        problems.push(...unsetOutputs(where, leg, spec, runs))
      }
    }
    if (problems.length === 0) problems.push(...outcomeProblems(where, runs, markers))
    if (pullRequest && problems.length === 0) problems.push(...commentProblems(where, runs, github))
    if (problems.length === 0) problems.push(...refreshTokenProblems(where, runs, servers))
    return { runs, problems, secrets }
  } finally {
    await Promise.all(closers.map((close) => close()))
    if (dir) rmSync(dir, { recursive: true, force: true })
  }
}

/** Starts what `setup` needs; each server's close() is added to `closers` as soon as it listens. */
async function startServers(
  name: string,
  setup: EmulatorSetup,
  context: RunContext,
  closers: (() => Promise<void>)[]
): Promise<Servers> {
  const values: Record<string, string> = {
    'secrets.TRIFACTA_TOKEN': context.token,
    'secrets.GITHUB_TOKEN': GITHUB_TOKEN,
    'github.token': GITHUB_TOKEN,
    'github.event.pull_request.number': String(PR_NUMBER),
    'github.ref': 'refs/heads/main'
  }
  const emulatorOptions = { ...setup.emulator, token: context.token }
  const aac = setup.oauthClients
    ? await startAacEmulator({ emulator: emulatorOptions, tokenServer: { clients: setup.oauthClients } })
    : undefined
  const emulator = aac?.emulator ?? (await Emulator.start(emulatorOptions))
  closers.push(() => (aac ?? emulator).close())
  setup.prepare?.(emulator)
  const tokenServer = aac?.tokenServer
  // A pair as a user gets it from the OAuth 2.0 API Tokens page, of the first client (the user's).
  if (tokenServer) Object.assign(values, aacValues(tokenServer.issueRefreshToken().refreshToken))
  // The secrets token may write secrets; the workflow's own token may not, as on GitHub.
  const github = await FakeGitHub.start({ secrets: { tokens: SECRETS_ACCESS, environments: ENVIRONMENTS } })
  closers.push(() => github.close())
  return { emulator, tokenServer, github, values, setup: name }
}

/**
 * Points api-url (and token-endpoint) at the test servers. What the action would say of the URLs as written is
 * asked of its own parsers first: an error is a problem, and a warning is returned, to count as the step's.
 */
function serverInputs(inputs: Record<string, string>, servers: Servers, label: string, problems: string[]): string[] {
  const warnings: string[] = []
  const written = (input: string, parse: (text: string, found: string[]) => unknown): void => {
    const found: string[] = []
    try {
      parse(inputs[input] ?? '', found)
    } catch (error) {
      problems.push(`${label}, input '${input}' as written: ${(error as Error).message}`)
    }
    warnings.push(...found.map((w) => `::warning title=Input warning::${w} (${input} as written)`))
  }
  written('api-url', (text, found) => v4ApiUrl(parseApiUrl(text, found), found))
  inputs['api-url'] = servers.emulator.url
  if (inputs['token-endpoint']) {
    written('token-endpoint', (text) => parseTokenEndpoint(text))
    if (servers.tokenServer) inputs['token-endpoint'] = servers.tokenServer.issuer
    else problems.push(`${label}: token-endpoint needs the token server of # readme-test: emulator=aac`)
  }
  return warnings
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
  const warnings = runs.flatMap((r) => [...r.writtenWarnings, ...warningLines(r.result)])
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

/**
 * Signing in with a refresh token rotates it. A passing step that writes it back must leave the latest one in the
 * secret, sealed so that it opens to it, and still unused: the next run signs in with it. Without write-back, the
 * step's refresh-token output must be that token, for the reader to store.
 */
export function refreshTokenProblems(
  where: string,
  runs: Pick<StepRun, 'step' | 'inputs' | 'result'>[],
  servers: Pick<Servers, 'github' | 'tokenServer'>
): string[] {
  const refreshing = runs.filter((r) => r.result.code === 0 && r.inputs['refresh-token'])
  if (refreshing.length === 0) return []
  const latest = servers.tokenServer?.latestRefreshToken
  if (latest === undefined || servers.tokenServer?.refreshTokenState(latest) !== 'active') {
    return [`${where}: a step signed in with refresh-token, but the token server holds no unused refresh token`]
  }
  const problems: string[] = []
  for (const r of refreshing) {
    const place = r.inputs['refresh-token-secret']
    if (!place) {
      if (r.result.outputs['refresh-token'] !== latest) {
        problems.push(`${where}: step ${r.step}: the refresh-token output is not the latest refresh token`)
      }
      continue
    }
    const slash = place.lastIndexOf('/')
    const [environment, name] = slash < 0 ? [undefined, place] : [place.slice(0, slash), place.slice(slash + 1)]
    const stored = servers.github.secretValue(name, environment, `${OWNER}/${REPO}`)
    if (stored === undefined) problems.push(`${where}: step ${r.step}: secret ${place} was not written`)
    else if (stored !== latest) {
      const state = servers.tokenServer.refreshTokenState(stored)
      problems.push(`${where}: step ${r.step}: secret ${place} holds a refresh token that is ${state}, not the latest`)
    }
  }
  return problems
}

function stepInputs(
  spec: Record<string, unknown>,
  scope: JobScope,
  servers: Servers,
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
    inputs[key] = substitute(value === null ? '' : String(value), scope, servers, `${label}, input '${key}'`, problems)
  }
  return inputs
}

/** Replaces each `${{ <property path> }}` by its test value; anything else is a problem (no guessing). */
function substitute(text: string, scope: JobScope, servers: Servers, label: string, problems: string[]): string {
  return text.replace(EXPRESSION, (whole, expression: string) => {
    const value = PROPERTY_PATH.test(expression) ? testValue(expression, scope, servers.values) : undefined
    if (value === undefined) {
      const fix = AAC_VALUES.includes(expression)
        ? `the aac setup has one (# readme-test: emulator=aac), setup '${servers.setup}' has not`
        : 'give it one in readme-runner.ts'
      problems.push(`${label}: no test value for ${whole}; ${fix}`)
    }
    return value ?? ''
  })
}

function testValue(path: string, scope: JobScope, values: Record<string, string>): string | undefined {
  if (path in values) return values[path]
  const matrix = /^matrix\.([\w-]+)$/.exec(path)
  if (matrix) return scope.matrix[matrix[1]!]
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
