/**
 * Post step, the backstop: when the main step was killed while waiting for a job group it started (so it could
 * not cancel it itself), cancel that job group. In every other case do nothing and say nothing alarming.
 */
import * as core from '@actions/core'
import { cancelJobGroup, postStepShouldCancel, readRunState } from './cancellation.ts'
import { realClock, type Clock } from './clock.ts'
import { InputErrors, parseInputs } from './inputs.ts'
import { log } from './log.ts'
import { writeSummary } from './report.ts'
import { registerSecret } from './secrets.ts'
import { createHttpTransport, type Transport } from './transport.ts'
import { TrifactaClient } from './trifacta-client.ts'
import { USER_AGENT } from './version.ts'

const POST_BUDGET_MS = 20_000

export async function post(transport: Transport = createHttpTransport(USER_AGENT), clock: Clock = realClock): Promise<void> {
  const state = readRunState((key) => core.getState(key))
  registerSecret(core.getInput('api-token'))
  registerSecret(core.getInput('github-token'))
  let config
  try {
    config = parseInputs((name) => core.getInput(name))
  } catch (error) {
    if (error instanceof InputErrors) return core.debug('Post step: the inputs are invalid; nothing to clean up.')
    throw error
  }
  if (!postStepShouldCancel(state, config.cancelOnWorkflowCancel)) {
    core.debug(`Post step: nothing to clean up${state.jobId ? ` for job ${state.jobId}` : ''}.`)
    return
  }
  const { jobId } = state
  log.warning(`The main step stopped before job ${jobId} finished (the workflow was probably cancelled); cancelling the job.`, { title: 'Cancelling job' })
  const client = TrifactaClient.forConfig(config, transport, clock)
  const budget = { deadline: clock.now() + POST_BUDGET_MS, persistMs: POST_BUDGET_MS }
  const outcome = await cancelJobGroup(client, jobId, budget)
  let status: string | undefined
  try {
    status = await client.getStatus(jobId, budget)
  } catch (error) {
    log.debug(`Post step: reading the status of job ${jobId} failed: ${(error as Error).message}`)
  }
  const notes = {
    cancelled: `Job ${jobId} was cancelled by the post step: the main step was stopped before it could cancel it.`,
    unsupported: `This edition cannot cancel jobs through the API: job ${jobId} keeps running. Cancel it in the app if needed.`,
    failed: `Cancelling job ${jobId} failed${outcome.kind === 'failed' ? `: ${outcome.error.message}` : ''}. It may keep running; cancel it in the app if needed.`
  }
  const note = notes[outcome.kind]
  if (outcome.kind === 'cancelled') log.info(`${note}${status ? ` Status now: ${status}.` : ''}`)
  else log.warning(note, { title: 'Job not cancelled' })
  await writeSummary({
    ending: 'workflow-cancelled',
    jobId,
    attached: false,
    adopted: false,
    status,
    requestId: outcome.kind === 'failed' ? '' : outcome.requestId,
    jobUrl: `${config.appUrl}/jobs/${jobId}`,
    runParameters: [],
    stages: [],
    notes: [note]
  })
}
