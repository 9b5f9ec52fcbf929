/**
 * A dry run (`dry-run: true`): sign in for real, then check instead of running. The credentials first, then the
 * target through its `TargetCheck`; with a refresh token and no target, only the sign-in, which renews (and so
 * keeps alive) the refresh token. Nothing here starts a job: the only request that could is the recipe's, sent in
 * test mode, and a job a server starts anyway is cancelled and reported (`stray-job.ts`).
 */
import type { TokenSource } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'
import type { JobGroupsApi } from '../api/job-groups.ts'
import { OAuthTokens } from '../auth/oauth.ts'
import { SignInError } from '../auth/explain.ts'
import { rotatedTokenUnsaved } from '../auth/sign-in.ts'
import { utcDate } from '../auth/token-life.ts'
import { TransportError } from '../http/transport-failures.ts'
import { targetLabel, type Config } from '../inputs/inputs.ts'
import { workflowRunUrl } from '../report/report.ts'
import { onWorkflowCancel, type StopSignal } from '../run/cancellation.ts'
import type { Clock } from '../shared/clock.ts'
import { formatMs, oneLine } from '../shared/format.ts'
import { log } from '../shared/log.ts'
import { checkCredentials } from './credentials.ts'
import type { Check, DryRunReport } from './dry-run-report.ts'
import { publishDryRun } from './publish-dry-run.ts'
import { budgetOf, type CheckContext } from './check-kind.ts'
import { checkFor } from './checks.ts'

/** A dry run ends within this long (or the step's timeout, if shorter). */
export const DRY_RUN_MS = 120_000
/** After a workflow cancel, a request under way gets this long to answer. */
const STOP_GRACE_MS = 3_000

export interface DryRunParts {
  config: Config
  api: JobGroupsApi
  tokens: TokenSource
  clock: Clock
  /** Sent with the test-mode request, as a run sends its start. */
  executionId: string
}

/** The dry run, its report published; a workflow cancel stops what is still being read. */
/** `early`: a workflow cancel that came before the dry run began; it stops at once. */
export async function checkWithoutRunning(parts: DryRunParts, early?: StopSignal): Promise<void> {
  const stop = new AbortController()
  const grace = new AbortController()
  const onStop = (signal: StopSignal): void => {
    log.info(`${signal} received: the workflow is being cancelled; the dry run stops.`)
    stop.abort(new Error(`${signal} received`))
    // A request under way (the test-mode one above all) gets a moment to answer, as a run's start does.
    setTimeout(() => grace.abort(new Error(`${signal} received`)), STOP_GRACE_MS).unref()
  }
  const removeHandlers = onWorkflowCancel(onStop)
  if (early) onStop(early)
  try {
    await publishDryRun(parts.config, await dryRun(parts, { signal: grace.signal, halt: stop.signal }))
  } finally {
    removeHandlers()
  }
}

export async function dryRun(
  parts: DryRunParts,
  stop: { signal?: AbortSignal; halt?: AbortSignal } = {}
): Promise<DryRunReport> {
  const { config, clock } = parts
  const report: DryRunReport = {
    subject: targetLabel(config.target),
    verdict: 'failed',
    checks: [],
    requestId: '',
    notes: [],
    runUrl: workflowRunUrl()
  }
  const now = clock.now()
  const ctx: CheckContext = {
    executionId: parts.executionId,
    stepStartedAt: now,
    deadline: now + Math.min(config.timeoutMs, DRY_RUN_MS),
    clock,
    signal: stop.signal,
    halt: stop.halt,
    log: { debug: log.debug, warning: (m) => log.warning(m, { title: 'Dry run' }) },
    appUrl: config.appUrl
  }
  let stage = 'Credentials'
  try {
    const check = checkFor(config, parts.api)
    if (!check) return await keepAlive(parts, report, ctx)
    report.checks.push(logged(await checkCredentials(parts.api.client, budgetOf(ctx))))
    stage = `${check.subject.charAt(0).toUpperCase()}${check.subject.slice(1)}`
    const result = await check.check(ctx)
    result.checks.forEach(logged)
    const requestId = result.requestId ?? report.requestId
    return { ...report, ...result, checks: [...report.checks, ...result.checks], notes: result.notes ?? [], requestId }
  } catch (error) {
    const what = `${stage.charAt(0).toLowerCase()}${stage.slice(1)}`
    if (stop.halt?.aborted) report.notes.push(`The workflow was cancelled while the dry run checked ${what}.`)
    return failed(report, error, stage, config)
  }
}

const MARK = { passed: 'ok', limited: 'limited', failed: 'FAILED' } as const

/** The check, told in the log as soon as it is done. */
function logged(check: Check): Check {
  log.info(`${check.what}: ${MARK[check.outcome]}: ${check.detail}`)
  return check
}

/** A check failed as the run would have: the step fails, saying why, with the request id. */
function failed(report: DryRunReport, error: unknown, stage: string, config: Config): DryRunReport {
  if (!(error instanceof Error)) throw error
  if (error instanceof ApiError) report.requestId = error.requestId
  if (error instanceof SignInError) report.errorTitle = 'Could not sign in'
  report.error =
    error instanceof TransportError && error.notSent
      ? `Nothing was sent to the API at ${config.apiUrl}: ${error.message}.`
      : error.message
  report.checks.push({ what: stage, outcome: 'failed', detail: oneLine(report.error, 300) })
  report.verdict = 'failed'
  return report
}

/** No target, a refresh token: sign in once (which rotates the refresh token and writes it back), and say so. */
async function keepAlive(parts: DryRunParts, report: DryRunReport, ctx: CheckContext): Promise<DryRunReport> {
  const { tokens, config } = parts
  const s = config.signIn
  if (!(tokens instanceof OAuthTokens) || s.mode !== 'refresh-token') throw new Error('Nothing to check.')
  const { answer, rotated } = await tokens.refresh()
  const life = answer.expiresIn === undefined ? '' : `, valid for ${formatMs(answer.expiresIn * 1000)}`
  const checks: Check[] = [
    { what: 'Sign-in', outcome: 'passed', detail: `a new access token from ${s.tokenEndpoint}${life}` }
  ]
  const place = s.writeBack ? [s.writeBack.environment, s.writeBack.name].filter(Boolean).join('/') : undefined
  if (!rotated) {
    checks.push({ what: 'Refresh token', outcome: 'limited', detail: 'the token endpoint did not rotate it' })
  } else if (rotatedTokenUnsaved()) {
    const detail = `rotated, but writing the new one to the secret ${place} failed (see the error above)`
    checks.push({ what: 'Refresh token', outcome: 'failed', detail })
  } else {
    const where = place ? `was written to the secret ${place}` : 'is in the refresh-token output (masked): store it'
    checks.push({ what: 'Refresh token', outcome: 'passed', detail: `renewed (rotated); the new one ${where}` })
  }
  checks.push(expiryCheck(answer.refreshExpiresAt, ctx.clock.now()))
  checks.forEach(logged)
  const verdict = checks.some((c) => c.outcome === 'failed') ? 'failed' : 'signed-in'
  return { ...report, subject: 'the sign-in', verdict, checks, renewed: rotated }
}

function expiryCheck(expiresAt: number | undefined, now: number): Check {
  if (expiresAt === undefined) {
    return {
      what: 'Expiry',
      outcome: 'limited',
      detail: 'the token endpoint does not say when the refresh token expires'
    }
  }
  const days = Math.max(0, Math.floor((expiresAt - now) / 86_400_000))
  const detail = `the new refresh token expires on ${utcDate(expiresAt)} (in ${days} days)`
  return { what: 'Expiry', outcome: 'passed', detail }
}
