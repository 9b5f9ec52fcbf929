/**
 * Test mode of `POST /v4/jobGroups` (the AAC spec's `testMode`): the very request a run would send, with the
 * top-level `testMode: true`, and what its answer means. The server validates the run without starting it and
 * answers `{datasetId, datasetName, sessionId}`; anything that names a job group means a job started after all.
 * Also what a recipe's or flow's `overrides` would write. Pure.
 */
import { ApiError } from '../api/api-error.ts'
import { isId, type RunJobGroupRequest } from '../api/job-groups.ts'
import { buildRunJobGroupRequest } from '../api/job-request.ts'
import { FLOW_RUN_FIELDS } from '../inputs/flow-inputs.ts'
import { oneLine } from '../shared/format.ts'
import type { RunParameter } from '../inputs/run-parameters.ts'

export type TestModeRequest = RunJobGroupRequest & { testMode: true }

/** The run's own request body, in test mode. */
export function buildTestModeRequest(
  recipeId: number,
  overrides: Record<string, unknown> | undefined,
  runParameters: RunParameter[]
): TestModeRequest {
  return { ...buildRunJobGroupRequest(recipeId, overrides, runParameters), testMode: true }
}

export type TestModeAnswer =
  /** The server accepted the run in test mode: nothing was started. */
  | { kind: 'accepted'; name?: string; datasetId?: number }
  /** The answer names a job group: the server started a job despite `testMode`. */
  | { kind: 'started'; jobGroupId: number }
  /** Neither: whether a job started cannot be told from the answer. */
  | { kind: 'unreadable'; why: string }

/** What a 2xx (or 304) answer to the test-mode request says. A job group id anywhere at the top wins. */
export function readTestModeAnswer(status: number, data: unknown): TestModeAnswer {
  if (status === 304) {
    return {
      kind: 'unreadable',
      why: 'the server answered 304 Not Modified (a job group with this execution id exists)'
    }
  }
  const o = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {}
  if (isId(o.id)) return { kind: 'started', jobGroupId: o.id }
  if (o.reason === 'JobStarted' || 'jobs' in o || 'jobGraph' in o) {
    return { kind: 'unreadable', why: `the server answered ${status} as if a job had started, naming no job group` }
  }
  const name = typeof o.datasetName === 'string' && o.datasetName.trim() ? o.datasetName : undefined
  if (typeof o.sessionId === 'string' && (name !== undefined || isId(o.datasetId))) {
    return { kind: 'accepted', name, datasetId: isId(o.datasetId) ? o.datasetId : undefined }
  }
  return { kind: 'unreadable', why: `the server answered ${status} with neither a test-mode result nor a job group` }
}

/** A 400 (or 422) that names `testMode`: this edition does not take the field, so nothing but existence is known. */
export function rejectsTestMode(error: unknown): boolean {
  if (!(error instanceof ApiError) || (error.status !== 400 && error.status !== 422)) return false
  const said = [error.exception?.name, error.exception?.message, error.exception?.details, error.snippet]
  return said.some((text) => typeof text === 'string' && /test[\s_-]?mode/i.test(text))
}

const MAX_WRITES = 20

/**
 * What `overrides` would write, one line per write setting and publication, e.g. `overwrite csv file
 * s3://bucket/sales.csv`; a flow's (keyed by output name) prefixed with the output. Empty when they change no
 * output (then the recipe writes to its own outputs). At most 20 lines, the last saying how many more.
 */
export function describeWrites(overrides: Record<string, unknown> | undefined, byOutput = false): string[] {
  const lines: string[] = []
  if (byOutput) {
    for (const [name, value] of Object.entries(overrides ?? {})) {
      if (FLOW_RUN_FIELDS.includes(name)) continue
      for (const line of writesOf(value)) lines.push(`${oneLine(name, 100)}: ${line}`)
    }
  } else lines.push(...writesOf(overrides))
  if (lines.length <= MAX_WRITES) return lines
  return [...lines.slice(0, MAX_WRITES - 1), `… and ${lines.length - MAX_WRITES + 1} more`]
}

function writesOf(overrides: unknown): string[] {
  if (typeof overrides !== 'object' || overrides === null) return []
  const o = overrides as Record<string, unknown>
  const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? oneLine(String(v), 300) : '')
  const items = (v: unknown): Record<string, unknown>[] =>
    Array.isArray(v) ? v.filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null) : []
  const files = [...items(o.writesettings), ...items(o.writeSettings)].map((w) =>
    [text(w.action) || 'create', text(w.format), 'file', text(w.path) || '(no path)'].filter(Boolean).join(' ')
  )
  const tables = items(o.publications).map((p) => {
    const path = Array.isArray(p.path) ? p.path.map(text).filter(Boolean) : []
    const table = [...path, text(p.tableName) || '(no table name)'].join('.')
    return [text(p.action) || 'create', text(p.targetType), 'table', table].filter(Boolean).join(' ')
  })
  return [...files, ...tables]
}
