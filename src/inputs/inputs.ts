/**
 * Inputs: every action input parsed and validated, once, into one typed object before any request is sent.
 * Pure: `parseInputs` reads through a getter, so tests call it without a runner. Empty inputs take the defaults
 * of action.yml (generated into `action-defaults.ts`), as the runner does for inputs that are not given.
 */
import { v4ApiUrl } from './aac-host.ts'
import { INPUT_DEFAULTS } from './action-defaults.ts'
import { INPUT } from './action-spec.ts'
import { formatMs } from '../shared/format.ts'
import {
  deriveAppUrl,
  InputError,
  parseApiUrl,
  parseBoolean,
  parseChoice,
  parseDuration,
  parseHttpUrl,
  parsePositiveInteger
} from './input-values.ts'
import { parseFlowOverrides, parseFlowRecipes } from './flow-inputs.ts'
import { noRunTarget, type DryRunInputs, type Target } from './target.ts'
import { parseOverrides } from './overrides.ts'
import { parseQualityInputs } from './quality-inputs.ts'
import type { Baseline } from '../quality/baseline.ts'
import type { QualityGate } from '../quality/gate.ts'
import { parseLogLines, parseLogs, parseProjectId, type LogsPolicy } from './results-inputs.ts'
import { parseRunParameters, type RunParameter } from './run-parameters.ts'
import { parseSignIn, type SignIn } from './sign-in-inputs.ts'

export { targetLabel, type Target } from './target.ts'

export const SCHEDULES = ['history', 'backoff', 'fixed'] as const
/** history: from the recipe's past runs (else backoff); backoff: ~10% of the elapsed time; fixed: poll-interval. */
export type ScheduleName = (typeof SCHEDULES)[number]

export interface Config {
  /** Base URL without a trailing slash or `/v4`, e.g. `https://api.clouddataprep.com`. */
  apiUrl: string
  /** The static token (sign-in mode 'static'); empty with the OAuth 2.0 modes. */
  apiToken: string
  signIn: SignIn
  target: Target
  /** Check instead of running (`dry-run`): nothing is started. */
  dryRun: boolean
  overrides?: Record<string, unknown>
  runParameters: RunParameter[]
  wait: boolean
  timeoutMs: number
  pollIntervalMs: number
  maxPollIntervalMs: number
  /** How status checks are spaced (`schedule`). */
  schedule: ScheduleName
  /** `queue-timeout`: fail a job group still queued this long after its start; undefined: off. */
  queueTimeoutMs?: number
  requestTimeoutMs: number
  failOnJobFailure: boolean
  cancelOnTimeout: boolean
  cancelOnWorkflowCancel: boolean
  /** Base URL of the web app, for links. */
  appUrl: string
  /** Appended to every link into the app: `?projectId=<id>` with project-id (Dataprep), else ''. */
  appQuery: string
  /** When job groups' logs are downloaded, and how many lines of each failed stage's job.log are shown. */
  logs: LogsPolicy
  logLines: number
  commentOnPr: boolean
  githubToken: string
  /** The checks the data must pass (`quality-gate`), and what to compare it with (`baseline`). */
  qualityGate?: QualityGate
  baseline?: Baseline
  /** Things worth telling the user that do not stop the run (e.g. unknown override keys). */
  warnings: string[]
}

/** Every bad input found, reported together so one run shows them all. */
export class InputErrors extends Error {
  readonly errors: InputError[]
  constructor(errors: InputError[]) {
    super(errors.map((e) => e.message).join('\n'))
    this.name = 'InputErrors'
    this.errors = errors
  }
}

export type InputGetter = (name: string) => string

/** Collects input errors, so that one run reports them all. */
class Collector {
  readonly errors: InputError[] = []
  readonly warnings: string[] = []
  private readonly getter: InputGetter
  constructor(getter: InputGetter) {
    this.getter = getter
  }

  /** The input's text, trimmed; an empty input takes action.yml's default. */
  get(name: string): string {
    return this.getter(name).trim() || INPUT_DEFAULTS[name] || ''
  }

  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn()
    } catch (e) {
      if (!(e instanceof InputError)) throw e
      this.errors.push(e)
      return undefined
    }
  }

  fail(input: string, message: string): void {
    this.errors.push(new InputError(input, message))
  }
}

/** Parse and validate all inputs. Throws `InputErrors` listing every bad input. */
export function parseInputs(get: InputGetter): Config {
  const c = new Collector(get)
  const apiUrl = c.attempt(() => v4ApiUrl(parseApiUrl(c.get(INPUT.apiUrl), c.warnings), c.warnings))
  const appUrlText = c.get(INPUT.appUrl)
  const signIn = parseSignIn(c)
  const dryRun = c.attempt(() => parseBoolean(INPUT.dryRun, c.get(INPUT.dryRun)))
  const run = parseRun(c, { dryRun: dryRun === true, refreshing: signIn?.mode === 'refresh-token' })
  const config = {
    apiUrl,
    apiToken: signIn?.mode === 'static' ? signIn.token : '',
    signIn,
    dryRun,
    ...run,
    ...parseQualityInputs(c, run.target, run.overrides),
    ...parseWaiting(c),
    failOnJobFailure: c.attempt(() => parseBoolean(INPUT.failOnJobFailure, c.get(INPUT.failOnJobFailure))),
    cancelOnTimeout: c.attempt(() => parseBoolean(INPUT.cancelOnTimeout, c.get(INPUT.cancelOnTimeout))),
    cancelOnWorkflowCancel: c.attempt(() =>
      parseBoolean(INPUT.cancelOnWorkflowCancel, c.get(INPUT.cancelOnWorkflowCancel))
    ),
    appUrl: c.attempt(() => (appUrlText ? parseHttpUrl(INPUT.appUrl, appUrlText) : apiUrl ? deriveAppUrl(apiUrl) : '')),
    appQuery: c.attempt(() => parseProjectId(c.get(INPUT.projectId))),
    logs: c.attempt(() => parseLogs(c.get(INPUT.logs))),
    logLines: c.attempt(() => parseLogLines(c.get(INPUT.logLines))),
    commentOnPr: c.attempt(() => parseBoolean(INPUT.commentOnPr, c.get(INPUT.commentOnPr))),
    githubToken: c.get(INPUT.githubToken),
    warnings: c.warnings
  }
  if (config.commentOnPr && !config.githubToken) {
    c.fail(INPUT.githubToken, 'is empty, but comment-on-pr is true: give a token with pull-requests write permission.')
  }
  if (config.queueTimeoutMs !== undefined && (config.target?.kind === 'flow' || config.target?.kind === 'plan')) {
    c.warnings.push('queue-timeout is ignored for flow and plan runs: their status does not tell queued from running.')
  }
  if (c.errors.length > 0) throw new InputErrors(c.errors)
  // Every value is defined: an undefined one would have recorded an error above.
  return config as Config
}

