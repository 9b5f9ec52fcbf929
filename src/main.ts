/**
 * The main step: read the inputs, start the run (or attach to one), wait for it with backoff, cancel it if the
 * workflow is cancelled or the wait times out, read what its job groups logged and published, and publish the
 * outcome as outputs (one of them the whole result as JSON), a report folder, a step summary and, when asked, a
 * pull request comment. A dry run checks the run instead of starting it.
 */
import { randomUUID } from 'node:crypto'
import { signIn } from './auth/sign-in.ts'
import { checkWithoutRunning } from './dry-run/dry-run.ts'
import { onWorkflowCancel } from './run/cancellation.ts'
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
  const config = await readConfig()
  if (!config) return
  const tokens = signIn(config, transport, clock)
  const api = connect(config, transport, clock, tokens)
  if (config.dryRun) return checkWithoutRunning({ config, api, tokens, clock, executionId: executionId() })
  const dir = openReportDir()
  const results = resultsFor(config, api.client, dir)
  const step = new Run(runKindFor(config, api), config, clock, executionId(), results, api)
  const removeHandlers = onWorkflowCancel((signal) => step.stop(signal))
  try {
    await publish(config, await step.execute(), dir)
  } finally {
    removeHandlers()
  }
}

/** Unique to this step execution, the same on every re-send of its start. */
function executionId(): string {
  const run = [process.env.GITHUB_RUN_ID, process.env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-')
  return `gha-${run ? `${run}-` : ''}${randomUUID()}`
}
