/**
 * Waiter: poll the run's status until it is terminal, the deadline passes, the queue timeout passes while it is
 * still queued, or the wait is aborted. The delay before the next check comes from the schedule (schedule.ts):
 * from the recipe's past runs where they are known, else about 10% of the time elapsed, within the poll interval
 * bounds. A loop, abortable. The stages are read on a change of status only; the heartbeat does not read them.
 */
import type { Clock } from '../shared/clock.ts'
import { formatMs } from '../shared/format.ts'
import type { Config } from '../inputs/inputs.ts'
import { isTerminal, RUNNING_STATUSES, type JobStatus } from '../api/job-groups.ts'
import { log, quietly } from '../shared/log.ts'
import { capitalised, progressLine, subjectOf, type RunReport } from '../report/report.ts'
import { isTransient, PERSISTENT_FAILURE_MS } from '../api/retry-policy.ts'
import type { RunKind, RunRef } from '../targets/run-kind.ts'
import { PastRunsLookup } from './past-runs-lookup.ts'
import { nextDelay } from './schedule.ts'

/** With no change of status, a progress line at least this often. */
const HEARTBEAT_MS = 5 * 60_000

/** Statuses of a job group still waiting in the queue. */
const QUEUED_STATUSES: readonly string[] = ['Created', 'Pending', 'Queued']

/** The backoff schedule: 10% of the elapsed time, at most 2% shorter, kept within [minMs, maxMs]. Pure. */
export function nextPollDelay(
  elapsedMs: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random
): number {
  return nextDelay('backoff', elapsedMs, { minMs, maxMs }, undefined, random)
}

export type WaitOutcome =
  | { kind: 'terminal'; status: JobStatus }
  | { kind: 'timeout'; status: JobStatus | undefined }
  | { kind: 'aborted'; status: JobStatus | undefined }
  /** Still queued at `queue.deadline`. */
  | { kind: 'queued'; status: JobStatus }

export interface WaitOptions {
  /** Reads the status (retrying transient failures itself); a thrown error ends the wait. */
  readStatus: (signal?: AbortSignal) => Promise<JobStatus>
  clock: Clock
  /** When the job was triggered or attached (epoch ms): elapsed time counts from here. */
  startedAt: number
  /** No check starts after this (epoch ms). */
  deadline: number
  minDelayMs: number
  maxDelayMs: number
  signal?: AbortSignal
  random?: () => number
  /** Called with every status read; `changed` when it differs from the previous one. */
  onStatus?: (status: JobStatus, changed: boolean, elapsedMs: number) => void | Promise<void>
  /** Called once per status that is neither terminal nor a known running state. */
  onUnknownStatus?: (status: string) => void
  /** The delay before the next check, from the elapsed time; default the backoff schedule. */
  nextDelay?: (elapsedMs: number) => number
  /** A run still in a queued status at `deadline` (epoch ms) ends the wait ('queued'). */
  queue?: { isQueued: (status: JobStatus) => boolean; deadline: number }
}

export async function waitForJobGroup(options: WaitOptions): Promise<WaitOutcome> {
  const { clock, signal } = options
  let status: JobStatus | undefined
  const unknown = new Set<string>()
  try {
    for (;;) {
      const next = await options.readStatus(signal)
      const changed = next !== status
      status = next
      const now = clock.now()
      await options.onStatus?.(status, changed, now - options.startedAt)
      if (isTerminal(status)) return { kind: 'terminal', status }
      const queued = options.queue?.isQueued(status) ? options.queue.deadline : Infinity
      if (now >= queued) return { kind: 'queued', status }
      if (!RUNNING_STATUSES.includes(status) && !unknown.has(status)) {
        unknown.add(status)
        options.onUnknownStatus?.(status)
      }
      if (now >= options.deadline) return { kind: 'timeout', status }
      const elapsed = now - options.startedAt
      const delay =
        options.nextDelay?.(elapsed) ?? nextPollDelay(elapsed, options.minDelayMs, options.maxDelayMs, options.random)
      await clock.sleep(Math.min(delay, options.deadline - now, queued - now), signal)
    }
  } catch (error) {
    if (signal?.aborted) return { kind: 'aborted', status }
    throw error
  }
}

