/** Entry point of the post step (runs.post): it can only cancel what the main step saved, never start anything. */
import * as core from '@actions/core'
import { post } from '../post.ts'
import { neutralise } from '../log.ts'
import { redact } from '../secrets.ts'

try {
  await post()
} catch (error) {
  core.setFailed(neutralise(redact(error instanceof Error ? error.message : String(error))))
}
