/** Small text helpers shared by the log, the errors and the report. */
import { redact } from './secrets.ts'

/** `1h02m03s`-style rendering used in messages and logs. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`
  let s = Math.round(ms / 1000)
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`
  return `${s}s`
}

/**
 * White space folded to single spaces, cut to `max` characters with an ellipsis. Secrets are redacted first: the
 * redaction matches whole secrets only, so one the cut split in two would leave its first part.
 */
export function oneLine(text: string, max: number): string {
  const folded = redact(text).replace(/\s+/g, ' ').trim()
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded
}
