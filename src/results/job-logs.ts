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
import { readZip, type EntrySink } from './zip-reader.ts'

/** The logs call may answer this much (the other calls: 8 MiB); a larger archive is read up to here. */
export const MAX_LOG_ARCHIVE_BYTES = 16 * 1024 * 1024
export const MAX_LOG_ENTRIES = 500
export const MAX_LOG_UNPACKED_BYTES = 64 * 1024 * 1024

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
  if (truncated) {
    logs.notes.push(
      `The logs archive is larger than ${MAX_LOG_ARCHIVE_BYTES / 1024 / 1024} MiB: only that much of it was read.`
    )
  }
  const folder = `job-group-${request.jobGroupId}`
  const files = new Files(request.dir, logs.notes)
  const repacked = files.archive(['logs', `${folder}.zip`])
  const tails = new Map<string, LogTail>(request.stageIds.map((id) => [String(id), new LogTail(request.tailLines)]))
  const open = (path: string[]): EntrySink => {
    const stageId = path.length >= 2 && path.at(-1) === 'job.log' ? path.at(-2)! : undefined
    const tail = stageId === undefined ? undefined : tails.get(stageId)
    const name = path.join('/')
    const file = files.open(['logs', folder, ...path])
    const packed = repacked?.entry(name)
    if (tail && stageId)
      logs.stages.push({
        stageId: Number(stageId),
        lineCount: 0,
        tail: [],
        telling: [],
        file: file && `logs/${folder}/${name}`
      })
    const splitter = new LineSplitter(request.clean, (line) => {
      tail?.add(line)
      file?.write(`${line}\n`)
      packed?.push(Buffer.from(`${line}\n`, 'utf8'))
    })
    return { data: (chunk) => splitter.write(chunk), end: () => splitter.end() }
  }
  const reading = readZip(bytes, { maxEntries: MAX_LOG_ENTRIES, maxUnpackedBytes: MAX_LOG_UNPACKED_BYTES }, open)
  repacked?.close()
  files.closeAll()
  for (const stage of logs.stages) Object.assign(stage, fromTail(tails.get(String(stage.stageId))!))
  // A cut archive ends in the middle of an entry: that was said above.
  if (reading.stopped && !(truncated && reading.cutShort)) logs.notes.push(`Reading stopped: ${reading.stopped}.`)
  for (const skipped of reading.skipped.slice(0, 5)) {
    logs.notes.push(`Entry ${JSON.stringify(request.clean(skipped.name))} was not unpacked: ${skipped.reason}.`)
  }
  if (reading.skipped.length > 5) logs.notes.push(`${reading.skipped.length - 5} more entries were not unpacked.`)
  if (repacked?.written) logs.archive = `logs/${folder}.zip`
  return logs
}

function fromTail(tail: LogTail): Pick<StageLog, 'lineCount' | 'tail' | 'telling'> {
  return { lineCount: tail.count, tail: tail.lines, telling: tail.telling }
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

  open(segments: string[]): FileWriter | undefined {
    if (!this.dir || this.failed) return undefined
    try {
      const writer = this.dir.open(segments)
      this.writers.push(writer)
      return writer
    } catch (error) {
      this.failed = true
      this.notes.push(`The logs could not be written to the report folder: ${(error as Error).message}.`)
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
    const file = new ZipDeflate(name, { level: 6 })
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
