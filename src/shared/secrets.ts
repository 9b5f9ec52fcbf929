/**
 * Secrets: the tokens are masked in the runner log at once, and removed from every text the action prints or
 * writes (log lines, annotations, outputs, summary, PR comment), since servers sometimes echo what they received.
 */
import * as core from '@actions/core'
import { withoutCredentials } from './credentials.ts'

const secrets = new Set<string>()

/** Register a secret: `::add-mask::` for the runner, and redaction for everything written by the action. */
export function registerSecret(value: string): void {
  const pasted = value.trim()
  // Pasted as `Bearer <token>`: the bare token is what gets sent, and what a server may echo.
  for (const secret of new Set([pasted, pasted.replace(/^bearer\s+/i, '')])) {
    if (secret.length < 4 || secrets.has(secret)) continue
    core.setSecret(secret)
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) secrets.add(form)
  }
}

/**
 * `text` with every registered secret replaced by `***`, and the credentials it names (a URL's `user:password@`,
 * `password=…` pairs of connection strings) removed: server text can carry a database's.
 */
export function redact(text: string): string {
  let out = withoutCredentials(text)
  for (const secret of secrets) out = out.split(secret).join('***')
  return out
}
