/**
 * A log's text, line by line, as it is unpacked: bytes decoded as UTF-8 across chunk ends, every line cleaned
 * (secrets removed) before anything keeps it, a line longer than `MAX_LINE_CHARS` cut, and the last lines and the
 * most telling ones kept for the report. Pure: the cleaning function is given.
 */

/** Longest line kept; longer ones are cut with a note. */
export const MAX_LINE_CHARS = 4000
/**
 * A long line is cleaned with this much of what follows its cut, so that a secret across the cut is removed
 * whole, not left half (no token is this long).
 */
const CLEAN_MARGIN = 16_384
/** Telling lines kept per log (the last ones: the end of a stack trace says most). */
export const MAX_TELLING = 8
/** Lines that say why a job failed. */
const TELLING = /\b(ERROR|FATAL|SEVERE)\b|(Exception|Error)\b|^\s*Caused by\b|Traceback/

/** Cuts the text of a log into clean lines and hands each on. */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8')
  private readonly clean: (line: string) => string
  private readonly onLine: (line: string) => void
  private pending = ''
  /** The current line was cut: the rest of it, up to its end, is dropped. */
  private dropping = false

  constructor(clean: (line: string) => string, onLine: (line: string) => void) {
    this.clean = clean
    this.onLine = onLine
  }

  write(chunk: Uint8Array): void {
    this.take(this.decoder.decode(chunk, { stream: true }))
  }

  /** The last line, if the text did not end with a line break. */
  end(): void {
    this.take(this.decoder.decode())
    if (this.pending !== '' && !this.dropping) this.emit(this.pending)
    this.pending = ''
  }

  private take(text: string): void {
    let start = 0
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      if (!this.dropping) this.emit(this.pending + text.slice(start, end))
      this.pending = ''
      this.dropping = false
      start = end + 1
    }
    if (this.dropping) return
    this.pending += text.slice(start)
    if (this.pending.length > MAX_LINE_CHARS + CLEAN_MARGIN) {
      this.emit(this.pending)
      this.pending = ''
      this.dropping = true
    }
  }

  private emit(raw: string): void {
    const line = this.clean(raw.replace(/\r$/, ''))
    this.onLine(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)} … (line cut)` : line)
  }
}

/** The last `max` lines of a log and its last telling lines, with the number of lines seen. */
export class LogTail {
  private readonly max: number
  private readonly last: string[] = []
  private readonly tellingLines: string[] = []
  count = 0

  constructor(max: number) {
    this.max = max
  }

  add(line: string): void {
    this.count += 1
    this.last.push(line)
    if (this.last.length > this.max) this.last.shift()
    if (!TELLING.test(line)) return
    this.tellingLines.push(line)
    if (this.tellingLines.length > MAX_TELLING) this.tellingLines.shift()
  }

  get lines(): string[] {
    return [...this.last]
  }

  /** The telling lines, or the last few when none is. */
  get telling(): string[] {
    return this.tellingLines.length > 0 ? [...this.tellingLines] : this.last.slice(-5)
  }
}
