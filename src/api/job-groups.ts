/**
 * Job groups: the `/v4/jobGroups` calls and their types. A job group is what every kind of run ends up as, so
 * the recipe, attach, flow and plan runs all read, cancel and report job groups through this one module.
 */
import type { ApiClient, ApiResponse, Budget } from './api-client.ts'
import { ApiError } from './api-error.ts'
import { oneLine } from '../shared/format.ts'
import { isUnreadableAnswer, TransientError } from './retry-policy.ts'
import { parseOutputs, type Written } from './job-outputs.ts'
import { idOf, listOf } from './lists.ts'

/** Spec enum plus what is seen in practice (`Pending`, `Queued`); any other string may come back too. */
export type JobStatus =
  'Created' | 'Pending' | 'Queued' | 'InProgress' | 'Complete' | 'Failed' | 'Canceled' | (string & {})

export const TERMINAL_STATUSES: readonly string[] = ['Complete', 'Failed', 'Canceled']
export const RUNNING_STATUSES: readonly string[] = ['Created', 'Pending', 'Queued', 'InProgress']

/** An id from the server that may go into a URL, an output or a cancel: a safe positive integer. */
export const isId = (value: unknown): value is number => idOf(value) !== undefined

export const isTerminal = (status: string | undefined): boolean =>
  status !== undefined && TERMINAL_STATUSES.includes(status)

export interface RunJobGroupRequest {
  wrangledDataset: { id: number }
  overrides?: Record<string, unknown>
  runParameters?: { overrides: { data: { key: string; value: string }[] } }
  /** A top-level field of the request (the AAC spec), not an override. */
  ignoreRecipeErrors?: boolean
}

export interface JobGroup {
  id: number
  status?: JobStatus
  createdAt?: string
  updatedAt?: string
  /** `name` when the recipe is embedded (`embed=wrangledDataset`). */
  wrangledDataset?: { id: number; name?: string }
}

/** A stage ("job" in the API). */
export interface Job {
  id: number
  status: JobStatus
  jobType: string
  percentComplete?: number
  errorMessage?: unknown
  executionLanguage?: string
  createdAt?: string
  updatedAt?: string
}

export type CancelOutcome =
  /** `partial`: what could not be cancelled (some job groups of a flow or plan), for the report. */
  | { kind: 'cancelled'; requestId: string; partial?: string }
  /** This edition has no `/cancel` (legacy Dataprep Standard): the job keeps running. */
  | { kind: 'unsupported'; requestId: string }
  | { kind: 'failed'; error: Error }

export class JobGroupsApi {
  /** Set once `/status` answered 404 for an existing job group: a legacy edition, read the job group instead. */
  private legacyStatus = false

  /** Also what the flow and plan calls go through. */
  readonly client: ApiClient
  private readonly onNotice: (message: string) => void
  constructor(client: ApiClient, onNotice: (message: string) => void) {
    this.client = client
    this.onNotice = onNotice
  }

  /** One attempt at `POST /v4/jobGroups`: whether and how to send it again is the start's decision. */
  run(
    body: RunJobGroupRequest,
    executionId: string,
    deadline: number,
    signal?: AbortSignal
  ): Promise<ApiResponse<unknown>> {
    const headers = { 'x-execution-id': executionId }
    const subject = { recipeId: body.wrangledDataset.id }
    return this.client.send('POST', '/v4/jobGroups', { body, headers, subject, signal, deadline, allow304: true })
  }

  /**
   * The job group's status, retried as the budget allows. An answer that cannot be read is retried, after one
   * look at the job group's own `status` field; a 404 is retried too while the job group is new (`newUntil`, epoch
   * ms), since a read replica may not know it yet. On a legacy edition without `/status`, the `status` field.
   */
  status(jobId: number, budget: Budget, newUntil = 0): Promise<JobStatus> {
    return this.client.retrying(`GET /v4/jobGroups/${jobId}/status`, budget, () =>
      this.statusOnce(jobId, budget, newUntil)
    )
  }

