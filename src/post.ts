/**
 * The post step, the backstop: when the main step was killed while waiting for a run it started (so it could
 * not cancel it itself), cancel that run. It only reads saved state and may cancel; it never starts anything.
 * With missing, malformed or unexpected state it does nothing and writes one debug line.
 */
import * as core from '@actions/core'
import { postStepToken } from './auth/saved-token.ts'
import { endRun, STATUS_AFTER_CANCEL_MS } from './run/cancellation.ts'
import { realClock, type Clock } from './shared/clock.ts'
import { readConfig } from './run/config.ts'
import { connect } from './run/connection.ts'
import { log, quietly } from './shared/log.ts'
import { compositeOf } from './report/report.ts'
import { postStepShouldCancel, readSavedRun } from './runner/state.ts'
import { writeSummary } from './report/summary.ts'
import { savedRun } from './targets/index.ts'
import { createHttpTransport, type Transport } from './http/transport.ts'
import { USER_AGENT } from './shared/version.ts'
import { appLink } from './inputs/results-inputs.ts'

const POST_BUDGET_MS = 20_000

export async function run(
  transport: Transport = createHttpTransport(USER_AGENT),
  clock: Clock = realClock
): Promise<void> {
  const { run: saved, why } = readSavedRun((key) => core.getState(key))
  if (!saved) return log.debug(`Post step: nothing to clean up (${why}).`)
  const config = await readConfig({ quiet: true })
  if (!config) return log.debug('Post step: the inputs are invalid; nothing to clean up.')
  const jobId = saved.ref.jobGroupIds[0] ?? (saved.ref.kind === 'plan' ? undefined : saved.ref.id)
  const composite = compositeOf(config)
  const subject = composite?.subject ?? `job ${jobId}`
  if (!postStepShouldCancel(saved, config.cancelOnWorkflowCancel))
    return log.debug(`Post step: nothing to clean up for ${subject}.`)
  log.warning(
    `The main step stopped before ${subject} finished (the workflow was probably cancelled); cancelling it.`,
    {
      title: 'Cancelling job'
    }
  )
  const tokens = postStepToken(config, (key) => core.getState(key))
  const run = savedRun(saved.ref, connect(config, transport, clock, tokens))
  const budget = { deadline: clock.now() + POST_BUDGET_MS, persistMs: POST_BUDGET_MS }
  const jobUrl = jobId === undefined ? undefined : appLink(config, `/jobs/${jobId}`)
  const fate = await endRun(run, saved.ref, {
    reason: 'post-step',
    attached: false,
    allowed: true,
    subject,
    url: composite?.url ?? jobUrl!,
    budget
  })
  const after = { deadline: Math.min(budget.deadline, clock.now() + STATUS_AFTER_CANCEL_MS), persistMs: POST_BUDGET_MS }
  const status = await quietly(`Post step: reading the status of ${subject}`, () => run.status(saved.ref, after))
  if (!fate.cancelled) log.warning(fate.text, { title: 'Job not cancelled' })
  else if (status) log.info(`Status now: ${status}.`)
  await writeSummary({
    ending: 'workflow-cancelled',
    jobId,
    attached: false,
    adopted: false,
    status,
    requestId: saved.requestId,
    jobUrl,
    runParameters: [],
    stages: [],
    notes: [fate.text],
    jobGroupIds: saved.ref.jobGroupIds,
    composite
  })
}
