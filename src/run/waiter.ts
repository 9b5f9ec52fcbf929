/**
 * Waiter: poll the job group's status until it is terminal, the deadline passes, or the wait is aborted. The
 * delay before the next check is about 10% of the time elapsed, kept between the poll interval bounds, so
 * completion is noticed within max(poll-interval, 10% of the run time) with few requests. A loop, abortable.
 */
import type { Clock } from '../shared/clock.ts'
import { formatMs } from '../shared/format.ts'
import type { Config } from '../inputs/inputs.ts'
import { isTerminal, RUNNING_STATUSES, type JobStatus } from '../api/job-groups.ts'
import { log, quietly } from '../shared/log.ts'
import { capitalised, progressLine, subjectOf, type RunReport } from '../report/report.ts'
import { isTransient, PERSISTENT_FAILURE_MS } from '../api/retry-policy.ts'
import type { RunKind, RunRef } from '../targets/run-kind.ts'

/** With no change of status, a progress line at least this often. */
const HEARTBEAT_MS = 5 * 60_000

/** Share of the elapsed time used as the next delay. */
const ELAPSED_SHARE = 0.1
/** Jitter only shortens a delay (by up to this share), so the lateness bound holds. */
const JITTER_SHARE = 0.02

/**
 * Delay before the next status check: 10% of the elapsed time, at most `JITTER_SHARE` shorter, kept within
 * [minMs, maxMs]. Pure.
 */
export function nextPollDelay(
  elapsedMs: number,
  minMs: number,
  maxMs: number,
  random: () => number = Math.random
): number {
  const base = Math.min(maxMs, Math.max(minMs, Math.max(0, elapsedMs) * ELAPSED_SHARE))
  const jittered = base * (1 - JITTER_SHARE * random())
  return Math.round(Math.min(maxMs, Math.max(minMs, jittered)))
}

export type WaitOutcome =
  | { kind: 'terminal'; status: JobStatus }
  | { kind: 'timeout'; status: JobStatus | undefined }
  | { kind: 'aborted'; status: JobStatus | undefined }

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
      if (!RUNNING_STATUSES.includes(status) && !unknown.has(status)) {
        unknown.add(status)
        options.onUnknownStatus?.(status)
      }
      if (now >= options.deadline) return { kind: 'timeout', status }
      const delay = nextPollDelay(now - options.startedAt, options.minDelayMs, options.maxDelayMs, options.random)
      await clock.sleep(Math.min(delay, options.deadline - now), signal)
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
 * what is read. Failures that persist near the deadline count as a timeout, with the last error as a note.
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
  let lastLineAt = startedAt
  try {
    return await waitForJobGroup({
      readStatus: (s) => kind.status(ref, { deadline: watch.deadline, persistMs: PERSISTENT_FAILURE_MS, signal: s }),
      clock,
      startedAt,
      deadline: watch.deadline,
      minDelayMs: config.pollIntervalMs,
      maxDelayMs: config.maxPollIntervalMs,
      signal,
      onStatus: async (status, changed, elapsedMs) => {
        report.status = status
        if (!changed && clock.now() - lastLineAt < HEARTBEAT_MS) return
        lastLineAt = clock.now()
        const stages = await quietly('Reading the stages', () => kind.stages(ref, { deadline: clock.now() + 10_000 }))
        log.info(progressLine(subject, status, elapsedMs, stages))
      },
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
    log.endGroup()
  }
}
