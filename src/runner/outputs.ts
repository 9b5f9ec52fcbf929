/**
 * Outputs: each written once, redacted before it is first written (a later different value is written again). A
 * GITHUB_OUTPUT that cannot be written is kept as a failure of the step (file-commands.ts), never thrown.
 */
import * as core from '@actions/core'
import type { OutputName } from '../inputs/action-spec.ts'
import { redact } from '../shared/secrets.ts'
import { write } from './file-commands.ts'

const written = new Map<string, string>()

export function setOutput(name: OutputName, value: string): void {
  const safe = redact(value)
  if (written.get(name) === safe) return
  written.set(name, safe)
  write('GITHUB_OUTPUT', `the output ${name}`, () => core.setOutput(name, safe))
}
