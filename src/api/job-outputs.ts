/**
 * What a job group wrote, read from `GET /v4/jobGroups/{id}/outputs` (the AAC spec's
 * LJobFilesAndTablesOutputListResponse): files `{uri, fileType, isPrimaryOutput}` and tables `{vendor,
 * databaseConnectString, relationalPath, table, action, query}`. Only readable entries are kept: a file by its uri
 * (a DIRECTORY marked as one), a table by the name its path and table make (`analytics.public.sales`), with its
 * vendor and action. A connection string, a query and any field not named here are never read, so they cannot
 * reach an output, the summary, the log or the state; credentials inside the kept text are removed. Pure.
 */
import { withoutCredentials } from '../shared/credentials.ts'
import { field, listOf } from './lists.ts'

/** A file (or folder of files) a job group wrote. */
export interface WrittenFile {
  /** Where it is, e.g. `s3://bucket/out/sales.csv`, without any credentials a uri can carry. */
  uri: string
  /** `directory`: the uri names a folder (fileType DIRECTORY), e.g. one file per partition. */
  kind: 'file' | 'directory'
  /** The output's primary file (isPrimaryOutput), where the server says. */
  primary?: boolean
}

/** A table a job group wrote. */
export interface WrittenTable {
  /** Its path and table joined by dots: `analytics.public.sales`. */
  name: string
  /** The database's kind as the server names it, e.g. `postgres`, `bigquery`. */
  vendor?: string
  /** What was done to the table, e.g. `create`, `append`. */
  action?: string
}

/** What a job group (or every job group of a run) wrote. */
export interface Written {
  files: WrittenFile[]
  tables: WrittenTable[]
}

/** Longest uri or table name kept; longer server text is cut. */
const MAX_NAME = 1000
const MAX_WORD = 100

/** The readable entries of an outputs answer; lists enveloped or bare, entries without a name left out. */
export function parseOutputs(answer: unknown): Written {
  return {
    files: listOf(field(answer, 'files')).flatMap((item) => {
      const file = fileOf(item)
      return file ? [file] : []
    }),
    tables: listOf(field(answer, 'tables')).flatMap((item) => {
      const table = tableOf(item)
      return table ? [table] : []
    })
  }
}

/** What several job groups wrote, together; undefined when none says. */
export function mergeWritten(all: readonly (Written | undefined)[]): Written | undefined {
  const some = all.filter((w) => w !== undefined)
  if (some.length === 0) return undefined
  return { files: some.flatMap((w) => w.files), tables: some.flatMap((w) => w.tables) }
}

function fileOf(item: unknown): WrittenFile | undefined {
  const uri = text(field(item, 'uri'), MAX_NAME)
  if (uri === undefined) return undefined
  const file: WrittenFile = { uri, kind: field(item, 'fileType') === 'DIRECTORY' ? 'directory' : 'file' }
  const primary = field(item, 'isPrimaryOutput')
  if (typeof primary === 'boolean') file.primary = primary
  return file
}

function tableOf(item: unknown): WrittenTable | undefined {
  const path = field(item, 'relationalPath')
  const parts = [...(typeof path === 'string' ? [path] : listOf(path)), field(item, 'table')]
  const words = parts.flatMap((part) => {
    const word = text(part, MAX_NAME)
    return word === undefined ? [] : [word]
  })
  const table = text(field(item, 'table'), MAX_NAME)
  if (table === undefined) return undefined
  const entry: WrittenTable = { name: cut(words.join('.'), MAX_NAME) }
  const vendor = text(field(item, 'vendor'), MAX_WORD)
  const action = text(field(item, 'action'), MAX_WORD)
  if (vendor !== undefined) entry.vendor = vendor
  if (action !== undefined) entry.action = action
  return entry
}

/** A non-empty string without credentials, on one line, at most `max` characters; else undefined. */
function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined
  const clean = withoutCredentials(value).replace(/\s+/g, ' ').trim()
  return clean === '' ? undefined : cut(clean, max)
}

function cut(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value
}
