/**
 * A job group's logs: `GET /v4/jobGroups/{id}/logs`, a ZIP with one folder per stage id holding its `job.log`
 * (self-managed Trifacta; other editions answer 404 or 403). The archive is read within bounds; the chosen stages'
 * last lines and telling lines are kept for the report, and, when there is a report folder, every entry is
 * unpacked there and packed again into a new archive, all of it cleaned of secrets (the server's archive itself
 * is not kept: it may hold them).
 */
import { Zip, ZipDeflate } from 'fflate'
import type { ApiClient, Budget } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'
import { LineSplitter, LogTail } from './log-lines.ts'
import type { FileWriter, ReportDir } from './report-dir.ts'
import { readZip, type EntrySink, type ZipReading } from './zip-reader.ts'

/** The logs call may answer this much (the other calls: 8 MiB); a larger archive is read up to here. */
export const MAX_LOG_ARCHIVE_BYTES = 16 * 1024 * 1024
export const MAX_LOG_ENTRIES = 500
export const MAX_LOG_UNPACKED_BYTES = 64 * 1024 * 1024
/** Entries unpacked as text: logs by their names (`job.log`, `stderr`, `driver.out`); others are only counted. */
const LOG_NAME = /\.(log|txt|out|err)$|^[^.]+$/i

export interface StageLog {
  stageId: number
  /** Lines the job.log had (up to where reading stopped). */
  lineCount: number
  /** Its last lines, cleaned. */
  tail: string[]
  /** Its most telling lines (errors, exceptions), else its last few. */
  telling: string[]
  /** Where it was unpacked, relative to the report folder. */
  file?: string
}

export interface JobGroupLogs {
  /** `not-available`: the edition gives no logs (404 or 403); `failed`: they could not be read. */
  state: 'read' | 'not-available' | 'failed'
  /** For `not-available` and `failed`: what the server answered or what went wrong. */
  detail?: string
  stages: StageLog[]
  /** Bounds reached and entries refused, in words. */
  notes: string[]
  archiveBytes?: number
  /** The archive packed again from the cleaned entries, relative to the report folder. */
  archive?: string
}

export interface LogsRequest {
  jobGroupId: number
  /** The stages whose job.log is tailed for the report. */
  stageIds: number[]
  tailLines: number
  budget: Budget
  /** Removes secrets from a line. */
  clean: (line: string) => string
  dir?: ReportDir
}

/** Downloads and reads one job group's logs; never throws. */
export async function readJobGroupLogs(client: ApiClient, request: LogsRequest): Promise<JobGroupLogs> {
  const { jobGroupId } = request
  let download: { bytes: Uint8Array; truncated: boolean }
  try {
    download = await client.download(`/v4/jobGroups/${jobGroupId}/logs`, request.budget, {
      maxBytes: MAX_LOG_ARCHIVE_BYTES,
      subject: { jobId: jobGroupId }
    })
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) {
      return { state: 'not-available', detail: `HTTP ${error.status}`, stages: [], notes: [] }
    }
    return { state: 'failed', detail: request.clean((error as Error).message), stages: [], notes: [] }
  }
  return unpack(download.bytes, download.truncated, request)
}

function unpack(bytes: Uint8Array, truncated: boolean, request: LogsRequest): JobGroupLogs {
  const logs: JobGroupLogs = { state: 'read', stages: [], notes: [], archiveBytes: bytes.length }
  const bound = `${MAX_LOG_ARCHIVE_BYTES / 1024 / 1024} MiB`
  if (truncated) logs.notes.push(`The logs archive is larger than ${bound}: only that much of it was read.`)
  const folder = `job-group-${request.jobGroupId}`
  const files = new Files(request.dir, logs.notes)
  const repacked = files.archive(['logs', `${folder}.zip`])
  const tails = new Map<string, LogTail>(request.stageIds.map((id) => [String(id), new LogTail(request.tailLines)]))
  const entries: (() => void)[] = []
  let notLogs = 0
  const open = (checked: string[]): EntrySink | undefined => {
    // The entry before is done: what it still holds goes into its files before the next entry starts.
    for (const finish of entries.splice(0)) finish()
    if (!LOG_NAME.test(checked.at(-1)!)) return void (notLogs += 1)
    const path = cleanPath(checked, request.clean)
    const stageId = path.length >= 2 && path.at(-1) === 'job.log' ? path.at(-2)! : undefined
    const tail = stageId === undefined ? undefined : tails.get(stageId)
    const name = path.join('/')
    const file = files.open(['logs', folder, ...path])
    const packed = repacked?.entry(name)
    const stage = { stageId: Number(stageId), lineCount: 0, tail: [], telling: [] }
    if (tail) logs.stages.push({ ...stage, file: file && `logs/${folder}/${name}` })
    const out = new Batched((text) => {
      file?.write(text)
      packed?.push(Buffer.from(text, 'utf8'))
    })
    const splitter = new LineSplitter(request.clean, (line) => {
      tail?.add(line)
      out.add(`${line}\n`)
    })
    // A last line without its end, in an entry where reading stopped, is kept too.
    entries.push(() => (splitter.end(), out.flush()))
    return { data: (chunk) => splitter.write(chunk), end: () => void (splitter.end(), out.flush()) }
  }
  const reading = readZip(bytes, { maxEntries: MAX_LOG_ENTRIES, maxUnpackedBytes: MAX_LOG_UNPACKED_BYTES }, open)
  for (const finish of entries) finish()
  repacked?.close()
  files.closeAll()
  for (const stage of logs.stages) Object.assign(stage, fromTail(tails.get(String(stage.stageId))!))
  logs.notes.push(...readingNotes(reading, truncated, request.clean))
  if (notLogs > 0) logs.notes.push(`${notLogs} entries that are no logs by their names were not unpacked.`)
  if (repacked?.written) logs.archive = `logs/${folder}.zip`
  return logs
}

