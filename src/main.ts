/**
 * The action: read the inputs, start the job group (or attach to one), wait for it with backoff, cancel it if
 * the workflow is cancelled or the wait times out, and report the outcome as outputs, a step summary and,
 * when asked, a pull request comment.
 */
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { ApiError } from './api-error.ts'
import {
  cancelJobGroup,
  onWorkflowCancel,
  SIGINT_CLEANUP_MS,
  SIGTERM_CLEANUP_MS,
  STATE_KEYS,
  type CancelOutcome,
  type StopSignal
} from './cancellation.ts'
import { realClock, type Clock } from './clock.ts'
import { formatMs, oneLine } from './format.ts'
import { InputErrors, parseInputs, type Config } from './inputs.ts'
import { buildRunJobGroupRequest } from './job-request.ts'
import { log } from './log.ts'
import { errorText, progressLine, publishReport, type Ending, type RunReport } from './report.ts'
import { isTransient, PERSISTENT_FAILURE_MS } from './retry-policy.ts'
import { registerSecret } from './secrets.ts'
import { createHttpTransport, TransportError, type Transport } from './transport.ts'
import { isTerminal, TrifactaClient, type Budget, type Job, type JobStatus } from './trifacta-client.ts'
import { triggerJobGroup } from './trigger.ts'
import { USER_AGENT } from './version.ts'
import { waitForJobGroup } from './waiter.ts'

/** With no change of status, a progress line at least this often. */
const HEARTBEAT_MS = 5 * 60_000
/** The final reads for the report get this long (less when the workflow is being cancelled). */
const REPORT_BUDGET_MS = 30_000
/** After a cancel signal, a trigger request already on its way gets this long to answer, so its job can be cancelled. */
const TRIGGER_GRACE_MS = 3_000

export async function run(transport: Transport = createHttpTransport(USER_AGENT), clock: Clock = realClock): Promise<void> {
  core.saveState(STATE_KEYS.isPost, 'true')
  const config = readConfig()
  if (!config) return
  const step = new Step(config, transport, clock)
  const removeHandlers = onWorkflowCancel(
    (signal) => step.stop(signal),
    (signal) => log.info(`${signal} received again; already stopping.`)
  )
  try {
    const report = await step.run()
    await publish(config, report)
  } finally {
    removeHandlers()
  }
}

/** Inputs parsed into one typed object, secrets masked first; undefined (and the step failed) when any is invalid. */
export function readConfig(): Config | undefined {
  registerSecret(core.getInput('api-token'))
  registerSecret(core.getInput('github-token'))
  try {
    const config = parseInputs((name) => core.getInput(name))
    for (const warning of config.warnings) log.warning(warning, { title: 'Input warning' })
    return config
  } catch (error) {
    if (!(error instanceof InputErrors)) throw error
    for (const e of error.errors) log.error(e.message, { title: `Invalid input: ${e.input}` })
    core.setFailed(`${error.errors.length === 1 ? 'An input is' : `${error.errors.length} inputs are`} invalid; nothing was sent.`)
    return undefined
  }
}

/** One execution of the step: its clock, client, deadline and stop signal. */
class Step {
  private readonly config: Config
  private readonly clock: Clock
  private readonly client: TrifactaClient
  private readonly startedAt: number
  private readonly deadline: number
  private readonly stopController = new AbortController()
  private stopSignal?: StopSignal
  private stoppedAt = 0

  constructor(config: Config, transport: Transport, clock: Clock) {
    this.config = config
    this.clock = clock
    this.startedAt = clock.now()
    this.deadline = this.startedAt + config.timeoutMs
    this.client = TrifactaClient.forConfig(config, transport, clock)
  }

  /** The workflow is being cancelled: stop waiting (the cancel itself happens in `run`). */
  stop(signal: StopSignal): void {
    this.stopSignal = signal
    this.stoppedAt = this.clock.now()
    log.info(`${signal} received: the workflow is being cancelled.`)
    this.stopController.abort(new Error(`${signal} received`))
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted
  }

  async run(): Promise<RunReport> {
    const report = this.newReport()
    const { target } = this.config
    try {
      if (target.kind === 'recipe') {
        const started = await this.trigger(target.recipeId)
        Object.assign(report, { jobId: started.jobId, requestId: started.requestId, adopted: started.adopted })
      } else {
        report.jobId = target.jobId
        report.attached = true
      }
    } catch (error) {
      return this.failedBeforeJob(report, error)
    }
    const jobId = report.jobId!
    const waitStartedAt = this.clock.now()
    this.announce(report)
    if (!this.config.wait) {
      core.saveState(STATE_KEYS.settled, 'true')
      return this.notWaited(report, jobId)
    }
    return this.waitAndConclude(report, jobId, waitStartedAt)
  }

