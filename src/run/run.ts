/**
 * One run of the step, whatever its kind: start it (or attach), wait for it, and settle its ending (timeout,
 * workflow cancel, failure to read). Owns the deadline, the stop signal and the time budgets; knows nothing
 * about any one kind of run, which it drives through `RunKind`. Once a terminal status is seen it is final.
 */
import type { Budget } from '../api/api-client.ts'
import { OUTPUT } from '../inputs/action-spec.ts'
import {
  endRun,
  SIGINT_CLEANUP_MS,
  SIGTERM_CLEANUP_MS,
  STATUS_AFTER_CANCEL_MS,
  type EndReason,
  type StopSignal
} from './cancellation.ts'
import type { Clock } from '../shared/clock.ts'
import { formatMs } from '../shared/format.ts'
import type { Config } from '../inputs/inputs.ts'
import { appLink } from '../inputs/results-inputs.ts'
import { isTerminal, type JobGroupsApi } from '../api/job-groups.ts'
import { log, quietly } from '../shared/log.ts'
import { setOutput } from '../runner/outputs.ts'
import {
  addParts,
  capitalised,
  endingOf,
  MAX_STAGES,
  linkOf,
  newReport,
  reportOutputs,
  subjectOf,
  type RunReport
} from '../report/report.ts'
import { describeStart, runTimes } from '../report/run-parts.ts'
import { saveSettled, saveStarted } from '../runner/state.ts'
import { readQuality } from './quality-reads.ts'
import type { JobResults } from '../results/job-results.ts'
import { CancelledBeforeStartError, describeStartFailure } from './start-failure.ts'
import type { RunKind, Started } from '../targets/run-kind.ts'
import { watchRun } from './waiter.ts'

/** The final reads for the report get this long (less when the workflow is being cancelled). */
export const REPORT_BUDGET_MS = 30_000
/** After a cancel signal, a start already on its way gets this long to answer, so its run can be cancelled. */
const START_GRACE_MS = 3_000
/** Set as soon as the run exists, so that `if: always()` steps see them whatever happens next. */
const EARLY_OUTPUTS = [OUTPUT.jobId, OUTPUT.requestId, OUTPUT.jobUrl, OUTPUT.jobIds, OUTPUT.flowRunId, OUTPUT.planRunId]

export class Run {
  readonly startedAt: number
  readonly deadline: number
  private readonly stopController = new AbortController()
  /** Aborts what is still being read once the time left after a cancel signal is up. */
  private readonly lateStop = new AbortController()
  private stopSignal?: StopSignal
  private stoppedAt = 0
  private waitStartedAt = 0

  private readonly kind: RunKind
  private readonly config: Config
  private readonly clock: Clock
  private readonly executionId: string

  /** Reads what the job groups logged and published, for the report. */
  private readonly results?: JobResults
  /** For the reads of the data (profiles, baseline); none: the report tells nothing of the data. */
  private readonly api?: JobGroupsApi

  constructor(
    kind: RunKind,
    config: Config,
    clock: Clock,
    executionId: string,
    results?: JobResults,
    api?: JobGroupsApi
  ) {
    this.results = results
    this.kind = kind
    this.api = api
    this.config = config
    this.clock = clock
    this.executionId = executionId
    this.startedAt = clock.now()
    this.deadline = this.startedAt + config.timeoutMs
  }

  /** The workflow is being cancelled: stop waiting (the cancel itself happens in `execute`). */
  stop(signal: StopSignal): void {
    this.stopSignal = signal
    this.stoppedAt = this.clock.now()
    log.info(`${signal} received: the workflow is being cancelled.`)
    this.stopController.abort(new Error(`${signal} received`))
    // Reads already under way (the final ones for the report) end in time for the runner's kill.
    const allowed = signal === 'SIGTERM' ? SIGTERM_CLEANUP_MS : SIGINT_CLEANUP_MS
    setTimeout(() => this.lateStop.abort(new Error(`${signal} received`)), allowed).unref()
  }

