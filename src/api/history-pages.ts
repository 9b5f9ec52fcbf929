/**
 * What pages of the job history prove. A page is not "the newest rows": servers cap pages (25 by default, near
 * 100 at most), an edition may ignore `sort`, and the older list has no date filter (REAL-API-SHAPES.md). So the
 * lookup pages on until the rows are older than the window, or the history ends, and checks on every page that
 * the rows came newest first; where it cannot, it has proven nothing. Pure.
 */
import type { JobGroup } from './job-groups.ts'

/** Pages read at most before giving up on proof. */
export const MAX_HISTORY_PAGES = 10
/** Rows asked for per page: pages top out near 100 (REAL-API-SHAPES.md "GET /v4/jobLibrary"). */
export const HISTORY_PAGE_ROWS = 100
/**
 * The default page (S1, S4): a server may cap every page there whatever `limit` asks, so a page this long may not
 * be the last.
 */
export const DEFAULT_PAGE_ROWS = 25

export type PageVerdict =
  /** Every row created since the window's start has been seen. */
  | { kind: 'complete' }
  /** The next page may hold rows of the window. */
  | { kind: 'more' }
  /** Nothing is proven: why. */
  | { kind: 'unproven'; why: string }

export interface PageRead {
  /** The page's rows, in the order received. */
  rows: readonly JobGroup[]
  /** createdAt (epoch ms) of the last row of the page before, if any. */
  previousLast?: number
}

/**
 * Whether the rows read so far, with this page, hold every row created at or after `since` (epoch ms): an empty
 * page ends the history, a row older than `since` ends the window. A `count` the server gives is not believed.
 */
export function pageVerdict(page: PageRead, since: number): PageVerdict {
  const times = page.rows.map(createdMs)
  const first = times.findIndex((t) => !Number.isFinite(t))
  if (first >= 0) return { kind: 'unproven', why: `job group ${page.rows[first]!.id} has no readable createdAt` }
  const sequence = page.previousLast === undefined ? times : [page.previousLast, ...times]
  if (sequence.some((t, i) => i > 0 && t > sequence[i - 1]!)) {
    return { kind: 'unproven', why: 'the server did not list the job groups newest first, as asked' }
  }
  if (page.rows.length === 0) return { kind: 'complete' }
  if (times.at(-1)! < since) return { kind: 'complete' }
  return { kind: 'more' }
}

/** Epoch ms of a row's createdAt; NaN when it has none. */
export function createdMs(group: JobGroup): number {
  return typeof group.createdAt === 'string' ? Date.parse(group.createdAt) : NaN
}
