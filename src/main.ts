/**
 * The main step: read the inputs, start the run (or attach to one), wait for it with backoff, cancel it if the
 * workflow is cancelled or the wait times out, read what its job groups logged and published, and publish the
 * outcome as outputs (one of them the whole result as JSON), a report folder, a step summary and, when asked, a
 * pull request comment. A dry run checks the run instead of starting it.
 */
import { randomUUID } from 'node:crypto'
import { finishSignIn, signIn } from './auth/sign-in.ts'
import { checkWithoutRunning } from './dry-run/dry-run.ts'
import { onWorkflowCancel, SIGTERM_CLEANUP_MS, type StopSignal } from './run/cancellation.ts'
import { realClock, type Clock } from './shared/clock.ts'
import { readConfig } from './run/config.ts'
import { connect } from './run/connection.ts'
import { publish } from './run/publish.ts'
import { openReportDir } from './run/result-output.ts'
import { Run } from './run/run.ts'
import { resultsFor } from './results/job-results.ts'
import { runKindFor } from './targets/index.ts'
import { createHttpTransport, type Transport } from './http/transport.ts'
import { USER_AGENT } from './shared/version.ts'

export async function run(
  transport: Transport = createHttpTransport(USER_AGENT),
  clock: Clock = realClock
): Promise<void> {
  // Installed before the inputs are read: a cancel that comes before the run exists stops it before anything is sent.
  let step: Run | undefined
  let early: StopSignal | undefined
  const removeHandlers = onWorkflowCancel((signal) => (step ? step.stop(signal) : (early = signal)))
  try {
    const config = await readConfig()
    if (!config) return
    // Once through the event loop before any request: a signal that came while the action loaded is heard now.
    await new Promise((resolve) => setImmediate(resolve))
    const tokens = signIn(config, transport, clock)
    const api = connect(config, transport, clock, tokens)
    if (config.dryRun)
      return await checkWithoutRunning({ config, api, tokens, clock, executionId: executionId() }, early)
    const dir = openReportDir()
    const results = resultsFor(config, api.client, dir)
    step = new Run(runKindFor(config, api), config, clock, executionId(), results, api)
    if (early) step.stop(early)
    const report = await step.execute()
    // A refresh still under way gets its time, so that its rotated refresh token reaches the secret.
    const unsettled = await finishSignIn(tokens, step.stopping ? SETTLE_AFTER_CANCEL_MS : config.requestTimeoutMs)
    if (unsettled) report.notes.push(unsettled)
    await publish(config, report, dir)
  } finally {
    removeHandlers()
  }
}

/** After a workflow cancel, a refresh under way is waited for this long at most (the runner kills the step soon). */
const SETTLE_AFTER_CANCEL_MS = SIGTERM_CLEANUP_MS

/** Unique to this step execution, the same on every re-send of its start. */
function executionId(): string {
  const run = [process.env.GITHUB_RUN_ID, process.env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-')
  return `gha-${run ? `${run}-` : ''}${randomUUID()}`
}
