/**
 * A recipe's dry run: the run's own `POST /v4/jobGroups` with `testMode: true`, which the server validates without
 * starting anything. It is sent again only when a send certainly created nothing: a lost or unreadable answer is
 * first looked up in the job history, since an edition that ignored `testMode` may have started the job. A job
 * found that way, or named by the answer, is this step's own: it is cancelled and reported (`stray-job.ts`).
 * Where the edition refuses `testMode`, the recipe is read instead and the report says only its existence was
 * checked.
 */
import { ApiError } from '../api/api-error.ts'
import type { JobGroupsApi } from '../api/job-groups.ts'
import type { RunParameter } from '../inputs/run-parameters.ts'
import { reason, triggerDecision } from '../api/retry-policy.ts'
import { formatMs, oneLine } from '../shared/format.ts'
import { findOwnJobGroup, type History } from '../targets/job-history.ts'
import { requestIdOf, startWithRetries } from '../targets/start-retries.ts'
import type { Check } from './dry-run-report.ts'
import { handleStrayJob } from './stray-job.ts'
import { budgetOf, withoutHint, type CheckContext, type CheckResult, type TargetCheck } from './check-kind.ts'
import { buildTestModeRequest, describeWrites, readTestModeAnswer, rejectsTestMode } from './test-mode.ts'

const PATH = '/v4/jobGroups'

/** What the test-mode send settled: accepted, or a job group that the server started. */
type Sent =
  | { kind: 'accepted'; name?: string; datasetId?: number; requestId: string }
  | { kind: 'started'; id: number; requestId: string }

export class RecipeCheck implements TargetCheck {
  readonly subject: string
  private readonly api: JobGroupsApi
  private readonly recipeId: number
  private readonly overrides: Record<string, unknown> | undefined
  private readonly runParameters: RunParameter[]

  constructor(
    api: JobGroupsApi,
    recipeId: number,
    overrides: Record<string, unknown> | undefined,
    runParameters: RunParameter[]
  ) {
    this.api = api
    this.recipeId = recipeId
    this.overrides = overrides
    this.runParameters = runParameters
    this.subject = `recipe ${recipeId}`
  }

  async check(ctx: CheckContext): Promise<CheckResult> {
    const writes = describeWrites(this.overrides)
    let sent: Sent
    try {
      sent = await this.send(ctx)
    } catch (error) {
      if (!rejectsTestMode(error)) throw error
      return { ...(await this.existence(ctx, error as ApiError)), writes }
    }
    if (sent.kind === 'started') {
      const stray = await handleStrayJob(this.api, sent.id, this.recipeId, ctx)
      const detail = 'the server started a job instead of checking the run (testMode: true was ignored)'
      const check: Check = { what: `Recipe ${this.recipeId}`, outcome: 'failed', detail }
      return { verdict: 'started', stray, checks: [check], requestId: sent.requestId, writes }
    }
    const given = [this.overrides ? 'overrides' : '', this.runParameters.length ? 'run-parameters' : '']
    const what = given.filter(Boolean).join(' and ')
    const detail = `accepted in test mode (POST ${PATH} with testMode: true${what ? `, with the ${what}` : ''})`
    const checks: Check[] = [{ what: `Recipe ${this.recipeId}`, outcome: 'passed', detail }]
    const notes =
      sent.datasetId !== undefined && sent.datasetId !== this.recipeId
        ? [`The server's test-mode answer names dataset ${sent.datasetId}, not recipe ${this.recipeId}.`]
        : []
    return { verdict: 'would-run', name: sent.name, checks, notes, writes, requestId: sent.requestId }
  }

  /** The test-mode request in the one retry loop; a lost answer is settled through the job history first. */
  private send(ctx: CheckContext): Promise<Sent> {
    const body = buildTestModeRequest(this.recipeId, this.overrides, this.runParameters)
    const history: History = {
      api: this.api,
      recipeId: this.recipeId,
      historyUrl: `${ctx.appUrl}/jobs`,
      ctx,
      firstSentAt: ctx.clock.now()
    }
    const lookUp = async (why: string, requestId: string): Promise<Sent | undefined> => {
      const group = await findOwnJobGroup(history, why)
      return group ? { kind: 'started', id: group.id, requestId } : undefined
    }
    const attempt = async (): Promise<Sent> => {
      const headers = { 'x-execution-id': ctx.executionId }
      const options = { body, headers, subject: { recipeId: this.recipeId }, signal: ctx.signal, allow304: true }
      const response = await this.api.client.send('POST', PATH, { ...options, deadline: ctx.deadline })
      const answer = readTestModeAnswer(response.status, response.data)
      if (answer.kind === 'started') return { kind: 'started', id: answer.jobGroupId, requestId: response.requestId }
      if (answer.kind === 'accepted') return { ...answer, requestId: response.requestId }
      const found = await lookUp(answer.why, response.requestId)
      if (found) return found
      throw new Error(
        `POST ${PATH} in test mode: ${answer.why}. The job history shows no job group of recipe ${this.recipeId} ` +
          `since, so nothing was started, but whether the server accepted the run is not known.` +
          (response.requestId ? ` Request id: ${response.requestId}.` : '')
      )
    }
    return startWithRetries(ctx, `POST ${PATH} (test mode)`, attempt, {
      retryable: (error) => triggerDecision(error) !== 'fail',
      // A send that may have reached the server: its job group, if the edition started one, is looked for first.
      beforeRetry: (failure) =>
        triggerDecision(failure) === 'resend'
          ? Promise.resolve(undefined)
          : lookUp(`the test-mode request's answer was lost (${reason(failure)})`, requestIdOf(failure)),
      describe: (failure, delay) =>
        `POST ${PATH} in test mode failed (${reason(failure)}); no job group was created by it, sending again in ` +
        `${formatMs(delay)}`
    })
  }

  /** This edition refuses `testMode`: the recipe is read, and only its existence is reported. */
  private async existence(ctx: CheckContext, refusal: ApiError): Promise<CheckResult> {
    const path = `/v4/wrangledDatasets/${this.recipeId}`
    const texts = [refusal.exception?.details, refusal.exception?.message, refusal.snippet]
    const said = oneLine(texts.find((t) => t && /test[\s_-]?mode/i.test(t)) ?? '', 200)
    const answered = `POST ${PATH} answered HTTP ${refusal.status}${said ? `: "${said}"` : ''}`
    const why = `this edition does not take testMode (${answered})`
    let recipe: { name?: unknown } | undefined
    try {
      recipe = await this.api.client.read<{ name?: unknown }>(path, budgetOf(ctx), { recipeId: this.recipeId })
    } catch (error) {
      if (!(error instanceof ApiError) || (error.status !== 404 && error.status !== 403)) throw error
      if (error.status === 403) {
        throw new Error(`${withoutHint(error)} The token's user may not read recipe ${this.recipeId} (${why}).`)
      }
      throw new Error(
        `${withoutHint(error)} Recipe ${this.recipeId} was not found, or this edition cannot read recipes either ` +
          `(${why}). Check recipe-id (in the flow view, /flows/10?recipe=7 means recipe-id 7).`
      )
    }
    const name = typeof recipe?.name === 'string' && recipe.name.trim() ? recipe.name : undefined
    const detail = `exists (GET ${path}); ${why}, so only its existence was checked, not that it would run`
    return { verdict: 'exists', name, checks: [{ what: `Recipe ${this.recipeId}`, outcome: 'limited', detail }] }
  }
}
