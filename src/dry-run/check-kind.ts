/**
 * The seam of a dry run: one `TargetCheck` per kind of run, which checks that the run would start without
 * starting it (`checks.ts` picks it). A check throws what the API threw (the run would have failed the same way)
 * and returns everything else.
 */
import type { Budget } from '../api/api-client.ts'
import type { ApiError } from '../api/api-error.ts'
import type { StartContext } from '../targets/run-kind.ts'
import type { DryRunReport } from './dry-run-report.ts'

/** What a check may use: the start's context (deadline, signal, log, execution id) and the app's URL. */
export interface CheckContext extends StartContext {
  appUrl: string
}

export type CheckResult = Pick<DryRunReport, 'verdict' | 'checks'> &
  Partial<Pick<DryRunReport, 'name' | 'writes' | 'status' | 'stray' | 'notes' | 'requestId'>>

export interface TargetCheck {
  /** `recipe 7`, `flow 10`, …: what the report is about. */
  readonly subject: string
  check(ctx: CheckContext): Promise<CheckResult>
}

export function budgetOf(ctx: StartContext): Budget {
  return { deadline: ctx.deadline, persistMs: Math.max(0, ctx.deadline - ctx.clock.now()), signal: ctx.signal }
}

/**
 * An `ApiError`'s message without its generic hint, for a caller that gives a better one. An answer that is not the
 * API's own (no exception body: a web page, a proxy) keeps its hint, which is about api-url.
 */
export function withoutHint(error: ApiError): string {
  return error.exception && error.hint && error.message.endsWith(error.hint)
    ? error.message.slice(0, -error.hint.length).trim()
    : error.message
}