export interface Watch {
  kind: RunKind
  ref: RunRef
  config: Config
  clock: Clock
  deadline: number
}

export type WatchOutcome = WaitOutcome | { kind: 'failed'; status: JobStatus | undefined; error: Error }

/**
 * Wait for the run in a log group, with a progress line on every change and a heartbeat; `report.status` follows
 * what is read. The past runs are looked up beside the first status read. Failures that persist near the deadline
 * count as a timeout, with the last error as a note.
 */
export async function watchRun(
  watch: Watch,
  report: RunReport,
  startedAt: number,
  signal: AbortSignal
): Promise<WatchOutcome> {
  const { kind, ref, config, clock } = watch
  const subject = subjectOf(report)
  log.startGroup(`Waiting for ${subject} (timeout ${formatMs(config.timeoutMs)})`)
  const lookup = new PastRunsLookup(watch, signal)
  const bounds = { minMs: config.pollIntervalMs, maxMs: config.maxPollIntervalMs }
  const queueMs = kind.showsQueue ? config.queueTimeoutMs : undefined
  try {
    return await waitForJobGroup({
      readStatus: (s) => kind.status(ref, { deadline: watch.deadline, persistMs: PERSISTENT_FAILURE_MS, signal: s }),
      clock,
      startedAt,
      deadline: watch.deadline,
      minDelayMs: config.pollIntervalMs,
      maxDelayMs: config.maxPollIntervalMs,
      signal,
      nextDelay: (elapsed) => nextDelay(config.schedule, elapsed, bounds, lookup.expected),
      queue: queueMs === undefined ? undefined : { isQueued: queuedFor(kind), deadline: startedAt + queueMs },
      onStatus: progress(watch, report, startedAt, signal),
      onUnknownStatus: (status) =>
        log.warning(
          `${capitalised(subject)} reports status '${status}', which this action does not know; treating it as ` +
            `still running.`
        )
    })
  } catch (error) {
    if (signal.aborted) return { kind: 'aborted', status: report.status }
    if (isTransient(error) && watch.deadline - clock.now() < PERSISTENT_FAILURE_MS) {
      report.notes.push(`The last status check failed: ${error.message}`)
      return { kind: 'timeout', status: report.status }
    }
    return { kind: 'failed', status: report.status, error: error as Error }
  } finally {
    lookup.stop()
    log.endGroup()
  }
}

const queuedFor =
  (kind: RunKind) =>
  (status: JobStatus): boolean =>
    kind.showsQueue === true && QUEUED_STATUSES.includes(status)

/**
 * Progress lines: one on every change of status, with the stages (read then only, and not on the terminal one:
 * the report reads them at the end), and a heartbeat without re-reading them, saying how long it has been queued.
 */
function progress(
  watch: Watch,
  report: RunReport,
  startedAt: number,
  signal: AbortSignal
): (status: JobStatus, changed: boolean, elapsedMs: number) => Promise<void> {
  const { kind, ref, clock } = watch
  const subject = subjectOf(report)
  const isQueued = queuedFor(kind)
  let lastLineAt = startedAt
  let queuedSince: number | undefined
  return async (status, changed, elapsedMs) => {
    const first = report.status === undefined
    report.status = status
    queuedSince = isQueued(status) ? (queuedSince ?? (first ? startedAt : clock.now())) : undefined
    if (!changed && clock.now() - lastLineAt < HEARTBEAT_MS) return
    lastLineAt = clock.now()
    // Under the stop signal too: a progress read that hangs must not hold up a workflow cancel.
    const budget = { deadline: clock.now() + 10_000, signal }
    const stages =
      changed && !isTerminal(status) ? await quietly('Reading the stages', () => kind.stages(ref, budget)) : undefined
    const queued = queuedSince === undefined ? '' : `; queued for ${formatMs(clock.now() - queuedSince)}`
    log.info(progressLine(subject, status, elapsedMs, stages) + queued)
  }
}