/** What to run: the target and its request options. */
function parseRun(c: Collector, dry: DryRunInputs): Pick<Config, 'target' | 'overrides' | 'runParameters'> {
  const target = c.attempt(() => parseTarget(c, dry))
  const overridesText = c.get(INPUT.overrides)
  const runParametersText = c.get(INPUT.runParameters)
  const refuse = (why: string): void => {
    if (overridesText) c.fail(INPUT.overrides, why)
    if (runParametersText) c.fail(INPUT.runParameters, why)
  }
  if (target?.kind === 'job')
    refuse('cannot be used with job-id (the job already runs); remove it or give recipe-id instead.')
  if (target?.kind === 'plan') refuse('cannot be used with plan-id: plans take no overrides here; remove it.')
  if (target?.kind === 'none') refuse('has nothing to apply to: a dry run without a run target only signs in.')
  const parse = target?.kind === 'flow' ? parseFlowOverrides : parseOverrides
  return {
    target: target!,
    overrides: c.attempt(() => (overridesText ? parse(overridesText, c.warnings) : undefined)),
    runParameters: c.attempt(() => parseRunParameters(runParametersText)) ?? []
  }
}

type Waiting = Pick<
  Config,
  'wait' | 'timeoutMs' | 'pollIntervalMs' | 'maxPollIntervalMs' | 'requestTimeoutMs' | 'schedule' | 'queueTimeoutMs'
>

function parseWaiting(c: Collector): Waiting {
  const duration = (name: string): number | undefined => c.attempt(() => parseDuration(name, c.get(name)))
  const pollIntervalMs = duration(INPUT.pollInterval)
  const maxPollIntervalMs = duration(INPUT.maxPollInterval)
  if (pollIntervalMs !== undefined && pollIntervalMs < 1000) {
    c.fail(INPUT.pollInterval, `must be at least 1s (got '${c.get(INPUT.pollInterval)}').`)
  }
  if (pollIntervalMs !== undefined && maxPollIntervalMs !== undefined && pollIntervalMs > maxPollIntervalMs) {
    const values =
      `(${formatMs(pollIntervalMs)}) must not be larger than max-poll-interval ` + `(${formatMs(maxPollIntervalMs)}).`
    c.fail(INPUT.pollInterval, values)
  }
  return {
    wait: c.attempt(() => parseBoolean(INPUT.wait, c.get(INPUT.wait)))!,
    timeoutMs: duration(INPUT.timeout)!,
    pollIntervalMs: pollIntervalMs!,
    maxPollIntervalMs: maxPollIntervalMs!,
    requestTimeoutMs: duration(INPUT.requestTimeout)!,
    schedule: c.attempt(() => parseChoice(INPUT.schedule, c.get(INPUT.schedule), SCHEDULES))!,
    queueTimeoutMs: c.get(INPUT.queueTimeout) ? duration(INPUT.queueTimeout) : undefined
  }
}

const TARGET_INPUTS = [INPUT.recipeId, INPUT.flowId, INPUT.planId, INPUT.jobId]

/** Exactly one of recipe-id, flow-id, plan-id and job-id (or, in a dry run, none); flow-recipes only with flow-id. */
function parseTarget(c: Collector, dry: DryRunInputs): Target {
  const given = TARGET_INPUTS.filter((name) => c.get(name))
  const flowRecipes = c.get(INPUT.flowRecipes)
  if (flowRecipes && !given.includes(INPUT.flowId))
    c.fail(INPUT.flowRecipes, "can only be used with flow-id (it selects which of the flow's outputs run).")
  if (given.length > 1) {
    const names = given.join(', ')
    throw new InputError(given[0]!, `give exactly one of ${TARGET_INPUTS.join(', ')} (got ${names}).`)
  }
  const id = (name: string): number => parsePositiveInteger(name, c.get(name))
  switch (given[0]) {
    case INPUT.recipeId:
      return { kind: 'recipe', recipeId: id(INPUT.recipeId) }
    case INPUT.jobId:
      return { kind: 'job', jobId: id(INPUT.jobId) }
    case INPUT.flowId:
      return { kind: 'flow', flowId: id(INPUT.flowId), recipeIds: c.attempt(() => parseFlowRecipes(flowRecipes)) ?? [] }
    case INPUT.planId:
      return { kind: 'plan', planId: id(INPUT.planId) }
    default:
      if (dry.dryRun) return noRunTarget(dry)
      throw new InputError(
        INPUT.recipeId,
        'is required (or give flow-id or plan-id to run a flow or a plan, ' +
          'or job-id to wait on a job group that already runs).'
      )
  }
}
