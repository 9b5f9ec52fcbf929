// Flow runs and plan runs in the API: the routes, the edition that offers them, and their quotas
// (AAC-AUTH-FLOWS-PLANS.md "Running a whole flow", "Running a plan", "Editions").
import type { Edition, FlowPlanOptions, FlowRunView, PlanRunView } from './flow-types.ts'
import { FlowRuns, flowRecipeIds } from './flows.ts'
import type { RunRequest, ScenarioFor } from './flows.ts'
import { positiveInteger } from './jobs.ts'
import type { JobStore, Replica } from './jobs.ts'
import { PlanRuns, planRecipeIds } from './plans.ts'
import { DOCUMENTED_RUN_FLOW_LIMIT, DOCUMENTED_RUN_PLAN_LIMIT, TriggerQuota, underQuota } from './quota.ts'
import { exception, notFound, validationFailed } from './replies.ts'
import type { Reply } from './replies.ts'
import type { JobScenario } from './types.ts'

const RUN_PATH = /^\/v4\/(flows|flowRuns|plans|planSnapshotRuns)\/([^/]+)(?:\/([^/]+))?$/
const SINGULAR: Record<string, string> = {
  flows: 'flow',
  flowRuns: 'flowRun',
  plans: 'plan',
  planSnapshotRuns: 'planSnapshotRun'
}
// The routes, as "<method> <collection> <sub-resource>". Sources (REAL-API-SHAPES.md, AAC-AUTH-FLOWS-PLANS.md):
// runFlow, flowRuns/{id}, /status (Created until the end), /jobGroups ({data}): S1; runPlan: the AAC notes;
// planSnapshotRuns/{id} and its cancel: S1; plans/{id}/full (snapshots, every list in {data}): S1 and S2.
const ROUTES = new Set([
  'GET flows ',
  'POST flows run',
  'GET flowRuns ',
  'GET flowRuns status',
  'GET flowRuns jobGroups',
  'GET plans ',
  'POST plans run',
  'GET plans full',
  'GET planSnapshotRuns ',
  'POST planSnapshotRuns cancel'
])

export class FlowsAndPlans {
  private readonly flows: FlowRuns
  private readonly plans: PlanRuns
  private readonly edition: Edition
  private readonly refusal: 403 | 404
  private readonly flowQuota: TriggerQuota | undefined
  private readonly planQuota: TriggerQuota | undefined

  constructor(options: FlowPlanOptions & { legacy?: boolean }, store: JobStore, scenarioFor: ScenarioFor) {
    this.flows = new FlowRuns(options.flows ?? {}, store, scenarioFor)
    this.plans = new PlanRuns(options.plans ?? {}, options.flows ?? {}, store, scenarioFor)
    // Legacy Dataprep Standard is a Standard edition: no flow or plan runs there either.
    this.edition = options.edition ?? (options.legacy ? 'standard' : 'enterprise')
    this.refusal = options.standardRefusal ?? 403
    this.flowQuota = options.flowQuota && new TriggerQuota(options.flowQuota.limit, options.flowQuota.windowMs)
    this.planQuota = options.planQuota && new TriggerQuota(options.planQuota.limit, options.planQuota.windowMs)
  }

  /** The recipes of the configured flows and plan tasks: known recipes for POST /v4/jobGroups too. */
  static recipeIds(options: FlowPlanOptions): number[] {
    return [...flowRecipeIds(options.flows ?? {}), ...planRecipeIds(options.plans ?? {})]
  }

