/** Entry point of the main step (runs.main). */
import * as core from '@actions/core'
import { run } from '../main.ts'
import { redact } from '../secrets.ts'

try {
  await run()
} catch (error) {
  core.setFailed(redact(error instanceof Error ? error.message : String(error)))
}
