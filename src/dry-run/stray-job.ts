/**
 * A job group that a server started although the request asked for test mode. It is this step's own (the answer
 * named it, or the job history found exactly one since the send), so it is dealt with as a run of this step would
 * be: saved for the post step first, then cancelled at once, and reported with its link. One of another recipe
 * is not this step's: it is reported and left alone.
 */
import { ApiError } from '../api/api-error.ts'
import type { JobGroup, JobGroupsApi } from '../api/job-groups.ts'
import { log, quietly } from '../shared/log.ts'
import { saveSettled, saveStarted } from '../runner/state.ts'
import type { StrayJob } from './dry-run-report.ts'
import type { CheckContext } from './check-kind.ts'

/** Reading, cancelling and re-reading the job get this long, whatever is left of the dry run's own time. */
const CLEANUP_MS = 30_000

export async function handleStrayJob(
  api: JobGroupsApi,
  id: number,
  recipeId: number,
  ctx: CheckContext
): Promise<StrayJob> {
  const url = `${ctx.appUrl}/jobs/${id}`
  // Not aborted by a workflow cancel: a job started by mistake is cancelled whatever happens around it.
  const budget = { deadline: ctx.clock.now() + CLEANUP_MS, persistMs: CLEANUP_MS }
  const started =
    `The server started job ${id} for recipe ${recipeId} although the request asked for test mode ` +
    '(testMode: true).'
  let group: JobGroup | undefined
  try {
    group = await api.get(id, budget)
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      const text =
        `The server's answer to the test-mode request named job group ${id}, which does not exist (GET ` +
        `/v4/jobGroups/${id} answered 404): nothing was cancelled. Check the job history: ${ctx.appUrl}/jobs.`
      return { id, url, text }
    }
    log.debug(`Reading job group ${id} failed: ${(error as Error).message}`)
  }
  const of = group?.wrangledDataset?.id
  if (typeof of === 'number' && of !== recipeId) {
    const text =
      `The server's answer to the test-mode request named job group ${id}, of recipe ${of}, not of recipe ` +
      `${recipeId}: it is not this step's, so it was left alone. ${url}`
    return { id, url, status: group?.status, text }
  }
  saveStarted({ kind: 'recipe', id, jobGroupIds: [id] }, { triggered: true, waiting: true, requestId: '' })
  log.warning(`${started} Cancelling it: ${url}`, { title: 'Job started by a dry run' })
  const outcome = await api.cancel(id, budget)
  if (outcome.kind === 'failed') {
    const text =
      `${started} Cancelling it failed (${outcome.error.message}); the post step tries again. Cancel it in ` +
      `the app if it still runs: ${url}`
    return { id, url, status: group?.status, text }
  }
  saveSettled()
  const status = (await quietly(`Reading the status of job ${id}`, () => api.status(id, budget))) ?? group?.status
  const fate =
    outcome.kind === 'cancelled'
      ? `This step cancelled it${status ? ` (status ${status})` : ''}; check what it may have written: ${url}`
      : `This edition cannot cancel jobs through the API, so it keeps running: cancel it in the app: ${url}`
  return { id, url, status, text: `${started} ${fate}` }
}
