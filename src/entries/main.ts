/** Entry point of the main step (runs.main). The signal handlers come first, before anything else loads. */
import './catch-signals.ts'
import * as core from '@actions/core'
import { run } from '../main.ts'
import { neutralise } from '../shared/log.ts'
import { redact } from '../shared/secrets.ts'

try {
  await run()
} catch (error) {
  core.setFailed(neutralise(redact(error instanceof Error ? error.message : String(error))))
}
