/**
 * The check for each kind of run (`check-kind.ts`): a recipe is sent in test mode (`recipe-check.ts`); a flow, a
 * plan and a job group are only read.
 */
import type { ApiClient } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'
import type { JobGroupsApi } from '../api/job-groups.ts'
import { targetLabel, type Config } from '../inputs/inputs.ts'
import { budgetOf, withoutHint, type CheckContext, type CheckResult, type TargetCheck } from './check-kind.ts'
import type { Check } from './dry-run-report.ts'
import { RecipeCheck } from './recipe-check.ts'
import { describeWrites } from './test-mode.ts'

/** Each recipe of flow-recipes is read once; beyond this many, the rest are not checked (and the report says so). */
const MAX_FLOW_RECIPES = 50

/** The check for the configured target; undefined for none (a dry run that only signs in). */
export function checkFor(config: Config, api: JobGroupsApi): TargetCheck | undefined {
  const { target } = config
  const subject = targetLabel(target)
  switch (target.kind) {
    case 'recipe':
      return new RecipeCheck(api, target.recipeId, config.overrides, config.runParameters)
    case 'flow':
      return { subject, check: (ctx) => checkFlow(api.client, target.flowId, target.recipeIds, config.overrides, ctx) }
    case 'plan':
      return { subject, check: (ctx) => checkPlan(api.client, target.planId, ctx) }
    case 'job':
      return { subject, check: (ctx) => checkJob(api, target.jobId, ctx) }
    case 'none':
      return undefined
  }
}

interface Named {
  id?: unknown
  name?: unknown
  flow?: { id?: unknown }
}

const nameOf = (item: Named | undefined): string | undefined =>
  typeof item?.name === 'string' && item.name.trim() ? item.name : undefined

async function checkFlow(
  client: ApiClient,
  flowId: number,
  recipeIds: number[],
  overrides: Record<string, unknown> | undefined,
  ctx: CheckContext
): Promise<CheckResult> {
  const flow = await readOrExplain<Named>(client, `/v4/flows/${flowId}`, ctx, flowOrPlanFix('flow', flowId))
  const name = nameOf(flow)
  const checks: Check[] = [{ what: `Flow ${flowId}`, outcome: 'passed', detail: `exists (GET /v4/flows/${flowId})` }]
  if (recipeIds.length === 0) {
    checks.push({ what: 'Outputs', outcome: 'passed', detail: 'every output of the flow (flow-recipes is empty)' })
  }
  for (const recipeId of recipeIds.slice(0, MAX_FLOW_RECIPES))
    checks.push(await flowRecipe(client, flowId, recipeId, ctx))
  const notes =
    recipeIds.length > MAX_FLOW_RECIPES
      ? [`Only the first ${MAX_FLOW_RECIPES} of the ${recipeIds.length} recipes of flow-recipes were checked.`]
      : []
  const failed = checks.some((c) => c.outcome === 'failed')
  return { verdict: failed ? 'failed' : 'would-run', name, checks, notes, writes: describeWrites(overrides, true) }
}

/** One recipe of flow-recipes: it must be an output of this flow. */
async function flowRecipe(client: ApiClient, flowId: number, recipeId: number, ctx: CheckContext): Promise<Check> {
  const what = `flow-recipes: ${recipeId}`
  let recipe: Named
  try {
    recipe = await client.read<Named>(`/v4/wrangledDatasets/${recipeId}`, budgetOf(ctx))
  } catch (error) {
    if (!(error instanceof ApiError) || ![400, 403, 404].includes(error.status)) throw error
    const answered = `GET /v4/wrangledDatasets/${recipeId} answered ${error.status}`
    const detail =
      error.status === 403
        ? `the token's user may not read recipe ${recipeId} (${answered}): share the flow with that user`
        : `recipe ${recipeId} was not found (${answered}): remove it from flow-recipes, or fix the id`
    return { what, outcome: 'failed', detail: `${detail}.` }
  }
  const name = nameOf(recipe)
  const called = name ? `'${name}'` : `recipe ${recipeId}`
  const inFlow = recipe?.flow?.id
  if (inFlow === flowId) return { what, outcome: 'passed', detail: `${called}, an output of this flow, would run` }
  if (inFlow === undefined) {
    return { what, outcome: 'limited', detail: `${called} exists; the server did not say which flow it belongs to` }
  }
  const elsewhere = `${called} is not in flow ${flowId} (the server puts it in flow ${String(inFlow).slice(0, 20)})`
  return { what, outcome: 'failed', detail: `${elsewhere}: remove it from flow-recipes.` }
}

async function checkPlan(client: ApiClient, planId: number, ctx: CheckContext): Promise<CheckResult> {
  const plan = await readOrExplain<Named>(client, `/v4/plans/${planId}`, ctx, flowOrPlanFix('plan', planId))
  const detail =
    `exists (GET /v4/plans/${planId}); whether the flows of its tasks resolve shows only when it runs ` +
    '(MissingFlowReferences)'
  return { verdict: 'would-run', name: nameOf(plan), checks: [{ what: `Plan ${planId}`, outcome: 'passed', detail }] }
}

async function checkJob(api: JobGroupsApi, jobId: number, ctx: CheckContext): Promise<CheckResult> {
  const group = await api.get(jobId, budgetOf(ctx))
  const status = typeof group?.status === 'string' ? group.status : await api.status(jobId, budgetOf(ctx))
  const recipe = group?.wrangledDataset?.id
  const of = typeof recipe === 'number' ? ` of recipe ${recipe}` : ''
  const detail = `status ${status}${of} (GET /v4/jobGroups/${jobId}); not waited for`
  return { verdict: 'status', status, checks: [{ what: `Job ${jobId}`, outcome: 'passed', detail }] }
}

function flowOrPlanFix(what: 'flow' | 'plan', id: number): string {
  return (
    `Check ${what}-id${what === 'flow' ? ' (in the app, /flows/10 means flow-id 10)' : ''}, that the ${what} is ` +
    `shared with the token's user, and that this edition runs ${what}s through the API (Enterprise/Premium do; ` +
    `Standard editions run only recipes). ${what === 'flow' ? 'Flow' : 'Plan'} ${id} was not read.`
  )
}

/** A read; a 403 or 404 is explained with `fix` instead of the generic hint. */
async function readOrExplain<T>(client: ApiClient, path: string, ctx: CheckContext, fix: string): Promise<T> {
  try {
    return await client.read<T>(path, budgetOf(ctx))
  } catch (error) {
    if (!(error instanceof ApiError) || (error.status !== 403 && error.status !== 404)) throw error
    throw new Error(`${withoutHint(error)} ${fix}`)
  }
}
