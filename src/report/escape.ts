/** Server text made safe for the summary's and the comment's Markdown and HTML. Pure. */
import { oneLine } from '../shared/format.ts'
import { redact } from '../shared/secrets.ts'

const MAX_CELL = 300

/** Server text made safe for the summary's Markdown and HTML: escaped, on one line, cut to `max` characters. */
export function escapeText(text: string, max = MAX_CELL): string {
  return oneLine(redact(text), max).replace(/[&<>"'`|*_[\]\\#~!()$]/g, (c) => `&#${c.charCodeAt(0)};`)
}

export function escapeAttr(url: string): string {
  return redact(url).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
