/**
 * API client: the jobGroups calls of the Trifacta / Designer Cloud / Dataprep v4 API, typed, over the one
 * transport, with every read and cancel going through the one retry policy.
 */
import { ApiError } from './api-error.ts'
import type { Clock } from './clock.ts'
import type { Config, RunParameter } from './inputs.ts'
import { log } from './log.ts'
import { isTransient, PERSISTENT_FAILURE_MS, withRetries } from './retry-policy.ts'
import type { Transport } from './transport.ts'
import { USER_AGENT } from './version.ts'

/** Spec enum plus what is seen in practice (`Pending`, `Queued`); any other string may come back too. */
export type JobStatus = 'Created' | 'Pending' | 'Queued' | 'InProgress' | 'Complete' | 'Failed' | 'Canceled' | (string & {})

export const TERMINAL_STATUSES: readonly string[] = ['Complete', 'Failed', 'Canceled']
export const RUNNING_STATUSES: readonly string[] = ['Created', 'Pending', 'Queued', 'InProgress']

export const isTerminal = (status: string | undefined): boolean => status !== undefined && TERMINAL_STATUSES.includes(status)

export interface RunJobGroupRequest {
  wrangledDataset: { id: number }
  overrides?: Record<string, unknown>
  runParameters?: { overrides: { data: RunParameter[] } }
}

export interface RunJobGroupResponse {
  id: number
  reason?: string
  sessionId?: string
  jobGraph?: { vertices: number[]; edges: { source: number; target: number }[] }
  jobs?: { data: { id: number }[] }
}

export interface JobGroup {
  id: number
  status?: JobStatus
  createdAt?: string
  updatedAt?: string
  ranfrom?: string
  ranfor?: string
  profilingEnabled?: boolean
  wrangledDataset?: { id: number }
  creator?: { id: number }
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

export interface JobGroupOutputs {
  files: Record<string, unknown>[]
  tables: Record<string, unknown>[]
}

export interface ApiResponse<T> {
  status: number
  data: T
  requestId: string
  headers: Record<string, string>
}

/** How long a call may keep retrying, and what stops it early. */
export interface Budget {
  deadline: number
  persistMs?: number
  signal?: AbortSignal
}

export interface ClientOptions {
  apiUrl: string
  token: string
  transport: Transport
  clock: Clock
  requestTimeoutMs: number
  /** Told about every retry (persistent ones deserve a warning) and about one-off notices. */
  onRetry: (message: string, persistent: boolean) => void
  onNotice: (message: string) => void
}

export class TrifactaClient {
  private readonly options: ClientOptions
  /** Set once `/status` answered 404 for an existing job group: a legacy edition, read the job group instead. */
  private legacyStatus = false

  constructor(options: ClientOptions) {
    this.options = options
  }

  /** The client for the configured API: retries logged (a warning once they persist), notices as info. */
  static forConfig(config: Config, transport: Transport, clock: Clock): TrifactaClient {
    return new TrifactaClient({
      apiUrl: config.apiUrl,
      token: config.apiToken,
      transport,
      clock,
      requestTimeoutMs: config.requestTimeoutMs,
      onRetry: (message, persistent) => (persistent ? log.warning(message, { title: 'API retries' }) : log.debug(message)),
      onNotice: (message) => log.info(message)
    })
  }

  /** One attempt at `POST /v4/jobGroups`: whether and how to send it again is the trigger's decision. */
  runJobGroup(body: RunJobGroupRequest, executionId: string, deadline: number, signal?: AbortSignal): Promise<ApiResponse<RunJobGroupResponse | undefined>> {
    return this.send('POST', '/v4/jobGroups', {
      body,
      headers: { 'x-execution-id': executionId },
      subject: { recipeId: body.wrangledDataset.id },
      signal,
      deadline,
      allow304: true
    })
  }

  /** The job group's status; on a legacy edition without `/status`, the job group's `status` field. */
  async getStatus(jobId: number, budget: Budget): Promise<JobStatus> {
    if (!this.legacyStatus) {
      try {
        return await this.read<JobStatus>(`/v4/jobGroups/${jobId}/status`, budget, jobId)
      } catch (error) {
        if (!(error instanceof ApiError && error.status === 404)) throw error
        const group = await this.getJobGroup(jobId, budget) // a 404 here means the job group does not exist
        this.legacyStatus = true
        this.options.onNotice(
          `GET /v4/jobGroups/${jobId}/status is not available on this edition (404); reading GET /v4/jobGroups/${jobId} for the status from now on.`
        )
        return statusOf(group, jobId)
      }
    }
    return statusOf(await this.getJobGroup(jobId, budget), jobId)
  }