/** Where reading stopped and which entries were refused, in words. Pure. */
function readingNotes(reading: ZipReading, truncated: boolean, clean: (text: string) => string): string[] {
  const notes: string[] = []
  // A cut archive ends in the middle of an entry: that was said already.
  if (reading.stopped && !(truncated && reading.cutShort)) notes.push(`Reading stopped: ${reading.stopped}.`)
  for (const skipped of reading.skipped.slice(0, 5)) {
    notes.push(`Entry ${JSON.stringify(clean(skipped.name))} was not unpacked: ${skipped.reason}.`)
  }
  if (reading.skipped.length > 5) notes.push(`${reading.skipped.length - 5} more entries were not unpacked.`)
  return notes
}

/** An entry's checked path with the secrets in its name removed (a `*` of `***` becomes `_`). Pure. */
function cleanPath(segments: string[], clean: (text: string) => string): string[] {
  return clean(segments.join('/'))
    .split('/')
    .map((segment) => segment.replace(/\*/g, '_'))
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
}

function fromTail(tail: LogTail): Pick<StageLog, 'lineCount' | 'tail' | 'telling'> {
  return { lineCount: tail.count, tail: tail.lines, telling: tail.telling }
}

/** Lines written in pieces of about 64 kB: a syscall and a deflate push per line would be slow. */
class Batched {
  private parts: string[] = []
  private size = 0
  private readonly write: (text: string) => void

  constructor(write: (text: string) => void) {
    this.write = write
  }

  add(text: string): void {
    this.parts.push(text)
    this.size += text.length
    if (this.size >= 65_536) this.flush()
  }

  flush(): void {
    if (this.size === 0) return
    const text = this.parts.join('')
    this.parts = []
    this.size = 0
    this.write(text)
  }
}

/** The report folder's files of one archive; a failure to write is noted once, and the reading goes on. */
class Files {
  private readonly dir?: ReportDir
  private readonly notes: string[]
  private readonly writers: FileWriter[] = []
  private failed = false

  constructor(dir: ReportDir | undefined, notes: string[]) {
    this.dir = dir
    this.notes = notes
  }

  /** A new file; one that cannot be made (e.g. a name that is a folder already) is left out, and said once. */
  open(segments: string[]): FileWriter | undefined {
    if (!this.dir) return undefined
    try {
      const writer = this.dir.open(segments)
      this.writers.push(writer)
      return writer
    } catch (error) {
      if (!this.failed)
        this.notes.push(`Not every log could be written to the report folder: ${(error as Error).message}.`)
      this.failed = true
      return undefined
    }
  }

  /** A new archive at `segments`, filled entry by entry. */
  archive(segments: string[]): Repacked | undefined {
    const writer = this.open(segments)
    return writer && new Repacked(writer)
  }

  closeAll(): void {
    for (const writer of this.writers) writer.close()
  }
}

/** An archive written as its entries come, each deflated as it is pushed. */
class Repacked {
  private readonly zip: Zip
  private readonly writer: FileWriter
  private current?: ZipDeflate
  written = false

  constructor(writer: FileWriter) {
    this.writer = writer
    this.zip = new Zip((error, data) => {
      if (!error) writer.write(data)
    })
  }

  entry(name: string): { push(data: Uint8Array): void } {
    this.current?.push(new Uint8Array(0), true)
    const file = new ZipDeflate(name, { level: 1 })
    this.zip.add(file)
    this.current = file
    this.written = true
    return { push: (data) => file.push(data) }
  }

  close(): void {
    this.current?.push(new Uint8Array(0), true)
    this.zip.end()
    this.writer.close()
  }
}
