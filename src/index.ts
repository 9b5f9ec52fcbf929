/** Entry point of both the main and the post step (the post step finds the state the main step saved). */
import * as core from '@actions/core'
import { STATE_KEYS } from './cancellation.ts'
import { run } from './main.ts'
import { post } from './post.ts'
import { redact } from './secrets.ts'

try {
  if (core.getState(STATE_KEYS.isPost) === 'true') await post()
  else await run()
} catch (error) {
  core.setFailed(redact(error instanceof Error ? error.message : String(error)))
}
