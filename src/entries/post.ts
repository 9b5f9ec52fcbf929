/** Entry point of the post step (runs.post): it can only cancel what the main step saved, never start anything. */
import * as core from '@actions/core'
import { neutralise } from '../shared/log.ts'
import { run } from '../post.ts'
import { redact } from '../shared/secrets.ts'

try {
  await run()
} catch (error) {
  core.setFailed(neutralise(redact(error instanceof Error ? error.message : String(error))))
}