  private newReport(): RunReport {
    const { config } = this
    return {
      ending: 'error',
      recipeId: config.target.kind === 'recipe' ? config.target.recipeId : undefined,
      attached: false,
      adopted: false,
      requestId: '',
      engine: typeof config.overrides?.execution === 'string' ? config.overrides.execution : undefined,
      runParameters: config.runParameters,
      stages: [],
      notes: [],
      runUrl: workflowRunUrl()
    }
  }

  /** Start the job group; a trigger already sent when the workflow is cancelled gets a moment to answer. */
  private async trigger(recipeId: number): Promise<{ jobId: number; requestId: string; adopted: boolean }> {
    const grace = new AbortController()
    const onStop = (): void => void setTimeout(() => grace.abort(this.stopController.signal.reason), TRIGGER_GRACE_MS).unref()
    this.stopController.signal.addEventListener('abort', onStop, { once: true })
    try {
      return await triggerJobGroup({
        client: this.client,
        recipeId,
        body: buildRunJobGroupRequest(recipeId, this.config.overrides, this.config.runParameters),
        executionId: executionId(),
        stepStartedAt: this.startedAt,
        deadline: this.deadline,
        clock: this.clock,
        historyUrl: `${this.config.appUrl}/jobs`,
        signal: grace.signal,
        log: { debug: log.debug, warning: (m) => log.warning(m, { title: 'Trigger' }) }
      })
    } finally {
      this.stopController.signal.removeEventListener('abort', onStop)
    }
  }

  /** The job exists: say so, and set what must be set whatever happens next. */
  private announce(report: RunReport): void {
    const jobId = report.jobId!
    report.jobUrl = `${this.config.appUrl}/jobs/${jobId}`
    core.setOutput('job-id', String(jobId))
    core.setOutput('request-id', report.requestId)
    core.setOutput('job-url', report.jobUrl)
    core.saveState(STATE_KEYS.jobId, String(jobId))
    core.saveState(STATE_KEYS.triggered, String(!report.attached))
    core.saveState(STATE_KEYS.waiting, String(this.config.wait))
    const how = !report.attached ? `Started job ${jobId} for recipe ${report.recipeId}` : `Attached to job ${jobId}`
    log.info(`${how}: ${report.jobUrl}${report.requestId ? ` (request id ${report.requestId})` : ''}`)
  }

  private async notWaited(report: RunReport, jobId: number): Promise<RunReport> {
    report.ending = 'not-waited'
    try {
      report.status = await this.client.getStatus(jobId, this.budget(REPORT_BUDGET_MS))
    } catch (error) {
      log.warning(`Could not read the status of job ${jobId}: ${(error as Error).message}`)
    }
    if (isTerminal(report.status)) report.ending = endingOf(report.status!)
    report.notes.push(`Not waited for (wait: false): job ${jobId} keeps running and this action will not cancel it.`)
    await this.complete(report, jobId, this.startedAt)
    return report
  }

  private async waitAndConclude(report: RunReport, jobId: number, waitStartedAt: number): Promise<RunReport> {
    log.startGroup(`Waiting for job ${jobId} (timeout ${formatMs(this.config.timeoutMs)})`)
    let lastLineAt = waitStartedAt
    try {
      const outcome = await waitForJobGroup({
        readStatus: (signal) => this.client.getStatus(jobId, { deadline: this.deadline, persistMs: PERSISTENT_FAILURE_MS, signal }),
        clock: this.clock,
        startedAt: waitStartedAt,
        deadline: this.deadline,
        minDelayMs: this.config.pollIntervalMs,
        maxDelayMs: this.config.maxPollIntervalMs,
        signal: this.stopController.signal,
        onStatus: async (status, changed, elapsedMs) => {
          report.status = status
          const now = this.clock.now()
          if (!changed && now - lastLineAt < HEARTBEAT_MS) return
          lastLineAt = now
          log.info(progressLine(jobId, status, elapsedMs, await this.stagesQuietly(jobId)))
        },
        onUnknownStatus: (status) => log.warning(`Job ${jobId} reports status '${status}', which this action does not know; treating it as still running.`)
      })
      report.status = outcome.status ?? report.status
      if (outcome.kind === 'terminal') {
        core.saveState(STATE_KEYS.settled, 'true')
        report.ending = endingOf(outcome.status)
      } else if (outcome.kind === 'timeout') {
        await this.onTimeout(report, jobId)
      } else {
        await this.onWorkflowCancelled(report, jobId)
      }
    } catch (error) {
      if (this.stopping) {
        await this.onWorkflowCancelled(report, jobId)
      } else if (isTransient(error) && this.deadline - this.clock.now() < PERSISTENT_FAILURE_MS) {
        report.notes.push(`The last status check failed: ${(error as Error).message}`)
        await this.onTimeout(report, jobId)
      } else {
        core.saveState(STATE_KEYS.settled, 'true')
        report.ending = isTransient(error) ? 'lost-contact' : 'error'
        report.error = `Waiting for job ${jobId} failed${report.status ? ` (last status ${report.status})` : ''}: ${(error as Error).message} The job may keep running: ${report.jobUrl}`
      }
    } finally {
      log.endGroup()
    }
    await this.complete(report, jobId, waitStartedAt)
    return report
  }