  /**
   * Answers a flow or plan call; undefined for any other path (or an unknown sub-resource). `replica`: a lagging
   * read replica answers the GET calls ('stale' and 'not-found-while-new' faults).
   */
  route(req: RunRequest, now: number, replica?: Replica): Reply | undefined {
    const match = RUN_PATH.exec(req.path)
    if (match === null) return undefined
    const [, collection = '', rawId = '', sub = ''] = match
    const key = `${req.method} ${collection} ${sub}`
    if (!ROUTES.has(key)) return undefined
    if (this.edition === 'standard') return this.refuse(req)
    const id = positiveInteger(rawId)
    if (id === undefined) return validationFailed(`Invalid ${SINGULAR[collection]} id: ${rawId}`)
    switch (key) {
      case 'GET flows ':
        return this.flows.describe(id)
      case 'GET plans ':
        return this.plans.describe(id)
      case 'POST flows run':
        return underQuota(this.flowQuota, 'runFlow', now, () => this.flows.run(req, id, now))
      case 'GET flowRuns ':
        return this.flows.get(id, now, replica)
      case 'GET flowRuns status':
        return this.flows.status(id, now, replica)
      case 'GET flowRuns jobGroups':
        return this.flows.jobGroups(id, now, replica, req.query.embed)
      case 'POST plans run':
        return underQuota(this.planQuota, 'runPlan', now, () => this.plans.run(req, id, now))
      case 'GET plans full':
        return this.plans.full(id, now, replica, req.query.ensureOriginal)
      case 'GET planSnapshotRuns ':
        return this.plans.get(id, now, replica)
      default:
        return this.plans.cancel(id, now)
    }
  }

  /**
   * Another client's run, created at `at`, of the flow or plan that `req` runs (POST /v4/flows/{id}/run or
   * /v4/plans/{id}/run; a 'foreign-job-group' fault): its job groups have origin 'foreign', it spends no quota,
   * and it dedupes by `executionId` like the client's own. Nothing is created for an unknown flow or plan, an
   * invalid body, or in the Standard edition. Returns false when `req` runs no flow or plan.
   */
  startForeign(req: RunRequest, at: number, by: { executionId?: string; scenario?: JobScenario }): boolean {
    const match = RUN_PATH.exec(req.path)
    const id = positiveInteger(match?.[2])
    const collection = match?.[1]
    if (req.method !== 'POST' || match?.[3] !== 'run' || id === undefined) return false
    if (collection !== 'flows' && collection !== 'plans') return false
    if (this.edition === 'standard') return true
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name !== 'x-execution-id'))
    if (by.executionId !== undefined) headers['x-execution-id'] = by.executionId
    const foreign = { ...req, headers }
    const runBy = { origin: 'foreign' as const, scenario: by.scenario }
    if (collection === 'flows') this.flows.run(foreign, id, at, runBy)
    else this.plans.run(foreign, id, at, runBy)
    return true
  }

  /** Brings plan runs up to `now` (starts the tasks due); call before answering anything. */
  advance(now: number): void {
    this.plans.advance(now)
  }

  flowRunViews(now: number): FlowRunView[] {
    return this.flows.views(now)
  }

  planRunViews(now: number): PlanRunView[] {
    return this.plans.views(now)
  }

  /** The quota a 'rate-limit' fault on this request reports: runFlow, runPlan, or undefined for others. */
  rateLimitFor(method: string, path: string): { operation: string; limit: number } | undefined {
    const match = RUN_PATH.exec(path)
    if (method !== 'POST' || match?.[3] !== 'run') return undefined
    if (match[1] === 'flows') return { operation: 'runFlow', limit: this.flowQuota?.limit ?? DOCUMENTED_RUN_FLOW_LIMIT }
    if (match[1] === 'plans') return { operation: 'runPlan', limit: this.planQuota?.limit ?? DOCUMENTED_RUN_PLAN_LIMIT }
    return undefined
  }

  private refuse(req: RunRequest): Reply {
    // The Standard edition's flow and plan calls answer 403 or 404 (AAC-AUTH-FLOWS-PLANS.md "Editions").
    // inferred: the body; the 404 one is the same as for any path the emulator does not serve.
    if (this.refusal === 404) return notFound(`No route for ${req.method} ${req.path}`)
    return exception(403, 'Forbidden', 'Forbidden', `${req.method} ${req.path} is not available in this edition`)
  }
}