  private async statusOnce(jobId: number, budget: Budget, newUntil: number): Promise<JobStatus> {
    const once = { subject: { jobId }, signal: budget.signal, deadline: budget.deadline }
    const fromRecord = async (): Promise<JobStatus> =>
      statusOf((await this.client.send<JobGroup>('GET', `/v4/jobGroups/${jobId}`, once)).data, jobId)
    if (this.legacyStatus) return fromRecord()
    try {
      const { data } = await this.client.send<unknown>('GET', `/v4/jobGroups/${jobId}/status`, once)
      return isStatus(data) ? data : await fromRecord()
    } catch (error) {
      // A 2xx whose body cannot be parsed (plain text, HTML): the status field of the record instead.
      if (error instanceof ApiError && isUnreadableAnswer(error)) return fromRecord()
      if (!(error instanceof ApiError && error.status === 404)) throw error
      // The record exists where /status does not: a legacy edition. Neither found, right after creation: a lagging
      // read.
      const status = await fromRecord().catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404 && this.client.clock.now() < newUntil) {
          throw new TransientError(`job group ${jobId} is not found yet (404 right after it was created)`)
        }
        throw e
      })
      this.legacyStatus = true
      this.onNotice(
        `GET /v4/jobGroups/${jobId}/status is not available on this edition (404); ` +
          `reading GET /v4/jobGroups/${jobId} for the status from now on.`
      )
      return status
    }
  }

  get(jobId: number, budget: Budget): Promise<JobGroup> {
    return this.client.read<JobGroup>(`/v4/jobGroups/${jobId}`, budget, { jobId })
  }

  async stages(jobId: number, budget: Budget): Promise<Job[]> {
    const list = await this.client.read<unknown>(`/v4/jobGroups/${jobId}/jobs`, budget, { jobId })
    return listOf(list).filter((stage): stage is Job => typeof stage === 'object' && stage !== null)
  }

  /** What the job group wrote: readable entries only (job-outputs.ts), never a connection string. */
  async outputs(jobId: number, budget: Budget): Promise<Written> {
    return parseOutputs(await this.client.read<unknown>(`/v4/jobGroups/${jobId}/outputs`, budget, { jobId }))
  }

  /** `POST /v4/jobGroups/{id}/cancel`. */
  cancel(jobId: number, budget: Budget): Promise<CancelOutcome> {
    return cancelOutcome(() => this.client.postRetrying(`/v4/jobGroups/${jobId}/cancel`, {}, budget, { jobId }))
  }

  /**
   * A page of job groups from `GET /v4/jobLibrary` or the older `GET /v4/jobGroups`, and the server's clock when
   * it answered (its `Date` header, epoch ms), to compare creation times with this machine's clock.
   */
  async list(
    endpoint: '/v4/jobLibrary' | '/v4/jobGroups',
    query: Record<string, string>,
    budget: Budget
  ): Promise<{ groups: JobGroup[]; rows: number; serverNow?: number }> {
    const path = `${endpoint}?${new URLSearchParams(query).toString()}`
    const response = await this.client.readResponse<unknown>(path, budget)
    const serverNow = Date.parse(response.headers.date ?? '')
    const rows = listOf(response.data)
    const groups = rows.filter((g): g is JobGroup => isId((g as JobGroup | null)?.id))
    return { groups, rows: rows.length, serverNow: Number.isFinite(serverNow) ? serverNow : undefined }
  }
}

/**
 * A cancel call's outcome; a 404 means this edition cannot cancel through the API (it is not retried). `partial`
 * reads from the answer what could not be cancelled.
 */
export async function cancelOutcome<T>(
  call: () => Promise<ApiResponse<T>>,
  partial?: (answer: T) => string | undefined
): Promise<CancelOutcome> {
  try {
    const response = await call()
    const outcome: CancelOutcome = { kind: 'cancelled', requestId: response.requestId }
    const missed = partial?.(response.data)
    return missed ? { ...outcome, partial: missed } : outcome
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { kind: 'unsupported', requestId: error.requestId }
    return { kind: 'failed', error: error as Error }
  }
}

/** Any non-empty string is a status (an unknown one is waited on, with a warning); anything else cannot be read. */
export const isStatus = (value: unknown): value is JobStatus => typeof value === 'string' && value.trim() !== ''

function statusOf(group: JobGroup | undefined, jobId: number): JobStatus {
  if (isStatus(group?.status)) return group.status
  const seen = oneLine(JSON.stringify(group?.status) ?? 'nothing', 80)
  throw new TransientError(
    `neither GET /v4/jobGroups/${jobId}/status nor GET /v4/jobGroups/${jobId} gave a status (got ${seen})`
  )
}
