// What a job group logged and published: GET /v4/jobGroups/{id}/logs and GET /v4/jobGroups/{id}/publications.
// Sources (../shared/reference/):
// - REAL-API-SHAPES.md "Job logs": S2 (Saagie's connector for self-managed Trifacta 6.4–7.1) downloads
//   GET /v4/jobGroups/{id}/logs as binary, a ZIP holding one folder per stage (job) id, each with a `job.log`. No
//   spec has the call: editions without it answer 404 or 403 ("this edition gives no logs").
// - PROFILE-AND-RESULTS.md "Publications of a job group": `{data: [publication…], count?}`, a publication being
//   `{id, path, tableName, targetType, action, outputobject, connection, createdAt, updatedAt, parameters}` (S1);
//   S4 saw the call answer 200 on a real tenant.
// The archive is made at request time with fflate, the ZIP library the action reads it with.
import { randomBytes } from 'node:crypto'
import { strToU8, Zip, ZipDeflate, ZipPassThrough, type ZipInputFile } from 'fflate'
import { prop, stageAt, statusAt, type JobGroup, type Stage } from './jobs.ts'
import { json, notFound, exception, type Reply } from './replies.ts'

/** How an edition answers GET /v4/jobGroups/{id}/logs: a ZIP (self-managed Trifacta, S2), or 404 / 403. */
export type LogsCall = 'zip' | 403 | 404

/** One more entry of a job group's log archive, for tests of hostile archives. */
export interface LogEntrySpec {
  /** Used as given, also when it tries to leave the folder (`../x`, `/etc/x`, `a\..\b`). */
  name: string
  text?: string
  /** This many zero bytes, deflated as they are generated: a ZIP bomb (a few kB in the archive). */
  zeroBytes?: number
  /** This many random bytes, stored: makes the archive itself that large. */
  randomBytes?: number
  /** The entry this many times, as `<name>-<n>` (before its extension: `x-1.log`); default 1. */
  repeat?: number
}

/** A job group's log archive beyond the stages' own `job.log` files. */
export interface LogArchiveSpec {
  /** Entries added after the stages' folders. */
  entries?: LogEntrySpec[]
  /** Entries added before them (e.g. a large one, so that the stages' logs lie beyond a size bound). */
  leading?: LogEntrySpec[]
  /** Every stage's job.log gets this many more INFO lines before its last ones (a long log). */
  extraLines?: number
}

const ITEM = /^\/v4\/jobGroups\/([^/]+)\/(logs|publications)$/
const GENERATED_CHUNK = 1 << 20

export interface ResultsContext {
  readonly now: number
  readonly jobLogs: LogsCall
  /** The job group with this id, if it exists and is visible to the request; undefined otherwise. */
  find(id: number): JobGroup | undefined
}

/** GET /v4/jobGroups/{id}/logs and /publications; undefined for any other request. */
export function resultsRoute(ctx: ResultsContext, method: string, path: string): Reply | undefined {
  const match = ITEM.exec(path)
  if (method !== 'GET' || !match) return undefined
  const [, rawId, call] = match
  if (call === 'logs' && ctx.jobLogs !== 'zip') return refusal(ctx.jobLogs, path)
  const id = /^\d+$/.test(rawId ?? '') ? Number(rawId) : undefined
  const group = id === undefined ? undefined : ctx.find(id)
  if (group === undefined) return notFound(`jobGroup with id ${rawId} does not exist`)
  if (call === 'publications') return json(200, publicationsBody(group, ctx.now))
  return { status: 200, raw: logArchive(group, ctx.now), contentType: 'application/zip' }
}

// inferred: no source quotes the refusal's body; the usual exception body, with S4's route name for a 404.
function refusal(status: 403 | 404, path: string): Reply {
  return status === 404
    ? exception(404, 'RouteNotFoundException', 'Not Found', `No route for GET ${path}`)
    : exception(403, 'AccessControlException', 'Forbidden', 'Job logs are not available on this edition')
}

/** `{data, count}`: the scenario's publications, else those the request's overrides asked for, once Complete. */
export function publicationsBody(group: JobGroup, t: number): { data: object[]; count: number } {
  // inferred: a job group publishes after it wrote its outputs, so only a Complete one has publications.
  if (statusAt(group, t) !== 'Complete') return { data: [], count: 0 }
  const asked = prop(group.overrides, 'publications')
  const specs = group.scenario.publications ?? (Array.isArray(asked) ? (asked as unknown[]) : [])
  const at = new Date(group.finishAt).toISOString()
  const data = specs.map((spec, i) => ({
    id: group.id * 100 + i + 1,
    path: prop(spec, 'path') ?? [],
    tableName: prop(spec, 'tableName') ?? `table_${i + 1}`,
    targetType: prop(spec, 'targetType') ?? 'postgres',
    action: prop(spec, 'action') ?? 'create',
    outputobject: { id: group.id * 10 },
    connection: { id: 1 },
    createdAt: at,
    updatedAt: at,
    parameters: {},
    ...(typeof spec === 'object' && spec !== null ? spec : {})
  }))
  return { data, count: data.length }
}

