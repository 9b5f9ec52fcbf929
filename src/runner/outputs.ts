/** Outputs: each written once, redacted before it is first written (a later different value is written again). */
import * as core from '@actions/core'
import type { OutputName } from '../inputs/action-spec.ts'
import { redact } from '../shared/secrets.ts'

const written = new Map<string, string>()

export function setOutput(name: OutputName, value: string): void {
  const safe = redact(value)
  if (written.get(name) === safe) return
  written.set(name, safe)
  core.setOutput(name, safe)
}