  getJobGroup(jobId: number, budget: Budget): Promise<JobGroup> {
    return this.read<JobGroup>(`/v4/jobGroups/${jobId}`, budget, jobId)
  }

  async getJobs(jobId: number, budget: Budget): Promise<Job[]> {
    const list = await this.read<{ data?: Job[] }>(`/v4/jobGroups/${jobId}/jobs`, budget, jobId)
    return Array.isArray(list?.data) ? list.data : []
  }

  async getOutputs(jobId: number, budget: Budget): Promise<JobGroupOutputs> {
    const out = await this.read<Partial<JobGroupOutputs>>(`/v4/jobGroups/${jobId}/outputs`, budget, jobId)
    return { files: Array.isArray(out?.files) ? out.files : [], tables: Array.isArray(out?.tables) ? out.tables : [] }
  }

  /** `POST /v4/jobGroups/{id}/cancel`, retried like a read (cancelling twice is harmless). */
  cancel(jobId: number, budget: Budget): Promise<ApiResponse<unknown>> {
    return this.retrying(`POST /v4/jobGroups/${jobId}/cancel`, budget, () =>
      this.send('POST', `/v4/jobGroups/${jobId}/cancel`, { body: {}, subject: { jobId }, signal: budget.signal, deadline: budget.deadline })
    )
  }

  /** A page of job groups from `GET /v4/jobLibrary` or the older `GET /v4/jobGroups`. */
  async listJobGroups(endpoint: '/v4/jobLibrary' | '/v4/jobGroups', query: Record<string, string>, budget: Budget): Promise<JobGroup[]> {
    const path = `${endpoint}?${new URLSearchParams(query).toString()}`
    const list = await this.read<{ data?: JobGroup[] }>(path, budget)
    return Array.isArray(list?.data) ? list.data : []
  }

  private async read<T>(path: string, budget: Budget, jobId?: number): Promise<T> {
    const response = await this.retrying(`GET ${path}`, budget, () =>
      this.send<T>('GET', path, { subject: { jobId }, signal: budget.signal, deadline: budget.deadline })
    )
    return response.data
  }

  private retrying<T>(what: string, budget: Budget, attempt: () => Promise<T>): Promise<T> {
    return withRetries(attempt, {
      what,
      clock: this.options.clock,
      deadline: budget.deadline,
      persistMs: budget.persistMs ?? PERSISTENT_FAILURE_MS,
      signal: budget.signal,
      retryable: isTransient,
      onRetry: this.options.onRetry
    })
  }

  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    options: {
      body?: unknown
      headers?: Record<string, string>
      subject?: { recipeId?: number; jobId?: number }
      signal?: AbortSignal
      /** The request is abandoned at this time (epoch ms) if its request timeout has not ended it before. */
      deadline?: number
      allow304?: boolean
    }
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.options.token}`,
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      ...options.headers
    }
    if (options.body !== undefined) headers['Content-Type'] = 'application/json'
    const response = await this.options.transport({
      method,
      url: `${this.options.apiUrl}${path}`,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      timeoutMs: requestTimeout(this.options.requestTimeoutMs, options.deadline, this.options.clock.now()),
      signal: options.signal
    })
    const requestId = response.headers['x-trifacta-request-id'] ?? ''
    const fail = (): ApiError =>
      new ApiError({ method, path: path.split('?')[0]!, status: response.status, headers: response.headers, body: response.body, subject: options.subject })
    if (response.status === 304 && options.allow304) return { status: 304, data: undefined as T, requestId, headers: response.headers }
    if (response.status < 200 || response.status >= 300) throw fail()
    if (response.body.trim() === '') return { status: response.status, data: undefined as T, requestId, headers: response.headers }
    try {
      return { status: response.status, data: JSON.parse(response.body) as T, requestId, headers: response.headers }
    } catch {
      throw fail()
    }
  }
}

/** The request timeout, shortened so that no request outlives its budget's deadline (at least 1 s). */
function requestTimeout(requestTimeoutMs: number, deadline: number | undefined, now: number): number {
  return deadline === undefined ? requestTimeoutMs : Math.min(requestTimeoutMs, Math.max(1000, deadline - now))
}

function statusOf(group: JobGroup, jobId: number): JobStatus {
  if (typeof group?.status !== 'string') throw new Error(`GET /v4/jobGroups/${jobId} answered without a status.`)
  return group.status
}