  private async onTimeout(report: RunReport, jobId: number): Promise<void> {
    core.saveState(STATE_KEYS.settled, 'true')
    report.ending = 'timeout'
    const last = report.status ? `last status ${report.status}` : 'no status read'
    let fate: string
    if (report.attached) {
      fate = `It keeps running: it was started elsewhere (job-id), so this step does not cancel it.`
    } else if (!this.config.cancelOnTimeout) {
      fate = `It keeps running (cancel-on-timeout is false): ${report.jobUrl}`
    } else {
      const outcome = await cancelJobGroup(this.client, jobId, this.budget(REPORT_BUDGET_MS))
      fate = this.describeCancel(outcome, jobId, 'cancel-on-timeout')
      report.status = (await this.statusQuietly(jobId)) ?? report.status
    }
    report.error = `Job ${jobId} did not finish within the timeout of ${formatMs(this.config.timeoutMs)} (${last}). ${fate}`
  }

  private async onWorkflowCancelled(report: RunReport, jobId: number): Promise<void> {
    const budget = this.cleanupBudget()
    report.ending = 'workflow-cancelled'
    let fate: string
    if (report.attached) {
      fate = `Job ${jobId} keeps running: it was started elsewhere (job-id), so this step does not cancel it.`
    } else if (!this.config.cancelOnWorkflowCancel) {
      fate = `Job ${jobId} keeps running (cancel-on-workflow-cancel is false): ${report.jobUrl}`
    } else {
      const outcome = await cancelJobGroup(this.client, jobId, budget)
      fate = this.describeCancel(outcome, jobId, 'the workflow was cancelled')
    }
    core.saveState(STATE_KEYS.settled, 'true')
    report.status = (await this.statusQuietly(jobId, budget)) ?? report.status
    report.error = `The workflow was cancelled (${this.stopSignal ?? 'signal'}) while waiting for job ${jobId}. ${fate}`
  }

  private describeCancel(outcome: CancelOutcome, jobId: number, why: string): string {
    switch (outcome.kind) {
      case 'cancelled':
        log.info(`Cancelled job ${jobId} because ${why === 'cancel-on-timeout' ? 'the wait timed out' : why} (request id ${outcome.requestId}).`)
        return `It was cancelled because ${why === 'cancel-on-timeout' ? 'the wait timed out (cancel-on-timeout)' : why}.`
      case 'unsupported': {
        const text = `This edition cannot cancel jobs through the API (POST /v4/jobGroups/${jobId}/cancel answered 404): job ${jobId} keeps running. Cancel it in the app if needed.`
        log.warning(text, { title: 'Cancel not supported' })
        return text
      }
      case 'failed': {
        const text = `Cancelling job ${jobId} failed: ${outcome.error.message} The job may keep running; cancel it in the app if needed.`
        log.warning(text, { title: 'Cancel failed' })
        return text
      }
    }
  }

  /** Final reads for the report: job group times, stages, what was written. Failures only shorten the report. */
  private async complete(report: RunReport, jobId: number, since: number): Promise<void> {
    const budget = this.stopping ? this.cleanupBudget() : this.budget(REPORT_BUDGET_MS)
    let end = this.clock.now()
    let start = since
    try {
      const group = await this.client.getJobGroup(jobId, budget)
      report.status = group.status ?? report.status
      const created = Date.parse(group.createdAt ?? '')
      const updated = Date.parse(group.updatedAt ?? '')
      if (!report.attached && Number.isFinite(created)) start = created
      if (isTerminal(group.status) && Number.isFinite(updated) && !report.attached) end = updated
    } catch (error) {
      log.debug(`GET /v4/jobGroups/${jobId} for the report failed: ${(error as Error).message}`)
    }
    report.durationMs = Math.max(0, end - start)
    report.stages = await this.stagesQuietly(jobId, budget)
    report.engine ??= report.stages.map((s) => s.executionLanguage).find((e): e is string => typeof e === 'string')
    if (report.status === 'Complete') {
      try {
        report.written = await this.client.getOutputs(jobId, budget)
      } catch (error) {
        log.debug(`GET /v4/jobGroups/${jobId}/outputs failed: ${(error as Error).message}`)
      }
    }
  }