/** The ZIP: `<stage id>/job.log` for each stage that has started, with the scenario's further entries. */
export function logArchive(group: JobGroup, t: number): Uint8Array {
  const spec = group.scenario.logArchive ?? {}
  const parts: Uint8Array[] = []
  const zip = new Zip((error, data) => {
    if (error) throw error
    parts.push(data)
  })
  for (const entry of spec.leading ?? []) addEntry(zip, entry)
  group.stages.forEach((stage, i) => {
    const state = stageAt(group, stage, t)
    if (state.status === 'Created') return
    const lines = group.scenario.stages[i]?.log ?? defaultLog(group, stage, state.status, spec.extraLines ?? 0)
    addFile(zip, new ZipDeflate(`${stage.id}/job.log`, { level: 6 }), strToU8(`${lines.join('\n')}\n`))
  })
  for (const entry of spec.entries ?? []) addEntry(zip, entry)
  zip.end()
  return Buffer.concat(parts)
}

function addEntry(zip: Zip, entry: LogEntrySpec): void {
  const count = Math.max(1, entry.repeat ?? 1)
  for (let n = 0; n < count; n++) {
    const name = count > 1 ? entry.name.replace(/(\.[^./]*)?$/, `-${n + 1}$1`) : entry.name
    if (entry.randomBytes !== undefined) {
      addFile(zip, new ZipPassThrough(name), randomBytes(entry.randomBytes))
    } else if (entry.zeroBytes !== undefined) {
      const file = new ZipDeflate(name, { level: 9 })
      zip.add(file)
      const chunk = new Uint8Array(Math.min(GENERATED_CHUNK, entry.zeroBytes))
      for (let left = entry.zeroBytes; left > 0; left -= chunk.length) {
        file.push(left > chunk.length ? chunk : chunk.subarray(0, left), left <= chunk.length)
      }
      if (entry.zeroBytes === 0) file.push(new Uint8Array(0), true)
    } else {
      addFile(zip, new ZipDeflate(name, { level: 6 }), strToU8(entry.text ?? ''))
    }
  }
}

function addFile(zip: Zip, file: ZipInputFile & { push(data: Uint8Array, final?: boolean): void }, data: Uint8Array) {
  zip.add(file)
  file.push(data, true)
}

// inferred: no source shows what a job.log holds; these lines follow the log4j layout of Trifacta's Java services.
function defaultLog(group: JobGroup, stage: Stage, status: string, extraLines: number): string[] {
  const at = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('Z', '')
  const source = 'com.trifacta.executor.JobRunner'
  const lines = [
    `${at(stage.startAt)} INFO  [main] ${source} - Starting ${stage.jobType} job ${stage.id} of job group ${group.id}`,
    `${at(stage.startAt)} INFO  [main] ${source} - Recipe ${group.recipeId}, engine ${engineOf(group)}`
  ]
  for (let i = 1; i <= extraLines; i++) lines.push(`${at(stage.startAt)} INFO  [worker-1] ${source} - Row batch ${i}`)
  if (status === 'Failed') {
    lines.push(
      `${at(stage.endAt)} ERROR [main] ${source} - Job ${stage.id} failed: ${stage.errorMessage ?? 'unknown error'}`,
      'java.lang.RuntimeException: Photon job exited with code 1',
      '\tat com.trifacta.photon.PhotonRunner.run(PhotonRunner.java:212)',
      '\tat com.trifacta.executor.JobRunner.execute(JobRunner.java:88)',
      'Caused by: java.io.IOException: Could not write to the output location',
      `${at(stage.endAt)} INFO  [main] ${source} - Job ${stage.id} ended Failed`
    )
  } else if (status === 'Complete') {
    lines.push(`${at(stage.endAt)} INFO  [main] ${source} - Job ${stage.id} ended Complete`)
  } else if (status === 'Canceled') {
    lines.push(`${at(stage.endAt)} WARN  [main] ${source} - Job ${stage.id} was canceled`)
  }
  return lines
}

function engineOf(group: JobGroup): string {
  const execution = prop(group.overrides, 'execution')
  return typeof execution === 'string' ? execution : 'photon'
}
