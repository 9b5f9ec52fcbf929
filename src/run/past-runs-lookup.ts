/**
 * The history-aware schedule's one lookup: the run's past runs, asked for as the wait starts (beside the first
 * status read), bounded in time, and stopped when the wait ends. Whatever goes wrong means "no history", never a
 * failed step: the schedule then backs off as it always did. One line says which it is.
 */
import type { Clock } from '../shared/clock.ts'
import { formatMs, oneLine } from '../shared/format.ts'
import type { Config } from '../inputs/inputs.ts'
import { log } from '../shared/log.ts'
import { MIN_RUNS, type ExpectedEnd, type PastRuns } from '../targets/past-runs.ts'
import type { RunKind, RunRef } from '../targets/run-kind.ts'
import { windowOf } from './schedule.ts'

/** The lookup gets this long, whatever the server does. */
export const LOOKUP_MS = 10_000

export interface LookupWatch {
  kind: RunKind
  ref: RunRef
  config: Config
  clock: Clock
  deadline: number
}

export class PastRunsLookup {
  /** Set once the past runs are known and enough. */
  expected?: ExpectedEnd
  /** Settles (never rejects) when the lookup is over. */
  readonly done: Promise<void>
  private readonly controller = new AbortController()

  constructor(watch: LookupWatch, signal: AbortSignal) {
    const { kind, ref, config, clock } = watch
    if (config.schedule !== 'history' || !kind.pastRuns) {
      this.done = Promise.resolve()
      return
    }
    const stop = AbortSignal.any([signal, this.controller.signal])
    const budget = { deadline: Math.min(watch.deadline, clock.now() + LOOKUP_MS), persistMs: 0, signal: stop }
    const backoff = `checks back off from ${formatMs(config.pollIntervalMs)} to ${formatMs(config.maxPollIntervalMs)}`
    this.done = kind.pastRuns(ref, budget).then(
      (found) => {
        this.expected = found.expected
        log.info(describe(kind.label, found, backoff))
      },
      (error: unknown) => {
        if (stop.aborted) return
        const why = oneLine((error as Error).message ?? String(error), 200)
        log.info(`The past runs of ${kind.label} could not be read (${why}): ${backoff}.`)
      }
    )
  }

  /** The wait is over: a lookup still under way is abandoned. */
  stop(): void {
    this.controller.abort(new Error('the wait ended'))
  }
}

/** One line on what the past runs say and what the schedule does with them. Pure. */
export function describe(label: string, found: PastRuns, backoff: string): string {
  const { expected, runs } = found
  if (!expected) {
    const count = runs === 0 ? 'no completed past runs' : `only ${runs} completed past run${runs === 1 ? '' : 's'}`
    return `History: ${label} has ${count} (${MIN_RUNS} needed): ${backoff}.`
  }
  const from = Math.max(0, windowOf(expected).startMs)
  return (
    `History: the last ${runs} completed runs of ${label} took about ${formatMs(expected.centreMs)} ` +
    `(± ${formatMs(expected.spreadMs)}): sparse checks until ${formatMs(from)}, dense ones around the expected end.`
  )
}