  get stopping(): boolean {
    return this.stopController.signal.aborted
  }

  async execute(): Promise<RunReport> {
    const report = newReport(this.config)
    let started: Started
    try {
      started = await this.start()
    } catch (error) {
      return describeStartFailure(report, error, this.config, this.stopSignal)
    }
    this.announce(report, started)
    if (!this.config.wait) {
      saveSettled()
      return this.notWaited(report, started)
    }
    const watch = { kind: this.kind, ref: started.ref, config: this.config, clock: this.clock, deadline: this.deadline }
    const outcome = await watchRun(watch, report, this.waitStartedAt, this.stopController.signal)
    const waitEndedAt = this.clock.now() // the duration ends here, on the runner's clock (also after an early end)
    if (outcome.kind === 'terminal') {
      saveSettled()
      report.ending = endingOf(outcome.status)
    } else {
      const reason = outcome.kind === 'aborted' || this.stopping ? 'workflow-cancel' : 'timeout'
      await this.endEarly(report, started, reason, outcome.kind === 'failed' ? outcome.error : outcome.kind)
    }
    await this.complete(report, started, waitEndedAt)
    return report
  }

  /** Start the run; a start already sent when the workflow is cancelled gets a moment to answer. */
  private async start(): Promise<Started> {
    if (this.stopping) throw new CancelledBeforeStartError()
    const grace = new AbortController()
    const onStop = (): void =>
      void setTimeout(() => grace.abort(this.stopController.signal.reason), START_GRACE_MS).unref()
    this.stopController.signal.addEventListener('abort', onStop, { once: true })
    try {
      return await this.kind.start({
        executionId: this.executionId,
        stepStartedAt: this.startedAt,
        deadline: this.deadline,
        clock: this.clock,
        signal: grace.signal,
        halt: this.stopController.signal,
        log: { debug: log.debug, warning: (m) => log.warning(m, { title: 'Trigger' }) }
      })
    } finally {
      this.stopController.signal.removeEventListener('abort', onStop)
    }
  }

  /** The run exists: say so, and set what must be set whatever happens next. */
  private announce(report: RunReport, started: Started): void {
    const { composite } = report
    const jobId = started.ref.jobGroupIds[0] ?? (composite ? undefined : started.ref.id)
    Object.assign(report, { jobId, requestId: started.requestId, adopted: started.adopted, attached: started.attached })
    report.jobGroupIds = started.ref.jobGroupIds
    if (composite) Object.assign(composite, { flowRunId: started.flowRunId, planRunId: started.planRunId })
    if (jobId !== undefined) report.jobUrl = appLink(this.config, `/jobs/${jobId}`)
    this.waitStartedAt = this.clock.now()
    const outputs = reportOutputs(report)
    for (const name of EARLY_OUTPUTS) if (outputs[name] || name === OUTPUT.requestId) setOutput(name, outputs[name])
    saveStarted(started.ref, { triggered: !started.attached, waiting: this.config.wait, requestId: report.requestId })
    const what = composite ? `${composite.subject} (${describeStart(started)})` : `job ${jobId} for ${this.kind.label}`
    const how = started.attached ? `Attached to job ${jobId}` : `Started ${what}`
    log.info(`${how}: ${linkOf(report)}${report.requestId ? ` (request id ${report.requestId})` : ''}`)
  }

  private async notWaited(report: RunReport, started: Started): Promise<RunReport> {
    report.ending = 'not-waited'
    try {
      report.status = await this.kind.status(started.ref, this.budget(REPORT_BUDGET_MS))
    } catch (error) {
      log.warning(`Could not read the status of ${subjectOf(report)}: ${(error as Error).message}`)
    }
    if (isTerminal(report.status)) report.ending = endingOf(report.status!)
    report.notes.push(
      `Not waited for (wait: false): ${subjectOf(report)} keeps running and this action will not cancel it.`
    )
    await this.complete(report, started)
    return report
  }