  private failedBeforeJob(report: RunReport, error: unknown): RunReport {
    if (!(error instanceof Error)) throw error
    report.ending = 'error'
    if (error instanceof TransportError && error.kind === 'aborted') {
      report.error = `The workflow was cancelled while the trigger was being sent; the job may have started: look in the job history (${this.config.appUrl}/jobs) for recipe ${report.recipeId}.`
    } else if (error instanceof TransportError) {
      report.error = `Could not reach the API at ${this.config.apiUrl} (POST /v4/jobGroups): ${error.message}. Check api-url, and the runner's network and proxy settings.`
    } else {
      report.error = error.message
    }
    if (error instanceof ApiError) report.requestId = error.requestId
    return report
  }

  private async stagesQuietly(jobId: number, budget = this.budget(10_000)): Promise<Job[]> {
    try {
      return await this.client.getJobs(jobId, budget)
    } catch (error) {
      log.debug(`GET /v4/jobGroups/${jobId}/jobs failed: ${(error as Error).message}`)
      return []
    }
  }

  private async statusQuietly(jobId: number, budget = this.budget(10_000)): Promise<JobStatus | undefined> {
    try {
      return await this.client.getStatus(jobId, budget)
    } catch (error) {
      log.debug(`Reading the status of job ${jobId} failed: ${(error as Error).message}`)
      return undefined
    }
  }

  private budget(ms: number): Budget {
    const deadline = this.clock.now() + ms
    return { deadline, persistMs: ms }
  }

  /** After a cancel signal: what is left before the runner's next step (SIGTERM after SIGINT, then the kill). */
  private cleanupBudget(): Budget {
    const allowed = this.stopSignal === 'SIGTERM' ? SIGTERM_CLEANUP_MS : SIGINT_CLEANUP_MS
    const deadline = Math.max(this.clock.now() + 500, this.stoppedAt + allowed)
    return { deadline, persistMs: allowed }
  }
}

function endingOf(status: JobStatus): Ending {
  return status === 'Complete' ? 'complete' : status === 'Failed' ? 'failed' : 'canceled'
}

/** Unique to this step execution, the same on every re-send of its trigger. */
function executionId(): string {
  const run = [process.env.GITHUB_RUN_ID, process.env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-')
  return `gha-${run ? `${run}-` : ''}${randomUUID()}`
}

function workflowRunUrl(): string | undefined {
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt } = process.env
  if (!server || !repo || !runId) return undefined
  return `${server}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`
}

/** Outputs, summary, the optional PR comment, and the step's result. */
async function publish(config: Config, report: RunReport): Promise<void> {
  const markdown = await publishReport(report)
  if (config.commentOnPr) {
    const { commentOnPullRequest } = await import('./pr-comment.ts')
    await commentOnPullRequest(config, report, markdown)
  }
  const failure = failureOf(config, report)
  if (!failure && (report.ending === 'failed' || report.ending === 'canceled')) {
    log.warning(`Job ${report.jobId} ended ${report.status}; the step passes because fail-on-job-failure is false. ${report.jobUrl}`)
  }
  if (failure) {
    log.error(failure.message, { title: failure.title })
    process.exitCode = 1
  } else {
    log.info(`Job ${report.jobId}: ${report.status ?? 'status unknown'}${report.durationMs !== undefined ? ` after ${formatMs(report.durationMs)}` : ''}.`)
  }
}

/** The step fails on an error, a timeout, a workflow cancel, and on Failed or Canceled when fail-on-job-failure. */
export function failureOf(config: Config, report: RunReport): { title: string; message: string } | undefined {
  const link = report.jobUrl ? ` ${report.jobUrl}` : ''
  switch (report.ending) {
    case 'complete':
    case 'not-waited':
      return undefined
    case 'failed':
    case 'canceled': {
      if (!config.failOnJobFailure) return undefined
      const failedStage = report.stages.find((s) => s.status === 'Failed' && errorText(s.errorMessage))
      const stageText = failedStage ? ` Stage ${failedStage.jobType} failed: "${oneLine(errorText(failedStage.errorMessage), 500)}".` : ''
      return { title: `Job ${report.jobId} ${report.status}`, message: `Job ${report.jobId} ended ${report.status}.${stageText}${link}` }
    }
    case 'timeout':
      return { title: `Job ${report.jobId} timed out`, message: withLink(report.error ?? 'Timed out.', report.jobUrl) }
    case 'workflow-cancelled':
      return { title: 'Workflow cancelled', message: withLink(report.error ?? 'The workflow was cancelled.', report.jobUrl) }
    default:
      return { title: report.jobId ? `Job ${report.jobId}: API error` : 'Could not start the job', message: report.error ?? 'Unknown error.' }
  }
}

function withLink(message: string, url: string | undefined): string {
  return url && !message.includes(url) ? `${message} ${url}` : message
}
