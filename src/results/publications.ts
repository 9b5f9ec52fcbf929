/**
 * What a job group published: `GET /v4/jobGroups/{id}/publications`, `{data: [publication…], count?}` (a bare
 * list is accepted too). A publication is an export of the results to a table; the report shows its target type,
 * its table (path and name) and its action, nothing else (no connection, no parameters).
 */
import type { ApiClient, Budget } from '../api/api-client.ts'
import { ApiError } from '../api/api-error.ts'

export interface Publication {
  /** The target type, e.g. `bigquery`, `postgres`. */
  target: string
  /** `analytics.public.sales`: the path and the table name. */
  table: string
  /** `create`, `load`, `createAndLoad`, `truncateAndLoad`, `dropAndLoad`, `upsert`, or what the server says. */
  action: string
}

export interface Publications {
  /** `not-available`: the edition has no such call (404). */
  state: 'read' | 'not-available' | 'failed'
  items: Publication[]
  /** Publications beyond `MAX_PUBLICATIONS`, not kept. */
  more: number
  detail?: string
}

export const MAX_PUBLICATIONS = 100
const MAX_FIELD = 200

/** Reads one job group's publications; never throws. */
export async function readPublications(client: ApiClient, jobGroupId: number, budget: Budget): Promise<Publications> {
  try {
    const body = await client.read<unknown>(`/v4/jobGroups/${jobGroupId}/publications`, budget, { jobId: jobGroupId })
    return { state: 'read', ...parsePublications(body) }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      return { state: 'not-available', items: [], more: 0, detail: 'HTTP 404' }
    }
    return { state: 'failed', items: [], more: 0, detail: (error as Error).message }
  }
}

/** The readable publications of an answer. Pure. */
export function parsePublications(body: unknown): { items: Publication[]; more: number } {
  const data = Array.isArray(body) ? body : (body as { data?: unknown } | null)?.data
  const list = Array.isArray(data) ? data.filter((p): p is Record<string, unknown> => isRecord(p)) : []
  const items = list.slice(0, MAX_PUBLICATIONS).map((p) => ({
    target: text(p.targetType) || 'unknown target',
    table: tableOf(p),
    action: text(p.action) || 'unknown action'
  }))
  return { items, more: Math.max(0, list.length - MAX_PUBLICATIONS) }
}

function tableOf(p: Record<string, unknown>): string {
  const path = Array.isArray(p.path) ? p.path.filter((s) => typeof s === 'string') : []
  const name = text(p.tableName)
  return [...path, name].filter(Boolean).join('.').slice(0, MAX_FIELD) || 'unnamed table'
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_FIELD) : ''
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