  /** The wait ended without a terminal status: cancel the run or leave it, as the inputs say. */
  /** `why`: the error that ended the wait, or 'queued' when it was still queued at queue-timeout. */
  private async endEarly(report: RunReport, started: Started, reason: EndReason, why?: Error | string): Promise<void> {
    const error = why instanceof Error ? why : undefined
    const cancelling = reason === 'workflow-cancel'
    const last = report.status ? `last status ${report.status}` : 'no status read'
    const budget = cancelling ? this.cleanupBudget() : this.budget(REPORT_BUDGET_MS)
    const subject = subjectOf(report)
    const fate = await endRun(this.kind, started.ref, {
      reason,
      attached: started.attached,
      allowed: cancelling ? this.config.cancelOnWorkflowCancel : this.config.cancelOnTimeout,
      subject,
      url: linkOf(report)!,
      budget
    })
    if (!fate.failed) saveSettled()
    if (fate.cancelled) {
      const after = cancelling ? budget : this.budget(STATUS_AFTER_CANCEL_MS)
      const read = (): Promise<string> => this.kind.status(started.ref, after)
      report.status = (await quietly(`Reading the status of ${subject}`, read)) ?? report.status
    }
    if (cancelling) {
      report.ending = 'workflow-cancelled'
      report.error =
        `The workflow was cancelled (${this.stopSignal ?? 'signal'}) while waiting for ${subject}. ` + `${fate.text}`
    } else if (error) {
      report.ending = 'lost-contact'
      report.error = `Waiting for ${subject} failed (${last}): ${error.message} ${fate.text}`
    } else if (why === 'queued') {
      report.ending = 'timeout'
      report.error =
        `${capitalised(subject)} was still queued after ${formatMs(this.config.queueTimeoutMs ?? 0)} ` +
        `(queue-timeout; ${last}). ${fate.text}`
    } else {
      report.ending = 'timeout'
      report.error =
        `${capitalised(subject)} did not finish within the timeout of ` +
        `${formatMs(this.config.timeoutMs)} (${last}). ${fate.text}`
    }
  }

  /** Final reads for the report. A status seen terminal is final: later reads only add details. */
  private async complete(report: RunReport, started: Started, endedAt = this.clock.now()): Promise<void> {
    const budget = this.stopping ? this.cleanupBudget() : this.budget(REPORT_BUDGET_MS)
    const details = await this.kind.details(started.ref, budget, report.status)
    if (!isTerminal(report.status) && details.status) report.status = details.status
    Object.assign(report, runTimes(details, started.attached, this.waitStartedAt, endedAt))
    report.stages = details.stages.slice(0, MAX_STAGES)
    if (details.stages.length > MAX_STAGES) report.stagesOmitted = details.stages.length - MAX_STAGES
    report.engine ??= details.stages.map((s) => s.executionLanguage).find((e): e is string => typeof e === 'string')
    report.written = details.written
    if (details.parts) addParts(report, details, this.config)
    report.jobGroups = await this.results?.report(details.jobGroups ?? [], budget, this.stopping)
    if (this.api && !this.stopping) report.quality = await readQuality(this.api, this.config, report, budget)
  }

  private budget(ms: number): Budget {
    return { deadline: this.clock.now() + ms, persistMs: ms, signal: this.lateStop.signal }
  }

  /** After a cancel signal: what is left before the runner's next step (SIGTERM after SIGINT, then the kill). */
  private cleanupBudget(): Budget {
    const allowed = this.stopSignal === 'SIGTERM' ? SIGTERM_CLEANUP_MS : SIGINT_CLEANUP_MS
    const deadline = Math.max(this.clock.now() + 500, this.stoppedAt + allowed)
    return { deadline, persistMs: allowed, signal: this.lateStop.signal }
  }
}
