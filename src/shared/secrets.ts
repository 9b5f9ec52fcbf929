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
  if (!BREAK.test(out)) return out
  // A secret cut by a line break (also an escaped one of a JSON text) loses both pieces.
  const parts = out.split(BREAKS)
  return parts.map((p, i) => (i % 2 === 1 ? p : withoutCutEnds(p, i > 0, i < parts.length - 1))).join('')
}

/** A line break, or one escaped inside a JSON string. */
const BREAK = /\r|\n|\\[rn]/
const BREAKS = /(\r\n|\r|\n|\\r\\n|\\r|\\n)/

/** Shortest piece of a secret taken for one cut by a line break. */
const MIN_CUT = 4

/**
 * A log line redacted, and also without a piece of a secret that a line break cut: a line ending with the start
 * of a secret, or starting with its end, loses that piece (the other half is on the next or previous line).
 */
export function redactLine(line: string): string {
  return withoutCutEnds(redact(line), true, true)
}

/** `line` without a piece (of `MIN_CUT` characters or more) of a secret at its start or end, where asked. */
function withoutCutEnds(line: string, atStart: boolean, atEnd: boolean): string {
  let out = line
  for (const secret of secrets) {
    for (let n = secret.length - 1; n >= MIN_CUT; n--) {
      if (atEnd && out.endsWith(secret.slice(0, n))) out = `${out.slice(0, -n)}***`
      if (atStart && out.startsWith(secret.slice(-n))) out = `***${out.slice(n)}`
    }
  }
  return out
}
