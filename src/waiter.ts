/**
 * Waiter: poll the job group's status until it is terminal, the deadline passes, or the wait is aborted. The
 * delay before the next check is about 10% of the time elapsed, kept between the poll interval bounds, so
 * completion is noticed within max(poll-interval, 10% of the run time) with few requests. A loop, abortable.
 */
import type { Clock } from './clock.ts'
import { isTerminal, RUNNING_STATUSES, type JobStatus } from './trifacta-client.ts'

/** Share of the elapsed time used as the next delay. */
const ELAPSED_SHARE = 0.1
/** Jitter only shortens a delay (by up to this share), so the lateness bound holds. */
const JITTER_SHARE = 0.02

/**
 * Delay before the next status check: 10% of the elapsed time, at most `JITTER_SHARE` shorter, kept within
 * [minMs, maxMs]. Pure.
 */
export function nextPollDelay(elapsedMs: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
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
