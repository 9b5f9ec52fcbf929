/**
 * The report folder (the `report-dir` output): a new folder under RUNNER_TEMP holding result.json, the stages and
 * the logs, for actions/upload-artifact. Only checked relative paths are written, always as new files inside the
 * folder, and within a byte budget. Whole files are cleaned of secrets here; what is streamed into a file, by its
 * writer (line by line, as it is unpacked).
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, sep } from 'node:path'
import { redact } from '../shared/secrets.ts'

/** Everything the folder may hold together. */
export const MAX_REPORT_DIR_BYTES = 256 * 1024 * 1024

export interface FileWriter {
  write(data: string | Uint8Array): void
  close(): void
}

export class ReportDir {
  readonly path: string
  private written = 0
  private readonly maxBytes: number
  /** Set once the budget is spent or a write failed: what could not be written, for one warning. */
  problem?: string

  private constructor(path: string, maxBytes: number) {
    this.path = path
    this.maxBytes = maxBytes
  }

  /** A new folder under RUNNER_TEMP (the system's temporary folder outside a runner); throws when it cannot be made. */
  static create(env: NodeJS.ProcessEnv = process.env, maxBytes = MAX_REPORT_DIR_BYTES): ReportDir {
    const base = env.RUNNER_TEMP || tmpdir()
    mkdirSync(base, { recursive: true })
    return new ReportDir(resolve(mkdtempSync(join(base, 'trifacta-run-job-'))), maxBytes)
  }

  /** A new file at `segments` (checked names, e.g. from `entryPath`); never one outside the folder or existing. */
  open(segments: string[], budgeted = true): FileWriter {
    const file = resolve(this.path, ...segments)
    if (!file.startsWith(this.path + sep)) throw new Error(`${segments.join('/')} is not inside the report folder`)
    mkdirSync(resolve(file, '..'), { recursive: true })
    const fd = openSync(file, 'wx')
    let open = true
    let closed = false
    return {
      write: (data) => {
        if (!open) return
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data
        if (budgeted && this.written + bytes.length > this.maxBytes) {
          // Full: nothing more goes in (no file gets a gap), and the folder says so once.
          this.written = this.maxBytes
          this.problem ??= `the report folder reached its bound of ${this.maxBytes} bytes`
          return
        }
        this.written += bytes.length
        try {
          writeSync(fd, bytes)
        } catch (error) {
          // A full disk, say: the file stays as far as it got, and the reading goes on.
          this.problem ??= `a write failed (${(error as Error).message})`
          open = false
        }
      },
      close: () => {
        if (!closed) closeSync(fd)
        open = false
        closed = true
      }
    }
  }

  /** Writes a whole file at once, secrets removed; outside the byte bound (result.json is bounded itself). */
  writeFile(segments: string[], text: string): void {
    const writer = this.open(segments, false)
    try {
      writer.write(redact(text))
    } finally {
      writer.close()
    }
  }
}
